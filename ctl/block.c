// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl block / never-block: the sources the module drops whatever they
 * send (for good, or for a number of seconds), and the sources it never
 * blocks nor overloads.  Both are lists of IPv4 and IPv6 prefixes.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"

static uint8_t cur_kind;

static const char *kind_word(uint8_t kind)
{
	return kind == GW_BLOCK_KIND_NEVER ? "never-block" : "block";
}

/* enum gw_block_reason's word; no attribute is an admin's entry. */
const char *gw_block_reason_name(uint8_t reason)
{
	switch (reason) {
	case GW_BLOCK_REASON_ADMIN:
		return "admin";
	case GW_BLOCK_REASON_SCAN:
		return "scan";
	}
	return "unknown";
}

int gw_block_format(uint8_t family, const struct nlattr *addr,
		    const struct nlattr *plen, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	unsigned int max = gw_addr_len(family) * 8;

	if (!addr || !plen ||
	    gw_format_addr(family, mnl_attr_get_payload(addr),
			   mnl_attr_get_payload_len(addr), a, sizeof(a)) ||
	    mnl_attr_get_u8(plen) > max)
		return -1;
	snprintf(buf, len, "%s/%u", a, mnl_attr_get_u8(plen));
	return 0;
}

struct block_list_ctx {
	struct print_list list;
	uint8_t kind;
};

static int block_list_cb(const struct nlmsghdr *nlh, void *data)
{
	static const uint16_t need[] = { GW_BLOCK_A_KIND, GW_BLOCK_A_FAMILY, 0 };
	const struct nlattr *btb[GW_BLOCK_A_MAX + 1];
	struct block_list_ctx *ctx = data;
	char prefix[INET6_ADDRSTRLEN + 8];

	if (gw_nl_parse_item(nlh, GW_A_BLOCK, &gw_block_policy, btb,
			     "block entry without GW_A_BLOCK") ||
	    gw_nl_need(btb, need, "block entry without kind or family"))
		return MNL_CB_ERROR;
	if (mnl_attr_get_u8(btb[GW_BLOCK_A_KIND]) != ctx->kind)
		return MNL_CB_OK;
	if (gw_block_format(mnl_attr_get_u8(btb[GW_BLOCK_A_FAMILY]),
			    btb[GW_BLOCK_A_ADDR], btb[GW_BLOCK_A_PLEN],
			    prefix, sizeof(prefix)))
		return gw_nl_bad_reply("block entry with a malformed prefix");

	print_list_item(&ctx->list);
	print_open_object(NULL);
	print_str("prefix", "%-44s", prefix);
	if (btb[GW_BLOCK_A_TIMEOUT]) {
		print_u64("timeout", " timeout %" PRIu64 "s",
			  mnl_attr_get_u32(btb[GW_BLOCK_A_TIMEOUT]));
		print_u64("remaining", "  expires in %" PRIu64 "s",
			  gw_attr_u32(btb[GW_BLOCK_A_REMAINING]));
	} else {
		print_bool("permanent", " permanent", true);
	}
	if (ctx->kind == GW_BLOCK_KIND_BLOCK) {
		print_str("reason", "  reason %s",
			  gw_block_reason_name(gw_attr_u8(btb[GW_BLOCK_A_REASON])));
		/* a module older than the attribute sends none: say nothing */
		if (btb[GW_BLOCK_A_HITS])
			print_u64("hits", "  hits %" PRIu64,
				  mnl_attr_get_u64(btb[GW_BLOCK_A_HITS]));
	}
	print_close_object();
	print_nl();
	return MNL_CB_OK;
}

static int block_list(int argc, char **argv)
{
	struct block_list_ctx ctx = {
		.list.key = cur_kind == GW_BLOCK_KIND_NEVER ? "never_block" : "block",
		.kind = cur_kind,
	};

	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	if (gw_nl_talk(gw_nl_msg(GW_CMD_BLOCK_GET, NLM_F_REQUEST | NLM_F_DUMP),
		       block_list_cb, &ctx))
		return GW_EXIT_KERNEL;
	print_list_end(&ctx.list);
	return GW_EXIT_OK;
}

