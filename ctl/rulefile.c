// SPDX-License-Identifier: GPL-2.0
/*
 * The rule-language parser.  A file is read whole, checked for binary
 * bytes and overlong lines, then cut into lines and each line into tokens:
 * words, "strings", '{', '}' and '='.  Each statement keyword has one
 * handler; each allow-rule option is one row of a table, so options added
 * later (connection limits) slot in.  Every error carries the position of
 * the token it is about.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rulefile.h"

struct define {
	char name[GW_NAME_MAX];
	const char *file;
	unsigned int line;
	unsigned int count;
	struct gw_prefix elems[GW_RF_DEFINE_ELEMS_MAX];
};

struct file_id {
	dev_t dev;
	ino_t ino;
};

struct parser {
	const struct gw_rf_opts *opts;
	struct gw_policy_text *out;
	struct gw_rf_error *err;
	struct define *defines;
	unsigned int ndefines;
	unsigned int nrules;
	unsigned int nzones;
	unsigned int nblock;
	/* the files being read, outermost first, for loop detection */
	struct file_id stack[GW_RF_INCLUDE_DEPTH + 1];
	unsigned int depth;
	/* where we are */
	const char *file;
	unsigned int line;
	/* gwctl rule add: a column is a word's number, 1 first */
	bool words;
};

