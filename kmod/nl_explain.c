// SPDX-License-Identifier: GPL-2.0
/*
 * "gwctl explain" (GW_CMD_EXPLAIN): the verdict the packet path would
 * give a packet the request describes, and what led to it.  The packet is
 * built as gw_parse() would have left it (struct gw_pkt), with no skb, and
 * judged by the hooks' own functions, gw_judge_inbound_pkt() and
 * gw_judge_outbound_pkt(), in a dry judgement (struct gw_judge): no flow
 * created, stepped or removed, no counter, rule hit or token taken, no
 * reset or proxy segment sent.  The judgement runs as the hooks do, under
 * rcu_read_lock() with bottom halves off, and the reply is filled before
 * that section ends, while the flow the verdict names is still valid.
 */
#include <linux/netdevice.h>
#include <linux/jiffies.h>
#include <net/genetlink.h>

#include "netlink_priv.h"
#include "hooks.h"
#include "zones.h"
#include "rules.h"
#include "flowtable.h"
#include "blocklist.h"
#include "synproxy.h"
#include "core/icmp.h"
#include "core/names.h"
#include "core/tcp.h"

/* The window a described TCP segment offers: the verdict never reads it. */
#define GW_EXPLAIN_WINDOW	65535

/* A request: the packet, and what it leaves to the module. */
struct gw_explain_req {
	struct gw_pkt pkt;
	struct gw_icmp icmp;
	u8 way;			/* enum gw_explain_way */
	bool seq_given;		/* if not, on a flow: the next one expected */
	bool ack_given;
	char ifname[IFNAMSIZ];
};

/*
 * The ICMP message @pkt describes, as gw_icmp_parse() would read it.  A
 * neighbour discovery message or an MLD report is one a host on the link
 * sent (hop limit 255, or 1: RFC 4861, RFC 2710).  An error is judged by
 * the packet it quotes, which a request cannot describe.
 */
static int gw_explain_icmp(struct gw_explain_req *req, struct nlattr *nest,
			   struct nlattr **tb, struct netlink_ext_ack *extack)
{
	struct gw_pkt *pkt = &req->pkt;
	u8 hop_limit;

	if (NL_REQ_ATTR_CHECK(extack, nest, tb, GW_EXPLAIN_A_ICMP_TYPE))
		return -EINVAL;
	pkt->icmp_type = nla_get_u8(tb[GW_EXPLAIN_A_ICMP_TYPE]);
	if (tb[GW_EXPLAIN_A_ICMP_CODE])
		pkt->icmp_code = nla_get_u8(tb[GW_EXPLAIN_A_ICMP_CODE]);
	hop_limit = pkt->icmp_type >= 133 && pkt->icmp_type <= 137 ? 255 : 1;
	req->icmp.cls = gw_icmp_classify(pkt, hop_limit);
	if (req->icmp.cls == GW_ICMP_ERROR) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_EXPLAIN_A_ICMP_TYPE],
				    "an ICMP error is judged by the packet it quotes, which explain cannot describe");
		return -EOPNOTSUPP;
	}
	if (tb[GW_EXPLAIN_A_ICMP_ID]) {
		if (req->icmp.cls != GW_ICMP_ECHO_REQUEST &&
		    req->icmp.cls != GW_ICMP_ECHO_REPLY) {
			NL_SET_ERR_MSG_ATTR(extack, tb[GW_EXPLAIN_A_ICMP_ID],
					    "only an echo request or reply has an identifier");
			return -EINVAL;
		}
		req->icmp.id = nla_get_u16(tb[GW_EXPLAIN_A_ICMP_ID]);
	}
	return 0;
}

