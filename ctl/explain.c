// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl explain: what the module would do with one packet, and why.  The
 * module judges the packet described with its own packet-path code and
 * changes nothing (GW_CMD_EXPLAIN); this prints the verdict and what led
 * to it, and exits 0 when the packet would pass, 3 when it would be
 * dropped.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"
#include "rulefile.h"

struct explain_ctx {
	const struct gw_explain_args *args;
	bool answered;
	bool drop;
};

static void put_request(struct nlmsghdr *nlh, const struct gw_explain_args *a)
{
	size_t alen = gw_addr_len(a->src.family);
	struct nlattr *nest = mnl_attr_nest_start(nlh, GW_A_EXPLAIN);

	mnl_attr_put_u8(nlh, GW_EXPLAIN_A_WAY, a->way);
	mnl_attr_put_strz(nlh, GW_EXPLAIN_A_IFNAME, a->ifname);
	mnl_attr_put_u8(nlh, GW_EXPLAIN_A_FAMILY, a->src.family);
	mnl_attr_put_u8(nlh, GW_EXPLAIN_A_PROTO, a->proto);
	mnl_attr_put(nlh, GW_EXPLAIN_A_SRC, alen, a->src.addr);
	mnl_attr_put(nlh, GW_EXPLAIN_A_DST, alen, a->dst.addr);
	if (a->has_sport)
		mnl_attr_put_u16(nlh, GW_EXPLAIN_A_SPORT, a->sport);
	if (a->has_dport)
		mnl_attr_put_u16(nlh, GW_EXPLAIN_A_DPORT, a->dport);
	if (a->has_flags)
		mnl_attr_put_u8(nlh, GW_EXPLAIN_A_TCP_FLAGS, a->tcp_flags);
	if (a->has_seq)
		mnl_attr_put_u32(nlh, GW_EXPLAIN_A_SEQ, a->seq);
	if (a->has_ack)
		mnl_attr_put_u32(nlh, GW_EXPLAIN_A_ACK, a->ack);
	if (a->has_type)
		mnl_attr_put_u8(nlh, GW_EXPLAIN_A_ICMP_TYPE, a->icmp_type);
	if (a->has_code)
		mnl_attr_put_u8(nlh, GW_EXPLAIN_A_ICMP_CODE, a->icmp_code);
	if (a->has_id)
		mnl_attr_put_u16(nlh, GW_EXPLAIN_A_ICMP_ID, a->icmp_id);
	mnl_attr_nest_end(nlh, nest);
}

/* The packet, as it was asked about: "tcp 198.51.100.7 port 40000 -> ...". */
static void print_packet(const struct gw_explain_args *a, const struct nlattr **etb)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], flags[16];
	const char *proto = gw_proto_name(a->proto);

	gw_format_addr(a->src.family, a->src.addr, gw_addr_len(a->src.family), src,
		       sizeof(src));
	gw_format_addr(a->dst.family, a->dst.addr, gw_addr_len(a->dst.family), dst,
		       sizeof(dst));
	print_open_object("packet");
	print_text("packet   ");
	if (proto)
		print_str("proto", "%s", proto);
	else
		print_u64("proto", "proto %" PRIu64, a->proto);
	print_str("src", " from %s", src);
	if (a->has_sport)
		print_u64("sport", " port %" PRIu64, a->sport);
	print_str("dst", " to %s", dst);
	if (a->has_dport)
		print_u64("dport", " port %" PRIu64, a->dport);
	print_str("way", " %s", a->way == GW_EXPLAIN_IN ? "in" : "out");
	print_str("interface", " %s", a->ifname);
	if (a->proto == IPPROTO_TCP) {
		uint8_t f = a->has_flags ? a->tcp_flags : 0x02;
		/* a SYN's numbers say nothing, unless they were asked about */
		bool numbers = a->has_seq || a->has_ack || !(f & 0x02);

		gw_tcp_flags_format(f, flags, sizeof(flags));
		print_str("flags", " flags %s", flags);
		if (etb[GW_EXPLAIN_A_SEQ])
			print_u64("seq", numbers ? " seq %" PRIu64 : NULL,
				  mnl_attr_get_u32(etb[GW_EXPLAIN_A_SEQ]));
		if (etb[GW_EXPLAIN_A_ACK])
			print_u64("ack", numbers ? " ack %" PRIu64 : NULL,
				  mnl_attr_get_u32(etb[GW_EXPLAIN_A_ACK]));
	}
	if (a->has_type) {
		print_u64("type", " type %" PRIu64, a->icmp_type);
		print_u64("code", " code %" PRIu64, a->icmp_code);
		if (a->has_id)
			print_u64("id", " id %" PRIu64, a->icmp_id);
	}
	print_close_object();
	print_nl();
}

