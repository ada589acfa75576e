// SPDX-License-Identifier: GPL-2.0
/*
 * The words of "gwctl explain": one packet, described as a rule describes
 * the connections it allows (the protocol words are the rule language's,
 * addresses and numbers are read by addr.c), but with addresses, not
 * prefixes, and one port each.  Nothing here prints or touches netlink,
 * so the unit tests can link this file alone.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "gwctl.h"
#include "rulefile.h"

/* The TCP flags by their letters, as tcpdump and scapy write them. */
static const struct {
	char letter;
	uint8_t bit;
} tcp_flag_letters[] = {
	{ 'F', 0x01 }, { 'S', 0x02 }, { 'R', 0x04 }, { 'P', 0x08 },
	{ 'A', 0x10 }, { 'U', 0x20 }, { 'E', 0x40 }, { 'C', 0x80 },
};

int gw_tcp_flags_parse(const char *arg, uint8_t *flags, char *err, size_t errlen)
{
	const char *p;
	size_t i;

	*flags = 0;
	if (!strcmp(arg, "none"))
		return 0;
	if (!*arg)
		return gw_errf(err, errlen, "flags needs letters (S, A, F, R, P, U, E, C) or \"none\".");
	for (p = arg; *p; p++) {
		char c = *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p;

		for (i = 0; i < GW_ARRAY_SIZE(tcp_flag_letters); i++)
			if (tcp_flag_letters[i].letter == c)
				break;
		if (i == GW_ARRAY_SIZE(tcp_flag_letters))
			return gw_errf(err, errlen,
				    "unknown TCP flag '%c' in \"%s\" (S, A, F, R, P, U, E, C).",
				    *p, arg);
		if (*flags & tcp_flag_letters[i].bit)
			return gw_errf(err, errlen, "TCP flag '%c' given twice in \"%s\".", c, arg);
		*flags |= tcp_flag_letters[i].bit;
	}
	return 0;
}

void gw_tcp_flags_format(uint8_t flags, char *buf, size_t len)
{
	size_t i, n = 0;

	/* the order tcpdump prints them in: S, F, R, P, A, U, E, C */
	static const char order[] = "SFRPAUEC";

	if (!len)
		return;
	for (i = 0; order[i] && n + 1 < len; i++) {
		size_t k;

		for (k = 0; k < GW_ARRAY_SIZE(tcp_flag_letters); k++)
			if (tcp_flag_letters[k].letter == order[i] &&
			    (flags & tcp_flag_letters[k].bit))
				buf[n++] = order[i];
	}
	buf[n] = '\0';
	if (!n)
		snprintf(buf, len, "none");
}

/* "echo-request", "echo-reply" or a number, for @proto's family. */
static int parse_icmp_type(uint8_t proto, const char *arg, uint8_t *type,
			   char *err, size_t errlen)
{
	bool v6 = proto == IPPROTO_ICMPV6;
	uint64_t num;

	if (!strcmp(arg, "echo-request")) {
		*type = v6 ? 128 : 8;
		return 0;
	}
	if (!strcmp(arg, "echo-reply")) {
		*type = v6 ? 129 : 0;
		return 0;
	}
	if (gw_parse_uint("ICMP type", arg, 0, 255, &num, err, errlen))
		return -1;
	*type = num;
	return 0;
}

/* An address, not a prefix: the packet's own. */
static int parse_host(const char *key, const char *arg, struct gw_prefix *p,
		      char *err, size_t errlen)
{
	if (gw_parse_prefix(arg, p, err, errlen))
		return -1;
	if (p->plen != gw_addr_len(p->family) * 8)
		return gw_errf(err, errlen, "%s takes an address, not a prefix.", key);
	return 0;
}

static int parse_num(const char *what, const char *arg, uint64_t max, uint64_t *val,
		     char *err, size_t errlen)
{
	return gw_parse_uint(what, arg, 0, max, val, err, errlen);
}

/* The checks that need the whole description. */
static int check_args(const struct gw_explain_args *a, char *err, size_t errlen)
{
	bool ports = a->proto == IPPROTO_TCP || a->proto == IPPROTO_UDP;
	bool icmp = a->proto == IPPROTO_ICMP || a->proto == IPPROTO_ICMPV6;

	if (!a->has_src || !a->has_dst)
		return gw_errf(err, errlen, "explain needs \"from ADDRESS\" and \"to ADDRESS\".");
	if (!a->ifname[0])
		return gw_errf(err, errlen, "explain needs \"in DEV\" or \"out DEV\".");
	if (a->src.family != a->dst.family)
		return gw_errf(err, errlen, "from and to must be of the same address family.");
	if (ports && (!a->has_sport || !a->has_dport))
		return gw_errf(err, errlen, "%s needs a port after both from and to.",
			    gw_proto_name(a->proto));
	if (!ports && (a->has_sport || a->has_dport))
		return gw_errf(err, errlen, "only tcp and udp have ports.");
	if (a->proto != IPPROTO_TCP && (a->has_flags || a->has_seq || a->has_ack))
		return gw_errf(err, errlen, "only tcp has flags, seq and ack.");
	if (icmp && a->src.family != (a->proto == IPPROTO_ICMP ? AF_INET : AF_INET6))
		return gw_errf(err, errlen, "%s goes with %s addresses.", gw_proto_name(a->proto),
			    a->proto == IPPROTO_ICMP ? "IPv4" : "IPv6");
	if (icmp && !a->has_type)
		return gw_errf(err, errlen, "%s needs \"type N\".", gw_proto_name(a->proto));
	if (!icmp && (a->has_type || a->has_code || a->has_id))
		return gw_errf(err, errlen, "only icmp and icmpv6 have a type, code and id.");
	return 0;
}

