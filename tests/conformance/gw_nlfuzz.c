// SPDX-License-Identifier: GPL-2.0
/*
 * A fuzzer of the gatewarden generic-netlink family, on libnl-genl-3 like
 * gw_conform and for the same reason: it shares no encoding code with
 * gwctl (libmnl), so a mistake the tool and the module make alike cannot
 * hide from it.
 *
 *   gw_nlfuzz [--seed N] [--count N] [--read-only] [--unprivileged]
 *             [--as-nobody] [--family NAME] [--resv-start-op N]
 *
 * Each message is one of: well-formed requests of every command the family
 * has (templates built from include/uapi/gatewarden.h: rule add/del with
 * ports, addresses and source limits, iface set/del, tunable set with the
 * names the module lists, conn get/flush with filters, overload del, stats
 * reset, txn begin/stage/commit/abort sequences, every dump, names get with
 * a kind, explain of a packet); those
 * templates mutated (bits flipped, attribute lengths and types changed,
 * attributes duplicated, swapped, truncated, wrapped in nests, nests
 * stripped of NLA_F_NESTED); random attribute trees of the family's
 * attribute types with wrong types and lengths, oversize and unterminated
 * strings, deep nests; random command numbers (known, unknown, out of
 * range); fully random payloads; and mangled netlink/genl headers.  Dumps
 * are now and then abandoned half-read (the socket closed under them).
 *
 * After each request a NLMSG_NOOP with NLM_F_ACK follows on the socket: its
 * ack marks the point by which the kernel has answered everything it will
 * answer (a dump's first part is queued before it), so requests the kernel
 * answers with nothing at all are told apart from lost answers.
 *
 * Every answer is checked: each message well-formed (lengths, a genl header,
 * an attribute stream that adds up, nests included), an ack or a dump's
 * NLMSG_DONE ending each request, a dump ending within bounds, nothing with
 * a sequence number never sent, the socket alive.  What the header alone
 * decides is asserted exactly, as net/netlink/af_netlink.c and
 * genetlink.c decide it, in order: shorter than a netlink header or a
 * nlmsg_len that does not fit: no answer; no NLM_F_REQUEST: an ack of 0 if
 * NLM_F_ACK asked for one, else nothing; shorter than a genl header,
 * genlmsghdr.reserved not 0 or nlmsg_flags other than REQUEST, ACK, ECHO
 * and DUMP (for every command from --resv-start-op, 0 as for gatewarden,
 * which sets no resv_start_op): EINVAL; a command the family does not
 * have: EOPNOTSUPP.  With --unprivileged (no CAP_NET_ADMIN in the initial
 * user namespace) every command the family has must then fail with EPERM
 * (each op must be GENL_ADMIN_PERM, as the controller lists them), and no
 * data may come back.  --as-nobody forks and drops
 * to uid/gid 65534 with no capabilities before opening the socket, and
 * implies --unprivileged.  --read-only keeps to status, stats (no reset)
 * and the dumps, for a namespace whose policy must not move; otherwise run
 * it where whatever the messages change does not matter.
 *
 * Prints the seed, a summary of the answers by errno, and each unexpected
 * outcome (the first 20, with the message in hex); exits 0 if there was
 * none, 1 if there was, 2 on a local error.  The same seed sends the same
 * messages as long as the kernel answers the same (handles and transaction
 * ids it returns are reused).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <linux/genetlink.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "gatewarden.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define MSG_MAX		32768	/* what one request may grow to */
#define ANSWER_TIMEOUT_MS 10000	/* per read; the debug kernel is slow */
#define DUMP_MAX_PARTS	100000	/* a dump longer than this never ends */
#define REOPEN_EVERY	500
#define MAX_FAILURES_SHOWN 20
#define MAX_HANDLES	64
#define MAX_TUNABLES	64
#define NOBODY		65534

static struct {
	bool read_only, unprivileged, as_nobody;
	unsigned int resv_start_op;
	unsigned long count;
	unsigned long long seed;
	const char *family_name;
} opt = { .count = 10000, .seed = 1, .family_name = GW_GENL_NAME };

static struct nl_sock *sk;
static int family;
static uint32_t op_flags[256];	/* CTRL_ATTR_OP_FLAGS | 1<<31 for an op */
#define OP_PRESENT (1U << 31)
static unsigned int n_ops;
static uint32_t seq = 1000;
static uint32_t txn_id;		/* the transaction open on this socket */
static uint32_t handles[MAX_HANDLES];
static unsigned int n_handles;
static char tunables[MAX_TUNABLES][GW_NAME_MAX];
static unsigned int n_tunables;

/* outcomes */
static unsigned long by_errno[4096];
static unsigned long n_silent, n_data, n_dumps, n_abandoned, n_failures;
static unsigned long msg_index;

/* ---- seeded randomness (splitmix64) ------------------------------------ */

static uint64_t rng;

static uint64_t rnd64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

static bool chance(unsigned int percent)
{
	return rnd(100) < percent;
}

/* ---- failures ----------------------------------------------------------- */

static void fail(const void *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(const void *msg, size_t len, const char *fmt, ...)
{
	const uint8_t *b = msg;
	va_list ap;
	size_t i;

	if (++n_failures > MAX_FAILURES_SHOWN)
		return;
	printf("FAIL: message %lu: ", msg_index);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (msg) {
		printf("\n    sent (%zu bytes):", len);
		for (i = 0; i < len && i < 256; i++)
			printf("%s%02x", i % 32 ? "" : "\n    ", b[i]);
		if (len > 256)
			printf(" ...");
	}
	putchar('\n');
}

/* ---- the family -------------------------------------------------------- */

static void open_socket(void)
{
	int one = 1, fd;

	if (sk)
		nl_socket_free(sk);
	txn_id = 0;
	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk)) {
		fprintf(stderr, "gw_nlfuzz: cannot open a generic netlink socket\n");
		exit(2);
	}
	nl_socket_disable_seq_check(sk);
	nl_socket_disable_auto_ack(sk);
	nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);
	fd = nl_socket_get_fd(sk);
	/* errors carry extack TLVs but not the request back */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