/* One GW_A_BLOCK of the reply: the block or never-block entry met. */
static int print_block(const struct nlattr *nest)
{
	const struct nlattr *btb[GW_BLOCK_A_MAX + 1];
	char prefix[INET6_ADDRSTRLEN + 8];
	bool never;

	if (gw_nl_parse_nest(nest, &gw_block_policy, btb))
		return -1;
	if (!btb[GW_BLOCK_A_KIND] || !btb[GW_BLOCK_A_FAMILY] ||
	    gw_block_format(mnl_attr_get_u8(btb[GW_BLOCK_A_FAMILY]), btb[GW_BLOCK_A_ADDR],
			    btb[GW_BLOCK_A_PLEN], prefix, sizeof(prefix)))
		return gw_nl_bad_reply("block entry without kind or with a malformed prefix");
	never = mnl_attr_get_u8(btb[GW_BLOCK_A_KIND]) == GW_BLOCK_KIND_NEVER;
	print_open_object(never ? "never_block" : "block");
	print_text("%s", never ? "never    " : "block    ");
	print_str("prefix", "%s", prefix);
	if (btb[GW_BLOCK_A_TIMEOUT])
		print_u64("remaining", ", %" PRIu64 " s left",
			  gw_attr_u32(btb[GW_BLOCK_A_REMAINING]));
	else
		print_bool("permanent", ", permanent", true);
	if (btb[GW_BLOCK_A_REASON])
		print_str("reason", ", reason %s",
			  gw_block_reason_name(mnl_attr_get_u8(btb[GW_BLOCK_A_REASON])));
	print_close_object();
	print_nl();
	return 0;
}

static int print_blocks(const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;
	bool any = false;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != GW_A_BLOCK)
			continue;
		if (print_block(attr))
			return -1;
		any = true;
	}
	if (!any)
		print_text("block    none\n");
	return 0;
}

/* The flow the packet met, and which way along it the packet goes. */
static int print_flow(const struct nlattr *nest, const struct nlattr *dir)
{
	const struct nlattr *ctb[GW_CONN_A_MAX + 1];
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], buf[16];
	uint32_t flags;
	const char *state;

	if (!nest) {
		print_text("flow     none\n");
		return 0;
	}
	if (gw_nl_parse_nest(nest, &gw_conn_policy, ctb))
		return -1;
	if (gw_conn_addrs(ctb, src, dst))
		return -1;
	flags = gw_attr_u32(ctb[GW_CONN_A_FLAGS]);

	print_open_object("flow");
	print_text("flow     ");
	if (ctb[GW_CONN_A_STATE]) {
		uint8_t s = mnl_attr_get_u8(ctb[GW_CONN_A_STATE]);

		state = gw_name(GW_NAME_KIND_TCP_STATE, s);
		if (!state) {
			snprintf(buf, sizeof(buf), "STATE_%u", s);
			state = buf;
		}
		print_str("state", "%s ", state);
	}
	print_str("src", "%s", src);
	if (ctb[GW_CONN_A_SPORT])
		print_u64("sport", " port %" PRIu64, mnl_attr_get_u16(ctb[GW_CONN_A_SPORT]));
	print_str("dst", " -> %s", dst);
	if (ctb[GW_CONN_A_DPORT])
		print_u64("dport", " port %" PRIu64, mnl_attr_get_u16(ctb[GW_CONN_A_DPORT]));
	gw_conn_print_flags(flags);
	if (ctb[GW_CONN_A_TIMEOUT])
		print_u64("timeout", ", %" PRIu64 " s left", mnl_attr_get_u32(ctb[GW_CONN_A_TIMEOUT]));
	if (dir)
		print_str("packet_direction", "; the packet goes the %s way",
			  mnl_attr_get_u8(dir) == GW_EXPLAIN_FLOW_REPLY ? "reply" : "original");
	print_close_object();
	print_nl();
	return 0;
}

/* A GW_A_RULE of the reply as a rule-file line, under @key. */
static int print_rule(const char *key, const char *textfmt, const struct nlattr *nest)
{
	char text[GW_RULE_TEXT_MAX];
	struct gw_rf_rule r;
	uint32_t handle;

	if (gw_rule_decode(nest, &r, &handle, NULL) != MNL_CB_OK)
		return -1;
	gw_rule_format(&r, text, sizeof(text));
	print_open_object(key);
	print_u64("handle", textfmt, handle);
	print_str("text", ": %s", text);
	print_close_object();
	return 0;
}

