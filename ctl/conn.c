// SPDX-License-Identifier: GPL-2.0
/* gwctl conn: the flow table, printed like "conntrack -L". */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"
#include "rulefile.h"

/* A flow's GW_CONN_F_* flags, as conn list and explain print them. */
void gw_conn_print_flags(uint32_t flags)
{
	print_str("direction", " [%s]", flags & GW_CONN_F_INBOUND ? "inbound" : "outbound");
	print_bool("replied", " [replied]", flags & GW_CONN_F_REPLIED);
	print_bool("picked_up", " [picked-up]", flags & GW_CONN_F_PICKED_UP);
	print_bool("closed", " [closed]", flags & GW_CONN_F_CLOSED);
	print_bool("synproxy", " [synproxy]", flags & GW_CONN_F_SYNPROXY);
}

/* "src A dst B proto P state S", any of them, any order. */
struct conn_filter {
	bool any;
	struct gw_prefix src;
	struct gw_prefix dst;
	bool has_src, has_dst, has_proto, has_state;
	uint8_t proto;
	uint8_t state;
};

/* GW_EXIT_OK, GW_EXIT_USAGE, or GW_EXIT_KERNEL when the state names cannot be had. */
static int parse_filter(int argc, char **argv, struct conn_filter *f)
{
	char err[GW_ERR_MAX];
	uint64_t num;
	int state;

	memset(f, 0, sizeof(*f));
	for (; argc > 0; argc -= 2, argv += 2) {
		const char *key = argv[0], *val = argc > 1 ? argv[1] : NULL;

		if (strcmp(key, "src") && strcmp(key, "dst") && strcmp(key, "proto") &&
		    strcmp(key, "state"))
			return gw_usage_error("unknown filter \"%s\" (src, dst, proto or state).", key);
		if (!val)
			return gw_usage_error("\"%s\" needs a value.", key);
		f->any = true;
		if (!strcmp(key, "src") || !strcmp(key, "dst")) {
			bool src = key[0] == 's';
			struct gw_prefix *p = src ? &f->src : &f->dst;

			if (gw_parse_prefix(val, p, err, sizeof(err)))
				return gw_usage_error("%s", err);
			if (p->plen != gw_addr_len(p->family) * 8)
				return gw_usage_error("%s takes an address, not a prefix.", key);
			*(src ? &f->has_src : &f->has_dst) = true;
		} else if (!strcmp(key, "proto")) {
			if (gw_proto_lookup(val, &f->proto)) {
				if (gw_parse_uint("protocol", val, 0, 255, &num, err, sizeof(err)))
					return gw_usage_error("%s", err);
				f->proto = num;
			}
			f->has_proto = true;
		} else {
			/* the module's names: "gwctl conn list" prints them */
			if (gw_names_fetch(GW_NAME_KIND_TCP_STATE))
				return GW_EXIT_KERNEL;
			state = gw_name_find(GW_NAME_KIND_TCP_STATE, val);
			if (state < GW_TCP_SYN_SENT)
				return gw_usage_error("unknown TCP state \"%s\" (SYN_SENT, ESTABLISHED, TIME_WAIT, ...).",
						      val);
			f->has_state = true;
			f->state = state;
		}
	}
	if (f->has_src && f->has_dst && f->src.family != f->dst.family)
		return gw_usage_error("src and dst must be of the same address family.");
	return GW_EXIT_OK;
}

static void put_filter(struct nlmsghdr *nlh, const struct conn_filter *f)
{
	struct nlattr *nest;

	if (!f->any)
		return;
	nest = mnl_attr_nest_start(nlh, GW_A_CONN);
	if (f->has_src || f->has_dst)
		mnl_attr_put_u8(nlh, GW_CONN_A_FAMILY, f->has_src ? f->src.family : f->dst.family);
	if (f->has_src)
		mnl_attr_put(nlh, GW_CONN_A_SRC, gw_addr_len(f->src.family), f->src.addr);
	if (f->has_dst)
		mnl_attr_put(nlh, GW_CONN_A_DST, gw_addr_len(f->dst.family), f->dst.addr);
	if (f->has_proto)
		mnl_attr_put_u8(nlh, GW_CONN_A_PROTO, f->proto);
	if (f->has_state)
		mnl_attr_put_u8(nlh, GW_CONN_A_STATE, f->state);
	mnl_attr_nest_end(nlh, nest);
}

struct conn_walk {
	struct print_list list;
	uint64_t count;
	bool verbose;		/* text: each side's window state on its own line */
	bool count_only;	/* conn count with a filter: count, print nothing */
};

/* GW_TCP_PEER_F_* as words, in bit order. */
static const char *const tcp_peer_flags[] = {
	"wscale",	/* GW_TCP_PEER_F_WSCALE: offered window scaling */
	"sack",		/* GW_TCP_PEER_F_SACK_PERM: offered SACK */
	"liberal",	/* GW_TCP_PEER_F_LIBERAL: windows not judged (yet) */
};

