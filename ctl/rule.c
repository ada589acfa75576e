// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl rule: the allow rules that admit inbound connections.  "rule list"
 * prints each rule in the syntax "rule add" takes, so it can be copied back.
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

static const struct {
	const char *name;
	uint8_t proto;
} protos[] = {
	{ "tcp",	IPPROTO_TCP },
	{ "udp",	IPPROTO_UDP },
	{ "icmp",	IPPROTO_ICMP },
	{ "icmpv6",	IPPROTO_ICMPV6 },
};

const char *gw_proto_name(unsigned int proto)
{
	size_t i;

	for (i = 0; i < GW_ARRAY_SIZE(protos); i++) {
		if (protos[i].proto == proto)
			return protos[i].name;
	}
	return NULL;
}

/* PROTO is "tcp" or "proto N": returns how many arguments it took, or -1. */
static int parse_proto(int argc, char **argv, uint8_t *proto)
{
	char err[GW_ERR_MAX];
	uint64_t val;
	size_t i;

	if (argc < 1) {
		gw_usage_error("rule add allow needs a protocol (tcp, udp, icmp, icmpv6 or proto NUMBER).");
		return -1;
	}
	for (i = 0; i < GW_ARRAY_SIZE(protos); i++) {
		if (!strcmp(argv[0], protos[i].name)) {
			*proto = protos[i].proto;
			return 1;
		}
	}
	if (strcmp(argv[0], "proto")) {
		gw_usage_error("unknown protocol \"%s\" (tcp, udp, icmp, icmpv6 or proto NUMBER).",
			       argv[0]);
		return -1;
	}
	if (argc < 2) {
		gw_usage_error("proto needs a protocol number.");
		return -1;
	}
	if (gw_parse_uint("protocol number", argv[1], 0, 255, &val, err, sizeof(err))) {
		gw_usage_error("%s", err);
		return -1;
	}
	*proto = val;
	return 2;
}

/* Comments come back in "rule list" inside double quotes, one per line. */
static int check_comment(const char *comment)
{
	const unsigned char *p;

	if (strlen(comment) >= GW_COMMENT_MAX)
		return gw_usage_error("comment is too long (at most %d bytes).",
				      GW_COMMENT_MAX - 1);
	for (p = (const unsigned char *)comment; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return gw_usage_error("comment must not contain control characters.");
	}
	return GW_EXIT_OK;
}

enum rule_keyword {
	KW_FROM, KW_TO, KW_PORT, KW_ON, KW_COMMENT, KW_RATE,
	KW_MAX_SRC_CONN, KW_MAX_SRC_CONN_RATE,
};
#define KW_COUNT (KW_MAX_SRC_CONN_RATE + 1)

static const char *const rule_keywords[KW_COUNT] = {
	[KW_FROM]	= "from",
	[KW_TO]		= "to",
	[KW_PORT]	= "port",
	[KW_ON]		= "on",
	[KW_COMMENT]	= "comment",
	[KW_RATE]	= "rate",
	[KW_MAX_SRC_CONN]	= "max-src-conn",
	[KW_MAX_SRC_CONN_RATE]	= "max-src-conn-rate",
};

static int parse_src_rate(const char *val, uint32_t *conns, uint32_t *seconds)
{
	char err[GW_ERR_MAX];

	if (gw_parse_src_rate(val, conns, seconds, err, sizeof(err)))
		return gw_usage_error("%s.", err);
	return GW_EXIT_OK;
}

static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/* "rate N/s" (or plain N): echo requests a second. */
static int parse_rate(const char *val, uint32_t *rate)
{
	char num[16], err[GW_ERR_MAX];
	size_t len = strlen(val);
	uint64_t v;

	if (len > 2 && !strcmp(val + len - 2, "/s"))
		len -= 2;
	if (len == 0 || len >= sizeof(num))
		return gw_usage_error("rate must be N/s, 1 to %d.", GW_RULE_RATE_MAX);
	memcpy(num, val, len);
	num[len] = '\0';
	if (gw_parse_uint("rate", num, 1, GW_RULE_RATE_MAX, &v, err, sizeof(err)))
		return gw_usage_error("%s", err);
	*rate = (uint32_t)v;
	return GW_EXIT_OK;
}

