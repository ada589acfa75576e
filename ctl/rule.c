// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl rule: the allow rules that admit inbound connections.  "rule add"
 * parses its words with the rule-file grammar (gw_rule_parse_words());
 * "rule list" writes each rule as save does (gw_rule_format()), a line
 * "gwctl load" takes, with its handle and counters in a trailing comment.
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
	if (r->synproxy)
		mnl_attr_put_u8(nlh, GW_RULE_A_SYNPROXY, r->synproxy);
	if (r->log)
		mnl_attr_put(nlh, GW_RULE_A_LOG, 0, NULL);
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

/* A prefix of the nest: addr and plen of the rule's family; -1 when not one. */
static int decode_prefix(uint8_t family, const struct nlattr *addr,
			 const struct nlattr *plen, struct gw_prefix *prefix)
{
	size_t len = gw_addr_len(family);

	memset(prefix, 0, sizeof(*prefix));
	if (!len || mnl_attr_get_payload_len(addr) != len)
		return -1;
	prefix->family = family;
	memcpy(prefix->addr, mnl_attr_get_payload(addr), len);
	prefix->plen = plen ? mnl_attr_get_u8(plen) : len * 8;
	return prefix->plen > len * 8 ? -1 : 0;
}

static int decode_ports(const struct nlattr *nest, struct gw_ports *ports)
{
	const struct nlattr *attr;

	mnl_attr_for_each_nested(attr, nest) {
		uint32_t range;

		if (mnl_attr_get_type(attr) != GW_RULE_A_PORT_RANGE ||
		    mnl_attr_validate(attr, MNL_TYPE_U32) < 0 ||
		    ports->count == GW_RULE_MAX_PORT_RANGES)
			return -1;
		range = mnl_attr_get_u32(attr);
		ports->range[ports->count].first = range >> 16;
		ports->range[ports->count].last = range & 0xffff;
		ports->count++;
	}
	return 0;
}

int gw_rule_decode(const struct nlattr *nest, struct gw_rf_rule *r, uint32_t *handle,
		   struct gw_rule_counters *counters)
{
	const struct nlattr *rtb[GW_RULE_A_MAX + 1];
	uint8_t family;

	memset(r, 0, sizeof(*r));
	if (gw_nl_parse_nest(nest, &gw_rule_policy, rtb))
		return MNL_CB_ERROR;
	if (!rtb[GW_RULE_A_ACTION] || !rtb[GW_RULE_A_PROTO] ||
	    (handle && !rtb[GW_RULE_A_HANDLE]))
		return gw_nl_bad_reply("rule without %saction or protocol",
				       handle ? "handle, " : "");
	if (mnl_attr_get_u8(rtb[GW_RULE_A_ACTION]) != GW_ACTION_ALLOW)
		return gw_nl_bad_reply("rule action %u", mnl_attr_get_u8(rtb[GW_RULE_A_ACTION]));
	r->proto = mnl_attr_get_u8(rtb[GW_RULE_A_PROTO]);
	family = gw_attr_u8(rtb[GW_RULE_A_FAMILY]);
	if (family && !gw_addr_len(family))
		return gw_nl_bad_reply("rule family %u", family);
	if (rtb[GW_RULE_A_SRC] &&
	    decode_prefix(family, rtb[GW_RULE_A_SRC], rtb[GW_RULE_A_SRC_PLEN], &r->src))
		return gw_nl_bad_reply("rule source does not match the rule's family");
	if (rtb[GW_RULE_A_DST] &&
	    decode_prefix(family, rtb[GW_RULE_A_DST], rtb[GW_RULE_A_DST_PLEN], &r->dst))
		return gw_nl_bad_reply("rule destination does not match the rule's family");
	/*
	 * The module keeps no /0 prefix, only its family: "from 0.0.0.0/0" is
	 * how a rule file says that, and how a /0 sent to it comes back.
	 */
	r->has_src = rtb[GW_RULE_A_SRC] && r->src.plen;
	r->has_dst = rtb[GW_RULE_A_DST] && r->dst.plen;
	if (family && !r->has_src && !r->has_dst) {
		memset(&r->src, 0, sizeof(r->src));
		r->src.family = family;
		r->has_src = true;
	}
	if (rtb[GW_RULE_A_PORTS] && decode_ports(rtb[GW_RULE_A_PORTS], &r->ports))
		return gw_nl_bad_reply("bad GW_RULE_A_PORTS");
	if (rtb[GW_RULE_A_IFNAME])
		snprintf(r->ifname, sizeof(r->ifname), "%s",
			 mnl_attr_get_str(rtb[GW_RULE_A_IFNAME]));
	if (rtb[GW_RULE_A_COMMENT])
		snprintf(r->comment, sizeof(r->comment), "%s",
			 mnl_attr_get_str(rtb[GW_RULE_A_COMMENT]));
	r->rate = gw_attr_u32(rtb[GW_RULE_A_RATE]);
	r->max_src_conn = gw_attr_u32(rtb[GW_RULE_A_MAX_SRC_CONN]);
	if (!rtb[GW_RULE_A_SRC_RATE_CONN] != !rtb[GW_RULE_A_SRC_RATE_SECONDS])
		return gw_nl_bad_reply("rule with half of max-src-conn-rate");
	r->src_rate_conn = gw_attr_u32(rtb[GW_RULE_A_SRC_RATE_CONN]);
	r->src_rate_seconds = gw_attr_u32(rtb[GW_RULE_A_SRC_RATE_SECONDS]);
	if (rtb[GW_RULE_A_SYNPROXY])
		r->synproxy = mnl_attr_get_u8(rtb[GW_RULE_A_SYNPROXY]);
	r->log = rtb[GW_RULE_A_LOG] != NULL;
	if (handle)
		*handle = mnl_attr_get_u32(rtb[GW_RULE_A_HANDLE]);
	if (counters) {
		counters->hits = gw_attr_u64(rtb[GW_RULE_A_HITS]);
		counters->packets = gw_attr_u64(rtb[GW_RULE_A_PACKETS]);
		counters->bytes = gw_attr_u64(rtb[GW_RULE_A_BYTES]);
	}
	return MNL_CB_OK;
}