static int perr(struct parser *p, unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct parser *p, unsigned int col, const char *fmt, ...)
{
	va_list ap;

	snprintf(p->err->file, sizeof(p->err->file), "%s", p->file);
	p->err->words = p->words;
	p->err->line = p->line;
	p->err->col = col;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void gw_rf_error_format(const struct gw_rf_error *err, char *buf, size_t len)
{
	/* a file that cannot be opened at all has no position */
	if (err->words)
		snprintf(buf, len, "word %u: %s", err->col, err->msg);
	else if (!err->line)
		snprintf(buf, len, "%s: %s", err->file, err->msg);
	else
		snprintf(buf, len, "%s:%u:%u: %s", err->file, err->line, err->col,
			 err->msg);
}

static const char *const zone_words[__GW_ZONE_MAX] = {
	[GW_ZONE_LAN]	= "lan",
	[GW_ZONE_WAN]	= "wan",
};

const char *gw_zone_name(unsigned int zone)
{
	return zone < __GW_ZONE_MAX ? zone_words[zone] : NULL;
}

int gw_zone_find(const char *word)
{
	int z;

	for (z = 0; z < __GW_ZONE_MAX; z++) {
		if (!strcmp(word, zone_words[z]))
			return z;
	}
	return -1;
}

static const struct {
	const char *name;
	uint8_t proto;
} proto_names[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
	{ "icmp", IPPROTO_ICMP }, { "icmpv6", IPPROTO_ICMPV6 },
};

int gw_proto_lookup(const char *name, uint8_t *proto)
{
	size_t i;

	for (i = 0; i < GW_ARRAY_SIZE(proto_names); i++) {
		if (!strcmp(proto_names[i].name, name)) {
			*proto = proto_names[i].proto;
			return 0;
		}
	}
	return -1;
}

const char *gw_proto_name(unsigned int proto)
{
	size_t i;

	for (i = 0; i < GW_ARRAY_SIZE(proto_names); i++) {
		if (proto_names[i].proto == proto)
			return proto_names[i].name;
	}
	return NULL;
}

void gw_policy_text_free(struct gw_policy_text *policy)
{
	size_t i;

	for (i = 0; i < policy->nfiles; i++)
		free(policy->files[i]);
	free(policy->files);
	free(policy->stmts);
	memset(policy, 0, sizeof(*policy));
}

/* A stable copy of a file name for the statements to point to. */
static const char *intern_file(struct parser *p, const char *name)
{
	char **files, *copy;

	copy = strdup(name);
	if (!copy)
		return NULL;
	files = realloc(p->out->files, (p->out->nfiles + 1) * sizeof(*files));
	if (!files) {
		free(copy);
		return NULL;
	}
	p->out->files = files;
	files[p->out->nfiles++] = copy;
	return copy;
}

static struct gw_stmt *new_stmt(struct parser *p, enum gw_stmt_kind kind,
				unsigned int col)
{
	struct gw_policy_text *out = p->out;
	struct gw_stmt *st;

	if (out->count == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 64;

		st = realloc(out->stmts, cap * sizeof(*st));
		if (!st) {
			perr(p, col, "out of memory");
			return NULL;
		}
		out->stmts = st;
		out->cap = cap;
	}
	st = &out->stmts[out->count++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->file = p->file;
	st->line = p->line;
	st->col = col;
	return st;
}

#define STR_(x) #x
#define STR(x) STR_(x)

/* The one tokenizer: rule-file lines (GW_TOK_PUNCT) and batch lines (main.c). */
int gw_tokenize(const char *s, size_t len, unsigned int flags, char *scratch,
		struct gw_token *toks, unsigned int *errcol, const char **errmsg)
{
	const char *ends = flags & GW_TOK_PUNCT ? " \t\r#\"{}=" : " \t\r#\"";
	size_t i = 0;
	unsigned int n = 0;

	while (i < len) {
		unsigned int col = i + 1;
		char c = s[i];

		if (c == ' ' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		if (c == '#')
			break;
		if (n == GW_TOKENS_MAX) {
			*errcol = col;
			*errmsg = "too many words on one line (at most " STR(GW_TOKENS_MAX) ")";
			return -1;
		}
		toks[n].col = col;
		toks[n].text = NULL;
		if ((flags & GW_TOK_PUNCT) && (c == '{' || c == '}' || c == '=')) {
			toks[n++].type = c == '{' ? GW_TOK_LBRACE :
					 c == '}' ? GW_TOK_RBRACE : GW_TOK_EQUALS;
			i++;
			continue;
		}
		toks[n].text = scratch;
		if (c == '"') {
			toks[n].type = GW_TOK_STRING;
			for (i++; i < len && s[i] != '"'; i++) {
				if (s[i] == '\\' && i + 1 < len &&
				    (s[i + 1] == '"' || s[i + 1] == '\\'))
					i++;
				*scratch++ = s[i];
			}
			if (i == len) {
				*errcol = col;
				*errmsg = "unterminated string";
				return -1;
			}
			i++;
		} else {
			toks[n].type = GW_TOK_WORD;
			while (i < len && !strchr(ends, s[i]))
				*scratch++ = s[i++];
		}
		*scratch++ = '\0';
		n++;
	}
	return n;
}

static const char *tok_desc(const struct gw_token *t)
{
	switch (t->type) {
	case GW_TOK_LBRACE:
		return "'{'";
	case GW_TOK_RBRACE:
		return "'}'";
	case GW_TOK_EQUALS:
		return "'='";
	case GW_TOK_STRING:
		return "a string";
	default:
		return t->text;
	}
}

/*
 * Where a missing token after t would be: the column just past t's text,
 * or the next word's number.
 */
static unsigned int col_after(const struct parser *p, const struct gw_token *t)
{
	if (p->words)
		return t->col + 1;
	return t->col + (t->text ? strlen(t->text) : 1);
}

/* The token after the keyword at toks[i], which must be a word. */
static int need_word(struct parser *p, const struct gw_token *toks, unsigned int n,
		     unsigned int i, const char *what)
{
	if (i + 1 >= n)
		return perr(p, col_after(p, &toks[i]), "\"%s\" needs %s",
			    tok_desc(&toks[i]), what);
	if (toks[i + 1].type != GW_TOK_WORD)
		return perr(p, toks[i + 1].col, "expected %s, found %s", what,
			    tok_desc(&toks[i + 1]));
	return 0;
}

static int check_end(struct parser *p, const struct gw_token *toks, unsigned int n,
		     unsigned int i)
{
	if (i < n)
		return perr(p, toks[i].col, "unexpected %s at the end of the statement",
			    tok_desc(&toks[i]));
	return 0;
}

/* Messages from addr.c end in '.'; ours do not. */
static int perr_helper(struct parser *p, unsigned int col, const char *msg)
{
	size_t len = strlen(msg);

	return perr(p, col, "%.*s", (int)(len && msg[len - 1] == '.' ? len - 1 : len),
		    msg);
}

/* gw_parse_uint() of @text, its message put at @col. */
static int parse_uint_at(struct parser *p, unsigned int col, const char *what,
			 const char *text, uint64_t min, uint64_t max, uint64_t *n)
{
	char err[GW_ERR_MAX];

	if (gw_parse_uint(what, text, min, max, n, err, sizeof(err)))
		return perr_helper(p, col, err);
	return 0;
}

static bool valid_name(const char *s)
{
	size_t i;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return false;
	for (i = 1; s[i]; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	}
	return i < GW_NAME_MAX;
}

static const struct define *find_define(const struct parser *p, const char *name)
{
	unsigned int i;

	for (i = 0; i < p->ndefines; i++) {
		if (!strcmp(p->defines[i].name, name))
			return &p->defines[i];
	}
	return NULL;
}

/* iface DEV wan|lan */
static int stmt_iface(struct parser *p, struct gw_token *toks, unsigned int n)
{
	char err[GW_ERR_MAX];
	struct gw_stmt *st;
	int z;

	if (need_word(p, toks, n, 0, "an interface name"))
		return -1;
	if (gw_parse_ifname(toks[1].text, err, sizeof(err)))
		return perr_helper(p, toks[1].col, err);
	if (need_word(p, toks, n, 1, "a zone (wan or lan)"))
		return -1;
	z = gw_zone_find(toks[2].text);
	if (z < 0)
		return perr(p, toks[2].col, "unknown zone \"%s\" (wan or lan)",
			    toks[2].text);
	if (check_end(p, toks, n, 3))
		return -1;
	if (p->nzones == GW_RF_ZONES_MAX)
		return perr(p, toks[0].col, "too many iface statements (at most %d)",
			    GW_RF_ZONES_MAX);
	st = new_stmt(p, GW_STMT_IFACE, toks[0].col);
	if (!st)
		return -1;
	p->nzones++;
	snprintf(st->iface.ifname, sizeof(st->iface.ifname), "%s", toks[1].text);
	st->iface.zone = z;
	return 0;
}

/* set NAME VALUE: which names exist and their ranges are the kernel's business. */
static int stmt_set(struct parser *p, struct gw_token *toks, unsigned int n)
{
	struct gw_stmt *st;
	size_t i;

	if (need_word(p, toks, n, 0, "a tunable name"))
		return -1;
	for (i = 0; toks[1].text[i]; i++) {
		char c = toks[1].text[i];

		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '_'))
			return perr(p, toks[1].col + i,
				    "invalid tunable name \"%s\" (lower-case letters, digits and _)",
				    toks[1].text);
	}
	if (i >= GW_NAME_MAX)
		return perr(p, toks[1].col, "tunable name is too long (at most %d characters)",
			    GW_NAME_MAX - 1);
	if (need_word(p, toks, n, 1, "a value"))
		return -1;
	if (strlen(toks[2].text) >= GW_RF_VALUE_MAX)
		return perr(p, toks[2].col, "value is too long (at most %d characters)",
			    GW_RF_VALUE_MAX - 1);
	if (check_end(p, toks, n, 3))
		return -1;
	st = new_stmt(p, GW_STMT_SET, toks[0].col);
	if (!st)
		return -1;
	snprintf(st->set.name, sizeof(st->set.name), "%s", toks[1].text);
	snprintf(st->set.value, sizeof(st->set.value), "%s", toks[2].text);
	return 0;
}

/* define NAME = { PREFIX, PREFIX, ... } */
static int stmt_define(struct parser *p, struct gw_token *toks, unsigned int n)
{
	const struct define *old;
	struct define *def;
	char err[GW_ERR_MAX];
	unsigned int i;

	if (need_word(p, toks, n, 0, "a name"))
		return -1;
	if (!valid_name(toks[1].text))
		return perr(p, toks[1].col,
			    "invalid name \"%s\" (a letter or _, then letters, digits, _ or -; at most %d)",
			    toks[1].text, GW_NAME_MAX - 1);
	old = find_define(p, toks[1].text);
	if (old)
		return perr(p, toks[1].col, "\"%s\" is already defined at %s:%u",
			    toks[1].text, old->file, old->line);
	if (n < 3 || toks[2].type != GW_TOK_EQUALS)
		return perr(p, n < 3 ? col_after(p, &toks[1]) : toks[2].col,
			    "expected '=' after the name");
	if (n < 4 || toks[3].type != GW_TOK_LBRACE)
		return perr(p, n < 4 ? col_after(p, &toks[2]) : toks[3].col,
			    "expected '{' to open the list");
	if (p->ndefines == GW_RF_DEFINES_MAX)
		return perr(p, toks[0].col, "too many defines (at most %d)",
			    GW_RF_DEFINES_MAX);
	def = &p->defines[p->ndefines];
	memset(def, 0, sizeof(*def));
	for (i = 4; i < n && toks[i].type == GW_TOK_WORD; i++) {
		char *elem = toks[i].text;

		/* "a, b" and "a ,b" and "a,b": commas separate, blanks do not matter */
		while (*elem) {
			size_t len = strcspn(elem, ",");
			unsigned int col = toks[i].col + (elem - toks[i].text);

			if (len) {
				char saved = elem[len];

				if (def->count == GW_RF_DEFINE_ELEMS_MAX)
					return perr(p, col,
						    "too many prefixes in one define (at most %d)",
						    GW_RF_DEFINE_ELEMS_MAX);
				elem[len] = '\0';
				if (gw_parse_prefix(elem, &def->elems[def->count],
						    err, sizeof(err)))
					return perr_helper(p, col, err);
				elem[len] = saved;
				def->count++;
			}
			elem += len;
			if (*elem == ',')
				elem++;
		}
	}
	if (i == n)
		return perr(p, toks[n - 1].col, "expected '}' to close the list");
	if (toks[i].type != GW_TOK_RBRACE)
		return perr(p, toks[i].col, "expected a prefix or '}', found %s",
			    tok_desc(&toks[i]));
	if (!def->count)
		return perr(p, toks[i].col, "empty list");
	if (check_end(p, toks, n, i + 1))
		return -1;
	snprintf(def->name, sizeof(def->name), "%s", toks[1].text);
	def->file = p->file;
	def->line = p->line;
	p->ndefines++;
	return 0;
}

/* The addresses one from/to stands for: one prefix, or a define's list. */
struct addr_list {
	bool given;
	unsigned int count;
	const struct gw_prefix *elems;
	struct gw_prefix one;
};

struct rule_ctx {
	struct gw_rf_rule rule;
	struct addr_list from;
	struct addr_list to;
};

static int opt_addr(struct parser *p, struct addr_list *list, const struct gw_token *v)
{
	char err[GW_ERR_MAX];

	list->given = true;
	if (v->text[0] == '$') {
		const struct define *def = find_define(p, v->text + 1);

		if (!def)
			return perr(p, v->col, "\"%s\" is not defined (define %s = { ... } first)",
				    v->text + 1, v->text + 1);
		list->count = def->count;
		list->elems = def->elems;
		return 0;
	}
	if (gw_parse_prefix(v->text, &list->one, err, sizeof(err)))
		return perr_helper(p, v->col, err);
	list->count = 1;
	list->elems = &list->one;
	return 0;
}

static int opt_from(struct parser *p, struct rule_ctx *r, const struct gw_token *v)
{
	return opt_addr(p, &r->from, v);
}

static int opt_to(struct parser *p, struct rule_ctx *r, const struct gw_token *v)
{
	return opt_addr(p, &r->to, v);
}

static int opt_port(struct parser *p, struct rule_ctx *r, const struct gw_token *v)
{
	char err[GW_ERR_MAX];

	if (r->rule.proto != IPPROTO_TCP && r->rule.proto != IPPROTO_UDP)
		return perr(p, v->col, "port needs a tcp or udp rule");
	if (gw_parse_ports(v->text, &r->rule.ports, err, sizeof(err)))
		return perr_helper(p, v->col, err);
	return 0;
}

static int opt_on(struct parser *p, struct rule_ctx *r, const struct gw_token *v)
{
	char err[GW_ERR_MAX];

	if (gw_parse_ifname(v->text, err, sizeof(err)))
		return perr_helper(p, v->col, err);
	snprintf(r->rule.ifname, sizeof(r->rule.ifname), "%s", v->text);
	return 0;
}

static int opt_rate(struct parser *p, struct rule_ctx *r, const struct gw_token *v)
{
	size_t len = strlen(v->text);
	uint64_t rate;
	char num[16];

	if (r->rule.proto != IPPROTO_ICMP && r->rule.proto != IPPROTO_ICMPV6)
		return perr(p, v->col, "rate needs an icmp or icmpv6 rule");
	if (len > 2 && !strcmp(v->text + len - 2, "/s"))
		len -= 2;
	if (len == 0 || len >= sizeof(num))
		return perr(p, v->col, "rate must be N/s, 1 to %d", GW_RULE_RATE_MAX);
	memcpy(num, v->text, len);
	num[len] = '\0';
	if (parse_uint_at(p, v->col, "rate", num, 1, GW_RULE_RATE_MAX, &rate))
		return -1;
	r->rule.rate = rate;
	return 0;
}

static int opt_max_src_conn(struct parser *p, struct rule_ctx *r,
			    const struct gw_token *v)
{
	uint64_t n;

	if (parse_uint_at(p, v->col, "max-src-conn", v->text, 1, GW_SRC_CONN_MAX, &n))
		return -1;
	r->rule.max_src_conn = n;
	return 0;
}

static int opt_max_src_conn_rate(struct parser *p, struct rule_ctx *r,
				 const struct gw_token *v)
{
	char err[GW_ERR_MAX];

	if (gw_parse_src_rate(v->text, &r->rule.src_rate_conn,
			      &r->rule.src_rate_seconds, err, sizeof(err)))
		return perr_helper(p, v->col, err);
	return 0;
}

/* Is @w one of @words (NULL-terminated; NULL: none)? */
static bool word_in(const char *const *words, const char *w)
{
	for (; words && *words; words++) {
		if (!strcmp(*words, w))
			return true;
	}
	return false;
}

/*
 * synproxy [auto|off]: @v is the keyword itself (on), or the word after
 * it.  Not "synproxy on": on is the interface option.
 */
static const char *const synproxy_words[] = { "auto", "off", NULL };

static int opt_synproxy(struct parser *p, struct rule_ctx *r,
			const struct gw_token *v)
{
	(void)p;
	if (!strcmp(v->text, "auto"))
		r->rule.synproxy = GW_SYNPROXY_AUTO;
	else if (!strcmp(v->text, "off"))
		r->rule.synproxy = GW_SYNPROXY_OFF;
	else
		r->rule.synproxy = GW_SYNPROXY_ON;
	return 0;
}

/* log: the packet opening each connection the rule admits goes to NFLOG */
static int opt_log(struct parser *p, struct rule_ctx *r, const struct gw_token *v)
{
	(void)p;
	(void)v;
	r->rule.log = true;
	return 0;
}

static int opt_comment(struct parser *p, struct rule_ctx *r, const struct gw_token *v)
{
	const unsigned char *c;

	if (strlen(v->text) >= GW_COMMENT_MAX)
		return perr(p, v->col, "comment is too long (at most %d bytes)",
			    GW_COMMENT_MAX - 1);
	for (c = (const unsigned char *)v->text; *c; c++) {
		if (*c < 0x20 || *c == 0x7f)
			return perr(p, v->col, "comment must not contain control characters");
	}
	snprintf(r->rule.comment, sizeof(r->rule.comment), "%s", v->text);
	return 0;
}

/*
 * One row per rule option: its keyword, what its value is (NULL: none, the
 * keyword alone says it, and its handler gets the keyword, or the word
 * after it if that is one of @words), its handler, and whether only a tcp
 * rule takes it.
 */
static const struct rule_option {
	const char *name;
	const char *value;
	bool string;		/* value may be a "string" */
	int (*parse)(struct parser *p, struct rule_ctx *r, const struct gw_token *v);
	const char *const *words;	/* for a keyword alone: its modifiers */
	bool tcp;
} rule_options[] = {
	{ "from",	"a prefix or $define",	false,	opt_from, NULL, false },
	{ "to",		"a prefix or $define",	false,	opt_to, NULL, false },
	{ "port",	"ports (P, P-Q, P,Q,...)", false, opt_port, NULL, false },
	/* a name the kernel takes may hold # or ", which only a string can */
	{ "on",		"an interface name",	true,	opt_on, NULL, false },
	{ "rate",	"a rate (N/s)",		false,	opt_rate, NULL, false },
	{ "max-src-conn", "a number of connections", false, opt_max_src_conn, NULL,
	  true },
	{ "max-src-conn-rate", "a rate (N/S: N connections in S seconds)", false,
	  opt_max_src_conn_rate, NULL, true },
	{ "synproxy",	NULL,			false,	opt_synproxy, synproxy_words, true },
	{ "log",	NULL,			false,	opt_log, NULL, false },
	{ "comment",	"a \"text\"",		true,	opt_comment, NULL, false },
};

/* @opt's value @v (or its keyword alone) into the rule. */
static int parse_option(struct parser *p, struct rule_ctx *r,
			const struct rule_option *opt, const struct gw_token *v)
{
	if (opt->tcp && r->rule.proto != IPPROTO_TCP)
		return perr(p, v->col, "%s needs a tcp rule", opt->name);
	return opt->parse(p, r, v);
}

static int emit_rules(struct parser *p, const struct rule_ctx *r, unsigned int col)
{
	static const struct addr_list any = { .count = 1 };
	const struct addr_list *from = r->from.given ? &r->from : &any;
	const struct addr_list *to = r->to.given ? &r->to : &any;
	unsigned int i, j, emitted = 0;

	for (i = 0; i < from->count; i++) {
		for (j = 0; j < to->count; j++) {
			const struct gw_prefix *s = from->elems ? &from->elems[i] : NULL;
			const struct gw_prefix *d = to->elems ? &to->elems[j] : NULL;
			struct gw_stmt *st;

			/* a list mixing families pairs each address with its kind */
			if (s && d && s->family != d->family)
				continue;
			if (p->nrules == GW_RF_RULES_MAX)
				return perr(p, col, "too many rules (at most %d)",
					    GW_RF_RULES_MAX);
			st = new_stmt(p, GW_STMT_RULE, col);
			if (!st)
				return -1;
			p->nrules++;
			st->rule = r->rule;
			st->rule.has_src = s;
			st->rule.has_dst = d;
			if (s)
				st->rule.src = *s;
			if (d)
				st->rule.dst = *d;
			emitted++;
		}
	}
	if (!emitted)
		return perr(p, col, "from and to have no address family in common");
	return 0;
}

/* allow PROTO [echo] [OPTION VALUE]... */
static int stmt_allow(struct parser *p, struct gw_token *toks, unsigned int n)
{
	unsigned int i = 1, seen = 0;
	struct rule_ctx r;
	uint64_t num;

	memset(&r, 0, sizeof(r));
	if (need_word(p, toks, n, 0, "a protocol (tcp, udp, icmp, icmpv6 or proto N)"))
		return -1;
	if (!strcmp(toks[1].text, "proto")) {
		if (need_word(p, toks, n, 1, "a protocol number"))
			return -1;
		if (parse_uint_at(p, toks[2].col, "protocol number", toks[2].text,
				  0, 255, &num))
			return -1;
		r.rule.proto = num;
		i = 3;
	} else if (gw_proto_lookup(toks[1].text, &r.rule.proto)) {
		return perr(p, toks[1].col,
			    "unknown protocol \"%s\" (tcp, udp, icmp, icmpv6 or proto N)",
			    toks[1].text);
	} else {
		i = 2;
	}
	if (i < n && toks[i].type == GW_TOK_WORD && !strcmp(toks[i].text, "echo") &&
	    (r.rule.proto == IPPROTO_ICMP || r.rule.proto == IPPROTO_ICMPV6))
		i++;

	while (i < n) {
		const struct rule_option *opt = NULL;
		size_t k;

		if (toks[i].type == GW_TOK_WORD) {
			for (k = 0; k < GW_ARRAY_SIZE(rule_options); k++) {
				if (!strcmp(toks[i].text, rule_options[k].name)) {
					opt = &rule_options[k];
					break;
				}
			}
		}
		if (!opt)
			return perr(p, toks[i].col,
				    "unknown rule option %s%s%s (from, to, port, on, rate, max-src-conn, max-src-conn-rate, synproxy, log or comment)",
				    toks[i].type == GW_TOK_WORD ? "\"" : "", tok_desc(&toks[i]),
				    toks[i].type == GW_TOK_WORD ? "\"" : "");
		if (seen & 1u << k)
			return perr(p, toks[i].col, "\"%s\" given twice", opt->name);
		seen |= 1u << k;
		if (!opt->value) {
			const struct gw_token *v = &toks[i];

			if (i + 1 < n && toks[i + 1].type == GW_TOK_WORD &&
			    word_in(opt->words, toks[i + 1].text))
				v = &toks[++i];
			if (parse_option(p, &r, opt, v))
				return -1;
			i++;
			continue;
		}
		if (i + 1 >= n)
			return perr(p, col_after(p, &toks[i]),
				    "\"%s\" needs %s", opt->name, opt->value);
		if (toks[i + 1].type != GW_TOK_WORD &&
		    !(opt->string && toks[i + 1].type == GW_TOK_STRING))
			return perr(p, toks[i + 1].col, "\"%s\" needs %s, found %s",
				    opt->name, opt->value, tok_desc(&toks[i + 1]));
		if (parse_option(p, &r, opt, &toks[i + 1]))
			return -1;
		i += 2;
	}
	if (r.from.given && r.to.given && r.from.count == 1 && r.to.count == 1 &&
	    r.from.elems[0].family != r.to.elems[0].family)
		return perr(p, toks[0].col, "from and to must be of the same address family");
	return emit_rules(p, &r, toks[0].col);
}

/*
 * block PREFIX|$define, never-block PREFIX|$define: one entry for each
 * prefix.  Permanent only: timed entries are state, added by gwctl block.
 */
static int stmt_block_kind(struct parser *p, struct gw_token *toks, unsigned int n,
			   uint8_t kind)
{
	struct addr_list list = { .given = false };
	struct gw_stmt *st;
	unsigned int i;

	if (need_word(p, toks, n, 0, "a prefix or $define"))
		return -1;
	if (opt_addr(p, &list, &toks[1]))
		return -1;
	if (n > 2 && toks[2].type == GW_TOK_WORD && !strcmp(toks[2].text, "timeout"))
		return perr(p, toks[2].col,
			    "a rule file holds permanent entries only (gwctl block add PREFIX timeout S adds a timed one)");
	if (check_end(p, toks, n, 2))
		return -1;
	if (p->nblock + list.count > GW_RF_BLOCK_MAX)
		return perr(p, toks[0].col,
			    "too many block and never-block entries (at most %u)",
			    GW_RF_BLOCK_MAX);
	for (i = 0; i < list.count; i++) {
		st = new_stmt(p, GW_STMT_BLOCK, toks[0].col);
		if (!st)
			return -1;
		st->block.kind = kind;
		st->block.prefix = list.elems[i];
	}
	p->nblock += list.count;
	return 0;
}

static int stmt_block(struct parser *p, struct gw_token *toks, unsigned int n)
{
	return stmt_block_kind(p, toks, n, GW_BLOCK_KIND_BLOCK);
}

static int stmt_never_block(struct parser *p, struct gw_token *toks, unsigned int n)
{
	return stmt_block_kind(p, toks, n, GW_BLOCK_KIND_NEVER);
}

static int load_one(struct parser *p, const char *path, unsigned int col);

/* include "FILE": relative to the including file's directory. */
static int stmt_include(struct parser *p, struct gw_token *toks, unsigned int n)
{
	const char *slash = strrchr(p->file, '/');
	const char *arg;
	char *path;
	int ret;

	if (n < 2 || (toks[1].type != GW_TOK_STRING && toks[1].type != GW_TOK_WORD))
		return perr(p, n < 2 ? col_after(p, &toks[0]) : toks[1].col,
			    "include needs a \"file name\"");
	if (check_end(p, toks, n, 2))
		return -1;
	arg = toks[1].text;
	if (!*arg)
		return perr(p, toks[1].col, "empty file name");
	if (p->opts && p->opts->no_include)
		return perr(p, toks[0].col, "include is not allowed here");
	if (p->depth > GW_RF_INCLUDE_DEPTH)
		return perr(p, toks[0].col, "includes nested too deeply (at most %d)",
			    GW_RF_INCLUDE_DEPTH);
	if (arg[0] == '/' || !slash || !strcmp(p->file, "-")) {
		path = strdup(arg);
	} else {
		size_t dlen = slash - p->file + 1;

		path = malloc(dlen + strlen(arg) + 1);
		if (path) {
			memcpy(path, p->file, dlen);
			strcpy(path + dlen, arg);
		}
	}
	if (!path)
		return perr(p, toks[1].col, "out of memory");
	ret = load_one(p, path, toks[1].col);
	free(path);
	return ret;
}

static const struct {
	const char *keyword;
	int (*parse)(struct parser *p, struct gw_token *toks, unsigned int n);
} statements[] = {
	{ "iface",	stmt_iface },
	{ "allow",	stmt_allow },
	{ "set",	stmt_set },
	{ "define",	stmt_define },
	{ "include",	stmt_include },
	{ "block",	stmt_block },
	{ "never-block", stmt_never_block },
};

/* A line of a rule file is text, not too long: NUL and control bytes mean it is not one. */
static int check_line(struct parser *p, const char *line, size_t len)
{
	size_t i;

	if (len > GW_RF_LINE_MAX)
		return perr(p, GW_RF_LINE_MAX + 1, "line longer than %d bytes",
			    GW_RF_LINE_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = line[i];

		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return perr(p, i + 1, "binary data (byte 0x%02x): not a rule file", c);
	}
	return 0;
}

static int parse_line(struct parser *p, const char *s, size_t len, char *scratch)
{
	struct gw_token toks[GW_TOKENS_MAX];
	const char *msg;
	unsigned int col;
	int n;
	size_t i;

	n = gw_tokenize(s, len, GW_TOK_PUNCT, scratch, toks, &col, &msg);
	if (n < 0)
		return perr(p, col, "%s", msg);
	if (!n)
		return 0;
	if (toks[0].type != GW_TOK_WORD)
		return perr(p, toks[0].col, "expected a statement, found %s",
			    tok_desc(&toks[0]));
	for (i = 0; i < GW_ARRAY_SIZE(statements); i++) {
		if (!strcmp(toks[0].text, statements[i].keyword))
			return statements[i].parse(p, toks, n);
	}
	return perr(p, toks[0].col,
		    "unknown keyword \"%s\" (iface, allow, set, block, never-block, define or include)",
		    toks[0].text);
}

static int parse_text(struct parser *p, const char *name, const char *text, size_t len)
{
	const char *saved_file = p->file, *line, *end = text + len;
	unsigned int saved_line = p->line;
	char *scratch;
	int ret = 0;

	p->file = intern_file(p, name);
	if (!p->file) {
		p->file = saved_file;
		return perr(p, 0, "out of memory");
	}
	scratch = malloc(GW_RF_LINE_MAX + 1);
	if (!scratch)
		return perr(p, 0, "out of memory");
	p->line = 0;
	for (line = text; line < end && !ret; ) {
		const char *nl = memchr(line, '\n', end - line);
		size_t llen = nl ? (size_t)(nl - line) : (size_t)(end - line);

		p->line++;
		ret = check_line(p, line, llen);
		if (!ret)
			ret = parse_line(p, line, llen, scratch);
		line += llen + 1;
	}
	free(scratch);
	if (!ret) {
		p->file = saved_file;
		p->line = saved_line;
	}
	return ret;
}

/* Read a regular file (or standard input) whole, at most GW_RF_FILE_MAX bytes. */
static int read_all(int fd, char **buf, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *b = malloc(cap), *nb;
	ssize_t r;

	if (!b)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap > GW_RF_FILE_MAX) {
				free(b);
				return -EFBIG;
			}
			nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			free(b);
			return r;
		}
		if (r == 0)
			break;
		n += r;
	}
	if (n > GW_RF_FILE_MAX) {
		free(b);
		return -EFBIG;
	}
	*buf = b;
	*len = n;
	return 0;
}