/* The attributes that only some protocols carry, refused on the others. */
static int gw_explain_check_proto(struct nlattr **tb, bool ports, bool tcp,
				  bool icmp, struct netlink_ext_ack *extack)
{
	static const u8 tcp_only[] = {
		GW_EXPLAIN_A_TCP_FLAGS, GW_EXPLAIN_A_SEQ, GW_EXPLAIN_A_ACK,
	};
	static const u8 icmp_only[] = {
		GW_EXPLAIN_A_ICMP_TYPE, GW_EXPLAIN_A_ICMP_CODE,
		GW_EXPLAIN_A_ICMP_ID,
	};
	unsigned int i;

	if (!ports && (tb[GW_EXPLAIN_A_SPORT] || tb[GW_EXPLAIN_A_DPORT])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_EXPLAIN_A_SPORT] ?:
				    tb[GW_EXPLAIN_A_DPORT],
				    "only tcp and udp have ports");
		return -EINVAL;
	}
	for (i = 0; !tcp && i < ARRAY_SIZE(tcp_only); i++) {
		if (tb[tcp_only[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[tcp_only[i]],
					    "only tcp has flags, seq and ack");
			return -EINVAL;
		}
	}
	for (i = 0; !icmp && i < ARRAY_SIZE(icmp_only); i++) {
		if (tb[icmp_only[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[icmp_only[i]],
					    "only icmp (IPv4) and icmpv6 (IPv6) have a type, code and id");
			return -EINVAL;
		}
	}
	return 0;
}

static int gw_explain_parse(struct genl_info *info, struct gw_explain_req *req)
{
	static const u16 need[] = {
		GW_EXPLAIN_A_WAY, GW_EXPLAIN_A_IFNAME, GW_EXPLAIN_A_FAMILY,
		GW_EXPLAIN_A_PROTO, GW_EXPLAIN_A_SRC, GW_EXPLAIN_A_DST, 0
	};
	struct nlattr *tb[GW_EXPLAIN_A_MAX + 1], *nest = info->attrs[GW_A_EXPLAIN];
	struct netlink_ext_ack *extack = info->extack;
	struct gw_pkt *pkt = &req->pkt;
	bool ports, tcp, icmp;
	int err;

	memset(req, 0, sizeof(*req));
	err = gw_parse_nest(info, GW_A_EXPLAIN, tb, GW_EXPLAIN_A_MAX,
			    gw_explain_policy, need);
	if (err)
		return err;
	req->way = nla_get_u8(tb[GW_EXPLAIN_A_WAY]);
	err = gw_check_ifname(tb[GW_EXPLAIN_A_IFNAME], extack);
	if (err)
		return err;
	nla_strscpy(req->ifname, tb[GW_EXPLAIN_A_IFNAME], sizeof(req->ifname));

	pkt->family = nla_get_u8(tb[GW_EXPLAIN_A_FAMILY]);
	if (pkt->family != AF_INET && pkt->family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_EXPLAIN_A_FAMILY],
				    "family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	err = gw_get_addr(tb[GW_EXPLAIN_A_SRC], pkt->family, &pkt->saddr,
			  extack);
	if (!err)
		err = gw_get_addr(tb[GW_EXPLAIN_A_DST], pkt->family,
				  &pkt->daddr, extack);
	if (err)
		return err;

	pkt->proto = nla_get_u8(tb[GW_EXPLAIN_A_PROTO]);
	tcp = pkt->proto == IPPROTO_TCP;
	ports = tcp || pkt->proto == IPPROTO_UDP;
	icmp = gw_icmp_proto(pkt->family, pkt->proto);
	err = gw_explain_check_proto(tb, ports, tcp, icmp, extack);
	if (err)
		return err;
	if (ports) {
		if (NL_REQ_ATTR_CHECK(extack, nest, tb, GW_EXPLAIN_A_SPORT) ||
		    NL_REQ_ATTR_CHECK(extack, nest, tb, GW_EXPLAIN_A_DPORT))
			return -EINVAL;
		pkt->sport = nla_get_u16(tb[GW_EXPLAIN_A_SPORT]);
		pkt->dport = nla_get_u16(tb[GW_EXPLAIN_A_DPORT]);
	}
	if (tcp) {
		pkt->tcp_flags = tb[GW_EXPLAIN_A_TCP_FLAGS] ?
				 nla_get_u8(tb[GW_EXPLAIN_A_TCP_FLAGS]) :
				 GW_TCP_SYN;
		pkt->window = GW_EXPLAIN_WINDOW;
		req->seq_given = !!tb[GW_EXPLAIN_A_SEQ];
		req->ack_given = !!tb[GW_EXPLAIN_A_ACK];
		if (req->seq_given)
			pkt->seq = nla_get_u32(tb[GW_EXPLAIN_A_SEQ]);
		if (req->ack_given)
			pkt->ack_seq = nla_get_u32(tb[GW_EXPLAIN_A_ACK]);
	}
	if (icmp)
		return gw_explain_icmp(req, nest, tb, extack);
	return 0;
}