/* -j: the members rule list has always had, from the decoded rule. */
static const char *synproxy_mode_name(uint8_t mode)
{
	switch (mode) {
	case GW_SYNPROXY_ON:
		return "on";
	case GW_SYNPROXY_OFF:
		return "off";
	default:
		return "auto";
	}
}

static void print_rule_json(const struct gw_rf_rule *r, uint32_t handle,
			    const struct gw_rule_counters *c)
{
	const struct gw_prefix *any = r->has_src ? &r->src : r->has_dst ? &r->dst : NULL;
	const char *name = gw_proto_name(r->proto);
	char buf[INET6_ADDRSTRLEN + 4];
	unsigned int i;

	print_u64("handle", NULL, handle);
	print_str("action", NULL, "allow");
	snprintf(buf, sizeof(buf), "%u", r->proto);
	print_str("proto", NULL, name ? name : buf);
	if (any)
		print_str("family", NULL, any->family == AF_INET ? "ipv4" : "ipv6");
	/* a /0 is the family alone, as the module has it */
	if (r->has_src && r->src.plen && !gw_format_prefix(&r->src, true, buf, sizeof(buf)))
		print_str("from", NULL, buf);
	if (r->has_dst && r->dst.plen && !gw_format_prefix(&r->dst, true, buf, sizeof(buf)))
		print_str("to", NULL, buf);
	if (r->ports.count) {
		print_open_array("ports");
		for (i = 0; i < r->ports.count; i++) {
			const struct gw_port_range *range = &r->ports.range[i];

			if (range->first == range->last)
				snprintf(buf, sizeof(buf), "%u", range->first);
			else
				snprintf(buf, sizeof(buf), "%u-%u", range->first, range->last);
			print_str(NULL, NULL, buf);
		}
		print_close_array();
	}
	if (r->ifname[0])
		print_str("iface", NULL, r->ifname);
	if (r->rate)
		print_u64("rate", NULL, r->rate);
	if (r->max_src_conn)
		print_u64("max_src_conn", NULL, r->max_src_conn);
	if (r->src_rate_conn) {
		print_u64("max_src_conn_rate", NULL, r->src_rate_conn);
		print_u64("max_src_conn_rate_seconds", NULL, r->src_rate_seconds);
	}
	if (r->proto == IPPROTO_TCP)
		print_str("synproxy", NULL, synproxy_mode_name(r->synproxy));
	print_bool("log", NULL, r->log);
	if (r->comment[0])
		print_str("comment", NULL, r->comment);
	print_u64("hits", NULL, c->hits);
	print_u64("packets", NULL, c->packets);
	print_u64("bytes", NULL, c->bytes);
}

int gw_rule_decode_msg(const struct nlmsghdr *nlh, struct gw_rf_rule *r, uint32_t *handle,
		       struct gw_rule_counters *counters)
{
	const struct nlattr *tb[GW_A_MAX + 1];

	if (gw_nl_parse(nlh, &gw_attr_policy, tb))
		return MNL_CB_ERROR;
	if (!tb[GW_A_RULE])
		return gw_nl_bad_reply("rule dump message without GW_A_RULE");
	return gw_rule_decode(tb[GW_A_RULE], r, handle, counters);
}

/*
 * A line gwctl load takes, as save writes it, with what only the running
 * rule has as a comment: "allow tcp port 80  # handle 3, 12 hits,
 * 340 packets, 51234 bytes" (1 hit, 1 packet, 1 byte).
 */
static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct print_list *list = data;
	char text[GW_RULE_TEXT_MAX], counters[GW_RULE_COUNTERS_TEXT_MAX];
	struct gw_rule_counters c;
	struct gw_rf_rule r;
	uint32_t handle;

	if (gw_rule_decode_msg(nlh, &r, &handle, &c) != MNL_CB_OK)
		return MNL_CB_ERROR;
	gw_rule_format(&r, text, sizeof(text));
	gw_rule_counters_format(handle, &c, counters, sizeof(counters));

	print_list_item(list);
	print_open_object(NULL);
	print_rule_json(&r, handle, &c);
	print_text("%s%s", text, counters);
	print_close_object();
	print_nl();
	return MNL_CB_OK;
}

/*
 * --reset: list the rules and zero their counters, in the same dump:
 * each rule's are zeroed as its line is read, so no packet falls between.
 */
static int rule_list(int argc, char **argv)
{
	struct print_list list = { .key = "rules" };
	struct nlmsghdr *nlh;

	nlh = gw_nl_msg(GW_CMD_RULE_GET, NLM_F_REQUEST | NLM_F_DUMP);
	if (argc > 0 && !strcmp(argv[0], "--reset")) {
		mnl_attr_put(nlh, GW_A_RULE_RESET, 0, NULL);
		argc--;
		argv++;
	}
	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
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