static int family_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *op;
	int rem;

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL))
		return NL_SKIP;
	if (tb[CTRL_ATTR_FAMILY_ID])
		family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (!tb[CTRL_ATTR_OPS])
		return NL_OK;
	nla_for_each_nested(op, tb[CTRL_ATTR_OPS], rem) {
		struct nlattr *ob[CTRL_ATTR_OP_MAX + 1];
		uint32_t id;

		if (nla_parse_nested(ob, CTRL_ATTR_OP_MAX, op, NULL) ||
		    !ob[CTRL_ATTR_OP_ID])
			continue;
		id = nla_get_u32(ob[CTRL_ATTR_OP_ID]);
		if (id > 255)
			continue;
		op_flags[id] = OP_PRESENT | (ob[CTRL_ATTR_OP_FLAGS] ?
				nla_get_u32(ob[CTRL_ATTR_OP_FLAGS]) : 0);
		n_ops++;
	}
	return NL_OK;
}

/* The family's id and its commands, as the kernel's controller lists them. */
static void resolve_family(void)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL,
				 0, 0, CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, opt.family_name)) {
		fprintf(stderr, "gw_nlfuzz: out of memory\n");
		exit(2);
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, family_cb, NULL);
	err = nl_send_auto(sk, msg);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	nlmsg_free(msg);
	if (err < 0 || !family || !n_ops) {
		fprintf(stderr, "gw_nlfuzz: family %s not found: %s\n",
			opt.family_name, nl_geterror(err));
		exit(2);
	}
}

static bool op_has(unsigned int cmd, uint32_t flag)
{
	return (op_flags[cmd & 255] & OP_PRESENT) && (op_flags[cmd & 255] & flag);
}

static bool is_op(unsigned int cmd)
{
	return op_flags[cmd & 255] & OP_PRESENT;
}

/* Changes nothing: status, stats without reset, and dump-only commands. */
static bool read_only_cmd(unsigned int cmd)
{
	if (!is_op(cmd))
		return true;	/* refused before any handler */
	if (cmd == GW_CMD_STATUS_GET || cmd == GW_CMD_STATS_GET)
		return true;
	return op_has(cmd, GENL_CMD_CAP_DUMP) && !op_has(cmd, GENL_CMD_CAP_DO);
}

static int tunable_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[GW_A_MAX + 1], *nb[GW_TUNABLE_A_MAX + 1];

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, GW_A_MAX, NULL) ||
	    !tb[GW_A_TUNABLE] ||
	    nla_parse_nested(nb, GW_TUNABLE_A_MAX, tb[GW_A_TUNABLE], NULL) ||
	    !nb[GW_TUNABLE_A_NAME] || n_tunables == MAX_TUNABLES)
		return NL_OK;
	nla_strlcpy(tunables[n_tunables++], nb[GW_TUNABLE_A_NAME], GW_NAME_MAX);
	return NL_OK;
}

/* The tunables' names as the module lists them (new ones included). */
static void learn_tunables(void)
{
	static const char *const fallback[] = {
		"tcp_established", "tcp_syn_sent", "tcp_pickup", "max_flows",
	};
	struct nl_msg *msg = nlmsg_alloc();
	unsigned int i;

	if (msg && genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			       NLM_F_DUMP, GW_CMD_TUNABLE_GET, GW_GENL_VERSION)) {
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, tunable_cb, NULL);
		if (nl_send_auto(sk, msg) >= 0)
			nl_recvmsgs_default(sk);	/* EPERM when unprivileged */
	}
	nlmsg_free(msg);
	for (i = 0; !n_tunables && i < sizeof(fallback) / sizeof(fallback[0]); i++)
		snprintf(tunables[i], GW_NAME_MAX, "%s", fallback[i]);
	if (!n_tunables)
		n_tunables = i;
	/* a fresh socket: nothing of these exchanges left on it */
	open_socket();
}

/* ---- building requests (libnl) ---------------------------------------- */

static struct nlattr *nest_start(struct nl_msg *m, int type, bool flagged)
{
	struct nlattr *n = nla_nest_start(m, type);

	if (n)
		n->nla_type = (type & ~NLA_F_NESTED) | (flagged ? NLA_F_NESTED : 0);
	return n;
}

static void nest_end(struct nl_msg *m, struct nlattr *n)
{
	if (n)
		nla_nest_end_keep_empty(m, n);
}

static void put_addr(struct nl_msg *m, int type, int af)
{
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	static const uint8_t v4[][3] = { { 192, 0, 2 }, { 198, 51, 100 },
					 { 203, 0, 113 } };
	unsigned int i;

	if (af == AF_INET) {
		memcpy(a, v4[rnd(3)], 3);
		a[3] = rnd(256);
		nla_put(m, type, 4, a);
		return;
	}
	for (i = 4; i < 16; i++)
		a[i] = chance(50) ? 0 : rnd(256);
	nla_put(m, type, 16, a);
}

static void put_ifname(struct nl_msg *m, int type)
{
	static const char *const names[] = { "wan0", "lan0", "eth0", "lo",
					     "gwfuzz0", "veth9" };
	nla_put_string(m, type, names[rnd(6)]);
}

