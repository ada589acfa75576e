/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule language of rules/NAME.rules: text in, a list of statements out,
 * or one error with its file:line:column.  Pure C (no netlink, no output),
 * so the unit tests and the fuzzer link it with addr.c alone.  The syntax
 * is described in rules/README.md.
 */
#ifndef GWCTL_RULEFILE_H
#define GWCTL_RULEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gwctl.h"

/* Longest line, deepest include nesting, biggest file, most defines. */
#define GW_RF_LINE_MAX		4096
#define GW_RF_INCLUDE_DEPTH	16
#define GW_RF_FILE_MAX		(16u << 20)
#define GW_RF_DEFINES_MAX	256
#define GW_RF_DEFINE_ELEMS_MAX	64
/* The kernel holds at most this many rules and zones (kmod/rules.c, pernet.h). */
#define GW_RF_RULES_MAX		4096
#define GW_RF_ZONES_MAX		64
#define GW_RF_VALUE_MAX		32
/* The most block and never-block entries a load may stage (kmod/blocklist.h). */
#define GW_RF_BLOCK_MAX		(1u << 20)

enum gw_stmt_kind {
	GW_STMT_IFACE,		/* iface DEV wan|lan */
	GW_STMT_RULE,		/* allow PROTO [options] */
	GW_STMT_SET,		/* set NAME VALUE */
	GW_STMT_BLOCK,		/* block PREFIX, never-block PREFIX */
};

struct gw_rf_rule {
	uint8_t proto;
	bool has_src;
	bool has_dst;
	struct gw_prefix src;
	struct gw_prefix dst;
	struct gw_ports ports;		/* count 0: any port */
	char ifname[GW_IFNAMSIZ];	/* "" : any input interface */
	char comment[GW_COMMENT_MAX];
	uint32_t rate;			/* icmp echo requests a second, 0: none */
	uint32_t max_src_conn;		/* 0: the max_src_conn tunable */
	uint32_t src_rate_conn;		/* max-src-conn-rate N/S; 0: the tunable */
	uint32_t src_rate_seconds;
	uint8_t synproxy;		/* enum gw_synproxy_mode */
	bool log;			/* NFLOG the connections it admits */
};

struct gw_stmt {
	enum gw_stmt_kind kind;
	const char *file;		/* owned by the gw_policy_text */
	unsigned int line;
	unsigned int col;
	union {
		struct {
			char ifname[GW_IFNAMSIZ];
			uint8_t zone;	/* enum gw_zone */
		} iface;
		struct gw_rf_rule rule;
		struct {
			/* passed through: the kernel knows which exist */
			char name[GW_NAME_MAX];
			char value[GW_RF_VALUE_MAX];
		} set;
		struct {
			uint8_t kind;	/* enum gw_block_kind */
			struct gw_prefix prefix;
		} block;
	};
};

struct gw_policy_text {
	struct gw_stmt *stmts;
	size_t count;
	size_t cap;
	char **files;			/* every file name a statement points to */
	size_t nfiles;
};

struct gw_rf_error {
	char file[256];
	unsigned int line;
	unsigned int col;	/* with words: the word's number, 1 first */
	bool words;		/* from gw_rule_parse_words(): no file or line */
	char msg[GW_ERR_MAX];
};

struct gw_rf_opts {
	/* Refuse every include (the fuzzer must not open files). */
	bool no_include;
};

/*
 * Parse path ("-": standard input, whose includes are relative to the
 * current directory), following includes.  0, or -1 with err filled in;
 * out is always left freeable with gw_policy_text_free().
 */
int gw_rulefile_load(const char *path, const struct gw_rf_opts *opts,
		     struct gw_policy_text *out, struct gw_rf_error *err);
/* The same for text already in memory, named name in messages. */
int gw_rulefile_parse(const char *name, const char *text, size_t len,
		      const struct gw_rf_opts *opts,
		      struct gw_policy_text *out, struct gw_rf_error *err);
void gw_policy_text_free(struct gw_policy_text *policy);