/* The command line builds the rule a rule file would (struct gw_rf_rule). */
static int parse_option(struct gw_rf_rule *r, enum rule_keyword kw, const char *val)
{
	char err[GW_ERR_MAX];

	switch (kw) {
	case KW_FROM:
		r->has_src = true;
		if (gw_parse_prefix(val, &r->src, err, sizeof(err)))
			return gw_usage_error("%s", err);
		break;
	case KW_TO:
		r->has_dst = true;
		if (gw_parse_prefix(val, &r->dst, err, sizeof(err)))
			return gw_usage_error("%s", err);
		break;
	case KW_PORT:
		if (gw_parse_ports(val, &r->ports, err, sizeof(err)))
			return gw_usage_error("%s", err);
		break;
	case KW_ON:
		if (gw_parse_ifname(val, err, sizeof(err)))
			return gw_usage_error("%s", err);
		snprintf(r->ifname, sizeof(r->ifname), "%s", val);
		break;
	case KW_COMMENT:
		if (check_comment(val))
			return GW_EXIT_USAGE;
		snprintf(r->comment, sizeof(r->comment), "%s", val);
		break;
	case KW_RATE:
		return parse_rate(val, &r->rate);
	case KW_MAX_SRC_CONN: {
		uint64_t v;

		if (gw_parse_uint("max-src-conn", val, 1, GW_SRC_CONN_MAX, &v,
				  err, sizeof(err)))
			return gw_usage_error("%s", err);
		r->max_src_conn = (uint32_t)v;
		break;
	}
	case KW_MAX_SRC_CONN_RATE:
		return parse_src_rate(val, &r->src_rate_conn, &r->src_rate_seconds);
	}
	return GW_EXIT_OK;
}

static int parse_rule(int argc, char **argv, struct gw_rf_rule *r)
{
	unsigned int seen = 0;
	int used;

	memset(r, 0, sizeof(*r));
	if (argc < 1 || strcmp(argv[0], "allow"))
		return gw_usage_error("rule add needs an action: allow.");
	used = parse_proto(argc - 1, argv + 1, &r->proto);
	if (used < 0)
		return GW_EXIT_USAGE;
	argc -= 1 + used;
	argv += 1 + used;
	/* "allow icmp echo": echo requests are the only thing icmp rules open. */
	if (argc > 0 && is_icmp(r->proto) && !strcmp(argv[0], "echo")) {
		argc--;
		argv++;
	}

	for (; argc > 0; argc -= 2, argv += 2) {
		int kw;

		for (kw = 0; kw < KW_COUNT; kw++) {
			if (!strcmp(argv[0], rule_keywords[kw]))
				break;
		}
		if (kw == KW_COUNT)
			return gw_usage_error("unknown rule keyword \"%s\" (from, to, port, on, rate, max-src-conn, max-src-conn-rate or comment).",
					      argv[0]);
		if (seen & 1U << kw)
			return gw_usage_error("\"%s\" given twice.", argv[0]);
		seen |= 1U << kw;
		if (argc < 2)
			return gw_usage_error("\"%s\" needs a value.", argv[0]);
		if (parse_option(r, kw, argv[1]))
			return GW_EXIT_USAGE;
	}

	if (r->ports.count && r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)
		return gw_usage_error("port needs tcp or udp.");
	if (r->rate && !is_icmp(r->proto))
		return gw_usage_error("rate needs icmp or icmpv6.");
	if ((r->max_src_conn || r->src_rate_conn) && r->proto != IPPROTO_TCP)
		return gw_usage_error("max-src-conn and max-src-conn-rate need tcp.");
	if (r->has_src && r->has_dst && r->src.family != r->dst.family)
		return gw_usage_error("from and to must be of the same address family.");
	return GW_EXIT_OK;
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
	struct gw_rf_rule r;
	struct nlmsghdr *nlh;

	if (parse_rule(argc, argv, &r))
		return GW_EXIT_USAGE;
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