static void put_rule_body(struct nl_msg *m)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_TCP, IPPROTO_UDP,
					  IPPROTO_ICMP, IPPROTO_ICMPV6,
					  IPPROTO_GRE, IPPROTO_SCTP };
	uint8_t proto = protos[rnd(sizeof(protos))];
	int af = (int[]){ 0, AF_INET, AF_INET6 }[rnd(3)];
	unsigned int i, n;

	if (proto == IPPROTO_ICMP)
		af = AF_INET;
	else if (proto == IPPROTO_ICMPV6)
		af = AF_INET6;
	nla_put_u8(m, GW_RULE_A_ACTION, GW_ACTION_ALLOW);
	nla_put_u8(m, GW_RULE_A_PROTO, proto);
	if (af || chance(20))
		nla_put_u8(m, GW_RULE_A_FAMILY, af);
	if (af && chance(50)) {
		put_addr(m, GW_RULE_A_SRC, af);
		if (chance(70))
			nla_put_u8(m, GW_RULE_A_SRC_PLEN,
				   rnd(af == AF_INET ? 33 : 129));
	}
	if (af && chance(50)) {
		put_addr(m, GW_RULE_A_DST, af);
		if (chance(70))
			nla_put_u8(m, GW_RULE_A_DST_PLEN,
				   rnd(af == AF_INET ? 33 : 129));
	}
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && chance(70)) {
		struct nlattr *ports = nest_start(m, GW_RULE_A_PORTS, true);

		n = 1 + rnd(GW_RULE_MAX_PORT_RANGES);
		for (i = 0; i < n; i++) {
			uint32_t first = 1 + rnd(65535);
			uint32_t last = first + rnd(65536 - first);

			nla_put_u32(m, GW_RULE_A_PORT_RANGE, first << 16 | last);
		}
		nest_end(m, ports);
	}
	if (proto == IPPROTO_TCP && chance(20))
		nla_put_u32(m, GW_RULE_A_MAX_SRC_CONN, 1 + rnd(GW_SRC_CONN_MAX));
	if (proto == IPPROTO_TCP && chance(20)) {
		nla_put_u32(m, GW_RULE_A_SRC_RATE_CONN, 1 + rnd(GW_SRC_CONN_MAX));
		nla_put_u32(m, GW_RULE_A_SRC_RATE_SECONDS,
			    1 + rnd(GW_SRC_RATE_SECONDS_MAX));
	}
	if ((proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) && chance(50))
		nla_put_u32(m, GW_RULE_A_RATE, 1 + rnd(GW_RULE_RATE_MAX));
	if (chance(30))
		put_ifname(m, GW_RULE_A_IFNAME);
	if (chance(40)) {
		char c[GW_COMMENT_MAX];

		snprintf(c, sizeof(c), "fuzz %lu", msg_index);
		nla_put_string(m, GW_RULE_A_COMMENT, c);
	}
}

static void put_rule(struct nl_msg *m)
{
	struct nlattr *n = nest_start(m, GW_A_RULE, true);

	put_rule_body(m);
	nest_end(m, n);
}

static void put_tunable(struct nl_msg *m)
{
	static const uint64_t values[] = { 0, 1, 2, 5, 60, 3600, 1 << 20,
					   1ULL << 32, UINT64_MAX };
	struct nlattr *n = nest_start(m, GW_A_TUNABLE, true);

	nla_put_string(m, GW_TUNABLE_A_NAME,
		       chance(95) ? tunables[rnd(n_tunables)] : "nonsense");
	nla_put_u64(m, GW_TUNABLE_A_VALUE,
		    chance(70) ? values[rnd(9)] : rnd64() >> rnd(64));
	nest_end(m, n);
}

static void put_zone(struct nl_msg *m)
{
	put_ifname(m, GW_A_IFNAME);
	nla_put_u8(m, GW_A_ZONE, chance(90) ? rnd(GW_ZONE_MAX + 1) : rnd(256));
}

static void put_conn_filter(struct nl_msg *m)
{
	int af = chance(50) ? AF_INET : AF_INET6;
	struct nlattr *n = nest_start(m, GW_A_CONN, true);

	if (chance(70))
		nla_put_u8(m, GW_CONN_A_FAMILY, af);
	if (chance(50))
		nla_put_u8(m, GW_CONN_A_PROTO, chance(70) ? IPPROTO_TCP :
			   IPPROTO_UDP);
	if (chance(40))
		put_addr(m, GW_CONN_A_SRC, af);
	if (chance(40))
		put_addr(m, GW_CONN_A_DST, af);
	if (chance(30))
		nla_put_u8(m, GW_CONN_A_STATE, 1 + rnd(GW_TCP_STATE_MAX));
	nest_end(m, n);
}

static void put_overload(struct nl_msg *m)
{
	int af = chance(50) ? AF_INET : AF_INET6;
	struct nlattr *n = nest_start(m, GW_A_OVERLOAD, true);

	nla_put_u8(m, GW_OVERLOAD_A_FAMILY, af);
	put_addr(m, GW_OVERLOAD_A_ADDR, af);
	nest_end(m, n);
}

/* which kind of names a names dump asks for; now and then none there is */
static void put_name_kind(struct nl_msg *m)
{
	struct nlattr *n = nest_start(m, GW_A_NAME, true);

	if (chance(90))
		nla_put_u8(m, GW_NAME_A_KIND, chance(90) ? rnd(GW_NAME_KIND_MAX + 1) :
			   rnd(256));
	nest_end(m, n);
}

/*
 * A packet for explain to judge: mostly well-formed (the module then runs
 * its dry judgement on it, whatever flows and rules the fuzzing left),
 * now and then with what its protocol does not carry, or without what it
 * needs.
 */
static void put_explain(struct nl_msg *m)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_TCP, IPPROTO_UDP,
					  IPPROTO_ICMP, IPPROTO_ICMPV6,
					  IPPROTO_GRE };
	uint8_t proto = protos[rnd(sizeof(protos))];
	int af = chance(50) ? AF_INET : AF_INET6;
	struct nlattr *n = nest_start(m, GW_A_EXPLAIN, true);

	if (proto == IPPROTO_ICMP && chance(90))
		af = AF_INET;
	else if (proto == IPPROTO_ICMPV6 && chance(90))
		af = AF_INET6;
	if (chance(95))
		nla_put_u8(m, GW_EXPLAIN_A_WAY, chance(95) ? rnd(2) : rnd(256));
	if (chance(95))
		put_ifname(m, GW_EXPLAIN_A_IFNAME);
	if (chance(95))
		nla_put_u8(m, GW_EXPLAIN_A_FAMILY, chance(95) ? (uint32_t)af : rnd(256));
	if (chance(95))
		nla_put_u8(m, GW_EXPLAIN_A_PROTO, proto);
	if (chance(95))
		put_addr(m, GW_EXPLAIN_A_SRC, chance(95) ? af : AF_INET6 + AF_INET - af);
	if (chance(95))
		put_addr(m, GW_EXPLAIN_A_DST, af);
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP || chance(5)) {
		if (chance(95))
			nla_put_u16(m, GW_EXPLAIN_A_SPORT, rnd(65536));
		if (chance(95))
			nla_put_u16(m, GW_EXPLAIN_A_DPORT, chance(50) ? 22 : rnd(65536));
	}
	if (proto == IPPROTO_TCP || chance(5)) {
		if (chance(70))
			nla_put_u8(m, GW_EXPLAIN_A_TCP_FLAGS, rnd(256));
		if (chance(40))
			nla_put_u32(m, GW_EXPLAIN_A_SEQ, (uint32_t)rnd64());
		if (chance(40))
			nla_put_u32(m, GW_EXPLAIN_A_ACK, (uint32_t)rnd64());
	}
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 || chance(5)) {
		if (chance(95))
			nla_put_u8(m, GW_EXPLAIN_A_ICMP_TYPE, rnd(256));
		if (chance(50))
			nla_put_u8(m, GW_EXPLAIN_A_ICMP_CODE, rnd(256));
		if (chance(50))
			nla_put_u16(m, GW_EXPLAIN_A_ICMP_ID, rnd(65536));
	}
	nest_end(m, n);
}

