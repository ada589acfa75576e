// SPDX-License-Identifier: GPL-2.0
/*
 * Samples of the module's counters and gauges, and the loop that takes
 * one an interval, for "gwctl stats" (-r) and "gwctl top" (see sample.h).
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"
#include "rulefile.h"
#include "sample.h"

static volatile sig_atomic_t stop_requested;

uint64_t gw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

const char *gw_sample_counter_name(unsigned int id, char *buf, size_t len)
{
	const char *name = gw_name(GW_NAME_KIND_COUNTER, id);

	if (name)
		return name;
	snprintf(buf, len, "counter_%u", id);
	return buf;
}

bool gw_sample_is_drop(unsigned int id)
{
	const char *name = gw_name(GW_NAME_KIND_COUNTER, id);

	return name && !strncmp(name, "drop_", 5);
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[GW_A_MAX + 1], *attr;
	struct gw_sample *s = data;

	if (gw_nl_parse(nlh, &gw_attr_policy, tb))
		return MNL_CB_ERROR;
	if (!tb[GW_A_STATS])
		return gw_nl_bad_reply("stats without GW_A_STATS");

	/* The gauges of the flood budgets (older modules send none). */
	s->has_table = tb[GW_A_FLOW_MAX] != NULL;
	s->flows = gw_attr_u32(tb[GW_A_FLOW_COUNT]);
	s->flow_max = gw_attr_u32(tb[GW_A_FLOW_MAX]);
	s->halfopen = gw_attr_u32(tb[GW_A_HALFOPEN_COUNT]);
	s->overloaded = gw_attr_u32(tb[GW_A_OVERLOAD_COUNT]);
	s->sources = gw_attr_u32(tb[GW_A_SRC_COUNT]);
	s->source_max = gw_attr_u32(tb[GW_A_SRC_MAX]);

	mnl_attr_for_each_nested(attr, tb[GW_A_STATS]) {
		unsigned int type = mnl_attr_get_type(attr);

		/* Type 0 is free for the padding 64-bit attributes may need. */
		if (type == 0)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return gw_nl_bad_reply("counter %u is not a u64", type - 1);
		if (type > GW_SAMPLE_COUNTERS)
			return gw_nl_bad_reply("counter %u is past %u", type - 1,
					       GW_SAMPLE_COUNTERS);
		s->counter[type - 1] = mnl_attr_get_u64(attr);
		s->present[type - 1] = true;
		if (type > s->ncounters)
			s->ncounters = type;
	}
	return MNL_CB_OK;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct gw_sample *s = data;
	struct gw_rule_counters c;
	struct gw_sample_rule *grown, *r;
	char text[GW_RULE_TEXT_MAX];
	struct gw_rf_rule rule;
	uint32_t handle;

	if (gw_rule_decode_msg(nlh, &rule, &handle, &c) != MNL_CB_OK)
		return MNL_CB_ERROR;
	gw_rule_format(&rule, text, sizeof(text));

	grown = realloc(s->rule, (s->nrules + 1) * sizeof(*s->rule));
	if (!grown)
		return gw_nl_bad_reply("out of memory for %zu rules", s->nrules + 1);
	s->rule = grown;
	r = &s->rule[s->nrules];
	r->text = strdup(text);
	if (!r->text)
		return gw_nl_bad_reply("out of memory for %zu rules", s->nrules + 1);
	r->handle = handle;
	r->hits = c.hits;
	r->packets = c.packets;
	s->nrules++;
	return MNL_CB_OK;
}

static int block_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *btb[GW_BLOCK_A_MAX + 1];
	struct gw_sample *s = data;

	if (gw_nl_parse_item(nlh, GW_A_BLOCK, &gw_block_policy, btb,
			     "block entry without GW_A_BLOCK"))
		return MNL_CB_ERROR;
	if (gw_attr_u8(btb[GW_BLOCK_A_KIND]) == GW_BLOCK_KIND_BLOCK)
		s->blocked++;
	return MNL_CB_OK;
}

