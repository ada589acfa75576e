/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the gwctl object files.  Deliberately free of
 * libmnl so that unit tests can include it to reach the parsing helpers.
 */
#ifndef GWCTL_H
#define GWCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gatewarden.h"

struct nlattr;

#ifndef GW_TOOL_VERSION
#define GW_TOOL_VERSION "0.1.0"
#endif

#define GW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum gw_exit {
	GW_EXIT_OK = 0,
	GW_EXIT_USAGE = 1,	/* bad command line; message or usage on stderr */
	GW_EXIT_KERNEL = 2,	/* netlink failed or the module refused */
	GW_EXIT_DROP = 3,	/* explain: the packet would be dropped */
};

/* Linux IFNAMSIZ, counting the terminating NUL. */
#define GW_IFNAMSIZ 16

/* main.c */
struct gw_verb {
	const char *name;
	int (*fn)(int argc, char **argv);
};

int gw_dispatch(const char *object, const struct gw_verb *verbs, size_t nverbs,
		int argc, char **argv);
int gw_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* GW_EXIT_OK, or a usage error for the first of argc leftover arguments. */
int gw_check_end(int argc, char **argv);

/* conn.c */
void gw_conn_print_flags(uint32_t flags);
/*
 * A parsed GW_A_CONN (a flow) as "conn list" prints it, as the JSON
 * object key (NULL: an array's element), with no newline; MNL_CB_OK, or
 * MNL_CB_ERROR (reported) when it lacks what a flow has.
 */
int gw_conn_print(const struct nlattr **ctb, const char *key, bool verbose);

/* addr.c: pure parsing helpers, no netlink and no output */
/* @fmt's message into @err (@errlen bytes); returns -1, for the parsers */
int gw_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Room for any message the helpers below write into their err buffer. */
#define GW_ERR_MAX 256

struct gw_prefix {
	int family;			/* AF_INET or AF_INET6 */
	unsigned int plen;
	unsigned char addr[16];		/* network order; IPv4 uses 4 bytes */
};

struct gw_port_range {
	uint16_t first;
	uint16_t last;
};

struct gw_ports {
	unsigned int count;
	struct gw_port_range range[GW_RULE_MAX_PORT_RANGES];
};

/*
 * Each returns 0 on success, or -1 with a complete sentence (ending in '.'
 * or '?') in err, ready to follow "Error: ".
 */
int gw_parse_prefix(const char *arg, struct gw_prefix *prefix,
		    char *err, size_t errlen);
int gw_parse_ports(const char *arg, struct gw_ports *ports,
		   char *err, size_t errlen);
int gw_parse_uint(const char *what, const char *arg, uint64_t min, uint64_t max,
		  uint64_t *val, char *err, size_t errlen);
int gw_parse_ifname(const char *arg, char *err, size_t errlen);
int gw_parse_src_rate(const char *arg, uint32_t *conns, uint32_t *seconds,
		      char *err, size_t errlen);
/* Seconds with up to three decimals ("2", "0.5"), 0.1 to 3600, into ms. */
int gw_parse_interval(const char *what, const char *arg, uint32_t *ms,
		      char *err, size_t errlen);

size_t gw_addr_len(int family);
/* inet_ntop() that also checks len against family; -1 on mismatch. */
int gw_format_addr(int family, const void *addr, size_t len,
		   char *buf, size_t buflen);
/*
 * "ADDR/PLEN" into buf (INET6_ADDRSTRLEN + 4 bytes), or just "ADDR" for a
 * host when !full, as a rule is written; -1 for a bad family or length.
 */
int gw_format_prefix(const struct gw_prefix *prefix, bool full, char *buf, size_t len);

/* rulefile.c: "tcp", "udp", ... or NULL when the protocol has no name */
const char *gw_proto_name(unsigned int proto);

/*
 * names.c: the module's names of its counters and TCP states.  Fetch a
 * kind (once; 0, or -1 reported) before gw_name(), which is NULL for a
 * value the module has no name for, and gw_name_find(), the value of a
 * name (any case) or -1.  Not from inside a netlink callback: the fetch
 * reuses the request and receive buffers.
 */
int gw_names_fetch(enum gw_name_kind kind);
const char *gw_name(enum gw_name_kind kind, unsigned int index);
int gw_name_find(enum gw_name_kind kind, const char *name);