static uint32_t some_txn_id(void)
{
	if (txn_id && chance(90))
		return txn_id;
	return chance(50) ? 1 + rnd(8) : (uint32_t)rnd64();
}

/* The highest attribute type inside a nest of TYPE at this depth. */
static int nested_max(int parent, int depth)
{
	if (depth == 1) {
		switch (parent) {
		case GW_A_RULE:
			return GW_RULE_A_MAX;
		case GW_A_CONN:
			return GW_CONN_A_MAX;
		case GW_A_TUNABLE:
			return GW_TUNABLE_A_MAX;
		case GW_A_OVERLOAD:
			return GW_OVERLOAD_A_MAX;
		case GW_A_NAME:
			return GW_NAME_A_MAX;
		case GW_A_EXPLAIN:
			return GW_EXPLAIN_A_MAX;
		case GW_A_STATS:
			return GW_CTR_MAX + 1;
		case GW_A_TRACE:
			return GW_TRACE_A_MAX;
		}
	}
	return depth == 0 ? GW_A_MAX : GW_RULE_A_MAX;
}

/*
 * Random attributes of the family's types (and a few past them), with
 * payloads of every kind whatever the type wants: empty, u8..u64, strings
 * terminated or not and longer than any limit, random bytes, nests with and
 * without NLA_F_NESTED, chains of nests far deeper than anything valid.
 */
static void put_random_attrs(struct nl_msg *m, int max, int depth,
			     unsigned int n)
{
	uint8_t bytes[600];
	unsigned int i, j, len;

	for (i = 0; i < n; i++) {
		int type = rnd(max + 3);
		struct nlattr *nest;

		switch (rnd(depth < 4 ? 11 : 9)) {
		case 0:
			nla_put(m, type, 0, NULL);
			break;
		case 1:
			nla_put_u8(m, type, rnd(256));
			break;
		case 2:
			nla_put_u16(m, type, rnd(65536));
			break;
		case 3:
			nla_put_u32(m, type, (uint32_t)rnd64());
			break;
		case 4:
			nla_put_u64(m, type, rnd64());
			break;
		case 5: /* a string: short, oversize, or unterminated */
			len = chance(50) ? rnd(GW_NAME_MAX + 4) :
			      GW_COMMENT_MAX - 4 + rnd(sizeof(bytes) - GW_COMMENT_MAX);
			memset(bytes, 'a' + rnd(26), len);
			if (chance(70))
				bytes[len++] = 0;
			nla_put(m, type, len, bytes);
			break;
		case 6:
			len = rnd(64);
			for (j = 0; j < len; j++)
				bytes[j] = rnd(256);
			nla_put(m, type, len, bytes);
			break;
		case 7: /* a deep chain of nests */
		{
			struct nlattr *chain[200];
			unsigned int d = 8 + rnd(190);

			for (j = 0; j < d; j++)
				chain[j] = nest_start(m, type, chance(80));
			nla_put_u32(m, rnd(GW_RULE_A_MAX + 1), (uint32_t)rnd64());
			while (j--)
				nest_end(m, chain[j]);
			break;
		}
		case 8:
			nla_put_u32(m, type, rnd(4));
			break;
		default: /* a nest of the right kind of types, flagged or not */
			nest = nest_start(m, type, chance(75));
			put_random_attrs(m, nested_max(type, depth + 1), depth + 1,
					 rnd(5));
			nest_end(m, nest);
			break;
		}
	}
}

/* The well-formed attributes of a request of CMD. */
static void put_template(struct nl_msg *m, unsigned int cmd)
{
	switch (cmd) {
	case GW_CMD_STATS_GET:
		if (!opt.read_only && chance(40))
			nla_put_flag(m, GW_A_STATS_RESET);
		break;
	case GW_CMD_RULE_GET:
		if (!opt.read_only && chance(40))
			nla_put_flag(m, GW_A_RULE_RESET);
		break;
	case GW_CMD_IFACE_SET:
		put_zone(m);
		break;
	case GW_CMD_IFACE_DEL:
		put_ifname(m, GW_A_IFNAME);
		break;
	case GW_CMD_RULE_ADD:
		put_rule(m);
		break;
	case GW_CMD_RULE_DEL:
		nla_put_u32(m, GW_A_RULE_HANDLE, n_handles && chance(70) ?
			    handles[rnd(n_handles)] : rnd(8));
		break;
	case GW_CMD_CONN_GET:
	case GW_CMD_CONN_FLUSH:
		if (chance(60))
			put_conn_filter(m);
		break;
	case GW_CMD_TUNABLE_SET:
		put_tunable(m);
		break;
	case GW_CMD_OVERLOAD_DEL:
		if (chance(60))
			put_overload(m);
		break;
	case GW_CMD_TXN_STAGE:
		nla_put_u32(m, GW_A_TXN_ID, some_txn_id());
		switch (rnd(3)) {
		case 0:
			put_rule(m);
			break;
		case 1:
			put_zone(m);
			break;
		default:
			put_tunable(m);
			break;
		}
		break;
	case GW_CMD_TXN_COMMIT:
	case GW_CMD_TXN_ABORT:
		nla_put_u32(m, GW_A_TXN_ID, some_txn_id());
		break;
	case GW_CMD_NAMES_GET:
		if (chance(60))
			put_name_kind(m);
		break;
	case GW_CMD_EXPLAIN:
		put_explain(m);
		break;
	case GW_CMD_SUBSCRIBE:
		/* a group of the family's, or a name it has not */
		nla_put_string(m, GW_A_MCGRP, chance(40) ? GW_GENL_MCGRP_FLOWS :
			       chance(60) ? GW_GENL_MCGRP_EVENTS : "nosuchgroup");
		break;
	case GW_CMD_STATUS_GET:
	case GW_CMD_IFACE_GET:
	case GW_CMD_RULE_FLUSH:
	case GW_CMD_TUNABLE_GET:
	case GW_CMD_OVERLOAD_GET:
	case GW_CMD_TXN_BEGIN:
	case GW_CMD_TRACE_GET:
		break;
	default:
		/* a command newer than this switch: its attributes at random */
		put_random_attrs(m, GW_A_MAX, 0, rnd(4));
		break;
	}
}

