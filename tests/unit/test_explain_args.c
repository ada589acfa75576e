// SPDX-License-Identifier: GPL-2.0
/*
 * The words of "gwctl explain" (ctl/explain_args.c): the packet each
 * description gives, and for each kind of bad description its message.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "unit.h"
#include "gwctl.h"

/* Split @line at spaces (no quoting needed here) and parse it. */
static int parse(const char *line, struct gw_explain_args *a, char *err, size_t errlen)
{
	static char buf[512];
	char *argv[64], *tok, *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 64;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	return gw_explain_parse_args(argc, argv, a, err, errlen);
}

static void expect_error(const char *line, const char *want)
{
	struct gw_explain_args a;
	char err[GW_ERR_MAX] = "";

	if (parse(line, &a, err, sizeof(err)) != -1)
		fail_msg("accepted: %s", line);
	if (!strstr(err, want))
		fail_msg("for \"%s\": got \"%s\", want \"%s\"", line, err, want);
}

static void assert_addr(const struct gw_prefix *p, int family, const char *text)
{
	unsigned char want[16] = { 0 };

	assert_int_equal(p->family, family);
	assert_int_equal(inet_pton(family, text, want), 1);
	assert_memory_equal(p->addr, want, family == AF_INET ? 4 : 16);
}

TEST(tcp_syn_in)
{
	struct gw_explain_args a;
	char err[GW_ERR_MAX];

	assert_int_equal(parse("tcp from 198.51.100.7 port 40000 to 192.0.2.2 port 22 in eth0",
			       &a, err, sizeof(err)), 0);
	assert_int_equal(a.proto, IPPROTO_TCP);
	assert_int_equal(a.way, GW_EXPLAIN_IN);
	assert_string_equal(a.ifname, "eth0");
	assert_addr(&a.src, AF_INET, "198.51.100.7");
	assert_addr(&a.dst, AF_INET, "192.0.2.2");
	assert_true(a.has_sport && a.has_dport);
	assert_int_equal(a.sport, 40000);
	assert_int_equal(a.dport, 22);
	/* no flags: the module judges a SYN */
	assert_false(a.has_flags);
	assert_false(a.has_seq || a.has_ack || a.has_type);
}

TEST(tcp_flags_seq_ack_out_v6)
{
	struct gw_explain_args a;
	char err[GW_ERR_MAX];

	assert_int_equal(parse("tcp to 2001:db8:203::2 port 443 out wan0 from 2001:db8:192::2 port 5000 flags pa seq 4294967295 ack 0",
			       &a, err, sizeof(err)), 0);
	assert_int_equal(a.way, GW_EXPLAIN_OUT);
	assert_addr(&a.src, AF_INET6, "2001:db8:192::2");
	assert_addr(&a.dst, AF_INET6, "2001:db8:203::2");
	assert_int_equal(a.sport, 5000);
	assert_int_equal(a.dport, 443);
	assert_true(a.has_flags);
	assert_int_equal(a.tcp_flags, 0x18);
	assert_true(a.has_seq && a.has_ack);
	assert_int_equal(a.seq, 4294967295U);
	assert_int_equal(a.ack, 0);
}

TEST(icmp_and_proto)
{
	struct gw_explain_args a;
	char err[GW_ERR_MAX];

	assert_int_equal(parse("icmp from 203.0.113.2 to 192.0.2.2 in wan0 type echo-request id 7",
			       &a, err, sizeof(err)), 0);
	assert_int_equal(a.proto, IPPROTO_ICMP);
	assert_int_equal(a.icmp_type, 8);
	assert_true(a.has_id);
	assert_int_equal(a.icmp_id, 7);
	assert_int_equal(parse("icmpv6 from 2001:db8:203::2 to 2001:db8:192::2 in wan0 type echo-reply",
			       &a, err, sizeof(err)), 0);
	assert_int_equal(a.proto, IPPROTO_ICMPV6);
	assert_int_equal(a.icmp_type, 129);
	assert_int_equal(parse("icmpv6 from 2001:db8:203::2 to 2001:db8:192::2 in wan0 type 135 code 0",
			       &a, err, sizeof(err)), 0);
	assert_int_equal(a.icmp_type, 135);
	assert_true(a.has_code);
	assert_int_equal(parse("proto 47 from 203.0.113.2 to 192.0.2.2 in wan0", &a, err,
			       sizeof(err)), 0);
	assert_int_equal(a.proto, 47);
}

