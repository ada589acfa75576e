// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl rule: the allow rules that admit inbound connections.  "rule add"
 * parses its words with the rule-file grammar (gw_rule_parse_words()).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"
#include "rulefile.h"

static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

static void put_prefix(struct nlmsghdr *nlh, uint16_t addr_type, uint16_t plen_type,
		       const struct gw_prefix *prefix)
{
	mnl_attr_put(nlh, addr_type, gw_addr_len(prefix->family), prefix->addr);
	mnl_attr_put_u8(nlh, plen_type, prefix->plen);
}

/* GW_A_RULE, for "rule add" and for each rule "load" stages. */
void gw_put_rule(struct nlmsghdr *nlh, const struct gw_rf_rule *r)
{
	uint8_t family = r->has_src ? r->src.family : r->has_dst ? r->dst.family : 0;
	struct nlattr *rule, *ports;
	unsigned int i;

	rule = mnl_attr_nest_start(nlh, GW_A_RULE);
	mnl_attr_put_u8(nlh, GW_RULE_A_ACTION, GW_ACTION_ALLOW);
	mnl_attr_put_u8(nlh, GW_RULE_A_PROTO, r->proto);
	mnl_attr_put_u8(nlh, GW_RULE_A_FAMILY, family);
	if (r->has_src)
		put_prefix(nlh, GW_RULE_A_SRC, GW_RULE_A_SRC_PLEN, &r->src);
	if (r->has_dst)
		put_prefix(nlh, GW_RULE_A_DST, GW_RULE_A_DST_PLEN, &r->dst);
	if (r->ports.count) {
		ports = mnl_attr_nest_start(nlh, GW_RULE_A_PORTS);
		for (i = 0; i < r->ports.count; i++)
			mnl_attr_put_u32(nlh, GW_RULE_A_PORT_RANGE,
					 (uint32_t)r->ports.range[i].first << 16 |
					 r->ports.range[i].last);
		mnl_attr_nest_end(nlh, ports);
	}
	if (r->ifname[0])
		mnl_attr_put_strz(nlh, GW_RULE_A_IFNAME, r->ifname);
	if (r->comment[0])
		mnl_attr_put_strz(nlh, GW_RULE_A_COMMENT, r->comment);
	if (r->rate)
		mnl_attr_put_u32(nlh, GW_RULE_A_RATE, r->rate);
	if (r->max_src_conn)
		mnl_attr_put_u32(nlh, GW_RULE_A_MAX_SRC_CONN, r->max_src_conn);
	if (r->src_rate_conn) {
		mnl_attr_put_u32(nlh, GW_RULE_A_SRC_RATE_CONN, r->src_rate_conn);
		mnl_attr_put_u32(nlh, GW_RULE_A_SRC_RATE_SECONDS, r->src_rate_seconds);
	}
	mnl_attr_nest_end(nlh, rule);
}

struct add_reply {
	bool has_handle;
	uint32_t handle;
};

static int rule_add_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[GW_A_MAX + 1];
	struct add_reply *reply = data;

	if (gw_nl_parse(nlh, &gw_attr_policy, tb))
		return MNL_CB_ERROR;
	if (gw_nl_cmd(nlh) == GW_CMD_RULE_ADD && tb[GW_A_RULE_HANDLE]) {
		reply->has_handle = true;
		reply->handle = mnl_attr_get_u32(tb[GW_A_RULE_HANDLE]);
	}
	return MNL_CB_OK;
}

static int rule_add(int argc, char **argv)
{
	struct add_reply reply = { 0 };
	char msg[GW_ERR_MAX + 300];
	struct gw_rf_error err;
	struct gw_rf_rule r;
	struct nlmsghdr *nlh;

	/* the rule file's grammar: "word 4: port 70000 is out of range (1-65535)" */
	if (gw_rule_parse_words(argc, argv, &r, &err)) {
		gw_rf_error_format(&err, msg, sizeof(msg));
		return gw_usage_error("%s.", msg);
	}
	nlh = gw_nl_msg(GW_CMD_RULE_ADD, NLM_F_REQUEST | NLM_F_ACK);
	gw_put_rule(nlh, &r);
	if (gw_nl_talk(nlh, rule_add_cb, &reply))
		return GW_EXIT_KERNEL;
	if (reply.has_handle) {
		print_u64("handle", "handle %" PRIu64, reply.handle);
		print_nl();
	}
	return GW_EXIT_OK;
}