int gw_explain_parse_args(int argc, char **argv, struct gw_explain_args *a,
			  char *err, size_t errlen)
{
	bool *last_port = NULL;	/* the port "port" gives: after from or to */
	uint16_t *last_port_val = NULL;
	uint64_t num;
	int i;

	memset(a, 0, sizeof(*a));
	if (argc < 1)
		return gw_errf(err, errlen,
			    "explain needs a protocol (tcp, udp, icmp, icmpv6 or proto N).");
	i = 1;
	if (!strcmp(argv[0], "proto")) {
		if (argc < 2)
			return gw_errf(err, errlen, "proto needs a number.");
		if (gw_parse_uint("protocol", argv[1], 0, 255, &num, err, errlen))
			return -1;
		a->proto = num;
		i = 2;
	} else if (gw_proto_lookup(argv[0], &a->proto)) {
		return gw_errf(err, errlen,
			    "unknown protocol \"%s\" (tcp, udp, icmp, icmpv6 or proto N).",
			    argv[0]);
	}

	for (; i < argc; i += 2) {
		const char *key = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val)
			return gw_errf(err, errlen, "\"%s\" needs a value.", key);
		if (!strcmp(key, "from") || !strcmp(key, "to")) {
			bool from = key[0] == 'f';

			if (*(from ? &a->has_src : &a->has_dst))
				return gw_errf(err, errlen, "%s given twice.", key);
			if (parse_host(key, val, from ? &a->src : &a->dst, err, errlen))
				return -1;
			*(from ? &a->has_src : &a->has_dst) = true;
			last_port = from ? &a->has_sport : &a->has_dport;
			last_port_val = from ? &a->sport : &a->dport;
		} else if (!strcmp(key, "port")) {
			if (!last_port)
				return gw_errf(err, errlen, "port goes after \"from ADDRESS\" or \"to ADDRESS\".");
			if (*last_port)
				return gw_errf(err, errlen, "port given twice.");
			if (gw_parse_uint("port", val, 0, 65535, &num, err, errlen))
				return -1;
			*last_port = true;
			*last_port_val = num;
		} else if (!strcmp(key, "in") || !strcmp(key, "out")) {
			if (a->ifname[0])
				return gw_errf(err, errlen, "one interface: in DEV or out DEV.");
			if (gw_parse_ifname(val, err, errlen))
				return -1;
			snprintf(a->ifname, sizeof(a->ifname), "%s", val);
			a->way = key[0] == 'i' ? GW_EXPLAIN_IN : GW_EXPLAIN_OUT;
		} else if (!strcmp(key, "flags")) {
			if (gw_tcp_flags_parse(val, &a->tcp_flags, err, errlen))
				return -1;
			a->has_flags = true;
		} else if (!strcmp(key, "seq") || !strcmp(key, "ack")) {
			if (parse_num(key, val, UINT32_MAX, &num, err, errlen))
				return -1;
			if (key[0] == 's') {
				a->seq = num;
				a->has_seq = true;
			} else {
				a->ack = num;
				a->has_ack = true;
			}
		} else if (!strcmp(key, "type")) {
			if (parse_icmp_type(a->proto, val, &a->icmp_type, err, errlen))
				return -1;
			a->has_type = true;
		} else if (!strcmp(key, "code")) {
			if (parse_num("ICMP code", val, 255, &num, err, errlen))
				return -1;
			a->icmp_code = num;
			a->has_code = true;
		} else if (!strcmp(key, "id")) {
			if (parse_num("echo id", val, 65535, &num, err, errlen))
				return -1;
			a->icmp_id = num;
			a->has_id = true;
		} else {
			return gw_errf(err, errlen,
				    "unknown word \"%s\" (from, to, port, in, out, flags, seq, ack, type, code or id).",
				    key);
		}
		if (strcmp(key, "from") && strcmp(key, "to") && strcmp(key, "port"))
			last_port = NULL;
	}
	return check_args(a, err, errlen);
}