/* Open, check for an include loop, read and parse path; col: of the include. */
static int load_one(struct parser *p, const char *path, unsigned int col)
{
	bool is_stdin = !strcmp(path, "-");
	struct file_id id = { 0 };
	struct stat stbuf;
	unsigned int i;
	size_t len = 0;
	char *buf = NULL;
	int fd, ret;

	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return perr(p, col, "cannot open \"%s\": %s", path, strerror(errno));
	if (fstat(fd, &stbuf)) {
		ret = perr(p, col, "cannot stat \"%s\": %s", path, strerror(errno));
		goto out_close;
	}
	if (!is_stdin && !S_ISREG(stbuf.st_mode)) {
		ret = perr(p, col, "\"%s\" is not a regular file", path);
		goto out_close;
	}
	if (S_ISREG(stbuf.st_mode)) {
		id.dev = stbuf.st_dev;
		id.ino = stbuf.st_ino;
		for (i = 0; i < p->depth; i++) {
			if (p->stack[i].dev == id.dev && p->stack[i].ino == id.ino) {
				ret = perr(p, col, "include loop: \"%s\" is already being read",
					   path);
				goto out_close;
			}
		}
	}
	ret = read_all(fd, &buf, &len);
	if (ret) {
		ret = perr(p, col, "cannot read \"%s\": %s", path,
			   ret == -EFBIG ? "larger than 16 MiB" : strerror(-ret));
		goto out_close;
	}
	p->stack[p->depth++] = id;
	ret = parse_text(p, path, buf, len);
	p->depth--;
	free(buf);
out_close:
	if (!is_stdin)
		close(fd);
	return ret;
}

