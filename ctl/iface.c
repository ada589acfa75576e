// SPDX-License-Identifier: GPL-2.0
/* gwctl iface: which interfaces are wan (judged) and which lan (trusted). */
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"
#include "rulefile.h"

static int check_ifname(const char *arg)
{
	char err[GW_ERR_MAX];

	if (gw_parse_ifname(arg, err, sizeof(err)))
		return gw_usage_error("%s", err);
	return GW_EXIT_OK;
}

static int iface_add(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	int zone;

	if (argc < 2)
		return gw_usage_error("iface add needs DEV and a zone (gwctl iface add DEV wan|lan).");
	if (check_ifname(argv[0]))
		return GW_EXIT_USAGE;
	zone = gw_zone_find(argv[1]);
	if (zone < 0)
		return gw_usage_error("unknown zone \"%s\" (wan or lan).", argv[1]);
	if (gw_check_end(argc - 2, argv + 2))
		return GW_EXIT_USAGE;

	nlh = gw_nl_msg(GW_CMD_IFACE_SET, NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_strz(nlh, GW_A_IFNAME, argv[0]);
	mnl_attr_put_u8(nlh, GW_A_ZONE, zone);
	if (gw_nl_talk(nlh, NULL, NULL))
		return GW_EXIT_KERNEL;
	/*
	 * Kept by name, so a PPP link may come later; but a typo (eht0) would
	 * leave the real interface unfiltered without a word.
	 */
	if (!if_nametoindex(argv[0]))
		fprintf(stderr, "Warning: there is no interface %s (yet): if that is a typo, the real one has no zone.\n",
			argv[0]);
	return GW_EXIT_OK;
}

static int iface_del(int argc, char **argv)
{
	struct nlmsghdr *nlh;

	if (argc < 1)
		return gw_usage_error("iface del needs DEV (gwctl iface del DEV).");
	if (check_ifname(argv[0]) || gw_check_end(argc - 1, argv + 1))
		return GW_EXIT_USAGE;

	nlh = gw_nl_msg(GW_CMD_IFACE_DEL, NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_strz(nlh, GW_A_IFNAME, argv[0]);
	return gw_nl_talk(nlh, NULL, NULL) ? GW_EXIT_KERNEL : GW_EXIT_OK;
}

int gw_iface_decode(const struct nlmsghdr *nlh, struct gw_iface_entry *e)
{
	static const uint16_t need[] = { GW_A_IFNAME, GW_A_ZONE, 0 };
	const struct nlattr *tb[GW_A_MAX + 1];

	if (gw_nl_parse(nlh, &gw_attr_policy, tb) ||
	    gw_nl_need(tb, need, "interface without GW_A_IFNAME or GW_A_ZONE"))
		return MNL_CB_ERROR;
	e->ifname = mnl_attr_get_str(tb[GW_A_IFNAME]);
	e->zone = mnl_attr_get_u8(tb[GW_A_ZONE]);
	e->ifindex = gw_attr_u32(tb[GW_A_IFINDEX]);
	return MNL_CB_OK;
}

static int iface_cb(const struct nlmsghdr *nlh, void *data)
{
	struct print_list *list = data;
	struct gw_iface_entry e;
	const char *zone;
	char buf[16];

	if (gw_iface_decode(nlh, &e) != MNL_CB_OK)
		return MNL_CB_ERROR;
	zone = gw_zone_name(e.zone);
	if (zone)
		snprintf(buf, sizeof(buf), "%s", zone);
	else
		snprintf(buf, sizeof(buf), "zone_%u", e.zone);

	print_list_item(list);
	print_open_object(NULL);
	print_str("ifname", "%-16s ", e.ifname);
	print_str("zone", "%-4s ", buf);
	/* A zone may name a device that does not exist (yet): ifindex 0. */
	print_u64("ifindex", e.ifindex ? "ifindex %" PRIu64 : NULL, e.ifindex);
	if (!e.ifindex)
		print_text("absent");
	print_close_object();
	print_nl();
	return MNL_CB_OK;
}

static int iface_list(int argc, char **argv)
{
	return gw_nl_list(argc, argv, GW_CMD_IFACE_GET, "interfaces", iface_cb);
}

int do_iface(int argc, char **argv)
{
	static const struct gw_verb verbs[] = {
		{ "add",	iface_add },
		{ "del",	iface_del },
		{ "list",	iface_list },
	};

	return gw_dispatch("iface", verbs, GW_ARRAY_SIZE(verbs), argc, argv);
}
