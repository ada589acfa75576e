// SPDX-License-Identifier: GPL-2.0
/*
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012) for bench_core: the function the module calls as the kernel's
 * siphash() for the flow hash and the SYN proxy's cookie hashes.  Written
 * here from the paper, in the shape of the kernel's generic C (lib/siphash.c,
 * also plain C on x86-64): the input taken as 8-byte little-endian words,
 * two rounds each, the last partial word with the length in its top byte,
 * four rounds to finish; out of line, in a translation unit of its own, as
 * the kernel's is.  One difference: the partial word is read here by
 * pieces (a 4-byte load for the 44-byte hash), where x86-64's kernel reads
 * it as one masked 8-byte load; a handful of instructions.
 *
 * siphash_selftest() checks it against the paper's reference vectors
 * (key 00..0f, message 00..len-1); bench_core refuses to run without it.
 */
#include <endian.h>
#include <string.h>

#include "siphash.h"

#define fallthrough	__attribute__((__fallthrough__))

#define SIP_C0	0x736f6d6570736575ULL	/* "somepseudorandomlygeneratedbytes" */
#define SIP_C1	0x646f72616e646f6dULL
#define SIP_C2	0x6c7967656e657261ULL
#define SIP_C3	0x7465646279746573ULL

static inline uint64_t rotl64(uint64_t x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static inline uint32_t load_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline uint16_t load_le16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

#define SIPROUND							\
	do {								\
		v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0;		\
		v0 = rotl64(v0, 32);					\
		v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2;		\
		v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0;		\
		v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2;		\
		v2 = rotl64(v2, 32);					\
	} while (0)

uint64_t siphash(const void *data, size_t len, const siphash_key_t *key)
{
	const uint8_t *p = data;
	const uint8_t *end = p + (len & ~(size_t)7);
	uint64_t v0 = SIP_C0 ^ key->key[0];
	uint64_t v1 = SIP_C1 ^ key->key[1];
	uint64_t v2 = SIP_C2 ^ key->key[0];
	uint64_t v3 = SIP_C3 ^ key->key[1];
	uint64_t b = (uint64_t)len << 56, m;

	for (; p != end; p += 8) {
		m = load_le64(p);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	switch (len & 7) {
	case 7:
		b |= (uint64_t)p[6] << 48;
		fallthrough;
	case 6:
		b |= (uint64_t)p[5] << 40;
		fallthrough;
	case 5:
		b |= (uint64_t)p[4] << 32;
		fallthrough;
	case 4:
		b |= load_le32(p);
		break;
	case 3:
		b |= (uint64_t)p[2] << 16;
		fallthrough;
	case 2:
		b |= load_le16(p);
		break;
	case 1:
		b |= p[0];
		break;
	}
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/*
 * The paper's reference outputs for the message lengths a tail or a loop
 * bound could get wrong, the two the SYN proxy hashes (40 and 44) among
 * them.
 */
static const struct {
	unsigned int len;
	uint64_t hash;
} siphash_vectors[] = {
	{ 0, 0x726fdb47dd0e0e31ULL },
	{ 1, 0x74f839c593dc67fdULL },
	{ 7, 0xab0200f58b01d137ULL },
	{ 8, 0x93f5f5799a932462ULL },
	{ 15, 0xa129ca6149be45e5ULL },
	{ 16, 0x3f2acc7f57c29bdbULL },
	{ 40, 0x0e3ea96b5304a7d0ULL },
	{ 44, 0xf935451de4f21df2ULL },
	{ 63, 0x958a324ceb064572ULL },
};

bool siphash_selftest(void)
{
	const siphash_key_t key = {
		{ 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL }
	};
	uint8_t msg[64];
	unsigned int i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (i = 0; i < sizeof(siphash_vectors) / sizeof(siphash_vectors[0]);
	     i++)
		if (siphash(msg, siphash_vectors[i].len, &key) !=
		    siphash_vectors[i].hash)
			return false;
	return true;
}