static int parse_top(const char *name, const char *text, size_t len, const char *path,
		     const struct gw_rf_opts *opts, struct gw_policy_text *out,
		     struct gw_rf_error *err)
{
	struct parser p = {
		.opts = opts, .out = out, .err = err, .file = path ? path : name,
	};
	int ret;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	p.defines = calloc(GW_RF_DEFINES_MAX, sizeof(*p.defines));
	if (!p.defines)
		return perr(&p, 0, "out of memory");
	if (path)
		ret = load_one(&p, path, 0);
	else
		ret = parse_text(&p, name, text, len);
	if (!ret && !out->count) {
		/* An empty load would remove every rule and zone: never by accident. */
		p.file = path ? path : name;
		p.line = 1;
		ret = perr(&p, 1, "no statements: an empty policy is refused (gwctl rule flush removes the rules)");
	}
	free(p.defines);
	if (ret)
		gw_policy_text_free(out);
	return ret;
}

int gw_rulefile_load(const char *path, const struct gw_rf_opts *opts,
		     struct gw_policy_text *out, struct gw_rf_error *err)
{
	return parse_top(NULL, NULL, 0, path, opts, out, err);
}

int gw_rulefile_parse(const char *name, const char *text, size_t len,
		      const struct gw_rf_opts *opts,
		      struct gw_policy_text *out, struct gw_rf_error *err)
{
	return parse_top(name, text, len, NULL, opts, out, err);
}

