// SPDX-License-Identifier: GPL-2.0
/*
 * A conformance client of the gatewarden generic-netlink family, written
 * on libnl-genl-3 so that it shares no encoding or decoding code with
 * gwctl (libmnl): an encoding mistake made the same way by the tool and
 * the module cannot hide from it.  It flushes the rules, adds two, dumps
 * them and checks every attribute of each reply (type, size, value, and
 * that nothing unexpected is there), deletes them one by one and checks
 * the errors of requests that must fail.  It then dumps the names of the
 * counters and TCP states: each value of each kind named once, in the
 * attributes and sizes the UAPI gives, and a kind filter honoured.
 *
 *   gw_conform        (as root, in a namespace with the module loaded)
 *
 * Prints one line per check and "conform: N passed, N failed"; exits 1 if
 * anything failed, 2 if the family cannot be reached at all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "gatewarden.h"

static unsigned int passed, failed;

static void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (ok)
		passed++;
	else
		failed++;
}

static struct nl_sock *sk;
static int family;

/* What the kernel answered: errno (0 for an ack) and the data messages. */
struct reply {
	int err;
	bool done;
	int (*on_msg)(struct nlmsghdr *nlh, void *arg);
	void *arg;
};

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;

	return r->on_msg ? r->on_msg(nlmsg_hdr(msg), r->arg) : NL_OK;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct reply *r = arg;

	(void)nla;
	r->err = -e->error;
	r->done = true;
	return NL_STOP;
}

/* Send msg (freed) and collect the answer; returns the kernel's errno. */
static int talk(struct nl_msg *msg, int (*on_msg)(struct nlmsghdr *, void *), void *arg)
{
	struct reply r = { .on_msg = on_msg, .arg = arg };
	struct nl_cb *cb = nl_cb_clone(nl_socket_get_cb(sk));
	int ret;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, ack_cb, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, &r);
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return EIO;
	}
	while (!r.done) {
		ret = nl_recvmsgs(sk, cb);
		if (ret < 0 && !r.done) {
			r.err = EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return r.err;
}

static struct nl_msg *request(uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
				 GW_GENL_VERSION)) {
		fprintf(stderr, "conform: out of memory\n");
		return NULL;
	}
	return msg;
}

/* The rules this client adds and expects back. */
struct rule {
	uint32_t handle;
	uint8_t family, proto, src_plen, dst_plen;
	uint8_t src[16], dst[16];
	unsigned int nports;
	uint32_t ports[GW_RULE_MAX_PORT_RANGES];
	const char *ifname, *comment;
	uint32_t rate;
};

static size_t addr_len(uint8_t fam)
{
	return fam == AF_INET ? 4 : 16;
}

static void put_rule(struct nl_msg *msg, const struct rule *r)
{
	struct nlattr *nest = nla_nest_start(msg, GW_A_RULE), *ports;
	unsigned int i;

	nla_put_u8(msg, GW_RULE_A_ACTION, GW_ACTION_ALLOW);
	nla_put_u8(msg, GW_RULE_A_FAMILY, r->family);
	nla_put_u8(msg, GW_RULE_A_PROTO, r->proto);
	if (r->src_plen) {
		nla_put(msg, GW_RULE_A_SRC, addr_len(r->family), r->src);
		nla_put_u8(msg, GW_RULE_A_SRC_PLEN, r->src_plen);
	}
	if (r->dst_plen) {
		nla_put(msg, GW_RULE_A_DST, addr_len(r->family), r->dst);
		nla_put_u8(msg, GW_RULE_A_DST_PLEN, r->dst_plen);
	}
	if (r->nports) {
		ports = nla_nest_start(msg, GW_RULE_A_PORTS);
		for (i = 0; i < r->nports; i++)
			nla_put_u32(msg, GW_RULE_A_PORT_RANGE, r->ports[i]);
		nla_nest_end(msg, ports);
	}
	if (r->ifname)
		nla_put_string(msg, GW_RULE_A_IFNAME, r->ifname);
	if (r->comment)
		nla_put_string(msg, GW_RULE_A_COMMENT, r->comment);
	if (r->rate)
		nla_put_u32(msg, GW_RULE_A_RATE, r->rate);
	nla_nest_end(msg, nest);
}

