// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl trace [reason R] [from PREFIX]: the namespace's drop trace, the
 * last trace_size drops the module recorded, oldest first, one line each
 * (with -j, a "trace" array).  "gwctl monitor drops" prints drop events
 * with the same words and the same filters (monitor.c).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"
#include "rulefile.h"

/* Does @addr (@len bytes of family @family) lie in @prefix? */
static bool prefix_has(const struct gw_prefix *prefix, int family,
		       const unsigned char *addr, size_t len)
{
	unsigned int full = prefix->plen / 8, rest = prefix->plen % 8;

	if (family != prefix->family || len != gw_addr_len(family))
		return false;
	if (memcmp(addr, prefix->addr, full))
		return false;
	return !rest || !((addr[full] ^ prefix->addr[full]) & (0xff00 >> rest));
}

int gw_trace_filter_parse(int argc, char **argv, struct gw_trace_filter *f)
{
	char err[GW_ERR_MAX];
	char name[64];
	int a;

	f->reason = -1;
	f->has_from = false;
	for (a = 0; a < argc; a += 2) {
		if (a + 1 >= argc)
			return gw_usage_error("\"%s\" needs a value.", argv[a]);
		if (!strcmp(argv[a], "reason")) {
			if (gw_names_fetch(GW_NAME_KIND_COUNTER))
				return GW_EXIT_KERNEL;
			/* "passive_denied" is "drop_passive_denied" */
			f->reason = gw_name_find(GW_NAME_KIND_COUNTER, argv[a + 1]);
			snprintf(name, sizeof(name), "drop_%s", argv[a + 1]);
			if (f->reason < 0)
				f->reason = gw_name_find(GW_NAME_KIND_COUNTER, name);
			if (f->reason < 0)
				return gw_usage_error("unknown reason \"%s\" (the drop_ counters of gwctl stats name them).",
						      argv[a + 1]);
		} else if (!strcmp(argv[a], "from")) {
			if (gw_parse_prefix(argv[a + 1], &f->from, err, sizeof(err)))
				return gw_usage_error("%s", err);
			f->has_from = true;
		} else {
			return gw_usage_error("unexpected argument \"%s\" (reason R, from PREFIX).",
					      argv[a]);
		}
	}
	return GW_EXIT_OK;
}

/* Local time to the microsecond, as a log line has it. */
static void format_time(uint64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000u);
	struct tm tm;
	size_t n;

	if (!localtime_r(&sec, &tm) || !(n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm))) {
		snprintf(buf, len, "%" PRIu64, ns);
		return;
	}
	snprintf(buf + n, len - n, ".%06u", (unsigned int)(ns % 1000000000u / 1000));
}

static void print_addr(const char *key, const char *textfmt, int family,
		       const struct nlattr *attr)
{
	char buf[INET6_ADDRSTRLEN];

	if (!attr || gw_format_addr(family, mnl_attr_get_payload(attr),
				    mnl_attr_get_payload_len(attr), buf, sizeof(buf)))
		return;
	print_str(key, textfmt, buf);
}

int gw_trace_print(const struct nlattr *nest, const struct gw_trace_filter *f,
		   struct print_list *list, const uint64_t *event_seq)
{
	static const uint16_t need[] = {
		GW_TRACE_A_REASON, GW_TRACE_A_FAMILY, GW_TRACE_A_PROTO, GW_TRACE_A_TIME,
		GW_TRACE_A_IFINDEX, 0
	};
	const struct nlattr *tb[GW_TRACE_A_MAX + 1];
	char time[64], flags[16], ifname[GW_IFNAMSIZ + 8];
	const char *reason, *proto_name;
	uint8_t family, proto;
	uint32_t id;

	if (gw_nl_parse_nest(nest, &gw_trace_policy, tb) ||
	    gw_nl_need(tb, need, "drop without reason, family, protocol, time or interface"))
		return MNL_CB_ERROR;
	id = mnl_attr_get_u32(tb[GW_TRACE_A_REASON]);
	family = mnl_attr_get_u8(tb[GW_TRACE_A_FAMILY]);
	proto = mnl_attr_get_u8(tb[GW_TRACE_A_PROTO]);
	if (f && f->reason >= 0 && id != (uint32_t)f->reason)
		return MNL_CB_OK;
	if (f && f->has_from &&
	    (!tb[GW_TRACE_A_SRC] ||
	     !prefix_has(&f->from, family, mnl_attr_get_payload(tb[GW_TRACE_A_SRC]),
			 mnl_attr_get_payload_len(tb[GW_TRACE_A_SRC]))))
		return MNL_CB_OK;