/* ---- mutating raw messages --------------------------------------------- */

struct raw {
	uint8_t b[MSG_MAX + 64];
	size_t len;
};

#define ATTRS_AT (NLMSG_HDRLEN + GENL_HDRLEN)

/* Offsets of the attribute headers in [from, to), nests walked too. */
static unsigned int find_attrs(const struct raw *r, size_t from, size_t to,
			       size_t *out, unsigned int n, unsigned int max)
{
	while (from + NLA_HDRLEN <= to && n < max) {
		const struct nlattr *a = (const void *)(r->b + from);

		if (a->nla_len < NLA_HDRLEN || from + a->nla_len > to)
			break;
		out[n++] = from;
		if (a->nla_type & NLA_F_NESTED)
			n = find_attrs(r, from + NLA_HDRLEN, from + a->nla_len,
				       out, n, max);
		from += NLA_ALIGN(a->nla_len);
	}
	return n;
}

static void append(struct raw *r, const void *p, size_t len)
{
	if (r->len >= MSG_MAX)
		return;
	if (r->len + len > MSG_MAX)
		len = MSG_MAX - r->len;
	memmove(r->b + r->len, p, len);
	r->len += len;
}

static void mutate(struct raw *r)
{
	size_t at[256], top[64], i, len;
	unsigned int n = find_attrs(r, ATTRS_AT, r->len, at, 0, 256);
	unsigned int ntop = 0;
	struct nlattr *a;
	uint8_t tmp[MSG_MAX];

	for (i = ATTRS_AT; i + NLA_HDRLEN <= r->len && ntop < 64;) {
		a = (void *)(r->b + i);
		if (a->nla_len < NLA_HDRLEN || i + a->nla_len > r->len)
			break;
		top[ntop++] = i;
		i += NLA_ALIGN(a->nla_len);
	}
	switch (rnd(12)) {
	case 0: /* a bit */
		if (r->len > ATTRS_AT) {
			i = ATTRS_AT + rnd(r->len - ATTRS_AT);
			r->b[i] ^= 1 << rnd(8);
		}
		break;
	case 1: /* an attribute's length: short, off by a little, past the end */
		if (n) {
			a = (void *)(r->b + at[rnd(n)]);
			a->nla_len = (uint16_t[]){ 0, 1, 3, 4, 5,
				a->nla_len - 1, a->nla_len + 1, a->nla_len + 4,
				0xffff, rnd(65536) }[rnd(10)];
		}
		break;
	case 2: /* an attribute's type, or its flags */
		if (n) {
			a = (void *)(r->b + at[rnd(n)]);
			if (chance(30))
				a->nla_type ^= chance(50) ? NLA_F_NESTED :
					       NLA_F_NET_BYTEORDER;
			else
				a->nla_type = (a->nla_type & NLA_F_NESTED) |
					      rnd(GW_A_MAX + 4);
		}
		break;
	case 3: /* truncated anywhere, in the middle of an attribute too */
		if (r->len > ATTRS_AT)
			r->len = ATTRS_AT + rnd(r->len - ATTRS_AT);
		break;
	case 4: /* every attribute twice */
		len = r->len - ATTRS_AT;
		memcpy(tmp, r->b + ATTRS_AT, len);
		append(r, tmp, len);
		break;
	case 5: /* one attribute twice */
		if (ntop) {
			a = (void *)(r->b + top[rnd(ntop)]);
			len = NLA_ALIGN(a->nla_len);
			memcpy(tmp, a, len);
			append(r, tmp, len);
		}
		break;
	case 6: /* two attributes swapped: the rest moved accordingly */
		if (ntop >= 2) {
			size_t x, y, second;

			i = rnd(ntop - 1);
			x = top[i];
			y = top[i + 1];
			a = (void *)(r->b + y);
			second = NLA_ALIGN(a->nla_len);
			if (y + second > r->len)
				second = r->len - y;
			len = y - x;	/* the first, aligned */
			memcpy(tmp, r->b + x, len);
			memmove(r->b + x, r->b + y, second);
			memcpy(r->b + x + second, tmp, len);
		}
		break;
	case 7: /* everything wrapped in a nest */
		len = r->len - ATTRS_AT;
		if (len + NLA_HDRLEN <= MSG_MAX) {
			memmove(r->b + ATTRS_AT + NLA_HDRLEN, r->b + ATTRS_AT, len);
			a = (void *)(r->b + ATTRS_AT);
			a->nla_len = len + NLA_HDRLEN;
			a->nla_type = rnd(GW_A_MAX + 2) | (chance(70) ? NLA_F_NESTED : 0);
			r->len += NLA_HDRLEN;
		}
		break;
	case 8: /* nests without NLA_F_NESTED */
		for (i = 0; i < n; i++) {
			a = (void *)(r->b + at[i]);
			a->nla_type &= ~NLA_F_NESTED;
		}
		break;
	case 9: /* a byte set to an edge value */
		if (r->len > ATTRS_AT)
			r->b[ATTRS_AT + rnd(r->len - ATTRS_AT)] =
				(uint8_t[]){ 0, 0xff, 0x7f, 0x80, 1 }[rnd(5)];
		break;
	case 10: /* trailing bytes that are no attribute */
		len = 1 + rnd(8);
		for (i = 0; i < len; i++)
			tmp[i] = rnd(256);
		append(r, tmp, len);
		break;
	default: /* an attribute dropped */
		if (ntop) {
			i = rnd(ntop);
			a = (void *)(r->b + top[i]);
			len = NLA_ALIGN(a->nla_len);
			if (top[i] + len > r->len)
				len = r->len - top[i];
			memmove(r->b + top[i], r->b + top[i] + len,
				r->len - top[i] - len);
			r->len -= len;
		}
		break;
	}
}

