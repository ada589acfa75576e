/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic-netlink conversation with the gatewarden module.  Every
 * function that fails has already reported why (print_error()), so callers
 * only turn a non-zero return into GW_EXIT_KERNEL.
 */
#ifndef GWCTL_NL_H
#define GWCTL_NL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

/* libmnl 1.0.4 (Debian 12) predates it; this is the value later versions use. */
#ifndef MNL_SOCKET_DUMP_SIZE
#define MNL_SOCKET_DUMP_SIZE 32768
#endif

/* Expected type of each attribute of one attribute set, for validation. */
struct gw_policy {
	const char *name;
	const enum mnl_attr_data_type *types;
	unsigned int max;
};

extern const struct gw_policy gw_attr_policy;		/* enum gw_attr */
extern const struct gw_policy gw_rule_policy;		/* enum gw_rule_attr */
extern const struct gw_policy gw_conn_policy;		/* enum gw_conn_attr */
extern const struct gw_policy gw_tcp_peer_policy;	/* enum gw_tcp_peer_attr */
extern const struct gw_policy gw_tunable_policy;	/* enum gw_tunable_attr */
extern const struct gw_policy gw_overload_policy;	/* enum gw_overload_attr */
extern const struct gw_policy gw_block_policy;		/* enum gw_block_attr */
extern const struct gw_policy gw_name_policy;		/* enum gw_name_attr */
extern const struct gw_policy gw_explain_policy;	/* enum gw_explain_attr */
extern const struct gw_policy gw_trace_policy;		/* enum gw_trace_attr */

/*
 * Opens the socket and resolves the family; done implicitly by
 * gw_nl_talk().  Returns -ENOENT when the module is not loaded.
 */
int gw_nl_open(void);
void gw_nl_close(void);

/*
 * Starts a request in the single request buffer: flags is
 * NLM_F_REQUEST | NLM_F_ACK for a command, NLM_F_REQUEST | NLM_F_DUMP for
 * a dump.  Attributes are then added with mnl_attr_put*().
 */
struct nlmsghdr *gw_nl_msg(uint8_t cmd, uint16_t flags);

/*
 * Sends the request and feeds every reply message to cb (which may be NULL)
 * until the final ack or NLMSG_DONE.  Returns 0 or a negative errno.
 */
int gw_nl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/*
 * The same, but a failure is not reported: the caller adds context (a
 * rule file's position) to gw_nl_error_msg(), or reports it as it is with
 * gw_nl_report().  Errors opening the socket are reported all the same.
 */
int gw_nl_talk_quiet(struct nlmsghdr *nlh, mnl_cb_t cb, void *data);
const char *gw_nl_error_msg(void);
void gw_nl_report(void);

/*
 * The whole of a "list" command that takes no arguments: dumps cmd and
 * has cb print each reply as an item of the list named key (cb's data is
 * that struct print_list).  A GW_EXIT_* code, not an errno.
 */
int gw_nl_list(int argc, char **argv, uint8_t cmd, const char *key, mnl_cb_t cb);

/*
 * Adds GW_A_RULE for one allow rule, parsed from the command line ("rule
 * add") or a rule file ("load"): the one encoding of a rule (rule.c).
 */
struct gw_rf_rule;
struct gw_rule_counters;
void gw_put_rule(struct nlmsghdr *nlh, const struct gw_rf_rule *rule);
/*
 * The other way: a GW_A_RULE nest, of a dump or of a request (doctor
 * compares those), as the rule language's rule, which gw_rule_format()
 * writes.  A /0 prefix, which the module keeps as the family alone, comes
 * back as "from 0.0.0.0/0" (or ::/0).  handle (required when not NULL)
 * and counters are the running rule's.  MNL_CB_OK, or MNL_CB_ERROR after
 * saying what was wrong with the nest.
 */
int gw_rule_decode(const struct nlattr *nest, struct gw_rf_rule *rule, uint32_t *handle,
		   struct gw_rule_counters *counters);
/* The same for a GW_CMD_RULE_GET dump message (rule list, top). */
int gw_rule_decode_msg(const struct nlmsghdr *nlh, struct gw_rf_rule *rule, uint32_t *handle,
		       struct gw_rule_counters *counters);