/* iface.c: an interface of a zone, from a GW_CMD_IFACE_GET dump */
struct gw_iface_entry {
	const char *ifname;	/* in the message: for its callback only */
	uint8_t zone;		/* enum gw_zone, or a newer module's */
	uint32_t ifindex;	/* 0: no such device (yet) */
};

/* overload.c: an entry of the overload list */
struct gw_overload_entry {
	char source[56];	/* "ADDR/PLEN": INET6_ADDRSTRLEN and "/128" */
	uint32_t timeout;	/* seconds until it is let in again */
	uint32_t conns;		/* its established connections */
};

/* stats.c */
/*
 * Prints the counters (summary: the non-zero ones, indented, as "gwctl
 * status" shows them); returns how many were shown, or -1 on failure.
 */
int gw_stats_show(bool summary);

/* tunable.c */
/*
 * The word for value of tunable name ("strict" for tcp_pickup 0), or NULL
 * when the tunable takes plain numbers or the value has no word.
 */
const char *gw_tunable_word(const char *name, uint64_t value);
/*
 * A value given on the command line: a word, for tunables that have them,
 * or a decimal number.  0, or -1 with a sentence in err.
 */
int gw_tunable_parse(const char *name, const char *arg, uint64_t *value,
		     char *err, size_t errlen);

/* explain_args.c: the packet "gwctl explain" describes */
struct gw_explain_args {
	uint8_t way;			/* enum gw_explain_way */
	char ifname[GW_IFNAMSIZ];
	uint8_t proto;
	bool has_src, has_dst;
	struct gw_prefix src;		/* addresses: full-length prefixes */
	struct gw_prefix dst;
	bool has_sport, has_dport;
	uint16_t sport, dport;
	bool has_flags, has_seq, has_ack;
	uint8_t tcp_flags;
	uint32_t seq, ack;
	bool has_type, has_code, has_id;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id;
};

/* The words after "explain"; 0, or -1 with a sentence in err. */
int gw_explain_parse_args(int argc, char **argv, struct gw_explain_args *a,
			  char *err, size_t errlen);
/* "SA", "none": letters as tcpdump and scapy write them, any case and order. */
int gw_tcp_flags_parse(const char *arg, uint8_t *flags, char *err, size_t errlen);
void gw_tcp_flags_format(uint8_t flags, char *buf, size_t len);

/* status.c */
struct gw_status {
	char version[GW_NAME_MAX];
	uint32_t wan_count;
	uint32_t lan_count;
	uint32_t rule_count;
	uint32_t flow_count;
	uint32_t flow_max;
	uint32_t flow_entry_size;
	uint32_t flow_buckets;
	uint64_t netns_cookie;
};

int gw_status_fetch(struct gw_status *st);

/* One entry point per object, called with argv just past the object name. */
int do_version(int argc, char **argv);
int do_status(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_iface(int argc, char **argv);
int do_rule(int argc, char **argv);
int do_conn(int argc, char **argv);
int do_set(int argc, char **argv);
int do_get(int argc, char **argv);
int do_overload(int argc, char **argv);
int do_load(int argc, char **argv);
int do_save(int argc, char **argv);
int do_monitor(int argc, char **argv);
/* monitor_flows.c: "gwctl monitor flows" */
int gw_monitor_flows(int argc, char **argv);
int do_block(int argc, char **argv);
int do_never_block(int argc, char **argv);
int do_doctor(int argc, char **argv);
int do_explain(int argc, char **argv);
int do_top(int argc, char **argv);
int do_trace(int argc, char **argv);

/* trace.c: which drops "gwctl trace" and "gwctl monitor drops" show */
struct gw_trace_filter {
	int reason;			/* enum gw_counter; -1: any */
	bool has_from;
	struct gw_prefix from;		/* the source's prefix */
};

/* "[reason R] [from PREFIX]": a GW_EXIT_* code, the error said. */
int gw_trace_filter_parse(int argc, char **argv, struct gw_trace_filter *f);

/*
 * load.c, for doctor: 0 when the running policy is the one the rule file
 * at path would load, 1 when not (what differs first in why), -1 when the
 * file or the module cannot be read (a sentence in why).
 */
int gw_policy_compare(const char *path, char *why, size_t whylen);

#endif /* GWCTL_H */