/* ---- one request ------------------------------------------------------- */

struct request {
	struct raw raw;
	unsigned int cmd;
	bool dump_asked;
};

/*
 * A read-only run's stats and rule dump requests must not zero the
 * counters, however mangled: GW_A_STATS_RESET (GW_A_RULE_RESET) is
 * renamed GW_A_PAD wherever the kernel's own walk of the top level would
 * find it.
 */
static void scrub_stats_reset(struct raw *r)
{
	size_t i = ATTRS_AT;
	unsigned int reset;

	if (r->len < ATTRS_AT)
		return;
	if (r->b[NLMSG_HDRLEN] == GW_CMD_STATS_GET)
		reset = GW_A_STATS_RESET;
	else if (r->b[NLMSG_HDRLEN] == GW_CMD_RULE_GET)
		reset = GW_A_RULE_RESET;
	else
		return;
	while (i + NLA_HDRLEN <= r->len) {
		struct nlattr *a = (void *)(r->b + i);

		if (a->nla_len < NLA_HDRLEN || i + a->nla_len > r->len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == reset)
			a->nla_type = GW_A_PAD;
		i += NLA_ALIGN(a->nla_len);
	}
}

static unsigned int pick_cmd(void)
{
	unsigned int known[256], n = 0, c, r;

	for (c = 0; c < 256; c++)
		if (is_op(c) && (!opt.read_only || read_only_cmd(c)))
			known[n++] = c;
	/* an open transaction is mostly staged into, then ended */
	if (txn_id && !opt.read_only && chance(75)) {
		r = rnd(100);
		return r < 80 ? GW_CMD_TXN_STAGE : r < 90 ? GW_CMD_TXN_COMMIT :
		       GW_CMD_TXN_ABORT;
	}
	r = rnd(100);
	if (r < 85)
		return known[rnd(n)];
	if (r < 90)
		c = rnd(GW_CMD_MAX + 1);	/* UNSPEC and EVENT: no ops */
	else if (r < 96)
		c = GW_CMD_MAX + 1 + rnd(255 - GW_CMD_MAX);
	else
		c = rnd(256);
	if (opt.read_only && !read_only_cmd(c))
		return GW_CMD_STATUS_GET;
	return c;
}

static void build(struct request *q)
{
	unsigned int cmd = pick_cmd(), kind = rnd(100), i, n;
	int flags = NLM_F_REQUEST;
	struct nl_msg *m = nlmsg_alloc_size(MSG_MAX);
	struct nlmsghdr *nlh;

	if (!m) {
		fprintf(stderr, "gw_nlfuzz: out of memory\n");
		exit(2);
	}
	if (op_has(cmd, GENL_CMD_CAP_DUMP) &&
	    (!op_has(cmd, GENL_CMD_CAP_DO) || chance(50)) && chance(90))
		flags |= NLM_F_DUMP;
	else
		flags |= NLM_F_ACK;
	q->cmd = cmd;
	genlmsg_put(m, NL_AUTO_PORT, 0, family, 0, flags, cmd, GW_GENL_VERSION);
	if (kind >= 5 && kind < 20)
		put_random_attrs(m, GW_A_MAX, 0, 1 + rnd(6));
	else if (kind >= 20)
		put_template(m, cmd);
	nlh = nlmsg_hdr(m);
	q->raw.len = nlh->nlmsg_len;
	memcpy(q->raw.b, nlh, q->raw.len);
	nlmsg_free(m);

	if (kind < 5) { /* random bytes after the genl command */
		n = rnd(512);
		q->raw.len = NLMSG_HDRLEN + 1;
		for (i = 0; i < n; i++)
			q->raw.b[q->raw.len++] = rnd(256);
	} else if (kind >= 20 && kind < 65) {
		n = 1 + rnd(4);
		for (i = 0; i < n; i++)
			mutate(&q->raw);
	}

	nlh = (void *)q->raw.b;
	nlh->nlmsg_len = q->raw.len;
	if (chance(5)) { /* the netlink or genl header itself */
		struct genlmsghdr *g = (void *)(q->raw.b + NLMSG_HDRLEN);

		switch (rnd(7)) {
		case 0:
			q->raw.len = NLMSG_HDRLEN + rnd(GENL_HDRLEN);
			nlh->nlmsg_len = q->raw.len;
			break;
		case 1:
			nlh->nlmsg_len = q->raw.len + 1 + rnd(1000);
			break;
		case 2:
			nlh->nlmsg_len = rnd(NLMSG_HDRLEN);
			break;
		case 3:
			nlh->nlmsg_flags &= ~NLM_F_REQUEST;
			if (chance(50))
				nlh->nlmsg_flags &= ~NLM_F_ACK;
			break;
		case 4:
			nlh->nlmsg_flags |= (uint16_t[]){ NLM_F_ECHO, NLM_F_MULTI,
				NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC, 0x20,
				(uint16_t)rnd(65536) }[rnd(7)];
			break;
		case 5:
			g->version = rnd(256);
			g->reserved = rnd(65536);
			break;
		default: /* less than a netlink header (a send needs a byte) */
			q->raw.len = 1 + rnd(NLMSG_HDRLEN - 1);
			break;
		}
		/* the read-only runs stay read-only, whatever the flags */
		if (opt.read_only && !read_only_cmd(g->cmd))
			g->cmd = GW_CMD_STATUS_GET;
	}
	if (opt.read_only)
		scrub_stats_reset(&q->raw);
	nlh->nlmsg_seq = ++seq;
	q->dump_asked = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
}