static int add_reply(struct nlmsghdr *nlh, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlh);
	uint32_t *handle = arg;
	struct nlattr *a;
	int rem;

	check(gh->cmd == GW_CMD_RULE_ADD, "rule add reply has cmd RULE_ADD (%u)", gh->cmd);
	nla_for_each_attr(a, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), rem) {
		check(nla_type(a) == GW_A_RULE_HANDLE && nla_len(a) == 4,
		      "rule add reply: only GW_A_RULE_HANDLE, 4 bytes (type %d, len %d)",
		      nla_type(a), nla_len(a));
		if (nla_type(a) == GW_A_RULE_HANDLE && nla_len(a) == 4)
			*handle = nla_get_u32(a);
	}
	return NL_OK;
}

static int add_rule(struct rule *r)
{
	struct nl_msg *msg = request(GW_CMD_RULE_ADD, NLM_F_ACK);
	int err;

	if (!msg)
		return ENOMEM;
	put_rule(msg, r);
	r->handle = 0;
	err = talk(msg, add_reply, &r->handle);
	return err;
}

struct dump {
	unsigned int count;
	const struct rule *want[4];
	unsigned int nwant;
};

static bool attr_u8(const struct nlattr *a, uint8_t v)
{
	return nla_len(a) == 1 && nla_get_u8(a) == v;
}

/* Every attribute of one dumped rule, against what was added. */
static void check_rule(const struct nlattr *nest, const struct rule *r, unsigned int idx)
{
	bool seen[GW_RULE_A_MAX + 1] = { false };
	const struct nlattr *a, *p;
	unsigned int nports = 0;
	int rem, prem;

	nla_for_each_nested(a, nest, rem) {
		int t = nla_type(a);

		check(t > GW_RULE_A_PAD && t <= GW_RULE_A_MAX && !seen[t],
		      "rule %u: attribute %d is known and given once", idx, t);
		if (t <= GW_RULE_A_PAD || t > GW_RULE_A_MAX)
			continue;
		seen[t] = true;
		switch (t) {
		case GW_RULE_A_HANDLE:
			check(nla_len(a) == 4 && nla_get_u32(a) == r->handle,
			      "rule %u: handle is the one add returned (%u)", idx, r->handle);
			break;
		case GW_RULE_A_ACTION:
			check(attr_u8(a, GW_ACTION_ALLOW), "rule %u: action allow, u8", idx);
			break;
		case GW_RULE_A_FAMILY:
			check(attr_u8(a, r->family), "rule %u: family %u, u8", idx, r->family);
			break;
		case GW_RULE_A_PROTO:
			check(attr_u8(a, r->proto), "rule %u: proto %u, u8", idx, r->proto);
			break;
		case GW_RULE_A_SRC:
			check((size_t)nla_len(a) == addr_len(r->family) &&
			      !memcmp(nla_data(a), r->src, nla_len(a)),
			      "rule %u: source address, %zu bytes", idx, addr_len(r->family));
			break;
		case GW_RULE_A_SRC_PLEN:
			check(attr_u8(a, r->src_plen), "rule %u: source /%u, u8", idx, r->src_plen);
			break;
		case GW_RULE_A_DST:
			check((size_t)nla_len(a) == addr_len(r->family) &&
			      !memcmp(nla_data(a), r->dst, nla_len(a)),
			      "rule %u: destination address, %zu bytes", idx, addr_len(r->family));
			break;
		case GW_RULE_A_DST_PLEN:
			check(attr_u8(a, r->dst_plen), "rule %u: destination /%u, u8", idx,
			      r->dst_plen);
			break;
		case GW_RULE_A_PORTS:
			check(nla_is_nested(a), "rule %u: ports carry NLA_F_NESTED", idx);
			nla_for_each_nested(p, a, prem) {
				check(nla_type(p) == GW_RULE_A_PORT_RANGE && nla_len(p) == 4 &&
				      nports < r->nports && nla_get_u32(p) == r->ports[nports],
				      "rule %u: port range %u is %#x, u32", idx, nports,
				      nports < r->nports ? r->ports[nports] : 0);
				nports++;
			}
			check(nports == r->nports, "rule %u: %u port ranges", idx, r->nports);
			break;
		case GW_RULE_A_IFNAME:
			check(r->ifname && nla_len(a) == (int)strlen(r->ifname) + 1 &&
			      !strcmp(nla_data(a), r->ifname),
			      "rule %u: interface \"%s\", NUL-terminated", idx, r->ifname);
			break;
		case GW_RULE_A_COMMENT:
			check(r->comment && nla_len(a) == (int)strlen(r->comment) + 1 &&
			      !strcmp(nla_data(a), r->comment),
			      "rule %u: comment \"%s\", NUL-terminated", idx, r->comment);
			break;
		case GW_RULE_A_HITS:
			check(nla_len(a) == 8 && nla_get_u64(a) == 0,
			      "rule %u: hits 0, u64", idx);
			break;
		case GW_RULE_A_PACKETS:
			check(nla_len(a) == 8 && nla_get_u64(a) == 0,
			      "rule %u: packets 0, u64", idx);
			break;
		case GW_RULE_A_BYTES:
			check(nla_len(a) == 8 && nla_get_u64(a) == 0,
			      "rule %u: bytes 0, u64", idx);
			break;
		case GW_RULE_A_RATE:
			check(nla_len(a) == 4 && nla_get_u32(a) == r->rate,
			      "rule %u: rate %u, u32", idx, r->rate);
			break;
		}
	}
	check(seen[GW_RULE_A_HANDLE] && seen[GW_RULE_A_ACTION] && seen[GW_RULE_A_FAMILY] &&
	      seen[GW_RULE_A_PROTO] && seen[GW_RULE_A_HITS] && seen[GW_RULE_A_PACKETS] &&
	      seen[GW_RULE_A_BYTES],
	      "rule %u: handle, action, family, proto, hits, packets and bytes are all there",
	      idx);
	check(seen[GW_RULE_A_SRC] == !!r->src_plen && seen[GW_RULE_A_SRC_PLEN] == !!r->src_plen &&
	      seen[GW_RULE_A_DST] == !!r->dst_plen && seen[GW_RULE_A_DST_PLEN] == !!r->dst_plen &&
	      seen[GW_RULE_A_PORTS] == !!r->nports && seen[GW_RULE_A_IFNAME] == !!r->ifname &&
	      seen[GW_RULE_A_COMMENT] == !!r->comment && seen[GW_RULE_A_RATE] == !!r->rate,
	      "rule %u: exactly the optional attributes it was given", idx);
}

