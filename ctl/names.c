// SPDX-License-Identifier: GPL-2.0
/*
 * The names the module gives its counters and TCP states
 * (GW_CMD_NAMES_GET), fetched once a kind when a command first needs them:
 * gwctl keeps no list of its own, as it keeps none of the tunables.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"

/* More values than any kind's enum will ever have: a reply past it is bad. */
#define GW_NAMES_MAX 1024

static struct {
	bool fetched;
	unsigned int count;	/* one past the highest index named */
	char *name[GW_NAMES_MAX];
} names[__GW_NAME_KIND_MAX];

static int names_cb(const struct nlmsghdr *nlh, void *data)
{
	static const uint16_t need[] = {
		GW_NAME_A_KIND, GW_NAME_A_INDEX, GW_NAME_A_NAME, 0
	};
	const struct nlattr *ntb[GW_NAME_A_MAX + 1];
	unsigned int kind, index;
	char *copy;

	(void)data;
	if (gw_nl_parse_item(nlh, GW_A_NAME, &gw_name_policy, ntb,
			     "names dump message without GW_A_NAME") ||
	    gw_nl_need(ntb, need, "name without kind, index or name"))
		return MNL_CB_ERROR;
	kind = mnl_attr_get_u8(ntb[GW_NAME_A_KIND]);
	index = mnl_attr_get_u32(ntb[GW_NAME_A_INDEX]);
	/* a kind of a newer module, that this gwctl never asks about */
	if (kind >= __GW_NAME_KIND_MAX)
		return MNL_CB_OK;
	if (index >= GW_NAMES_MAX)
		return gw_nl_bad_reply("name %u of kind %u is past %u", index, kind,
				       GW_NAMES_MAX);
	copy = strdup(mnl_attr_get_str(ntb[GW_NAME_A_NAME]));
	if (!copy)
		return gw_nl_bad_reply("out of memory for the names");
	free(names[kind].name[index]);
	names[kind].name[index] = copy;
	if (index >= names[kind].count)
		names[kind].count = index + 1;
	return MNL_CB_OK;
}

int gw_names_fetch(enum gw_name_kind kind)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int ret;

	if (names[kind].fetched)
		return 0;
	nlh = gw_nl_msg(GW_CMD_NAMES_GET, NLM_F_REQUEST | NLM_F_DUMP);
	nest = mnl_attr_nest_start(nlh, GW_A_NAME);
	mnl_attr_put_u8(nlh, GW_NAME_A_KIND, kind);
	mnl_attr_nest_end(nlh, nest);
	ret = gw_nl_talk_quiet(nlh, names_cb, NULL);
	if (ret == -EOPNOTSUPP) {
		print_error(EOPNOTSUPP,
			    "the gatewarden module does not send the names of its counters and TCP states: it is older than this gwctl");
		return -1;
	}
	if (ret) {
		gw_nl_report();
		return -1;
	}
	names[kind].fetched = true;
	return 0;
}

const char *gw_name(enum gw_name_kind kind, unsigned int index)
{
	return index < names[kind].count ? names[kind].name[index] : NULL;
}

int gw_name_find(enum gw_name_kind kind, const char *name)
{
	unsigned int i;

	for (i = 0; i < names[kind].count; i++)
		if (names[kind].name[i] && !strcasecmp(names[kind].name[i], name))
			return (int)i;
	return -1;
}