_Static_assert(GW_TCP_PEER_F_WSCALE == 1 << 0 && GW_TCP_PEER_F_SACK_PERM == 1 << 1 &&
	       GW_TCP_PEER_F_LIBERAL == 1 << 2, "tcp_peer_flags[] is out of step with the UAPI");

/*
 * One side's window state: "orig" or "reply" in JSON (always), and in text
 * a line of its own under the flow with -v:
 *     orig:  end=N maxend=N maxwin=N wscale=N flags=wscale,sack
 */
static int print_tcp_peer(const char *key, const struct nlattr *nest, bool text)
{
	const struct nlattr *ptb[GW_TCP_PEER_A_MAX + 1];
	uint8_t flags;
	unsigned int bit;
	bool first = true;
	char buf[8];

	if (gw_nl_parse_nest(nest, &gw_tcp_peer_policy, ptb))
		return -1;
	flags = gw_attr_u8(ptb[GW_TCP_PEER_A_FLAGS]);

	print_open_object(key);
	if (text)
		print_text("\n    %s:%*s", key, (int)(5 - strlen(key)), "");
	print_u64("end", text ? " end=%" PRIu64 : NULL, gw_attr_u32(ptb[GW_TCP_PEER_A_END]));
	print_u64("maxend", text ? " maxend=%" PRIu64 : NULL,
		  gw_attr_u32(ptb[GW_TCP_PEER_A_MAXEND]));
	print_u64("maxwin", text ? " maxwin=%" PRIu64 : NULL,
		  gw_attr_u32(ptb[GW_TCP_PEER_A_MAXWIN]));
	print_u64("wscale", text ? " wscale=%" PRIu64 : NULL,
		  gw_attr_u8(ptb[GW_TCP_PEER_A_WSCALE]));
	print_open_array("flags");
	for (bit = 0; bit < 8; bit++) {
		const char *word;

		if (!(flags & (1U << bit)))
			continue;
		if (bit < GW_ARRAY_SIZE(tcp_peer_flags)) {
			word = tcp_peer_flags[bit];
		} else {
			/* a flag of a newer module */
			snprintf(buf, sizeof(buf), "0x%02x", 1U << bit);
			word = buf;
		}
		if (text)
			print_text("%s", first ? " flags=" : ",");
		print_str(NULL, text ? "%s" : NULL, word);
		first = false;
	}
	print_close_array();
	print_close_object();
	return 0;
}

static int print_conn(const struct nlattr **ctb, const char *key, const char *src,
		      const char *dst, bool verbose)
{
	uint8_t proto = mnl_attr_get_u8(ctb[GW_CONN_A_PROTO]);
	uint32_t flags = gw_attr_u32(ctb[GW_CONN_A_FLAGS]);
	const char *name = gw_proto_name(proto);
	char buf[16];

	print_open_object(key);
	if (!name) {
		snprintf(buf, sizeof(buf), "%u", proto);
		name = buf;
	}
	print_str("proto", "%-8s ", name);
	print_text("%u ", proto);
	print_str("family", NULL,
		  mnl_attr_get_u8(ctb[GW_CONN_A_FAMILY]) == AF_INET ? "ipv4" : "ipv6");
	if (ctb[GW_CONN_A_TIMEOUT])
		print_u64("timeout", "%" PRIu64 " ", mnl_attr_get_u32(ctb[GW_CONN_A_TIMEOUT]));
	if (ctb[GW_CONN_A_STATE]) {
		uint8_t state = mnl_attr_get_u8(ctb[GW_CONN_A_STATE]);

		if (gw_name(GW_NAME_KIND_TCP_STATE, state))
			snprintf(buf, sizeof(buf), "%s", gw_name(GW_NAME_KIND_TCP_STATE, state));
		else
			snprintf(buf, sizeof(buf), "STATE_%u", state);
		print_str("state", "%s ", buf);
	}
	print_str("src", "src=%s ", src);
	print_str("dst", "dst=%s ", dst);
	/* ICMP echo flows carry the echo identifier as both ports. */
	if ((proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) && ctb[GW_CONN_A_SPORT]) {
		print_u64("id", "id=%" PRIu64 " ", mnl_attr_get_u16(ctb[GW_CONN_A_SPORT]));
	} else {
		if (ctb[GW_CONN_A_SPORT])
			print_u64("sport", "sport=%" PRIu64 " ", mnl_attr_get_u16(ctb[GW_CONN_A_SPORT]));
		if (ctb[GW_CONN_A_DPORT])
			print_u64("dport", "dport=%" PRIu64 " ", mnl_attr_get_u16(ctb[GW_CONN_A_DPORT]));
	}
	print_u64("packets_orig", "packets=%" PRIu64,
		  gw_attr_u64(ctb[GW_CONN_A_PACKETS_ORIG]));
	print_u64("packets_reply", "/%" PRIu64, gw_attr_u64(ctb[GW_CONN_A_PACKETS_REPLY]));
	gw_conn_print_flags(flags);
	/* An older module sends no window state: the members are left out. */
	if (ctb[GW_CONN_A_TCP_ORIG] &&
	    print_tcp_peer("orig", ctb[GW_CONN_A_TCP_ORIG], verbose))
		return -1;
	if (ctb[GW_CONN_A_TCP_REPLY] &&
	    print_tcp_peer("reply", ctb[GW_CONN_A_TCP_REPLY], verbose))
		return -1;
	print_close_object();
	return 0;
}