TEST(tcp_flags_words)
{
	char err[GW_ERR_MAX], buf[16];
	uint8_t flags;

	assert_int_equal(gw_tcp_flags_parse("SA", &flags, err, sizeof(err)), 0);
	assert_int_equal(flags, 0x12);
	gw_tcp_flags_format(flags, buf, sizeof(buf));
	assert_string_equal(buf, "SA");
	assert_int_equal(gw_tcp_flags_parse("none", &flags, err, sizeof(err)), 0);
	assert_int_equal(flags, 0);
	gw_tcp_flags_format(flags, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	assert_int_equal(gw_tcp_flags_parse("fsrpauec", &flags, err, sizeof(err)), 0);
	assert_int_equal(flags, 0xff);
	gw_tcp_flags_format(flags, buf, sizeof(buf));
	assert_string_equal(buf, "SFRPAUEC");
	assert_int_equal(gw_tcp_flags_parse("SX", &flags, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown TCP flag 'X'"));
	assert_int_equal(gw_tcp_flags_parse("SS", &flags, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "given twice"));
}

TEST(bad_descriptions)
{
	expect_error("", "needs a protocol");
	expect_error("sctp from 192.0.2.1 to 192.0.2.2 in eth0", "unknown protocol \"sctp\"");
	expect_error("proto 256 from 192.0.2.1 to 192.0.2.2 in eth0", "out of range");
	expect_error("tcp from 192.0.2.1 port 1 to 192.0.2.2 in eth0", "needs a port after both");
	expect_error("tcp from 192.0.2.1 port 1 to 192.0.2.2 port 2", "needs \"in DEV\" or \"out DEV\"");
	expect_error("tcp from 192.0.2.0/24 port 1 to 192.0.2.2 port 2 in eth0",
		     "takes an address, not a prefix");
	expect_error("tcp from 192.0.2.1 port 1 to 2001:db8::1 port 2 in eth0",
		     "same address family");
	expect_error("tcp port 1 from 192.0.2.1 to 192.0.2.2 port 2 in eth0",
		     "port goes after");
	expect_error("tcp from 192.0.2.1 port 1 port 2 to 192.0.2.2 port 2 in eth0",
		     "port given twice");
	expect_error("tcp from 192.0.2.1 port 70000 to 192.0.2.2 port 2 in eth0",
		     "port 70000 is out of range");
	expect_error("udp from 192.0.2.1 port 1 to 192.0.2.2 port 2 in eth0 flags S",
		     "only tcp has flags");
	expect_error("icmp from 192.0.2.1 port 1 to 192.0.2.2 in eth0 type 8",
		     "only tcp and udp have ports");
	expect_error("icmp from 192.0.2.1 to 192.0.2.2 in eth0", "needs \"type N\"");
	expect_error("icmp from 2001:db8::1 to 2001:db8::2 in eth0 type 8",
		     "icmp goes with IPv4 addresses");
	expect_error("udp from 192.0.2.1 port 1 to 192.0.2.2 port 2 in eth0 type 8",
		     "only icmp and icmpv6 have a type");
	expect_error("tcp from 192.0.2.1 port 1 to 192.0.2.2 port 2 in eth0 out eth1",
		     "one interface");
	expect_error("tcp from 192.0.2.1 port 1 to 192.0.2.2 port 2 in eth0 via x",
		     "unknown word \"via\"");
	expect_error("tcp from 192.0.2.1 port 1 to 192.0.2.2 port 2 in", "\"in\" needs a value");
	expect_error("tcp from 192.0.2.1 port 1 to 192.0.2.2 port 2 in a/b",
		     "not a valid interface name");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(tcp_syn_in),
	cmocka_unit_test(tcp_flags_seq_ack_out_v6),
	cmocka_unit_test(icmp_and_proto),
	cmocka_unit_test(tcp_flags_words),
	cmocka_unit_test(bad_descriptions),
};

GW_UNIT_MAIN(tests)