void gw_block_put(struct nlmsghdr *nlh, uint8_t kind, const struct gw_prefix *prefix,
		  uint32_t timeout)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, GW_A_BLOCK);

	mnl_attr_put_u8(nlh, GW_BLOCK_A_KIND, kind);
	if (prefix) {
		mnl_attr_put_u8(nlh, GW_BLOCK_A_FAMILY, (uint8_t)prefix->family);
		mnl_attr_put(nlh, GW_BLOCK_A_ADDR, gw_addr_len(prefix->family),
			     prefix->addr);
		mnl_attr_put_u8(nlh, GW_BLOCK_A_PLEN, (uint8_t)prefix->plen);
	}
	if (timeout)
		mnl_attr_put_u32(nlh, GW_BLOCK_A_TIMEOUT, timeout);
	mnl_attr_nest_end(nlh, nest);
}

/* add|del PREFIX [timeout SECONDS] */
static int block_change(uint8_t cmd, int argc, char **argv)
{
	const char *verb = cmd == GW_CMD_BLOCK_ADD ? "add" : "del";
	char err[GW_ERR_MAX];
	struct gw_prefix prefix;
	struct nlmsghdr *nlh;
	uint64_t timeout = 0;

	if (argc < 1)
		return gw_usage_error("%s %s needs a prefix.", kind_word(cur_kind), verb);
	if (gw_parse_prefix(argv[0], &prefix, err, sizeof(err)))
		return gw_usage_error("%s", err);
	argc--;
	argv++;
	if (argc > 0 && !strcmp(argv[0], "timeout") && cmd == GW_CMD_BLOCK_ADD) {
		if (cur_kind == GW_BLOCK_KIND_NEVER)
			return gw_usage_error("never-block entries take no timeout.");
		if (argc < 2)
			return gw_usage_error("timeout needs a number of seconds.");
		if (gw_parse_uint("timeout", argv[1], 1, GW_BLOCK_TIMEOUT_MAX, &timeout,
				  err, sizeof(err)))
			return gw_usage_error("%s", err);
		argc -= 2;
		argv += 2;
	}
	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	nlh = gw_nl_msg(cmd, NLM_F_REQUEST | NLM_F_ACK);
	gw_block_put(nlh, cur_kind, &prefix, (uint32_t)timeout);
	return gw_nl_talk(nlh, NULL, NULL) ? GW_EXIT_KERNEL : GW_EXIT_OK;
}

static int block_add(int argc, char **argv)
{
	return block_change(GW_CMD_BLOCK_ADD, argc, argv);
}

static int block_del(int argc, char **argv)
{
	return block_change(GW_CMD_BLOCK_DEL, argc, argv);
}

static int block_flush(int argc, char **argv)
{
	struct nlmsghdr *nlh;

	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	nlh = gw_nl_msg(GW_CMD_BLOCK_FLUSH, NLM_F_REQUEST | NLM_F_ACK);
	gw_block_put(nlh, cur_kind, NULL, 0);
	return gw_nl_talk(nlh, NULL, NULL) ? GW_EXIT_KERNEL : GW_EXIT_OK;
}

static const struct gw_verb block_verbs[] = {
	{ "list",	block_list },
	{ "add",	block_add },
	{ "del",	block_del },
	{ "flush",	block_flush },
};

int do_block(int argc, char **argv)
{
	cur_kind = GW_BLOCK_KIND_BLOCK;
	return gw_dispatch("block", block_verbs, GW_ARRAY_SIZE(block_verbs), argc, argv);
}

int do_never_block(int argc, char **argv)
{
	cur_kind = GW_BLOCK_KIND_NEVER;
	return gw_dispatch("never-block", block_verbs, GW_ARRAY_SIZE(block_verbs),
			   argc, argv);
}