/*
 * A TCP segment other than a SYN, of a live flow, with no sequence or
 * acknowledgement number given: the next its sender has to send, and all
 * the other side has sent, as the tracker saw them.  The tracker keeps a
 * proxied flow in the server's sequence space, and a client's ACK is
 * translated into it before it is judged (gw_proxy_to_server()): so the
 * client's is given in its own view of the server's numbers.  Under RCU.
 */
static void gw_explain_fill_seq(struct gw_net *gn, struct gw_explain_req *req)
{
	struct gw_pkt *pkt = &req->pkt;
	struct gw_flow_key key;
	struct gw_flow *flow;
	bool src_first;
	enum gw_dir dir;
	u32 hash;
	u8 proxy;

	if (pkt->proto != IPPROTO_TCP || (pkt->tcp_flags & GW_TCP_SYN) ||
	    (req->seq_given && req->ack_given))
		return;
	flow = gw_flow_lookup_pkt(gn, pkt, &key, &hash, &src_first);
	if (!flow || gw_flow_closed(flow))
		return;
	dir = gw_flow_dir(flow, src_first);
	/* pairs with the release in gw_synproxy_join(), as the trackers' */
	proxy = smp_load_acquire(&flow->proxy);
	if (!req->seq_given)
		pkt->seq = READ_ONCE(flow->tcp.peer[dir].end);
	if (!req->ack_given) {
		pkt->ack_seq = READ_ONCE(flow->tcp.peer[!dir].end);
		if (req->way == GW_EXPLAIN_IN &&
		    gw_proxy_state(proxy) == GW_PROXY_JOINED)
			pkt->ack_seq -= flow->seqadj.seq_delta;
	}
}

/* Which way along @flow @req's packet goes (as its tracker keys it). */
static u8 gw_explain_flow_dir(const struct gw_flow *flow,
			      const struct gw_explain_req *req)
{
	struct gw_flow_key key;
	struct gw_pkt keyed = req->pkt;
	bool src_first;

	/* an echo is keyed by its identifier, as both ports */
	if (gw_icmp_proto(keyed.family, keyed.proto)) {
		keyed.sport = req->icmp.id;
		keyed.dport = req->icmp.id;
	}
	src_first = gw_flow_key_from_pkt(&key, &keyed);
	return gw_flow_dir(flow, src_first) == GW_DIR_ORIGINAL ?
	       GW_EXPLAIN_FLOW_ORIGINAL : GW_EXPLAIN_FLOW_REPLY;
}

/* The name of a verdict's reason: its counter's, or one of its own. */
static const char *gw_explain_reason_name(u8 reason)
{
	switch (reason) {
	case GW_REASON_FLOW:
		return "flow";
	case GW_REASON_NEW_FLOW:
		return "new_flow";
	case GW_REASON_LINK:
		return "link";
	case GW_REASON_UNFILTERED:
		return "unfiltered";
	default:
		return gw_counter_name(reason) ?: "unknown";
	}
}

/* The block and never-block entries holding @addr. */
static int gw_explain_fill_block(struct sk_buff *msg, struct gw_net *gn,
				 u8 family, const union gw_addr *addr)
{
	struct gw_block_entry e;
	u32 remaining;
	u8 kind;

	for (kind = 0; kind < __GW_BLOCK_KIND_MAX; kind++) {
		if (gw_block_find_addr(gn, kind, family, addr, &e, &remaining) &&
		    gw_block_fill(msg, kind, &e, remaining, NULL))
			return -EMSGSIZE;
	}
	return 0;
}

/*
 * The verdict @v on @req's packet, judged on @dev (NULL: not judged, the
 * interface is no wan), and what it met.  Under RCU, as the judgement.
 */
