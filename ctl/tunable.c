// SPDX-License-Identifier: GPL-2.0
/* gwctl set / get: the module's tunables (timeouts, table size, ...). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"

static int check_name(const char *name)
{
	if (!*name)
		return gw_usage_error("empty tunable name.");
	if (strlen(name) >= GW_NAME_MAX)
		return gw_usage_error("tunable name \"%s\" is too long (at most %d characters).",
				      name, GW_NAME_MAX - 1);
	return GW_EXIT_OK;
}

/*
 * Tunables whose values are choices: gwctl takes and prints words for
 * them, the module keeps numbers (the value's index here).
 */
static const struct tunable_words {
	const char *name;
	const char *const *words;
	unsigned int count;
} tunable_words[] = {
	{ "tcp_pickup", (const char *const[]){ "strict", "loose" }, 2 },
	{ "reload_policy", (const char *const[]){ "expire", "close" }, 2 },
	{ "scan_action", (const char *const[]){ "log", "block" }, 2 },
};

static const struct tunable_words *find_words(const char *name)
{
	size_t i;

	for (i = 0; i < GW_ARRAY_SIZE(tunable_words); i++) {
		if (!strcmp(tunable_words[i].name, name))
			return &tunable_words[i];
	}
	return NULL;
}

const char *gw_tunable_word(const char *name, uint64_t value)
{
	const struct tunable_words *tw = find_words(name);

	return tw && value < tw->count ? tw->words[value] : NULL;
}

int gw_tunable_parse(const char *name, const char *arg, uint64_t *value,
		     char *err, size_t errlen)
{
	const struct tunable_words *tw = find_words(name);
	unsigned int i;
	size_t len = 0;

	if (!tw)
		return gw_parse_uint("value", arg, 0, UINT64_MAX, value, err, errlen);
	for (i = 0; i < tw->count; i++) {
		if (!strcmp(tw->words[i], arg)) {
			*value = i;
			return 0;
		}
	}
	/* Numbers still work; the module checks their range. */
	if (!gw_parse_uint("value", arg, 0, UINT64_MAX, value, err, errlen))
		return 0;
	len = snprintf(err, errlen, "invalid value \"%s\" for %s: expected", arg, name);
	for (i = 0; i < tw->count && len < errlen; i++) {
		const char *sep = !i ? " " : i + 1 < tw->count ? ", " : " or ";

		len += snprintf(err + len, errlen - len, "%s%s", sep, tw->words[i]);
	}
	if (len < errlen)
		snprintf(err + len, errlen - len, " (or a number).");
	return -1;
}

int do_set(int argc, char **argv)
{
	char err[GW_ERR_MAX];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint64_t value;

	if (argc < 2)
		return gw_usage_error("set needs a tunable and a value (gwctl set NAME VALUE).");
	if (check_name(argv[0]))
		return GW_EXIT_USAGE;
	if (gw_tunable_parse(argv[0], argv[1], &value, err, sizeof(err)))
		return gw_usage_error("%s", err);
	if (gw_check_end(argc - 2, argv + 2))
		return GW_EXIT_USAGE;

	nlh = gw_nl_msg(GW_CMD_TUNABLE_SET, NLM_F_REQUEST | NLM_F_ACK);
	nest = mnl_attr_nest_start(nlh, GW_A_TUNABLE);
	mnl_attr_put_strz(nlh, GW_TUNABLE_A_NAME, argv[0]);
	mnl_attr_put_u64(nlh, GW_TUNABLE_A_VALUE, value);
	mnl_attr_nest_end(nlh, nest);
	return gw_nl_talk(nlh, NULL, NULL) ? GW_EXIT_KERNEL : GW_EXIT_OK;
}

struct tunable_walk {
	struct print_list list;
	const char *name;	/* only this one, and in text only its value */
	bool found;
};

static void print_tunable(const struct nlattr **ttb, bool full)
{
	const char *name = mnl_attr_get_str(ttb[GW_TUNABLE_A_NAME]);
	const char *unit = ttb[GW_TUNABLE_A_UNIT] ? mnl_attr_get_str(ttb[GW_TUNABLE_A_UNIT]) : "";
	uint64_t value = mnl_attr_get_u64(ttb[GW_TUNABLE_A_VALUE]);
	const char *word = gw_tunable_word(name, value);

	print_open_object(name);
	if (full)
		print_text("%-24s ", name);
	/* JSON keeps the number and adds the word; text shows the word. */
	print_u64("value", word ? NULL : full ? "%12" PRIu64 : "%" PRIu64, value);
	if (word)
		print_str("word", full ? "%12s" : "%s", word);
	print_str("unit", full ? " %-6s" : NULL, unit);
	print_u64("min", full ? " (%" PRIu64 : NULL, mnl_attr_get_u64(ttb[GW_TUNABLE_A_MIN_VALUE]));
	print_u64("max", full ? "..%" PRIu64 ")" : NULL, mnl_attr_get_u64(ttb[GW_TUNABLE_A_MAX_VALUE]));
	print_close_object();
	print_nl();
}

static int tunable_cb(const struct nlmsghdr *nlh, void *data)
{
	static const uint16_t need[] = {
		GW_TUNABLE_A_NAME, GW_TUNABLE_A_VALUE,
		GW_TUNABLE_A_MIN_VALUE, GW_TUNABLE_A_MAX_VALUE, 0
	};
	const struct nlattr *ttb[GW_TUNABLE_A_MAX + 1];
	struct tunable_walk *walk = data;

	if (gw_nl_parse_item(nlh, GW_A_TUNABLE, &gw_tunable_policy, ttb,
			     "tunable dump message without GW_A_TUNABLE") ||
	    gw_nl_need(ttb, need, "tunable without name, value, min or max"))
		return MNL_CB_ERROR;

	if (walk->name && strcmp(walk->name, mnl_attr_get_str(ttb[GW_TUNABLE_A_NAME])))
		return MNL_CB_OK;
	walk->found = true;
	print_list_item(&walk->list);
	print_tunable(ttb, !walk->name);
	return MNL_CB_OK;
}

int do_get(int argc, char **argv)
{
	struct tunable_walk walk = { .list = { .key = "tunables", .object = true } };
	struct nlmsghdr *nlh;

	if (argc > 0) {
		if (check_name(argv[0]) || gw_check_end(argc - 1, argv + 1))
			return GW_EXIT_USAGE;
		walk.name = argv[0];
	}

	/* The dump is the only way to read: the UAPI has no single-get. */
	nlh = gw_nl_msg(GW_CMD_TUNABLE_GET, NLM_F_REQUEST | NLM_F_DUMP);
	if (gw_nl_talk(nlh, tunable_cb, &walk))
		return GW_EXIT_KERNEL;
	if (walk.name && !walk.found) {
		print_error(ENOENT, "unknown tunable \"%s\"", walk.name);
		return GW_EXIT_USAGE;
	}
	print_list_end(&walk.list);
	return GW_EXIT_OK;
}
