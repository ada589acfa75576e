// SPDX-License-Identifier: GPL-2.0
/* gwctl conn: the flow table, printed like "conntrack -L". */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/socket.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"

static const char *const tcp_states[__GW_TCP_STATE_MAX] = {
	[GW_TCP_NONE]		= "NONE",
	[GW_TCP_SYN_SENT]	= "SYN_SENT",
	[GW_TCP_SYN_RECV]	= "SYN_RECV",
	[GW_TCP_ESTABLISHED]	= "ESTABLISHED",
	[GW_TCP_FIN_WAIT]	= "FIN_WAIT",
	[GW_TCP_CLOSE_WAIT]	= "CLOSE_WAIT",
	[GW_TCP_LAST_ACK]	= "LAST_ACK",
	[GW_TCP_TIME_WAIT]	= "TIME_WAIT",
	[GW_TCP_CLOSE]		= "CLOSE",
	[GW_TCP_SYN_SENT2]	= "SYN_SENT2",
};

struct conn_walk {
	struct print_list list;
	uint64_t count;
};

static void print_conn(const struct nlattr **ctb, const char *src, const char *dst)
{
	uint8_t proto = mnl_attr_get_u8(ctb[GW_CONN_A_PROTO]);
	uint32_t flags = gw_attr_u32(ctb[GW_CONN_A_FLAGS]);
	const char *name = gw_proto_name(proto);
	char buf[16];

	print_open_object(NULL);
	if (!name) {
		snprintf(buf, sizeof(buf), "%u", proto);
		name = buf;
	}
	print_str("proto", "%-8s ", name);
	print_text("%u ", proto);
	print_str("family", NULL,
		  mnl_attr_get_u8(ctb[GW_CONN_A_FAMILY]) == AF_INET ? "ipv4" : "ipv6");
	if (ctb[GW_CONN_A_TIMEOUT])
		print_u64("timeout", "%" PRIu64 " ", mnl_attr_get_u32(ctb[GW_CONN_A_TIMEOUT]));
	if (ctb[GW_CONN_A_STATE]) {
		uint8_t state = mnl_attr_get_u8(ctb[GW_CONN_A_STATE]);

		if (state < GW_ARRAY_SIZE(tcp_states))
			snprintf(buf, sizeof(buf), "%s", tcp_states[state]);
		else
			snprintf(buf, sizeof(buf), "STATE_%u", state);
		print_str("state", "%s ", buf);
	}
	print_str("src", "src=%s ", src);
	print_str("dst", "dst=%s ", dst);
	if (ctb[GW_CONN_A_SPORT])
		print_u64("sport", "sport=%" PRIu64 " ", mnl_attr_get_u16(ctb[GW_CONN_A_SPORT]));
	if (ctb[GW_CONN_A_DPORT])
		print_u64("dport", "dport=%" PRIu64 " ", mnl_attr_get_u16(ctb[GW_CONN_A_DPORT]));
	print_u64("packets_orig", "packets=%" PRIu64,
		  gw_attr_u64(ctb[GW_CONN_A_PACKETS_ORIG]));
	print_u64("packets_reply", "/%" PRIu64, gw_attr_u64(ctb[GW_CONN_A_PACKETS_REPLY]));
	print_str("direction", " [%s]", flags & GW_CONN_F_INBOUND ? "inbound" : "outbound");
	print_bool("replied", " [replied]", flags & GW_CONN_F_REPLIED);
	print_close_object();
	print_nl();
}

static int format_conn_addr(const struct nlattr **ctb, int type, char *buf, size_t len)
{
	const struct nlattr *addr = ctb[type];

	return gw_format_addr(mnl_attr_get_u8(ctb[GW_CONN_A_FAMILY]),
			      mnl_attr_get_payload(addr), mnl_attr_get_payload_len(addr),
			      buf, len);
}

static int conn_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[GW_A_MAX + 1], *ctb[GW_CONN_A_MAX + 1];
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	struct conn_walk *walk = data;

	if (gw_nl_parse(nlh, &gw_attr_policy, tb))
		return MNL_CB_ERROR;
	if (!tb[GW_A_CONN])
		return gw_nl_bad_reply("flow dump message without GW_A_CONN");
	if (gw_nl_parse_nest(tb[GW_A_CONN], &gw_conn_policy, ctb))
		return MNL_CB_ERROR;
	if (!ctb[GW_CONN_A_FAMILY] || !ctb[GW_CONN_A_PROTO] ||
	    !ctb[GW_CONN_A_SRC] || !ctb[GW_CONN_A_DST])
		return gw_nl_bad_reply("flow without family, protocol or addresses");
	if (format_conn_addr(ctb, GW_CONN_A_SRC, src, sizeof(src)) ||
	    format_conn_addr(ctb, GW_CONN_A_DST, dst, sizeof(dst)))
		return gw_nl_bad_reply("flow addresses do not match the flow's family");

	print_list_item(&walk->list);
	print_conn(ctb, src, dst);
	walk->count++;
	return MNL_CB_OK;
}

static int conn_list(int argc, char **argv)
{
	struct conn_walk walk = { .list = { .key = "flows" } };
	struct nlmsghdr *nlh;

	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	nlh = gw_nl_msg(GW_CMD_CONN_GET, NLM_F_REQUEST | NLM_F_DUMP);
	if (gw_nl_talk(nlh, conn_cb, &walk))
		return GW_EXIT_KERNEL;
	print_list_end(&walk.list);
	print_text("%" PRIu64 " flows\n", walk.count);
	return GW_EXIT_OK;
}

/* The module keeps the count: no need to dump a table of a million flows. */
static int conn_count(int argc, char **argv)
{
	struct gw_status st;

	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	if (gw_status_fetch(&st))
		return GW_EXIT_KERNEL;
	print_u64("count", "%" PRIu64, st.flow_count);
	print_nl();
	return GW_EXIT_OK;
}

static int conn_flush(int argc, char **argv)
{
	struct nlmsghdr *nlh;

	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	nlh = gw_nl_msg(GW_CMD_CONN_FLUSH, NLM_F_REQUEST | NLM_F_ACK);
	return gw_nl_talk(nlh, NULL, NULL) ? GW_EXIT_KERNEL : GW_EXIT_OK;
}

int do_conn(int argc, char **argv)
{
	static const struct gw_verb verbs[] = {
		{ "list",	conn_list },
		{ "count",	conn_count },
		{ "flush",	conn_flush },
	};

	return gw_dispatch("conn", verbs, GW_ARRAY_SIZE(verbs), argc, argv);
}