static int overload_cb(const struct nlmsghdr *nlh, void *data)
{
	struct gw_sample *s = data;
	struct gw_overload_entry *grown;

	grown = realloc(s->overload, (s->noverload + 1) * sizeof(*s->overload));
	if (!grown)
		return gw_nl_bad_reply("out of memory for %zu overloaded sources",
				       s->noverload + 1);
	s->overload = grown;
	if (gw_overload_decode(nlh, &s->overload[s->noverload]) != MNL_CB_OK)
		return MNL_CB_ERROR;
	s->noverload++;
	return MNL_CB_OK;
}

static int trace_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *ttb[GW_TRACE_A_MAX + 1];
	struct gw_sample *s = data;
	struct gw_sample_drop *grown, *d;
	size_t len;

	if (gw_nl_parse_item(nlh, GW_A_TRACE, &gw_trace_policy, ttb,
			     "trace entry without GW_A_TRACE"))
		return MNL_CB_ERROR;
	if (!ttb[GW_TRACE_A_SEQ])
		return gw_nl_bad_reply("trace entry without its number");
	grown = realloc(s->drop, (s->ndrops + 1) * sizeof(*s->drop));
	if (!grown)
		return gw_nl_bad_reply("out of memory for %zu traced drops", s->ndrops + 1);
	s->drop = grown;
	d = memset(&s->drop[s->ndrops++], 0, sizeof(*d));
	d->seq = mnl_attr_get_u64(ttb[GW_TRACE_A_SEQ]);
	d->proto = gw_attr_u8(ttb[GW_TRACE_A_PROTO]);
	if (!ttb[GW_TRACE_A_FRAGMENT] &&
	    (d->proto == IPPROTO_TCP || d->proto == IPPROTO_UDP))
		d->dport = gw_attr_u16(ttb[GW_TRACE_A_DPORT]);
	len = gw_addr_len(gw_attr_u8(ttb[GW_TRACE_A_FAMILY]));
	if (len && ttb[GW_TRACE_A_SRC] && mnl_attr_get_payload_len(ttb[GW_TRACE_A_SRC]) == len) {
		d->family = gw_attr_u8(ttb[GW_TRACE_A_FAMILY]);
		memcpy(d->src, mnl_attr_get_payload(ttb[GW_TRACE_A_SRC]), len);
	}
	return MNL_CB_OK;
}

/* The trace of a module that has one; 0 (has_trace false) from an older. */
static int take_trace(struct gw_sample *s)
{
	int ret = gw_nl_talk_quiet(gw_nl_msg(GW_CMD_TRACE_GET, NLM_F_REQUEST | NLM_F_DUMP),
				   trace_cb, s);

	if (ret == -EOPNOTSUPP)
		return 0;
	if (ret) {
		gw_nl_report();
		return -1;
	}
	s->has_trace = true;
	return 0;
}

static int by_handle(const void *a, const void *b)
{
	const struct gw_sample_rule *x = a, *y = b;

	return (x->handle > y->handle) - (x->handle < y->handle);
}

void gw_sample_free(struct gw_sample *s)
{
	size_t i;

	for (i = 0; i < s->nrules; i++)
		free(s->rule[i].text);
	free(s->rule);
	free(s->overload);
	free(s->drop);
	memset(s, 0, sizeof(*s));
}

int gw_sample_take(struct gw_sample *s, unsigned int parts)
{
	if (gw_names_fetch(GW_NAME_KIND_COUNTER))
		return -1;
	return gw_sample_read(s, parts);
}

