// SPDX-License-Identifier: GPL-2.0
#include <linux/percpu.h>
#include <linux/string.h>

#include "pernet.h"

/* Counters are per-CPU and unsynchronised; a sum is a snapshot, no more. */
void gw_stats_sum(struct gw_net *gn, u64 *sum)
{
	unsigned int i;
	int cpu;

	memset(sum, 0, sizeof(u64) * __GW_CTR_MAX);
	for_each_possible_cpu(cpu) {
		const struct gw_stats *s = per_cpu_ptr(gn->stats, cpu);

		for (i = 0; i < __GW_CTR_MAX; i++)
			sum[i] += READ_ONCE(s->ctr[i]);
	}
}