/*
 * One allow statement, alone: "rule add"'s words and a single line take
 * the path every allow line of a file takes (stmt_allow()), so that the
 * two accept the same rules and say the same about a wrong one.  No
 * define exists here, so a success is exactly one rule.
 */
static int parse_one_rule(struct parser *p, struct gw_token *toks, unsigned int n,
			  struct gw_rf_rule *rule)
{
	struct gw_policy_text out = { 0 };
	int ret;

	p->out = &out;
	if (!n)
		return perr(p, 1, "expected an allow rule (allow PROTO [OPTION VALUE]...)");
	if (toks[0].type != GW_TOK_WORD || strcmp(toks[0].text, "allow"))
		return perr(p, toks[0].col, "expected an allow rule, found %s",
			    tok_desc(&toks[0]));
	ret = stmt_allow(p, toks, n);
	if (!ret)
		*rule = out.stmts[0].rule;
	gw_policy_text_free(&out);
	return ret;
}

int gw_rule_parse_words(int argc, char *const *argv, struct gw_rf_rule *rule,
			struct gw_rf_error *err)
{
	struct gw_token toks[GW_TOKENS_MAX];
	struct parser p = { .err = err, .file = "", .words = true };
	int i;

	memset(rule, 0, sizeof(*rule));
	memset(err, 0, sizeof(*err));
	if (argc > GW_TOKENS_MAX)
		return perr(&p, GW_TOKENS_MAX + 1, "too many words (at most %d)",
			    GW_TOKENS_MAX);
	for (i = 0; i < argc; i++) {
		toks[i].type = GW_TOK_WORD;
		toks[i].col = i + 1;
		toks[i].text = argv[i];
	}
	return parse_one_rule(&p, toks, argc, rule);
}