int gw_sample_read(struct gw_sample *s, unsigned int parts)
{
	struct nlmsghdr *nlh;

	gw_sample_free(s);
	nlh = gw_nl_msg(GW_CMD_STATS_GET, NLM_F_REQUEST | NLM_F_ACK);
	if (parts & GW_SAMPLE_RESET)
		mnl_attr_put(nlh, GW_A_STATS_RESET, 0, NULL);
	if (gw_nl_talk(nlh, stats_cb, s))
		return -1;
	s->ns = gw_now_ns();

	if ((parts & GW_SAMPLE_RULES) &&
	    gw_nl_talk(gw_nl_msg(GW_CMD_RULE_GET, NLM_F_REQUEST | NLM_F_DUMP), rule_cb, s))
		return -1;
	if (s->nrules)
		qsort(s->rule, s->nrules, sizeof(*s->rule), by_handle);
	if ((parts & GW_SAMPLE_BLOCKS) &&
	    gw_nl_talk(gw_nl_msg(GW_CMD_BLOCK_GET, NLM_F_REQUEST | NLM_F_DUMP), block_cb, s))
		return -1;
	if ((parts & GW_SAMPLE_OVERLOAD) &&
	    gw_nl_talk(gw_nl_msg(GW_CMD_OVERLOAD_GET, NLM_F_REQUEST | NLM_F_DUMP),
		       overload_cb, s))
		return -1;
	if ((parts & GW_SAMPLE_TRACE) && take_trace(s))
		return -1;
	return 0;
}

double gw_sample_seconds(const struct gw_sample *prev, const struct gw_sample *cur)
{
	uint64_t ns = cur->ns > prev->ns ? cur->ns - prev->ns : 1;

	return ns / 1e9;
}

uint64_t gw_sample_delta(const struct gw_sample *prev, const struct gw_sample *cur,
			 unsigned int id)
{
	if (id >= GW_SAMPLE_COUNTERS)
		return 0;
	if (cur->counter[id] < prev->counter[id])
		return cur->counter[id];
	return cur->counter[id] - prev->counter[id];
}

double gw_sample_rate(const struct gw_sample *prev, const struct gw_sample *cur,
		      unsigned int id)
{
	return gw_sample_delta(prev, cur, id) / gw_sample_seconds(prev, cur);
}

uint64_t gw_sample_rule_hits(const struct gw_sample *prev, const struct gw_sample_rule *rule)
{
	const struct gw_sample_rule *old = NULL;

	if (prev->nrules)
		old = bsearch(rule, prev->rule, prev->nrules, sizeof(*rule), by_handle);
	if (!old || rule->hits < old->hits)
		return rule->hits;
	return rule->hits - old->hits;
}

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

bool gw_sample_stopped(void)
{
	return stop_requested;
}

/*
 * No SA_RESTART: the sleep (or a curses wait) returns at once with EINTR,
 * so Ctrl-C ends the loop between two samples, output complete.
 */
static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int sleep_until(uint64_t deadline)
{
	struct timespec ts = {
		.tv_sec = deadline / 1000000000,
		.tv_nsec = deadline % 1000000000,
	};

	while (!stop_requested &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	return 0;
}

int gw_sample_loop(const struct gw_sampler *sp)
{
	uint64_t interval = (uint64_t)sp->interval_ms * 1000000, deadline, now;
	struct gw_sample *prev, *cur, *swap;
	unsigned long shown = 0;
	int ret = -1;

	/* 16 KiB each: not on the stack */
	prev = calloc(1, sizeof(*prev));
	cur = calloc(1, sizeof(*cur));
	if (!prev || !cur) {
		print_error(ENOMEM, "out of memory for two samples");
		goto out;
	}
	catch_stop_signals();
	if (gw_sample_take(prev, sp->parts))
		goto out;
	deadline = prev->ns + interval;
	for (;;) {
		ret = sp->wait ? sp->wait(deadline, sp->data) : sleep_until(deadline);
		if (ret || stop_requested)
			break;
		ret = -1;
		if (gw_sample_take(cur, sp->parts))
			break;
		ret = sp->show(prev, cur, sp->data);
		swap = prev;
		prev = cur;
		cur = swap;
		if (ret || (sp->count && ++shown == sp->count))
			break;
		/* Fallen behind (a stopped terminal): one late sample, no burst. */
		deadline += interval;
		now = gw_now_ns();
		if (deadline < now)
			deadline = now + interval;
	}
	ret = ret < 0 ? -1 : 0;
out:
	if (prev)
		gw_sample_free(prev);
	if (cur)
		gw_sample_free(cur);
	free(prev);
	free(cur);
	return ret;
}
