/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Samples of the module's state, for "gwctl stats" and its rates
 * ("stats -r") and for "gwctl top": one sample is the counters and gauges
 * of GW_CMD_STATS_GET and, on request, the rules' counters and the size of
 * the blocklist, stamped with the monotonic clock; two samples an interval
 * apart give rates.  gw_sample_loop() is the one sampling loop both
 * commands run.
 */
#ifndef GWCTL_SAMPLE_H
#define GWCTL_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gwctl.h"

/* More counters than enum gw_counter will ever have: a reply past it is bad. */
#define GW_SAMPLE_COUNTERS 1024

/* What gw_sample_take() asks for beyond the counters and gauges. */
enum gw_sample_part {
	GW_SAMPLE_RESET = 1 << 0,	/* zero the counters as they are read */
	GW_SAMPLE_RULES = 1 << 1,	/* each rule's counters (rule list) */
	GW_SAMPLE_BLOCKS = 1 << 2,	/* how many block entries there are */
	GW_SAMPLE_OVERLOAD = 1 << 3,	/* the overload list */
	GW_SAMPLE_TRACE = 1 << 4,	/* the drop trace */
};

/* A dropped packet the drop trace recorded: who sent it, and where to. */
struct gw_sample_drop {
	uint64_t seq;		/* its number in the trace */
	uint8_t family;		/* 0: the packet had no addresses */
	uint8_t proto;
	uint16_t dport;		/* 0: none (not TCP or UDP, a fragment) */
	unsigned char src[16];
};


struct gw_sample_rule {
	uint32_t handle;
	uint64_t hits;
	uint64_t packets;
	char *text;		/* as rule list writes it, without its counters */
};

struct gw_sample {
	uint64_t ns;		/* CLOCK_MONOTONIC when the counters were read */
	unsigned int ncounters;	/* one past the highest counter the module sent */
	uint64_t counter[GW_SAMPLE_COUNTERS];
	bool present[GW_SAMPLE_COUNTERS];
	/* the gauges (an older module sends none: has_table false) */
	bool has_table;
	uint32_t flows, flow_max, halfopen, overloaded, sources, source_max;
	/* GW_SAMPLE_RULES: sorted by handle */
	struct gw_sample_rule *rule;
	size_t nrules;
	/* GW_SAMPLE_BLOCKS */
	uint32_t blocked;
	/* GW_SAMPLE_OVERLOAD: as the module lists them */
	struct gw_overload_entry *overload;
	size_t noverload;
	/* GW_SAMPLE_TRACE: the trace, oldest first (none from an older module) */
	bool has_trace;
	struct gw_sample_drop *drop;
	size_t ndrops;
};

/* Reads the counters (names fetched first) and parts; 0, or -1 reported. */
int gw_sample_take(struct gw_sample *s, unsigned int parts);
/* The same without the names, for a command that prints none (doctor). */
int gw_sample_read(struct gw_sample *s, unsigned int parts);
void gw_sample_free(struct gw_sample *s);

/* Seconds between two samples (never 0). */
double gw_sample_seconds(const struct gw_sample *prev, const struct gw_sample *cur);
/*
 * What counter id counted from prev to cur: a counter zeroed in between
 * (stats --reset) has counted at least its value since, and that is what
 * is returned.
 */
uint64_t gw_sample_delta(const struct gw_sample *prev, const struct gw_sample *cur,
			 unsigned int id);
double gw_sample_rate(const struct gw_sample *prev, const struct gw_sample *cur,
		      unsigned int id);
/* The same for a rule's hits; a rule new since prev counted all it has. */
uint64_t gw_sample_rule_hits(const struct gw_sample *prev, const struct gw_sample_rule *rule);

/* "drop_passive_denied", or "counter_N" for a counter with no name (buf). */
const char *gw_sample_counter_name(unsigned int id, char *buf, size_t len);
/* A counter of packets dropped: its name starts with "drop_". */
bool gw_sample_is_drop(unsigned int id);

/*
 * The loop of stats -r and top: a first sample, then every interval_ms
 * another, handed with the one before to show() until count samples have
 * been shown (0: no end) or Ctrl-C (SIGINT, SIGTERM).  wait() waits until
 * the deadline (CLOCK_MONOTONIC, ns); NULL sleeps.  show() and wait()
 * return 0 to go on, 1 to stop there (a user's "q"), -1 on failure
 * (reported).  Returns 0 or -1.
 */
struct gw_sampler {
	unsigned int parts;
	uint32_t interval_ms;
	unsigned long count;
	int (*show)(const struct gw_sample *prev, const struct gw_sample *cur, void *data);
	int (*wait)(uint64_t deadline, void *data);
	void *data;
};

int gw_sample_loop(const struct gw_sampler *sampler);

uint64_t gw_now_ns(void);

/* stats.c: the gauges, "table" (nothing from a module that sends none) */
void gw_stats_print_table(const struct gw_sample *s);
/* Set by SIGINT and SIGTERM once gw_sample_loop() has started. */
bool gw_sample_stopped(void);

#endif /* GWCTL_SAMPLE_H */