static int gw_explain_fill(struct sk_buff *msg, struct gw_net *gn,
			   const struct gw_explain_req *req, int zone,
			   const struct net_device *dev, struct gw_verdict v)
{
	const struct gw_pkt *pkt = &req->pkt;
	const struct gw_rule *rule = NULL;
	const union gw_addr *outside;
	struct nlattr *nest;
	u32 match = 0;

	nest = nla_nest_start(msg, GW_A_EXPLAIN);
	if (!nest ||
	    nla_put_u8(msg, GW_EXPLAIN_A_VERDICT, v.action == GW_DROP ?
		       GW_EXPLAIN_DROP : GW_EXPLAIN_PASS) ||
	    nla_put_string(msg, GW_EXPLAIN_A_REASON,
			   gw_explain_reason_name(v.reason)) ||
	    (v.prior != GW_REASON_NONE &&
	     nla_put_string(msg, GW_EXPLAIN_A_PRIOR,
			    gw_explain_reason_name(v.prior))) ||
	    (zone >= 0 && nla_put_u8(msg, GW_EXPLAIN_A_ZONE, zone)))
		return -EMSGSIZE;
	if (pkt->proto == IPPROTO_TCP &&
	    (nla_put_u32(msg, GW_EXPLAIN_A_SEQ, pkt->seq) ||
	     nla_put_u32(msg, GW_EXPLAIN_A_ACK, pkt->ack_seq)))
		return -EMSGSIZE;
	if (!dev) {
		nla_nest_end(msg, nest);
		return 0;
	}
	if (v.rule) {
		rule = gw_rules_by_handle(gn, v.rule);
		if (nla_put_u32(msg, GW_EXPLAIN_A_RULE, v.rule))
			return -EMSGSIZE;
	}
	if (req->way == GW_EXPLAIN_IN) {
		const struct gw_rule *first = gw_rules_find(gn, pkt, dev->name);

		match = first ? first->handle : 0;
		if (!rule)
			rule = first;
		if (nla_put_u32(msg, GW_EXPLAIN_A_MATCH, match))
			return -EMSGSIZE;
	}
	if (v.flow &&
	    nla_put_u8(msg, GW_EXPLAIN_A_FLOW_DIR,
		       gw_explain_flow_dir(v.flow, req)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);

	if (rule && gw_rule_fill(msg, rule))
		return -EMSGSIZE;
	if (v.flow && gw_conn_fill(msg, gn, v.flow, (u32)jiffies))
		return -EMSGSIZE;
	outside = req->way == GW_EXPLAIN_IN ? &pkt->saddr : &pkt->daddr;
	return gw_explain_fill_block(msg, gn, pkt->family, outside);
}

int gw_explain_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_net *gn = gw_info_net(info);
	struct gw_explain_req req;
	const struct net_device *dev;
	struct gw_verdict v;
	struct gw_judge j;
	struct sk_buff *msg;
	void *hdr;
	int zone, err;

	err = gw_explain_parse(info, &req);
	if (err)
		return err;
	zone = gw_zone_of(gn, req.ifname);
	msg = gw_reply_new(info, GW_CMD_EXPLAIN, &hdr);
	if (!msg)
		return -ENOMEM;

	local_bh_disable();
	rcu_read_lock();
	dev = dev_get_by_name_rcu(genl_info_net(info), req.ifname);
	if (!dev) {
		err = -ENODEV;
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[GW_A_EXPLAIN],
				    "no such interface in this namespace");
		goto out_unlock;
	}
	/* as the hooks: only a wan interface's traffic is judged */
	if (!gw_is_wan_rmb(&gn->zones, dev->ifindex)) {
		v = gw_accept(GW_REASON_UNFILTERED);
		dev = NULL;
	} else {
		gw_explain_fill_seq(gn, &req);
		j = (struct gw_judge){ .gn = gn, .dev = dev, .dry = true };
		if (req.way == GW_EXPLAIN_IN)
			v = gw_judge_inbound_pkt(&j, &req.pkt, &req.icmp);
		else
			v = gw_judge_outbound_pkt(&j, &req.pkt, &req.icmp);
	}
	err = gw_explain_fill(msg, gn, &req, zone, dev, v);
out_unlock:
	rcu_read_unlock();
	local_bh_enable();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}
