// SPDX-License-Identifier: GPL-2.0
/* The blocklist and the never-block list (blocklist.c). */
#include <net/genetlink.h>

#include "netlink.h"
#include "netlink_priv.h"
#include "blocklist.h"

int gw_block_from_attr(struct genl_info *info, enum gw_block_need need,
		       struct gw_block_req *req)
{
	static const u16 need_kind[] = { GW_BLOCK_A_KIND, 0 };
	static const u16 need_prefix[] = {
		GW_BLOCK_A_FAMILY, GW_BLOCK_A_ADDR, GW_BLOCK_A_PLEN, 0
	};
	struct nlattr *tb[GW_BLOCK_A_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	unsigned int max;
	int err;

	memset(req, 0, sizeof(*req));
	err = gw_parse_nest(info, GW_A_BLOCK, tb, GW_BLOCK_A_MAX,
			    gw_block_policy, need_kind);
	if (err)
		return err;
	req->kind = nla_get_u8(tb[GW_BLOCK_A_KIND]);
	if (need == GW_BLOCK_NEED_KIND)
		return 0;
	err = gw_nest_need(info, GW_A_BLOCK, tb, need_prefix);
	if (err)
		return err;
	req->family = nla_get_u8(tb[GW_BLOCK_A_FAMILY]);
	max = gw_block_max_plen(req->family);
	if (!max) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_BLOCK_A_FAMILY],
				    "family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	err = gw_get_addr(tb[GW_BLOCK_A_ADDR], req->family, &req->addr, extack);
	if (err)
		return err;
	req->plen = nla_get_u8(tb[GW_BLOCK_A_PLEN]);
	if (req->plen > max) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_BLOCK_A_PLEN],
				    "prefix length too long for the family");
		return -EINVAL;
	}
	if (!gw_block_prefix_valid(req->family, &req->addr, req->plen)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_BLOCK_A_ADDR],
				    "address has bits set past the prefix length");
		return -EINVAL;
	}
	if (!tb[GW_BLOCK_A_TIMEOUT])
		return 0;
	if (need != GW_BLOCK_NEED_ADD) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_BLOCK_A_TIMEOUT],
				    "a timeout only goes with an add (a load holds permanent entries)");
		return -EINVAL;
	}
	if (req->kind != GW_BLOCK_KIND_BLOCK) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_BLOCK_A_TIMEOUT],
				    "never-block entries take no timeout");
		return -EINVAL;
	}
	req->timeout = nla_get_u32(tb[GW_BLOCK_A_TIMEOUT]);
	return 0;
}