/*
 * The rule that decided, or that no rule matches, or the first that
 * matches when something else decided (a flow, the blocklist, a limit).
 */
static int print_rules(const struct nlattr **etb, const struct nlattr *rule)
{
	uint32_t decided = gw_attr_u32(etb[GW_EXPLAIN_A_RULE]);
	uint32_t match = gw_attr_u32(etb[GW_EXPLAIN_A_MATCH]);

	if (decided && rule) {
		if (print_rule("rule", "rule     %" PRIu64, rule))
			return -1;
	} else if (decided) {
		/* gone since: a load or a delete raced the question */
		print_open_object("rule");
		print_u64("handle", "rule     %" PRIu64 " (no longer in the ruleset)", decided);
		print_close_object();
	} else if (!etb[GW_EXPLAIN_A_MATCH]) {
		print_text("rule     not consulted");
	} else if (!match) {
		print_bool("no_rule_matches", "rule     no rule matches", true);
	} else if (rule) {
		if (print_rule("first_match", "rule     none decided; the first that matches is %" PRIu64,
			       rule))
			return -1;
	} else {
		print_open_object("first_match");
		print_u64("handle", "rule     none decided; the first that matches is %" PRIu64, match);
		print_close_object();
	}
	print_nl();
	return 0;
}

static int explain_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[GW_A_MAX + 1], *etb[GW_EXPLAIN_A_MAX + 1];
	struct explain_ctx *ctx = data;
	const char *zone = "none";

	if (gw_nl_parse(nlh, &gw_attr_policy, tb))
		return MNL_CB_ERROR;
	if (!tb[GW_A_EXPLAIN])
		return gw_nl_bad_reply("explain reply without GW_A_EXPLAIN");
	if (gw_nl_parse_nest(tb[GW_A_EXPLAIN], &gw_explain_policy, etb))
		return MNL_CB_ERROR;
	if (!etb[GW_EXPLAIN_A_VERDICT] || !etb[GW_EXPLAIN_A_REASON])
		return gw_nl_bad_reply("explain reply without a verdict or a reason");
	ctx->answered = true;
	ctx->drop = mnl_attr_get_u8(etb[GW_EXPLAIN_A_VERDICT]) != GW_EXPLAIN_PASS;

	print_str("verdict", "verdict  %s", ctx->drop ? "drop" : "pass");
	print_nl();
	print_str("reason", "reason   %s", mnl_attr_get_str(etb[GW_EXPLAIN_A_REASON]));
	if (etb[GW_EXPLAIN_A_PRIOR])
		print_str("prior", " (after %s)", mnl_attr_get_str(etb[GW_EXPLAIN_A_PRIOR]));
	print_nl();
	print_packet(ctx->args, etb);
	if (etb[GW_EXPLAIN_A_ZONE])
		zone = gw_zone_name(mnl_attr_get_u8(etb[GW_EXPLAIN_A_ZONE])) ?: "unknown";
	print_str("zone", "zone     %s", zone);
	print_text("%s", strcmp(zone, "wan") ? " (not judged: only wan traffic is)" : "");
	print_nl();
	if (print_blocks(nlh) ||
	    print_flow(tb[GW_A_CONN], etb[GW_EXPLAIN_A_FLOW_DIR]) ||
	    print_rules(etb, tb[GW_A_RULE]))
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

int do_explain(int argc, char **argv)
{
	struct gw_explain_args args;
	struct explain_ctx ctx = { .args = &args };
	char err[GW_ERR_MAX];
	struct nlmsghdr *nlh;

	if (gw_explain_parse_args(argc, argv, &args, err, sizeof(err)))
		return gw_usage_error("%s", err);
	if (gw_names_fetch(GW_NAME_KIND_TCP_STATE))
		return GW_EXIT_KERNEL;
	nlh = gw_nl_msg(GW_CMD_EXPLAIN, NLM_F_REQUEST | NLM_F_ACK);
	put_request(nlh, &args);
	if (gw_nl_talk(nlh, explain_cb, &ctx))
		return GW_EXIT_KERNEL;
	if (!ctx.answered) {
		gw_nl_bad_reply("no answer to explain");
		return GW_EXIT_KERNEL;
	}
	return ctx.drop ? GW_EXIT_DROP : GW_EXIT_OK;
}
