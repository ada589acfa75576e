/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The thin shim under the plain-C core.  The core (parse, TCP tracking,
 * rule matching) builds unchanged into the module and into the userspace
 * unit tests, fuzzers and benchmarks; this is the only file that knows
 * which of the two it is in.
 */
#ifndef _GW_CORE_TYPES_H
#define _GW_CORE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/compiler.h>
#include <linux/string.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <asm/byteorder.h>
#include <linux/sort.h>
#include <linux/bitops.h>

#define gw_ntohs(x)	be16_to_cpu(x)
#define gw_ntohl(x)	be32_to_cpu(x)
#define gw_htonl(x)	cpu_to_be32(x)
#define gw_htons(x)	cpu_to_be16(x)
#define gw_sort(base, n, size, cmp)	sort(base, n, size, cmp, NULL)
#define gw_popcount64(x)	hweight64(x)
#define gw_set_bit(nr, addr)	set_bit(nr, addr)
#define gw_test_bit(nr, addr)	test_bit(nr, addr)

#else /* userspace */
#include <stdint.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef uint16_t __be16;
typedef uint32_t __be32;

#define gw_ntohs(x)	ntohs(x)
#define gw_ntohl(x)	ntohl(x)
#define gw_htonl(x)	htonl(x)
#define gw_htons(x)	htons(x)
#define gw_sort(base, n, size, cmp)	qsort(base, n, size, cmp)
#define gw_popcount64(x)	__builtin_popcountll(x)
#ifndef BITS_PER_LONG
#define BITS_PER_LONG	(8 * (int)sizeof(long))
#endif
/* as the kernel's: set atomically, read relaxed */
static inline void gw_set_bit(unsigned long nr, unsigned long *addr)
{
	__atomic_fetch_or(&addr[nr / BITS_PER_LONG],
			  1UL << (nr % BITS_PER_LONG), __ATOMIC_RELAXED);
}

static inline bool gw_test_bit(unsigned long nr, const unsigned long *addr)
{
	return __atomic_load_n(&addr[nr / BITS_PER_LONG], __ATOMIC_RELAXED) >>
	       (nr % BITS_PER_LONG) & 1;
}

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#endif /* __KERNEL__ */

#endif /* _GW_CORE_TYPES_H */