/* @e NULL: only the kind (a flush). */
int gw_block_fill(struct sk_buff *skb, u8 kind,
		  const struct gw_block_entry *e, u32 remaining,
		  const u64 *hits)
{
	struct nlattr *nest = nla_nest_start(skb, GW_A_BLOCK);

	if (!nest || nla_put_u8(skb, GW_BLOCK_A_KIND, kind))
		return -EMSGSIZE;
	if (e &&
	    (nla_put_u8(skb, GW_BLOCK_A_FAMILY, e->family) ||
	     nla_put(skb, GW_BLOCK_A_ADDR, gw_block_max_plen(e->family) / 8,
		     &e->addr) ||
	     nla_put_u8(skb, GW_BLOCK_A_PLEN, e->plen) ||
	     (e->reason &&
	      nla_put_u8(skb, GW_BLOCK_A_REASON, e->reason)) ||
	     (e->timed &&
	      (nla_put_u32(skb, GW_BLOCK_A_TIMEOUT, e->timeout) ||
	       nla_put_u32(skb, GW_BLOCK_A_REMAINING, remaining))) ||
	     (hits &&
	      nla_put_u64_64bit(skb, GW_BLOCK_A_HITS, *hits, GW_BLOCK_A_PAD))))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static void gw_notify_block(struct gw_net *gn, u8 event, u8 kind,
			    const struct gw_block_req *req)
{
	struct gw_block_entry e = {};
	struct sk_buff *msg;
	void *hdr;

	msg = gw_event_start(gn, event, &hdr);
	if (!msg)
		return;
	if (req) {
		e.addr = req->addr;
		e.family = req->family;
		e.plen = req->plen;
		e.timed = !!req->timeout;
		e.timeout = req->timeout;
	}
	if (gw_block_fill(msg, kind, req ? &e : NULL, req ? req->timeout : 0,
			  NULL)) {
		nlmsg_free(msg);
		return;
	}
	gw_event_send(gn, msg, hdr);
}

struct gw_block_released {
	const struct gw_block_entry *e;
	u64 hits;
};

static int gw_block_released_fill(struct sk_buff *msg, const void *arg)
{
	const struct gw_block_released *r = arg;

	return gw_block_fill(msg, GW_BLOCK_KIND_BLOCK, r->e, 0, &r->hits);
}

/*
 * From whoever drops the expired entry (the collector, or a change before
 * it): under gn->lock, so gw_event_async(), which may not sleep.
 */
void gw_notify_block_released(struct gw_net *gn,
			      const struct gw_block_entry *e, u64 hits)
{
	struct gw_block_released r = { .e = e, .hits = hits };

	/* an entry, its reason and hits: well under 256 bytes */
	gw_event_async(gn, GW_EVENT_BLOCK_RELEASED, 256,
		       gw_block_released_fill, &r);
}

/* An add or a delete (@need says which), and its event when it is done. */
static int gw_block_change(struct genl_info *info, enum gw_block_need need)
{
	struct gw_net *gn = gw_info_net(info);
	struct gw_block_req req;
	u8 event;
	int err;

	err = gw_block_from_attr(info, need, &req);
	if (err)
		return err;
	if (need == GW_BLOCK_NEED_ADD) {
		err = gw_block_add(gn, req.kind, req.family, &req.addr,
				   req.plen, req.timeout,
				   GW_BLOCK_REASON_ADMIN, info->extack);
		event = GW_EVENT_BLOCK_ADDED;
	} else {
		err = gw_block_del(gn, req.kind, req.family, &req.addr,
				   req.plen, info->extack);
		event = GW_EVENT_BLOCK_DELETED;
	}
	if (!err)
		gw_notify_block(gn, event, req.kind, &req);
	return err;
}

int gw_block_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return gw_block_change(info, GW_BLOCK_NEED_ADD);
}

int gw_block_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return gw_block_change(info, GW_BLOCK_NEED_PREFIX);
}

int gw_block_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_net *gn = gw_info_net(info);
	struct gw_block_req req;
	int err;

	err = gw_block_from_attr(info, GW_BLOCK_NEED_KIND, &req);
	if (err)
		return err;
	gw_block_flush(gn, req.kind);
	gw_notify_block(gn, GW_EVENT_BLOCK_FLUSHED, req.kind, NULL);
	return 0;
}

/* Both lists, the blocklist first; args[0] the kind, args[1] the index. */
int gw_block_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct gw_net *gn = gw_cb_net(cb);
	struct gw_block_entry e;
	u32 remaining, gen;
	u64 hits;
	void *hdr;

	for (; cb->args[0] < __GW_BLOCK_KIND_MAX; cb->args[0]++, cb->args[1] = 0) {
		while (gw_block_get(gn, cb->args[0], &cb->args[1], &e,
				    &remaining, &hits, &gen)) {
			hdr = gw_dump_put(skb, cb, GW_CMD_BLOCK_GET);
			if (!hdr)
				return skb->len;
			/* resumed by position: flag a change under the dump */
			cb->seq = gen + 1;
			genl_dump_check_consistent(cb, hdr);
			if (gw_block_fill(skb, cb->args[0], &e, remaining,
					  &hits)) {
				genlmsg_cancel(skb, hdr);
				return skb->len;
			}
			genlmsg_end(skb, hdr);
			cb->args[1]++;
		}
	}
	return skb->len;
}