static int dump_msg(struct nlmsghdr *nlh, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct dump *d = arg;
	struct nlattr *a;
	int rem, nrules = 0;

	check(gh->cmd == GW_CMD_RULE_GET, "dump message has cmd RULE_GET");
	check(nlh->nlmsg_flags & NLM_F_MULTI, "dump message has NLM_F_MULTI");
	nla_for_each_attr(a, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), rem) {
		check(nla_type(a) == GW_A_RULE && nla_is_nested(a),
		      "dump message holds GW_A_RULE with NLA_F_NESTED (type %d)", nla_type(a));
		if (nla_type(a) != GW_A_RULE)
			continue;
		nrules++;
		if (d->count < d->nwant)
			check_rule(a, d->want[d->count], d->count);
		d->count++;
	}
	check(nrules == 1, "one rule per dump message");
	return NL_OK;
}

/* A rule dump, with GW_A_RULE_RESET when @reset: the rules in @want. */
static void dump_expect_reset(const struct rule **want, unsigned int n, bool reset)
{
	struct dump d = { .nwant = n };
	struct nl_msg *msg = request(GW_CMD_RULE_GET, NLM_F_DUMP);
	int err;

	memcpy(d.want, want, n * sizeof(*want));
	if (!msg)
		return;
	if (reset)
		nla_put_flag(msg, GW_A_RULE_RESET);
	err = talk(msg, dump_msg, &d);
	check(!err && d.count == n, "rule dump%s ends cleanly with %u rules (errno %d, got %u)",
	      reset ? " with GW_A_RULE_RESET" : "", n, err, d.count);
}

static void dump_expect(const struct rule **want, unsigned int n)
{
	dump_expect_reset(want, n, false);
}

/* GW_A_RULE_RESET is a flag: one with a payload is refused by policy. */
static void dump_reset_refused(void)
{
	struct nl_msg *msg = request(GW_CMD_RULE_GET, NLM_F_DUMP);
	int err;

	if (!msg)
		return;
	nla_put_u32(msg, GW_A_RULE_RESET, 1);
	err = talk(msg, NULL, NULL);
	check(err == ERANGE || err == EINVAL,
	      "rule dump with a 4-byte GW_A_RULE_RESET: refused (errno %d)", err);
}

/* GW_CMD_NAMES_GET: what one dump brought. */
struct names {
	int only_kind;		/* the kind asked for, -1 for all */
	unsigned int bad;	/* messages or attributes not as the UAPI says */
	unsigned int seen[__GW_NAME_KIND_MAX][256];
	char table_full[GW_NAME_MAX], established[GW_NAME_MAX];
};

static void name_copy(char *dst, const struct nlattr *a)
{
	snprintf(dst, GW_NAME_MAX, "%s", (const char *)nla_data(a));
}