/*
 * What the header alone decides (af_netlink.c netlink_rcv_skb, then
 * genetlink.c): EXPECT_SILENT no answer, EXPECT_ANY whatever the handler
 * says, else that error (0: an ack).
 */
#define EXPECT_SILENT	(-1000)
#define EXPECT_ANY	(-1001)

static int expected(const struct request *q)
{
	const struct nlmsghdr *nlh = (const void *)q->raw.b;
	unsigned int cmd;

	if (q->raw.len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN ||
	    nlh->nlmsg_len > q->raw.len)
		return EXPECT_SILENT;
	if (!(nlh->nlmsg_flags & NLM_F_REQUEST))
		return nlh->nlmsg_flags & NLM_F_ACK ? 0 : EXPECT_SILENT;
	if (nlh->nlmsg_len < ATTRS_AT)
		return EINVAL;
	cmd = q->raw.b[NLMSG_HDRLEN];
	if (cmd >= opt.resv_start_op) { /* genl_header_check() */
		const struct genlmsghdr *g = (const void *)(q->raw.b + NLMSG_HDRLEN);
		uint16_t flags = nlh->nlmsg_flags;

		if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
			flags &= ~NLM_F_DUMP;
		if (g->reserved || (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)))
			return EINVAL;
	}
	if (!is_op(cmd))
		return EOPNOTSUPP;
	return opt.unprivileged ? EPERM : EXPECT_ANY;
}

/* An attribute stream that adds up exactly, nests included. */
static bool attrs_valid(const void *data, int len, int depth)
{
	const struct nlattr *a = data;

	if (depth > 16)
		return false;
	while (len >= NLA_HDRLEN) {
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return false;
		if ((a->nla_type & NLA_F_NESTED) &&
		    !attrs_valid(nla_data(a), nla_len(a), depth + 1))
			return false;
		len -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return len <= 0;
}

/* What a reply of CMD gives back to be reused: handles, transaction ids. */
static void learn(unsigned int cmd, struct nlmsghdr *nlh)
{
	struct nlattr *tb[GW_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, GW_A_MAX, NULL))
		return;
	if (cmd == GW_CMD_TXN_BEGIN && tb[GW_A_TXN_ID] &&
	    nla_len(tb[GW_A_TXN_ID]) == 4)
		txn_id = nla_get_u32(tb[GW_A_TXN_ID]);
	if (cmd == GW_CMD_RULE_ADD && tb[GW_A_RULE_HANDLE] &&
	    nla_len(tb[GW_A_RULE_HANDLE]) == 4)
		handles[n_handles < MAX_HANDLES ? n_handles++ : rnd(MAX_HANDLES)] =
			nla_get_u32(tb[GW_A_RULE_HANDLE]);
}

static void count_errno(int err)
{
	by_errno[err >= 0 && err < 4096 ? err : 4095]++;
}

/*
 * Send Q and a NOOP behind it; read until the NOOP's ack and the end of
 * Q's answer.  Returns false when the socket must be reopened.
 */
static bool exchange(struct request *q, bool abandon)
{
	struct nlmsghdr noop = {
		.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
	};
	uint32_t req_seq = seq, sync_seq = ++seq;
	bool synced = false, ended = false, multi = false;
	unsigned long parts = 0;
	int want = expected(q), got = EXPECT_SILENT;
	struct timespec t0, t1;
	const uint8_t *sent = q->raw.b;
	size_t sent_len = q->raw.len;
	int n;

	noop.nlmsg_seq = sync_seq;
	n = nl_sendto(sk, q->raw.b, q->raw.len);
	if (n >= 0)
		n = nl_sendto(sk, &noop, sizeof(noop));
	if (n < 0) {
		fail(sent, sent_len, "send failed: %s", nl_geterror(n));
		return false;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!synced || (multi && !ended)) {
		struct pollfd pfd = { .fd = nl_socket_get_fd(sk), .events = POLLIN };
		struct sockaddr_nl peer;
		unsigned char *buf = NULL;
		struct nlmsghdr *nlh;
		int rem;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec > 60) {
			fail(sent, sent_len, "the answer does not end (%lu parts in 60 s)",
			     parts);
			return false;
		}
		n = poll(&pfd, 1, ANSWER_TIMEOUT_MS);
		if (n == 0) {
			fail(sent, sent_len, "no answer within %d ms (%s)",
			     ANSWER_TIMEOUT_MS, synced ? "dump unfinished" :
			     "not even the NOOP's ack");
			return false;
		}
		n = nl_recv(sk, &peer, &buf, NULL);
		if (n <= 0) {
			fail(sent, sent_len, "the socket died: %s",
			     n ? nl_geterror(n) : "end of file");
			free(buf);
			return false;
		}
		nlh = (struct nlmsghdr *)buf;
		rem = n;
		for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
			if (nlh->nlmsg_seq == sync_seq) {
				struct nlmsgerr *e = nlmsg_data(nlh);

				if (nlh->nlmsg_type != NLMSG_ERROR ||
				    nlh->nlmsg_len < (unsigned int)nlmsg_size(sizeof(*e)) ||
				    e->error) {
					fail(sent, sent_len, "bad ack of the NOOP");
					free(buf);
					return false;
				}
				synced = true;
				continue;
			}
			if (nlh->nlmsg_seq != req_seq) {
				fail(sent, sent_len, "a message of sequence %u, never sent",
				     nlh->nlmsg_seq);
				continue;
			}
			if (ended) {
				fail(sent, sent_len, "type %u after the end of the answer",
				     nlh->nlmsg_type);
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = nlmsg_data(nlh);

				if (nlh->nlmsg_len < (unsigned int)nlmsg_size(sizeof(*e))) {
					fail(sent, sent_len, "short error message");
					continue;
				}
				if (e->error > 0 || e->error < -4095)
					fail(sent, sent_len, "error %d is no errno", e->error);
				if (multi)
					fail(sent, sent_len, "an ack in the middle of a dump");
				got = -e->error;
				ended = true;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				if (!q->dump_asked || nlh->nlmsg_len < (unsigned int)nlmsg_size(4) ||
				    !(nlh->nlmsg_flags & NLM_F_MULTI)) {
					fail(sent, sent_len, "a stray or short NLMSG_DONE");
					continue;
				}
				got = -*(int *)nlmsg_data(nlh);
				ended = true;
				n_dumps++;
			} else if (nlh->nlmsg_type == family) {
				n_data++;
				parts++;
				if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
				    !attrs_valid(genlmsg_attrdata(nlmsg_data(nlh), 0),
						 genlmsg_attrlen(nlmsg_data(nlh), 0), 0))
					fail(sent, sent_len, "a malformed data message");
				if (opt.unprivileged)
					fail(sent, sent_len, "data to an unprivileged sender");
				if (nlh->nlmsg_flags & NLM_F_MULTI) {
					if (!q->dump_asked)
						fail(sent, sent_len, "dump part to a doit");
					multi = true;
				} else if (multi) {
					fail(sent, sent_len, "a doit reply inside a dump");
				}
				if (parts > DUMP_MAX_PARTS) {
					fail(sent, sent_len, "a dump of more than %d parts",
					     DUMP_MAX_PARTS);
					free(buf);
					return false;
				}
				learn(q->cmd, nlh);
				if (abandon && multi) {
					n_abandoned++;
					free(buf);
					return false;	/* closed under the dump */
				}
			} else {
				fail(sent, sent_len, "unexpected message type %u",
				     nlh->nlmsg_type);
			}
		}
		if (rem != 0)
			fail(sent, sent_len, "%d bytes of the answer are no message", rem);
		free(buf);
	}
	if (got == EXPECT_SILENT)
		n_silent++;
	else
		count_errno(got);
	if (want == EXPECT_ANY)
		return true;
	if (want != got) {
		char w[32], g[32];

		snprintf(w, sizeof(w), "%s", want == EXPECT_SILENT ? "no answer" :
			 want ? strerrorname_np(want) : "ack 0");
		snprintf(g, sizeof(g), "%s", got == EXPECT_SILENT ? "no answer" :
			 got ? (strerrorname_np(got) ?: "?") : "ack 0");
		fail(sent, sent_len, "cmd %u: %s, want %s", q->cmd, g, w);
	}
	return true;
}

