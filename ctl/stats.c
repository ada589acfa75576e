// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl stats: the per-namespace counters, the non-zero ones unless -a;
 * with -r INTERVAL, their rates over each interval (sample.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"
#include "sample.h"

/* The gauges of the flood budgets, as stats and top show them. */
void gw_stats_print_table(const struct gw_sample *s)
{
	if (!s->has_table)
		return;
	print_open_object("table");
	print_u64("flows", "flows %" PRIu64, s->flows);
	print_u64("max_flows", "/%" PRIu64, s->flow_max);
	print_u64("fill_percent", " (%" PRIu64 "%% full)",
		  s->flow_max ? (uint64_t)s->flows * 100 / s->flow_max : 0);
	print_u64("halfopen", ", half-open %" PRIu64, s->halfopen);
	print_u64("overloaded_sources", ", overloaded sources %" PRIu64, s->overloaded);
	print_u64("sources", ", sources tracked %" PRIu64, s->sources);
	print_u64("source_slots", "/%" PRIu64 "\n", s->source_max);
	print_close_object();
}

/*
 * Prints the counters, all or the non-zero ones, indented as status shows
 * them for a summary; returns how many it printed.
 */
static int print_counters(const struct gw_sample *s, bool all, bool summary)
{
	unsigned int id;
	const char *name;
	char buf[32];
	int shown = 0;

	print_open_object("counters");
	for (id = 0; id < s->ncounters; id++) {
		if (!s->present[id] || (!all && !s->counter[id]))
			continue;
		name = gw_sample_counter_name(id, buf, sizeof(buf));
		print_text(summary ? "  %-22s " : "%-24s ", name);
		print_u64(name, "%" PRIu64 "\n", s->counter[id]);
		shown++;
	}
	print_close_object();
	return shown;
}

static int stats_show(bool summary, bool all, bool reset)
{
	struct gw_sample *s = calloc(1, sizeof(*s));
	int shown = -1;

	if (!s) {
		print_error(ENOMEM, "out of memory for a sample");
		return -1;
	}
	if (!gw_sample_take(s, reset ? GW_SAMPLE_RESET : 0)) {
		if (!summary)
			gw_stats_print_table(s);
		shown = print_counters(s, all, summary);
	}
	gw_sample_free(s);
	free(s);
	return shown;
}

int gw_stats_show(bool summary)
{
	return stats_show(summary, false, false);
}

struct rates {
	bool all;
	unsigned long shown;
};

/* "20:15:03", the wall clock of a sample in text output */
static void print_clock(void)
{
	time_t now = time(NULL);
	struct tm tm;
	char buf[16];

	if (!localtime_r(&now, &tm) || !strftime(buf, sizeof(buf), "%H:%M:%S", &tm))
		snprintf(buf, sizeof(buf), "-");
	print_text("%s", buf);
}

/*
 * The counters that moved from prev to cur (all of them with -a) as the
 * member key: their rates, what they counted, their totals.  Text shows
 * the first only, a line each with the count beside.
 */
static unsigned int print_moved(const struct gw_sample *prev, const struct gw_sample *cur,
				bool all, const char *key)
{
	unsigned int id, moved = 0;
	const char *name;
	char buf[32];

	print_open_object(key);
	for (id = 0; id < cur->ncounters; id++) {
		uint64_t delta = gw_sample_delta(prev, cur, id);

		if (!cur->present[id] || (!all && !delta))
			continue;
		name = gw_sample_counter_name(id, buf, sizeof(buf));
		if (!strcmp(key, "rates")) {
			print_text("%-24s ", name);
			print_double(name, "%12.1f", gw_sample_rate(prev, cur, id));
			print_text(" %12" PRIu64 "\n", delta);
		} else {
			print_u64(name, NULL, strcmp(key, "deltas") ? cur->counter[id] : delta);
		}
		moved++;
	}
	print_close_object();
	return moved;
}

/* One sample of -r; -j: one document a line, as monitor prints them. */
static int rates_show(const struct gw_sample *prev, const struct gw_sample *cur, void *data)
{
	struct rates *r = data;

	print_text("%s", r->shown++ ? "\n" : "");
	print_clock();
	print_double("interval", "  over %.2f s", gw_sample_seconds(prev, cur));
	print_text("%25s%13s\n", "per second", "counted");
	gw_stats_print_table(cur);
	if (!print_moved(prev, cur, r->all, "rates"))
		print_text("(no counter moved)\n");
	print_moved(prev, cur, r->all, "deltas");
	print_moved(prev, cur, r->all, "totals");
	print_end_document();
	return 0;
}

static int parse_count(const char *opt, const char *arg, uint64_t max, uint64_t *val)
{
	char err[GW_ERR_MAX];

	if (!arg)
		return gw_usage_error("%s needs a value.", opt);
	if (gw_parse_uint(opt, arg, 1, max, val, err, sizeof(err)))
		return gw_usage_error("%s", err);
	return GW_EXIT_OK;
}

/*
 * stats [-a] [-j] [--reset]: the counters (-a: the zero ones too) and,
 * with --reset, zero them in the same request.
 * stats [-a] [-j] -r SECONDS [-c COUNT]: rates until Ctrl-C, or COUNT.
 */
int do_stats(int argc, char **argv)
{
	struct rates r = { 0 };
	struct gw_sampler sampler = { .show = rates_show, .data = &r };
	bool reset = false, rates = false;
	char err[GW_ERR_MAX];
	uint64_t count = 0;
	int i, ret;

	for (i = 0; i < argc; i++) {
		const char *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--reset")) {
			reset = true;
		} else if (!strcmp(argv[i], "-a")) {
			r.all = true;
		} else if (!strcmp(argv[i], "-j")) {
			print_set_json(true);
		} else if (!strcmp(argv[i], "-r")) {
			if (!arg)
				return gw_usage_error("-r needs an interval in seconds.");
			if (gw_parse_interval("interval", arg, &sampler.interval_ms,
					      err, sizeof(err)))
				return gw_usage_error("%s", err);
			rates = true;
			i++;
		} else if (!strcmp(argv[i], "-c")) {
			ret = parse_count("-c", arg, UINT32_MAX, &count);
			if (ret)
				return ret;
			i++;
		} else {
			return gw_check_end(argc - i, argv + i);
		}
	}
	if (count && !rates)
		return gw_usage_error("-c counts the samples of -r.");
	if (reset && rates)
		return gw_usage_error("--reset cannot be used with -r.");
	if (!rates) {
		ret = stats_show(false, r.all, reset);
		if (ret == 0 && !r.all)
			print_text("all counters are zero (-a lists them)\n");
		return ret < 0 ? GW_EXIT_KERNEL : GW_EXIT_OK;
	}
	sampler.count = count;
	return gw_sample_loop(&sampler) ? GW_EXIT_KERNEL : GW_EXIT_OK;
}