static int format_conn_addr(const struct nlattr **ctb, int type, char *buf, size_t len)
{
	const struct nlattr *addr = ctb[type];

	return gw_format_addr(mnl_attr_get_u8(ctb[GW_CONN_A_FAMILY]),
			      mnl_attr_get_payload(addr), mnl_attr_get_payload_len(addr),
			      buf, len);
}

int gw_conn_addrs(const struct nlattr **ctb, char *src, char *dst)
{
	static const uint16_t need[] = {
		GW_CONN_A_FAMILY, GW_CONN_A_PROTO, GW_CONN_A_SRC, GW_CONN_A_DST, 0
	};

	if (gw_nl_need(ctb, need, "flow without family, protocol or addresses"))
		return MNL_CB_ERROR;
	if (format_conn_addr(ctb, GW_CONN_A_SRC, src, INET6_ADDRSTRLEN) ||
	    format_conn_addr(ctb, GW_CONN_A_DST, dst, INET6_ADDRSTRLEN))
		return gw_nl_bad_reply("flow addresses do not match the flow's family");
	return 0;
}

int gw_conn_print(const struct nlattr **ctb, const char *key, bool verbose)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

	if (gw_conn_addrs(ctb, src, dst) || print_conn(ctb, key, src, dst, verbose))
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static int conn_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *ctb[GW_CONN_A_MAX + 1];
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	struct conn_walk *walk = data;

	if (gw_nl_parse_item(nlh, GW_A_CONN, &gw_conn_policy, ctb,
			     "flow dump message without GW_A_CONN") ||
	    gw_conn_addrs(ctb, src, dst))
		return MNL_CB_ERROR;

	if (walk->count_only) {
		walk->count++;
		return MNL_CB_OK;
	}
	print_list_item(&walk->list);
	if (print_conn(ctb, NULL, src, dst, walk->verbose))
		return MNL_CB_ERROR;
	print_nl();
	walk->count++;
	return MNL_CB_OK;
}

static int conn_list(int argc, char **argv)
{
	struct conn_walk walk = { .list = { .key = "flows" } };
	struct conn_filter filter;
	struct nlmsghdr *nlh;
	int ret;

	/* JSON always carries the window state; -v adds it to the text. */
	if (argc > 0 && (!strcmp(argv[0], "-v") || !strcmp(argv[0], "--verbose"))) {
		walk.verbose = true;
		argc--;
		argv++;
	}
	ret = parse_filter(argc, argv, &filter);
	if (ret)
		return ret;
	if (gw_names_fetch(GW_NAME_KIND_TCP_STATE))
		return GW_EXIT_KERNEL;
	nlh = gw_nl_msg(GW_CMD_CONN_GET, NLM_F_REQUEST | NLM_F_DUMP);
	put_filter(nlh, &filter);
	if (gw_nl_talk(nlh, conn_cb, &walk))
		return GW_EXIT_KERNEL;
	print_list_end(&walk.list);
	print_text("%" PRIu64 " flows\n", walk.count);
	return GW_EXIT_OK;
}

/*
 * The module keeps the count: no need to dump a table of a million flows,
 * unless only some are to be counted.
 */
static int conn_count(int argc, char **argv)
{
	struct conn_walk walk = { .count_only = true };
	struct conn_filter filter;
	struct nlmsghdr *nlh;
	struct gw_status st;
	int ret;

	ret = parse_filter(argc, argv, &filter);
	if (ret)
		return ret;
	if (filter.any) {
		nlh = gw_nl_msg(GW_CMD_CONN_GET, NLM_F_REQUEST | NLM_F_DUMP);
		put_filter(nlh, &filter);
		if (gw_nl_talk(nlh, conn_cb, &walk))
			return GW_EXIT_KERNEL;
		st.flow_count = walk.count;
	} else if (gw_status_fetch(&st)) {
		return GW_EXIT_KERNEL;
	}
	print_u64("count", "%" PRIu64, st.flow_count);
	print_nl();
	return GW_EXIT_OK;
}

static int conn_flush(int argc, char **argv)
{
	struct conn_filter filter;
	struct nlmsghdr *nlh;
	int ret;

	ret = parse_filter(argc, argv, &filter);
	if (ret)
		return ret;
	nlh = gw_nl_msg(GW_CMD_CONN_FLUSH, NLM_F_REQUEST | NLM_F_ACK);
	put_filter(nlh, &filter);
	return gw_nl_talk(nlh, NULL, NULL) ? GW_EXIT_KERNEL : GW_EXIT_OK;
}

int do_conn(int argc, char **argv)
{
	static const struct gw_verb verbs[] = {
		{ "list",	conn_list },
		{ "count",	conn_count },
		{ "flush",	conn_flush },
	};

	return gw_dispatch("conn", verbs, GW_ARRAY_SIZE(verbs), argc, argv);
}