int gw_rule_parse_line(const char *name, const char *line, struct gw_rf_rule *rule,
		       struct gw_rf_error *err)
{
	struct gw_token toks[GW_TOKENS_MAX];
	struct parser p = { .err = err, .file = name, .line = 1 };
	size_t len = strlen(line);
	const char *msg;
	unsigned int col;
	char *scratch;
	int n, ret;

	memset(rule, 0, sizeof(*rule));
	memset(err, 0, sizeof(*err));
	if (check_line(&p, line, len))
		return -1;
	scratch = malloc(len + 1);
	if (!scratch)
		return perr(&p, 1, "out of memory");
	n = gw_tokenize(line, len, GW_TOK_PUNCT, scratch, toks, &col, &msg);
	if (n < 0)
		ret = perr(&p, col, "%s", msg);
	else
		ret = parse_one_rule(&p, toks, n, rule);
	free(scratch);
	return ret;
}

/* Text appended to a buffer, snprintf()-like: used counts past the end too. */
struct text_buf {
	char *buf;
	size_t len;
	size_t used;
};

static void text_add(struct text_buf *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void text_add(struct text_buf *t, const char *fmt, ...)
{
	size_t at = t->used < t->len ? t->used : t->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + at, t->len - at, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->used += n;
}

static void text_prefix(struct text_buf *t, const char *keyword, const struct gw_prefix *prefix)
{
	char buf[INET6_ADDRSTRLEN + 4];

	if (gw_format_prefix(prefix, false, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	text_add(t, " %s %s", keyword, buf);
}

/* A "string": \ before " and \, a control byte (never parsed) as '?'. */
static void text_string(struct text_buf *t, const char *s)
{
	const unsigned char *c;

	text_add(t, "\"");
	for (c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			text_add(t, "\\%c", *c);
		else
			text_add(t, "%c", *c < 0x20 || *c == 0x7f ? '?' : *c);
	}
	text_add(t, "\"");
}

/* A word as it is, or as a string when the tokenizer would cut it. */
static void text_word(struct text_buf *t, const char *s)
{
	if (s[strcspn(s, " \t\r#\"{}=\\")])
		text_string(t, s);
	else
		text_add(t, "%s", s);
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

int gw_rule_counters_format(uint32_t handle, const struct gw_rule_counters *c, char *buf,
			    size_t len)
{
	return snprintf(buf, len, "  # handle %" PRIu32 ", %" PRIu64 " hit%s, %" PRIu64
			" packet%s, %" PRIu64 " byte%s", handle, c->hits, plural(c->hits),
			c->packets, plural(c->packets), c->bytes, plural(c->bytes));
}

int gw_rule_format(const struct gw_rf_rule *r, char *buf, size_t len)
{
	struct text_buf t = { .buf = buf, .len = len };
	const char *name = gw_proto_name(r->proto);
	unsigned int i;

	if (len)
		buf[0] = '\0';
	if (name)
		text_add(&t, "allow %s", name);
	else
		text_add(&t, "allow proto %u", r->proto);
	if (r->proto == IPPROTO_ICMP || r->proto == IPPROTO_ICMPV6)
		text_add(&t, " echo");
	if (r->has_src)
		text_prefix(&t, "from", &r->src);
	if (r->has_dst)
		text_prefix(&t, "to", &r->dst);
	for (i = 0; i < r->ports.count; i++) {
		const struct gw_port_range *range = &r->ports.range[i];

		text_add(&t, "%s%u", i ? "," : " port ", range->first);
		if (range->last != range->first)
			text_add(&t, "-%u", range->last);
	}
	if (r->ifname[0]) {
		text_add(&t, " on ");
		text_word(&t, r->ifname);
	}
	if (r->rate)
		text_add(&t, " rate %u/s", r->rate);
	if (r->max_src_conn)
		text_add(&t, " max-src-conn %u", r->max_src_conn);
	if (r->src_rate_conn)
		text_add(&t, " max-src-conn-rate %u/%u", r->src_rate_conn,
			 r->src_rate_seconds);
	if (r->synproxy == GW_SYNPROXY_ON)
		text_add(&t, " synproxy");
	else if (r->synproxy == GW_SYNPROXY_OFF)
		text_add(&t, " synproxy off");
	if (r->log)
		text_add(&t, " log");
	if (r->comment[0]) {
		text_add(&t, " comment ");
		text_string(&t, r->comment);
	}
	return t.used;
}