/*
 * One allow rule, "allow PROTO [OPTION VALUE]...", parsed as every allow
 * line of a file is, with the same messages: from words (gwctl rule add's
 * arguments, "allow" first; each is one word whatever it holds, an error
 * gives the word's number) or from one line of the rule language (an
 * error gives name:1:column).  No define exists there.  0, or -1 with err
 * filled in.
 */
int gw_rule_parse_words(int argc, char *const *argv, struct gw_rf_rule *rule,
			struct gw_rf_error *err);
int gw_rule_parse_line(const char *name, const char *line, struct gw_rf_rule *rule,
		       struct gw_rf_error *err);

/*
 * The rule in the rule language, "allow tcp to 192.0.2.1 port 80 comment
 * \"web\"": the one way gwctl writes a rule (rule list, save), which
 * gw_rule_parse_line() reads back as the same rule.  Options in a fixed
 * order; a host prefix without its /32 or /128; the comment with \" and
 * \\ (a control byte, which no parser lets in, becomes '?').  Returns the
 * length of the whole text, as snprintf() does; GW_RULE_TEXT_MAX is room
 * for any rule.
 */
#define GW_RULE_TEXT_MAX	(384 + 2 * GW_COMMENT_MAX)
int gw_rule_format(const struct gw_rf_rule *rule, char *buf, size_t len);

/* A running rule's counters (GW_RULE_A_HITS, _PACKETS, _BYTES). */
struct gw_rule_counters {
	uint64_t hits;		/* connections admitted */
	uint64_t packets;	/* passed on them, both directions */
	uint64_t bytes;		/* their IP lengths */
};

/*
 * What rule list writes after a rule's text, a comment to the rule
 * language: "  # handle 3, 12 hits, 340 packets, 51234 bytes" (1 hit, 1
 * packet, 1 byte).  Returns what snprintf() does; GW_RULE_COUNTERS_TEXT_MAX
 * is room for any.
 */
#define GW_RULE_COUNTERS_TEXT_MAX	112
int gw_rule_counters_format(uint32_t handle, const struct gw_rule_counters *c, char *buf,
			    size_t len);

/* "FILE:LINE:COL: MSG", or "word N: MSG" */
void gw_rf_error_format(const struct gw_rf_error *err, char *buf, size_t len);

/*
 * The words of one line, cut as in rule files and gwctl -b batch files:
 * blanks (space, tab, CR) separate them; a "string" in double quotes is one
 * token, with \" and \\ inside (any other \ is kept as it is); a # outside
 * a string ends the line, even inside a word.  With GW_TOK_PUNCT (rule
 * files), '{', '}' and '=' are tokens of their own and end a word; without
 * (batch lines) they are ordinary letters.
 */
enum gw_tok_type {
	GW_TOK_WORD, GW_TOK_STRING, GW_TOK_LBRACE, GW_TOK_RBRACE, GW_TOK_EQUALS,
};

struct gw_token {
	enum gw_tok_type type;
	unsigned int col;	/* of its first byte, 1 first */
	char *text;		/* words and strings: NUL-terminated, in scratch */
};

#define GW_TOKENS_MAX	128
#define GW_TOK_PUNCT	0x1u

/*
 * Cut s (len bytes, no newline) into at most GW_TOKENS_MAX toks; their
 * texts are copied into scratch, which holds len + 1 bytes at least.
 * Returns the count, or -1 with the column and the message (no final
 * period) in *errcol and *errmsg.
 */
int gw_tokenize(const char *s, size_t len, unsigned int flags, char *scratch,
		struct gw_token *toks, unsigned int *errcol, const char **errmsg);

/* The rule-language spelling of the zone, or NULL. */
const char *gw_zone_name(unsigned int zone);
/* The zone spelt @word ("wan", "lan"), or -1. */
int gw_zone_find(const char *word);
/* 0 and the protocol number for "tcp", "udp", "icmp", "icmpv6"; else -1. */
int gw_proto_lookup(const char *name, uint8_t *proto);

#endif /* GWCTL_RULEFILE_H */
