/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the generic-netlink family: what netlink.c (the family, its
 * policies and its ops table) and the nl_*.c files (the handlers, one
 * object a file) share.  Only those files include it.
 */
#ifndef _GW_NETLINK_PRIV_H
#define _GW_NETLINK_PRIV_H

#include <net/genetlink.h>
#include <net/sock.h>

#include "pernet.h"
#include "core/parse.h"

extern struct genl_family gw_genl_family;

/* the family's multicast groups (netlink.c) */
enum { GW_MCGRP_EVENTS, GW_MCGRP_FLOWS };

/* nested policies (netlink.c), for nla_parse_nested() */
extern const struct nla_policy gw_rule_policy[GW_RULE_A_MAX + 1];
extern const struct nla_policy gw_conn_filter_policy[GW_CONN_A_MAX + 1];
extern const struct nla_policy gw_tunable_policy[GW_TUNABLE_A_MAX + 1];
extern const struct nla_policy gw_overload_policy[GW_OVERLOAD_A_MAX + 1];
extern const struct nla_policy gw_block_policy[GW_BLOCK_A_MAX + 1];
extern const struct nla_policy gw_name_policy[GW_NAME_A_MAX + 1];
extern const struct nla_policy gw_explain_policy[GW_EXPLAIN_A_MAX + 1];

/* the namespace a request, or a dump, is about */
static inline struct gw_net *gw_info_net(struct genl_info *info)
{
	return gw_pernet(genl_info_net(info));
}

static inline struct gw_net *gw_cb_net(struct netlink_callback *cb)
{
	return gw_pernet(sock_net(cb->skb->sk));
}

/* nl_util.c */
struct sk_buff *gw_reply_new(struct genl_info *info, u8 cmd, void **hdr);
int gw_reply(struct genl_info *info, u8 cmd,
	     int (*fill)(struct sk_buff *msg, struct genl_info *info));
void *gw_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd);
int gw_put_addr(struct sk_buff *skb, int type, u8 family,
		const union gw_addr *addr);
int gw_get_addr(const struct nlattr *attr, u8 family, union gw_addr *addr,
		struct netlink_ext_ack *extack);
int gw_parse_nest(struct genl_info *info, int type, struct nlattr **tb,
		  int maxtype, const struct nla_policy *policy,
		  const u16 *need);
int gw_req_u32(struct genl_info *info, int type, u32 *v);
int gw_nest_need(struct genl_info *info, int type, struct nlattr **tb,
		 const u16 *need);
int gw_check_ifname(const struct nlattr *attr,
		    struct netlink_ext_ack *extack);

/* nl_event.c */
bool gw_event_wanted(struct gw_net *gn, unsigned int group);
struct sk_buff *gw_event_new(u8 event, size_t size, gfp_t gfp, void **hdr);
struct sk_buff *gw_event_start(struct gw_net *gn, u8 event, void **hdr);
void gw_event_send(struct gw_net *gn, struct sk_buff *msg, void *hdr);
bool gw_event_listening(struct gw_net *gn);
bool gw_event_async(struct gw_net *gn, u8 event, size_t size,
		    int (*fill)(struct sk_buff *msg, const void *arg),
		    const void *arg);
extern bool gw_genl_live;
int gw_subscribe_doit(struct sk_buff *skb, struct genl_info *info);
void gw_event_release(struct gw_net *gn, u32 portid);
void gw_notify(struct gw_net *gn, u8 event);
void gw_notify_u32(struct gw_net *gn, u8 event, int type, u32 value);

/* nl_status.c */
int gw_status_get(struct sk_buff *skb, struct genl_info *info);
int gw_stats_get(struct sk_buff *skb, struct genl_info *info);

/* nl_zone.c */
int gw_iface_set(struct sk_buff *skb, struct genl_info *info);
int gw_iface_del(struct sk_buff *skb, struct genl_info *info);
int gw_iface_dump(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_rule.c */
struct gw_rule *gw_rule_new_from_attr(struct genl_info *info);
int gw_rule_add_doit(struct sk_buff *skb, struct genl_info *info);
int gw_rule_del_doit(struct sk_buff *skb, struct genl_info *info);
int gw_rule_flush_doit(struct sk_buff *skb, struct genl_info *info);
int gw_rule_dump(struct sk_buff *skb, struct netlink_callback *cb);
int gw_rule_fill(struct sk_buff *skb, const struct gw_rule *rule);

/* nl_flow.c */
int gw_conn_dump(struct sk_buff *skb, struct netlink_callback *cb);
int gw_conn_flush_doit(struct sk_buff *skb, struct genl_info *info);
int gw_conn_fill(struct sk_buff *skb, struct gw_net *gn,
		 const struct gw_flow *flow, u32 now);

/* nl_tunable.c */
int gw_tunable_from_attr(struct genl_info *info, u32 *value);
int gw_tunable_set_doit(struct sk_buff *skb, struct genl_info *info);
int gw_tunable_dump(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_overload.c */
int gw_overload_dump(struct sk_buff *skb, struct netlink_callback *cb);
int gw_overload_del_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_block.c: a GW_A_BLOCK nest, for a direct change or a staged entry */
struct gw_block_req {
	u8 kind;
	u8 family;
	u8 plen;
	u32 timeout;
	union gw_addr addr;
};

enum gw_block_need {
	GW_BLOCK_NEED_KIND,	/* flush */
	GW_BLOCK_NEED_PREFIX,	/* del, load */
	GW_BLOCK_NEED_ADD,	/* add: a timeout allowed */
};

int gw_block_from_attr(struct genl_info *info, enum gw_block_need need,
		       struct gw_block_req *req);
int gw_block_add_doit(struct sk_buff *skb, struct genl_info *info);
int gw_block_del_doit(struct sk_buff *skb, struct genl_info *info);
int gw_block_flush_doit(struct sk_buff *skb, struct genl_info *info);
int gw_block_dump(struct sk_buff *skb, struct netlink_callback *cb);
/* @hits NULL: none to report (an event of a change) */
int gw_block_fill(struct sk_buff *skb, u8 kind,
		  const struct gw_block_entry *e, u32 remaining,
		  const u64 *hits);

/* nl_names.c */
int gw_names_dump(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_explain.c */
int gw_explain_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_trace.c; gw_trace_notify() is trace.c's */
struct gw_trace_rec;
int gw_trace_dump(struct sk_buff *skb, struct netlink_callback *cb);
void gw_trace_notify(struct gw_net *gn, const struct gw_trace_rec *rec);

/* nl_txn.c */
int gw_txn_begin_doit(struct sk_buff *skb, struct genl_info *info);
int gw_txn_stage_doit(struct sk_buff *skb, struct genl_info *info);
int gw_txn_commit_doit(struct sk_buff *skb, struct genl_info *info);
int gw_txn_abort_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _GW_NETLINK_PRIV_H */