static int rule_del(int argc, char **argv)
{
	char err[GW_ERR_MAX];
	struct nlmsghdr *nlh;
	uint64_t handle;

	if (argc < 1)
		return gw_usage_error("rule del needs a handle (see gwctl rule list).");
	if (gw_parse_uint("handle", argv[0], 1, UINT32_MAX, &handle, err, sizeof(err)))
		return gw_usage_error("%s", err);
	if (gw_check_end(argc - 1, argv + 1))
		return GW_EXIT_USAGE;

	nlh = gw_nl_msg(GW_CMD_RULE_DEL, NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_u32(nlh, GW_A_RULE_HANDLE, handle);
	return gw_nl_talk(nlh, NULL, NULL) ? GW_EXIT_KERNEL : GW_EXIT_OK;
}

static int rule_flush(int argc, char **argv)
{
	struct nlmsghdr *nlh;

	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	nlh = gw_nl_msg(GW_CMD_RULE_FLUSH, NLM_F_REQUEST | NLM_F_ACK);
	return gw_nl_talk(nlh, NULL, NULL) ? GW_EXIT_KERNEL : GW_EXIT_OK;
}

struct prefix_text {
	char addr[INET6_ADDRSTRLEN];
	unsigned int plen;
	unsigned int max_plen;
};

static int format_prefix(uint8_t family, const struct nlattr *addr,
			 const struct nlattr *plen, struct prefix_text *out)
{
	if (gw_format_addr(family, mnl_attr_get_payload(addr),
			   mnl_attr_get_payload_len(addr), out->addr, sizeof(out->addr)))
		return -1;
	out->max_plen = gw_addr_len(family) * 8;
	out->plen = plen ? mnl_attr_get_u8(plen) : out->max_plen;
	return 0;
}

/* JSON always carries the length; text leaves out /32 and /128, as typed. */
static void print_prefix(const char *key, const char *keyword,
			 const struct prefix_text *prefix)
{
	char full[INET6_ADDRSTRLEN + 4];

	snprintf(full, sizeof(full), "%s/%u", prefix->addr, prefix->plen);
	print_str(key, NULL, full);
	print_text(" %s %s", keyword,
		   prefix->plen == prefix->max_plen ? prefix->addr : full);
}

static int collect_ports(const struct nlattr *nest, struct gw_ports *ports)
{
	const struct nlattr *attr;

	memset(ports, 0, sizeof(*ports));
	mnl_attr_for_each_nested(attr, nest) {
		uint32_t range;

		if (mnl_attr_get_type(attr) != GW_RULE_A_PORT_RANGE)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0 ||
		    ports->count == GW_RULE_MAX_PORT_RANGES)
			return -1;
		range = mnl_attr_get_u32(attr);
		ports->range[ports->count].first = range >> 16;
		ports->range[ports->count].last = range & 0xffff;
		ports->count++;
	}
	return 0;
}

static void print_ports(const struct gw_ports *ports)
{
	const struct gw_port_range *range;
	char buf[sizeof("65535-65535")];
	unsigned int i;

	print_text(" port ");
	print_open_array("ports");
	for (i = 0; i < ports->count; i++) {
		range = &ports->range[i];
		if (range->first == range->last)
			snprintf(buf, sizeof(buf), "%u", range->first);
		else
			snprintf(buf, sizeof(buf), "%u-%u", range->first, range->last);
		print_str(NULL, i ? ",%s" : "%s", buf);
	}
	print_close_array();
}

/* Double quotes with \ before ", \, $ and `: the shell gives back the text. */
static void shell_quote(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	buf[n++] = '"';
	for (; *s && n + 3 < len; s++) {
		if (strchr("\"\\$`", *s))
			buf[n++] = '\\';
		buf[n++] = (unsigned char)*s < 0x20 ? '?' : *s;
	}
	buf[n++] = '"';
	buf[n] = '\0';
}

static void print_comment(const char *comment)
{
	char quoted[2 * GW_COMMENT_MAX + 3];

	shell_quote(comment, quoted, sizeof(quoted));
	print_str("comment", NULL, comment);
	print_text(" comment %s", quoted);
}

static void print_proto(uint8_t proto)
{
	const char *name = gw_proto_name(proto);
	char num[4];

	if (name) {
		print_str("proto", " %s", name);
	} else {
		snprintf(num, sizeof(num), "%u", proto);
		print_str("proto", " proto %s", num);
	}
}