static int names_msg(struct nlmsghdr *nlh, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *a, *tb[GW_NAME_A_MAX + 1];
	struct names *n = arg;
	unsigned int kind, index;
	int rem, count = 0;

	if (gh->cmd != GW_CMD_NAMES_GET || !(nlh->nlmsg_flags & NLM_F_MULTI))
		n->bad++;
	nla_for_each_attr(a, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), rem) {
		count++;
		if (nla_type(a) != GW_A_NAME || !nla_is_nested(a) ||
		    nla_parse_nested(tb, GW_NAME_A_MAX, a, NULL) ||
		    !tb[GW_NAME_A_KIND] || nla_len(tb[GW_NAME_A_KIND]) != 1 ||
		    !tb[GW_NAME_A_INDEX] || nla_len(tb[GW_NAME_A_INDEX]) != 4 ||
		    !tb[GW_NAME_A_NAME] || nla_len(tb[GW_NAME_A_NAME]) < 2 ||
		    nla_len(tb[GW_NAME_A_NAME]) > GW_NAME_MAX ||
		    ((const char *)nla_data(tb[GW_NAME_A_NAME]))[nla_len(tb[GW_NAME_A_NAME]) - 1]) {
			n->bad++;
			continue;
		}
		kind = nla_get_u8(tb[GW_NAME_A_KIND]);
		index = nla_get_u32(tb[GW_NAME_A_INDEX]);
		if (kind >= __GW_NAME_KIND_MAX || index >= 256 ||
		    (n->only_kind >= 0 && kind != (unsigned int)n->only_kind)) {
			n->bad++;
			continue;
		}
		n->seen[kind][index]++;
		if (kind == GW_NAME_KIND_COUNTER && index == GW_CTR_DROP_TABLE_FULL)
			name_copy(n->table_full, tb[GW_NAME_A_NAME]);
		if (kind == GW_NAME_KIND_TCP_STATE && index == GW_TCP_ESTABLISHED)
			name_copy(n->established, tb[GW_NAME_A_NAME]);
	}
	if (count != 1)
		n->bad++;
	return NL_OK;
}

/* Each value of the kind named exactly once, and nothing past the last. */
static bool names_once(const struct names *n, unsigned int kind, unsigned int count)
{
	unsigned int i;

	for (i = 0; i < 256; i++)
		if (n->seen[kind][i] != (i < count))
			return false;
	return true;
}

static void names_expect(int only_kind)
{
	struct names n = { .only_kind = only_kind };
	struct nl_msg *msg = request(GW_CMD_NAMES_GET, NLM_F_DUMP);
	const char *what = only_kind < 0 ? "all" : "one kind";
	struct nlattr *nest;
	int err;

	if (!msg)
		return;
	if (only_kind >= 0) {
		nest = nla_nest_start(msg, GW_A_NAME | NLA_F_NESTED);
		nla_put_u8(msg, GW_NAME_A_KIND, only_kind);
		nla_nest_end(msg, nest);
	}
	err = talk(msg, names_msg, &n);
	check(!err, "names dump (%s) ends cleanly (errno %d)", what, err);
	check(!n.bad, "names dump (%s): one GW_A_NAME a message, kind u8, index u32, name a NUL-terminated string (%u not)",
	      what, n.bad);
	if (only_kind != GW_NAME_KIND_TCP_STATE) {
		check(names_once(&n, GW_NAME_KIND_COUNTER, __GW_CTR_MAX),
		      "names dump (%s): each of the %u counters named once", what, __GW_CTR_MAX);
		check(!strcmp(n.table_full, "drop_table_full"),
		      "names dump (%s): counter %u is \"drop_table_full\" (\"%s\")", what,
		      GW_CTR_DROP_TABLE_FULL, n.table_full);
	}
	if (only_kind != GW_NAME_KIND_COUNTER) {
		check(names_once(&n, GW_NAME_KIND_TCP_STATE, __GW_TCP_STATE_MAX),
		      "names dump (%s): each of the %u TCP states named once", what,
		      __GW_TCP_STATE_MAX);
		check(!strcmp(n.established, "ESTABLISHED"),
		      "names dump (%s): state %u is \"ESTABLISHED\" (\"%s\")", what,
		      GW_TCP_ESTABLISHED, n.established);
	}
	if (only_kind == GW_NAME_KIND_TCP_STATE)
		check(names_once(&n, GW_NAME_KIND_COUNTER, 0),
		      "names dump (one kind): no counter when TCP states are asked for");
}