/*
 * Join the module's events group (or its flows group), then feed every message that arrives to
 * cb until it returns MNL_CB_STOP (0) or an error (reported; negative).
 */
int gw_nl_subscribe_events(void);
int gw_nl_subscribe_flows(void);
int gw_nl_listen(mnl_cb_t cb, void *data);

/* The genl command of a reply. */
uint8_t gw_nl_cmd(const struct nlmsghdr *nlh);

/*
 * Fill tb (policy->max + 1 entries) from a reply's attributes or from a
 * nest.  Attributes newer than the policy are ignored; a known attribute
 * of the wrong size makes them return MNL_CB_ERROR, which the callback
 * passes on.
 */
int gw_nl_parse(const struct nlmsghdr *nlh, const struct gw_policy *policy,
		const struct nlattr **tb);
int gw_nl_parse_nest(const struct nlattr *nest, const struct gw_policy *policy,
		     const struct nlattr **tb);

/*
 * A dump message that carries its item as one nest (GW_A_CONN,
 * GW_A_TUNABLE, ...): fills tb (policy->max + 1 entries) from the nest
 * of type nest_type, or returns MNL_CB_ERROR after saying what was wrong;
 * missing is what to say when the message has no such nest.
 */
int gw_nl_parse_item(const struct nlmsghdr *nlh, uint16_t nest_type,
		     const struct gw_policy *policy, const struct nlattr **tb,
		     const char *missing);

/*
 * 0 when tb holds every attribute of need (0-ended: attribute 0 is never
 * a real one), else MNL_CB_ERROR after saying what (what is missing).
 */
int gw_nl_need(const struct nlattr **tb, const uint16_t *need, const char *what);

/*
 * conn.c: a flow's family, protocol and addresses (src and dst,
 * INET6_ADDRSTRLEN each, formatted) from its GW_A_CONN attributes: 0, or
 * MNL_CB_ERROR after saying what is wrong with them.
 */
int gw_conn_addrs(const struct nlattr **ctb, char *src, char *dst);

/* Values of optional attributes: 0 when the attribute is absent. */
static inline uint8_t gw_attr_u8(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u8(attr) : 0;
}

static inline uint16_t gw_attr_u16(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u16(attr) : 0;
}

static inline uint32_t gw_attr_u32(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u32(attr) : 0;
}

static inline uint64_t gw_attr_u64(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u64(attr) : 0;
}

/* For callbacks: records that the module's reply made no sense. */
int gw_nl_bad_reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* block.c: a GW_A_BLOCK nest (prefix NULL: the kind alone, timeout 0: none) */
struct gw_prefix;
void gw_block_put(struct nlmsghdr *nlh, uint8_t kind, const struct gw_prefix *prefix,
		  uint32_t timeout);
/* "ADDR/PLEN" of a GW_A_BLOCK's address and length; -1 when malformed. */
int gw_block_format(uint8_t family, const struct nlattr *addr,
		    const struct nlattr *plen, char *buf, size_t len);
/* "admin" or "scan": who added a block entry (enum gw_block_reason) */
const char *gw_block_reason_name(uint8_t reason);

/* iface.c: a GW_CMD_IFACE_GET dump message; MNL_CB_ERROR reported */
struct gw_iface_entry;
int gw_iface_decode(const struct nlmsghdr *nlh, struct gw_iface_entry *e);

/* overload.c: a GW_CMD_OVERLOAD_GET dump message; MNL_CB_ERROR reported */
struct gw_overload_entry;
int gw_overload_decode(const struct nlmsghdr *nlh, struct gw_overload_entry *e);

/*
 * trace.c: one GW_A_TRACE nest (a dropped packet) as a line, or an object
 * of the JSON list @list (NULL: members of the document, an event's,
 * after its number @event_seq), unless @filter (NULL: none) leaves it
 * out.  The counters' names must have been fetched.  MNL_CB_OK, or
 * MNL_CB_ERROR when the nest is malformed.
 */
struct gw_trace_filter;
struct print_list;
int gw_trace_print(const struct nlattr *nest, const struct gw_trace_filter *filter,
		   struct print_list *list, const uint64_t *event_seq);

#endif /* GWCTL_NL_H */