static void print_rule(const struct nlattr **rtb, const struct prefix_text *from,
		       const struct prefix_text *to, const struct gw_ports *ports)
{
	uint8_t action = mnl_attr_get_u8(rtb[GW_RULE_A_ACTION]);
	uint8_t family = gw_attr_u8(rtb[GW_RULE_A_FAMILY]);
	char action_buf[16];

	if (action == GW_ACTION_ALLOW)
		snprintf(action_buf, sizeof(action_buf), "allow");
	else
		snprintf(action_buf, sizeof(action_buf), "action_%u", action);

	print_open_object(NULL);
	print_u64("handle", "handle %" PRIu64 "  ", mnl_attr_get_u32(rtb[GW_RULE_A_HANDLE]));
	print_str("action", "%s", action_buf);
	print_proto(mnl_attr_get_u8(rtb[GW_RULE_A_PROTO]));
	if (is_icmp(mnl_attr_get_u8(rtb[GW_RULE_A_PROTO])))
		print_text(" echo");
	if (family)
		print_str("family", NULL, family == AF_INET ? "ipv4" : "ipv6");
	if (from)
		print_prefix("from", "from", from);
	if (to)
		print_prefix("to", "to", to);
	/* The module keeps no /0 prefix, only its family: say it so it is kept. */
	if (family && !from && !to)
		print_text(" from %s", family == AF_INET ? "0.0.0.0/0" : "::/0");
	if (ports->count)
		print_ports(ports);
	if (rtb[GW_RULE_A_IFNAME])
		print_str("iface", " on %s", mnl_attr_get_str(rtb[GW_RULE_A_IFNAME]));
	if (rtb[GW_RULE_A_RATE])
		print_u64("rate", " rate %" PRIu64 "/s", mnl_attr_get_u32(rtb[GW_RULE_A_RATE]));
	if (rtb[GW_RULE_A_MAX_SRC_CONN])
		print_u64("max_src_conn", " max-src-conn %" PRIu64,
			  mnl_attr_get_u32(rtb[GW_RULE_A_MAX_SRC_CONN]));
	if (rtb[GW_RULE_A_SRC_RATE_CONN]) {
		print_u64("max_src_conn_rate", " max-src-conn-rate %" PRIu64,
			  mnl_attr_get_u32(rtb[GW_RULE_A_SRC_RATE_CONN]));
		print_u64("max_src_conn_rate_seconds", "/%" PRIu64,
			  gw_attr_u32(rtb[GW_RULE_A_SRC_RATE_SECONDS]));
	}
	if (rtb[GW_RULE_A_COMMENT] && *mnl_attr_get_str(rtb[GW_RULE_A_COMMENT]))
		print_comment(mnl_attr_get_str(rtb[GW_RULE_A_COMMENT]));
	print_u64("hits", "  # hits %" PRIu64, gw_attr_u64(rtb[GW_RULE_A_HITS]));
	print_close_object();
	print_nl();
}

/* Everything that can be malformed is checked before the rule is printed. */
static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[GW_A_MAX + 1], *rtb[GW_RULE_A_MAX + 1];
	struct prefix_text from, to;
	struct print_list *list = data;
	struct gw_ports ports = { 0 };
	uint8_t family;

	if (gw_nl_parse(nlh, &gw_attr_policy, tb))
		return MNL_CB_ERROR;
	if (!tb[GW_A_RULE])
		return gw_nl_bad_reply("rule dump message without GW_A_RULE");
	if (gw_nl_parse_nest(tb[GW_A_RULE], &gw_rule_policy, rtb))
		return MNL_CB_ERROR;
	if (!rtb[GW_RULE_A_HANDLE] || !rtb[GW_RULE_A_ACTION] || !rtb[GW_RULE_A_PROTO])
		return gw_nl_bad_reply("rule without handle, action or protocol");

	family = gw_attr_u8(rtb[GW_RULE_A_FAMILY]);
	if (family && !gw_addr_len(family))
		return gw_nl_bad_reply("rule family %u", family);
	if (rtb[GW_RULE_A_SRC] &&
	    format_prefix(family, rtb[GW_RULE_A_SRC], rtb[GW_RULE_A_SRC_PLEN], &from))
		return gw_nl_bad_reply("rule source does not match the rule's family");
	if (rtb[GW_RULE_A_DST] &&
	    format_prefix(family, rtb[GW_RULE_A_DST], rtb[GW_RULE_A_DST_PLEN], &to))
		return gw_nl_bad_reply("rule destination does not match the rule's family");
	if (rtb[GW_RULE_A_PORTS] && collect_ports(rtb[GW_RULE_A_PORTS], &ports))
		return gw_nl_bad_reply("bad GW_RULE_A_PORTS");

	print_list_item(list);
	print_rule(rtb, rtb[GW_RULE_A_SRC] ? &from : NULL,
		   rtb[GW_RULE_A_DST] ? &to : NULL, &ports);
	return MNL_CB_OK;
}

static int rule_list(int argc, char **argv)
{
	struct print_list list = { .key = "rules" };
	struct nlmsghdr *nlh;

	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	nlh = gw_nl_msg(GW_CMD_RULE_GET, NLM_F_REQUEST | NLM_F_DUMP);
	if (gw_nl_talk(nlh, rule_cb, &list))
		return GW_EXIT_KERNEL;
	print_list_end(&list);
	return GW_EXIT_OK;
}

int do_rule(int argc, char **argv)
{
	static const struct gw_verb verbs[] = {
		{ "add",	rule_add },
		{ "del",	rule_del },
		{ "flush",	rule_flush },
		{ "list",	rule_list },
	};

	return gw_dispatch("rule", verbs, GW_ARRAY_SIZE(verbs), argc, argv);
}
