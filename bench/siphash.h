/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SipHash-2-4 in userspace, for bench_core only: the keyed hash the module
 * takes from the kernel (siphash(), <linux/siphash.h>), under the same
 * names, so that the SYN proxy's hashes (kmod/synproxy.c,
 * gw_synproxy_hash()) can be counted with the core.  See siphash.c.
 */
#ifndef _GW_BENCH_SIPHASH_H
#define _GW_BENCH_SIPHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIPHASH_ALIGNMENT	__alignof__(uint64_t)

typedef struct {
	uint64_t key[2];
} siphash_key_t;

uint64_t siphash(const void *data, size_t len, const siphash_key_t *key);

/* The reference vectors of the SipHash paper; false on a mismatch. */
bool siphash_selftest(void);

#endif /* _GW_BENCH_SIPHASH_H */