/* A GW_A_NAME request nest of one u8 or u32: refused by policy with errno want. */
static void names_refused(int type, uint32_t value, bool u8, int want, const char *desc)
{
	struct nl_msg *msg = request(GW_CMD_NAMES_GET, NLM_F_DUMP);
	struct nlattr *nest;
	int err;

	if (!msg)
		return;
	nest = nla_nest_start(msg, GW_A_NAME | NLA_F_NESTED);
	if (u8)
		nla_put_u8(msg, type, value);
	else
		nla_put_u32(msg, type, value);
	nla_nest_end(msg, nest);
	err = talk(msg, NULL, NULL);
	check(err == want, "names dump with %s: errno %d (%d)", desc, want, err);
}

static int simple(uint8_t cmd, int attr, uint32_t value)
{
	struct nl_msg *msg = request(cmd, NLM_F_ACK);

	if (!msg)
		return ENOMEM;
	if (attr)
		nla_put_u32(msg, attr, value);
	return talk(msg, NULL, NULL);
}

int main(void)
{
	struct rule web = {
		.family = AF_INET, .proto = IPPROTO_TCP, .src_plen = 24, .dst_plen = 32,
		.nports = 2, .ports = { 22 << 16 | 22, 8000 << 16 | 8100 },
		.ifname = "wan0", .comment = "conformance",
	};
	struct rule ping = {
		.family = AF_INET6, .proto = IPPROTO_ICMPV6, .dst_plen = 32, .rate = 7,
	};
	struct rule bad = { .proto = IPPROTO_ICMP, .nports = 1, .ports = { 1 << 16 | 1 } };
	const struct rule *both[] = { &web, &ping }, *one[] = { &ping };
	int err;

	inet_pton(AF_INET, "198.51.100.0", web.src);
	inet_pton(AF_INET, "203.0.113.10", web.dst);
	inet_pton(AF_INET6, "2001:db8::", ping.dst);

	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk)) {
		fprintf(stderr, "conform: cannot open a generic netlink socket\n");
		return 2;
	}
	/* acks are asked for explicitly: dumps end with NLMSG_DONE, not an ack */
	nl_socket_disable_auto_ack(sk);
	family = genl_ctrl_resolve(sk, GW_GENL_NAME);
	if (family < 0) {
		fprintf(stderr, "conform: family %s: %s\n", GW_GENL_NAME, nl_geterror(family));
		return 2;
	}

	err = simple(GW_CMD_RULE_FLUSH, 0, 0);
	check(!err, "rule flush is acked (errno %d)", err);
	dump_expect(NULL, 0);
	err = add_rule(&web);
	check(!err && web.handle, "tcp rule add is acked with a handle (errno %d, handle %u)",
	      err, web.handle);
	err = add_rule(&ping);
	check(!err && ping.handle, "icmpv6 rule add is acked with a handle (errno %d, handle %u)",
	      err, ping.handle);
	if (!web.handle || !ping.handle)
		goto out;
	check(ping.handle > web.handle, "handles increase (%u, %u)", web.handle, ping.handle);
	dump_expect(both, 2);
	dump_expect_reset(both, 2, true);
	dump_reset_refused();
	dump_expect(both, 2);

	err = add_rule(&bad);
	check(err == EINVAL && !bad.handle, "ports on an icmp rule: EINVAL, no handle (errno %d)",
	      err);
	dump_expect(both, 2);

	err = simple(GW_CMD_RULE_DEL, GW_A_RULE_HANDLE, web.handle);
	check(!err, "rule del of the first rule is acked (errno %d)", err);
	dump_expect(one, 1);
	err = simple(GW_CMD_RULE_DEL, GW_A_RULE_HANDLE, web.handle);
	check(err == ENOENT, "deleting it again is ENOENT (errno %d)", err);
	err = simple(GW_CMD_RULE_DEL, GW_A_RULE_HANDLE, 0);
	check(err == ERANGE, "handle 0 is below the policy minimum: ERANGE (errno %d)", err);
	err = simple(GW_CMD_RULE_DEL, 0, 0);
	check(err == EINVAL, "rule del without a handle: EINVAL (errno %d)", err);
	err = simple(GW_CMD_RULE_DEL, GW_A_RULE_HANDLE, ping.handle);
	check(!err, "rule del of the second rule is acked (errno %d)", err);
	dump_expect(NULL, 0);

	names_expect(-1);
	names_expect(GW_NAME_KIND_TCP_STATE);
	names_expect(GW_NAME_KIND_COUNTER);
	names_refused(GW_NAME_A_KIND, __GW_NAME_KIND_MAX, true, ERANGE, "a kind past the last");
	names_refused(GW_NAME_A_INDEX, 1, false, EINVAL, "an index (replies only)");
out:
	nl_socket_free(sk);
	printf("conform: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