/* ---- the run ----------------------------------------------------------- */

static bool admin_in_init_ns(void);

static int run(void)
{
	static struct request q;
	unsigned long i;
	int e;

	open_socket();
	resolve_family();
	learn_tunables();	/* EPERM when unprivileged: the usual names */
	if (opt.unprivileged) {
		unsigned int c;

		/* the EPERM expected below is GENL_ADMIN_PERM's */
		for (c = 0; c < 256; c++)
			if (is_op(c) && !op_has(c, GENL_ADMIN_PERM))
				fail(NULL, 0, "command %u is not GENL_ADMIN_PERM", c);
		if (admin_in_init_ns())
			fail(NULL, 0, "--unprivileged, but this process has CAP_NET_ADMIN in the initial user namespace");
		if (n_failures)
			return 1;
	}
	printf("gw_nlfuzz: seed %llu (--seed %llu reproduces this run), %lu messages to family %s (id %d, %u ops)%s%s\n",
	       opt.seed, opt.seed, opt.count, opt.family_name, family, n_ops,
	       opt.read_only ? ", read-only" : "",
	       opt.unprivileged ? ", unprivileged" : "");
	fflush(stdout);
	rng = opt.seed;
	for (i = 0; i < opt.count; i++) {
		bool abandon;

		msg_index = i;
		if (i && i % REOPEN_EVERY == 0)
			open_socket();
		build(&q);
		abandon = q.dump_asked && !opt.unprivileged && chance(3);
		if (!exchange(&q, abandon))
			open_socket();
		if (q.cmd == GW_CMD_TXN_COMMIT || q.cmd == GW_CMD_TXN_ABORT)
			if (chance(50))
				txn_id = 0;	/* and go on with a stale id */
	}
	printf("answers: %lu data messages, %lu dumps ended, %lu abandoned, %lu without any answer\n",
	       n_data, n_dumps, n_abandoned, n_silent);
	for (e = 0; e < 4096; e++)
		if (by_errno[e])
			printf("  %-14s %lu\n", !e ? "ok (0)" : e == 4095 ? "other" :
			       strerrorname_np(e) ?: "?",
			       by_errno[e]);
	if (n_failures) {
		printf("gw_nlfuzz: %lu unexpected outcomes\n", n_failures);
		return 1;
	}
	printf("gw_nlfuzz: no unexpected outcome\n");
	return 0;
}

/* Does this process hold CAP_NET_ADMIN where GENL_ADMIN_PERM looks? */
static bool admin_in_init_ns(void)
{
	char line[256], map[256] = "";
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return true;
	while (fgets(line, sizeof(line), f))
		sscanf(line, "CapEff: %llx", &eff);
	fclose(f);
	f = fopen("/proc/self/uid_map", "r");
	if (f) {
		if (!fgets(map, sizeof(map), f))
			map[0] = 0;
		fclose(f);
	}
	/* the initial user namespace maps all of 0..4294967294 */
	return (eff & (1ULL << 12)) && strstr(map, "4294967295");
}

static int as_nobody(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return 2;
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY) ||
		    !setuid(0)) {
			fprintf(stderr, "gw_nlfuzz: cannot drop to uid %d\n", NOBODY);
			_exit(2);
		}
		_exit(run());
	}
	if (waitpid(pid, &status, 0) < 0)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "unprivileged", no_argument, NULL, 'u' },
		{ "as-nobody", no_argument, NULL, 'n' },
		{ "family", required_argument, NULL, 'f' },
		{ "resv-start-op", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			opt.seed = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			opt.count = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			opt.read_only = true;
			break;
		case 'u':
			opt.unprivileged = true;
			break;
		case 'n':
			opt.as_nobody = opt.unprivileged = true;
			break;
		case 'f':
			opt.family_name = optarg;
			break;
		case 'o':
			opt.resv_start_op = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: gw_nlfuzz [--seed N] [--count N] [--read-only] [--unprivileged] [--as-nobody] [--family NAME] [--resv-start-op N]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (opt.as_nobody)
		return as_nobody();
	return run();
}