	if (event_seq) {
		print_u64("seq", "%" PRIu64 " ", *event_seq);
		print_str("event", NULL, "drop");
	} else {
		print_list_item(list);
		print_open_object(NULL);
	}
	if (tb[GW_TRACE_A_SEQ])
		print_u64("seq", NULL, mnl_attr_get_u64(tb[GW_TRACE_A_SEQ]));
	format_time(mnl_attr_get_u64(tb[GW_TRACE_A_TIME]), time, sizeof(time));
	print_str("time", "%s", time);
	print_u64("time_ns", NULL, mnl_attr_get_u64(tb[GW_TRACE_A_TIME]));
	reason = gw_name(GW_NAME_KIND_COUNTER, id);
	if (reason)
		print_str("reason", " %s", reason);
	else
		print_u64("reason_id", " reason %" PRIu64, id);
	print_str("way", " %s", gw_attr_u8(tb[GW_TRACE_A_WAY]) == GW_EXPLAIN_OUT ? "out" : "in");
	if (tb[GW_TRACE_A_IFNAME]) {
		print_str("interface", " %s", mnl_attr_get_str(tb[GW_TRACE_A_IFNAME]));
	} else {
		/* gone since: its index is all there is */
		snprintf(ifname, sizeof(ifname), "if%" PRIu32,
			 mnl_attr_get_u32(tb[GW_TRACE_A_IFINDEX]));
		print_str("interface", " %s", ifname);
	}
	print_u64("ifindex", NULL, mnl_attr_get_u32(tb[GW_TRACE_A_IFINDEX]));
	proto_name = gw_proto_name(proto);
	if (proto_name)
		print_str("proto", " %s", proto_name);
	else
		print_u64("proto", " proto %" PRIu64, proto);
	print_addr("src", " from %s", family, tb[GW_TRACE_A_SRC]);
	if (tb[GW_TRACE_A_SPORT])
		print_u64("sport", " port %" PRIu64, mnl_attr_get_u16(tb[GW_TRACE_A_SPORT]));
	print_addr("dst", " to %s", family, tb[GW_TRACE_A_DST]);
	if (tb[GW_TRACE_A_DPORT])
		print_u64("dport", " port %" PRIu64, mnl_attr_get_u16(tb[GW_TRACE_A_DPORT]));
	if (tb[GW_TRACE_A_TCP_FLAGS]) {
		gw_tcp_flags_format(mnl_attr_get_u8(tb[GW_TRACE_A_TCP_FLAGS]), flags,
				    sizeof(flags));
		print_str("flags", " flags %s", flags);
	}
	if (tb[GW_TRACE_A_ICMP_TYPE])
		print_u64("type", " type %" PRIu64, mnl_attr_get_u8(tb[GW_TRACE_A_ICMP_TYPE]));
	if (tb[GW_TRACE_A_ICMP_CODE])
		print_u64("code", " code %" PRIu64, mnl_attr_get_u8(tb[GW_TRACE_A_ICMP_CODE]));
	print_bool("fragment", " fragment", tb[GW_TRACE_A_FRAGMENT] != NULL);
	if (tb[GW_TRACE_A_RULE])
		print_u64("rule", " rule %" PRIu64, mnl_attr_get_u32(tb[GW_TRACE_A_RULE]));
	if (tb[GW_TRACE_A_LOST]) {
		uint64_t lost = mnl_attr_get_u64(tb[GW_TRACE_A_LOST]);

		print_u64("lost", lost ? " (%" PRIu64 " not sent before it)" : NULL, lost);
	}
	if (!event_seq)
		print_close_object();
	print_nl();
	return MNL_CB_OK;
}

struct trace_ctx {
	struct print_list list;
	const struct gw_trace_filter *filter;
};

static int trace_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[GW_A_MAX + 1];
	struct trace_ctx *ctx = data;

	if (gw_nl_parse(nlh, &gw_attr_policy, tb))
		return MNL_CB_ERROR;
	if (!tb[GW_A_TRACE])
		return gw_nl_bad_reply("trace dump message without GW_A_TRACE");
	return gw_trace_print(tb[GW_A_TRACE], ctx->filter, &ctx->list, NULL);
}

int do_trace(int argc, char **argv)
{
	struct gw_trace_filter filter;
	struct trace_ctx ctx = { .list = { .key = "trace" }, .filter = &filter };
	int ret;

	ret = gw_trace_filter_parse(argc, argv, &filter);
	if (ret)
		return ret;
	/* before the dump: the fetch reuses the buffers a dump reads into */
	if (gw_names_fetch(GW_NAME_KIND_COUNTER))
		return GW_EXIT_KERNEL;
	if (gw_nl_talk(gw_nl_msg(GW_CMD_TRACE_GET, NLM_F_REQUEST | NLM_F_DUMP), trace_cb,
		       &ctx))
		return GW_EXIT_KERNEL;
	print_list_end(&ctx.list);
	return GW_EXIT_OK;
}
