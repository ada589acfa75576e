// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl overload: the sources a full-connection limit (max_src_conn,
 * max_src_conn_rate) shut out for overload_timeout seconds.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"

int gw_overload_decode(const struct nlmsghdr *nlh, struct gw_overload_entry *e)
{
	static const uint16_t need[] = { GW_OVERLOAD_A_FAMILY, GW_OVERLOAD_A_ADDR, 0 };
	const struct nlattr *otb[GW_OVERLOAD_A_MAX + 1];
	char addr[INET6_ADDRSTRLEN];
	uint8_t family;

	if (gw_nl_parse_item(nlh, GW_A_OVERLOAD, &gw_overload_policy, otb,
			     "overload entry without GW_A_OVERLOAD") ||
	    gw_nl_need(otb, need, "overload entry without family or address"))
		return MNL_CB_ERROR;
	family = mnl_attr_get_u8(otb[GW_OVERLOAD_A_FAMILY]);
	if (gw_format_addr(family, mnl_attr_get_payload(otb[GW_OVERLOAD_A_ADDR]),
			   mnl_attr_get_payload_len(otb[GW_OVERLOAD_A_ADDR]),
			   addr, sizeof(addr)))
		return gw_nl_bad_reply("overload entry with a malformed address");
	snprintf(e->source, sizeof(e->source), "%s/%u", addr,
		 gw_attr_u8(otb[GW_OVERLOAD_A_PLEN]));
	e->timeout = gw_attr_u32(otb[GW_OVERLOAD_A_TIMEOUT]);
	e->conns = gw_attr_u32(otb[GW_OVERLOAD_A_CONNS]);
	return MNL_CB_OK;
}

static int overload_cb(const struct nlmsghdr *nlh, void *data)
{
	struct print_list *list = data;
	struct gw_overload_entry e;

	if (gw_overload_decode(nlh, &e) != MNL_CB_OK)
		return MNL_CB_ERROR;
	print_list_item(list);
	print_open_object(NULL);
	print_str("source", "%-44s ", e.source);
	print_u64("timeout", "timeout %" PRIu64 "s", e.timeout);
	print_u64("conns", "  connections %" PRIu64, e.conns);
	print_close_object();
	print_nl();
	return MNL_CB_OK;
}

static int overload_list(int argc, char **argv)
{
	return gw_nl_list(argc, argv, GW_CMD_OVERLOAD_GET, "overload", overload_cb);
}

/* "overload del ADDRESS" lets one source in again, "overload del all" all. */
static int overload_del(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned char addr[16];
	int family;

	if (argc < 1)
		return gw_usage_error("overload del needs an address or \"all\".");
	if (gw_check_end(argc - 1, argv + 1))
		return GW_EXIT_USAGE;
	nlh = gw_nl_msg(GW_CMD_OVERLOAD_DEL, NLM_F_REQUEST | NLM_F_ACK);
	if (strcmp(argv[0], "all")) {
		if (inet_pton(AF_INET, argv[0], addr) == 1)
			family = AF_INET;
		else if (inet_pton(AF_INET6, argv[0], addr) == 1)
			family = AF_INET6;
		else
			return gw_usage_error("\"%s\" is not an IPv4 or IPv6 address.", argv[0]);
		nest = mnl_attr_nest_start(nlh, GW_A_OVERLOAD);
		mnl_attr_put_u8(nlh, GW_OVERLOAD_A_FAMILY, (uint8_t)family);
		mnl_attr_put(nlh, GW_OVERLOAD_A_ADDR, gw_addr_len(family), addr);
		mnl_attr_nest_end(nlh, nest);
	}
	return gw_nl_talk(nlh, NULL, NULL) ? GW_EXIT_KERNEL : GW_EXIT_OK;
}

int do_overload(int argc, char **argv)
{
	static const struct gw_verb verbs[] = {
		{ "list",	overload_list },
		{ "del",	overload_del },
	};

	return gw_dispatch("overload", verbs, GW_ARRAY_SIZE(verbs), argc, argv);
}
