// SPDX-License-Identifier: GPL-2.0
/*
 * The rule-language parser of gwctl (ctl/rulefile.c): what each statement
 * turns into, and for each kind of bad input the message and the exact
 * line and column it points at.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include "unit.h"
#include "rulefile.h"

static const struct gw_rf_opts no_include = { .no_include = true };

static int parse(const char *text, struct gw_policy_text *out, struct gw_rf_error *err)
{
	return gw_rulefile_parse("t.rules", text, strlen(text), &no_include, out, err);
}

/* text must fail at line:col with a message containing want. */
static void expect_error(const char *text, size_t len, unsigned int line,
			 unsigned int col, const char *want)
{
	struct gw_policy_text out;
	struct gw_rf_error err;

	if (gw_rulefile_parse("t.rules", text, len, &no_include, &out, &err) != -1)
		fail_msg("accepted: %.60s", text);
	if (err.line != line || err.col != col || !strstr(err.msg, want))
		fail_msg("for %.60s: got %u:%u \"%s\", want %u:%u \"%s\"", text,
			 err.line, err.col, err.msg, line, col, want);
	assert_string_equal(err.file, "t.rules");
	assert_int_equal(out.count, 0);
	assert_null(out.stmts);
}

#define EXPECT_ERROR(text, line, col, want) \
	expect_error(text, strlen(text), line, col, want)

static void assert_prefix(const struct gw_prefix *p, int family, const char *addr,
			  unsigned int plen)
{
	unsigned char want[16] = { 0 };

	assert_int_equal(p->family, family);
	assert_int_equal(inet_pton(family, addr, want), 1);
	assert_memory_equal(p->addr, want, family == AF_INET ? 4 : 16);
	assert_int_equal(p->plen, plen);
}

TEST(every_statement_kind)
{
	const char *text =
		"# a comment line\n"
		"\n"
		"iface wan0 wan   # trailing comment\n"
		"iface lan0 lan\n"
		"allow tcp from 192.0.2.0/24 to 203.0.113.10 port 22,80-90 on wan0 comment \"a \\\"q\\\" \\\\ b\"\n"
		"allow icmp echo rate 5/s\n"
		"allow proto 47 to 2001:db8::/32\n"
		"\tset tcp_established 86400\r\n"
		"set tcp_pickup loose";
	struct gw_policy_text out;
	struct gw_rf_error err;
	const struct gw_stmt *st;

	assert_int_equal(parse(text, &out, &err), 0);
	assert_int_equal(out.count, 7);
	st = out.stmts;
	assert_int_equal(st[0].kind, GW_STMT_IFACE);
	assert_string_equal(st[0].iface.ifname, "wan0");
	assert_int_equal(st[0].iface.zone, GW_ZONE_WAN);
	assert_int_equal(st[0].line, 3);
	assert_int_equal(st[0].col, 1);
	assert_int_equal(st[1].iface.zone, GW_ZONE_LAN);

	assert_int_equal(st[2].kind, GW_STMT_RULE);
	assert_int_equal(st[2].line, 5);
	assert_int_equal(st[2].rule.proto, IPPROTO_TCP);
	assert_true(st[2].rule.has_src);
	assert_prefix(&st[2].rule.src, AF_INET, "192.0.2.0", 24);
	assert_true(st[2].rule.has_dst);
	assert_prefix(&st[2].rule.dst, AF_INET, "203.0.113.10", 32);
	assert_int_equal(st[2].rule.ports.count, 2);
	assert_int_equal(st[2].rule.ports.range[0].first, 22);
	assert_int_equal(st[2].rule.ports.range[0].last, 22);
	assert_int_equal(st[2].rule.ports.range[1].first, 80);
	assert_int_equal(st[2].rule.ports.range[1].last, 90);
	assert_string_equal(st[2].rule.ifname, "wan0");
	assert_string_equal(st[2].rule.comment, "a \"q\" \\ b");

	assert_int_equal(st[3].rule.proto, IPPROTO_ICMP);
	assert_int_equal(st[3].rule.rate, 5);
	assert_false(st[3].rule.has_src);
	assert_int_equal(st[4].rule.proto, 47);
	assert_prefix(&st[4].rule.dst, AF_INET6, "2001:db8::", 32);

	assert_int_equal(st[5].kind, GW_STMT_SET);
	assert_string_equal(st[5].set.name, "tcp_established");
	assert_string_equal(st[5].set.value, "86400");
	assert_int_equal(st[5].col, 2);
	assert_string_equal(st[6].set.value, "loose");
	assert_string_equal(st[6].file, "t.rules");
	gw_policy_text_free(&out);
}

TEST(define_expands_per_family)
{
	const char *text =
		"define lan = { 192.0.2.0/24, 2001:db8:1::/48 ,198.51.100.0/24 }\n"
		"allow tcp from $lan port 22\n"
		"allow tcp from $lan to 203.0.113.1 port 80\n";
	struct gw_policy_text out;
	struct gw_rf_error err;

	assert_int_equal(parse(text, &out, &err), 0);
	assert_int_equal(out.count, 3 + 2);
	assert_prefix(&out.stmts[0].rule.src, AF_INET, "192.0.2.0", 24);
	assert_prefix(&out.stmts[1].rule.src, AF_INET6, "2001:db8:1::", 48);
	assert_prefix(&out.stmts[2].rule.src, AF_INET, "198.51.100.0", 24);
	/* the IPv6 element has no IPv4 destination to pair with */
	assert_prefix(&out.stmts[3].rule.src, AF_INET, "192.0.2.0", 24);
	assert_prefix(&out.stmts[4].rule.src, AF_INET, "198.51.100.0", 24);
	assert_int_equal(out.stmts[4].line, 3);
	gw_policy_text_free(&out);

	EXPECT_ERROR("define v6 = { 2001:db8::/32 }\nallow tcp from $v6 to 192.0.2.1\n",
		     2, 1, "same address family");
	EXPECT_ERROR("define v6 = { 2001:db8::/32, 2001:db8:1::/48 }\nallow tcp from $v6 to 192.0.2.1\n",
		     2, 1, "no address family in common");
	EXPECT_ERROR("allow tcp from $nowhere\n", 1, 16, "\"nowhere\" is not defined");
	EXPECT_ERROR("define e = { }\n", 1, 14, "empty list");
	EXPECT_ERROR("define e = { 192.0.2.0/24\n", 1, 14, "expected '}'");
	EXPECT_ERROR("define e { 192.0.2.0/24 }\n", 1, 10, "expected '='");
	EXPECT_ERROR("define 1x = { 192.0.2.0/24 }\n", 1, 8, "invalid name");
}

TEST(block_statements)
{
	const char *text =
		"define bad_hosts = { 203.0.113.7, 2001:db8:bad::/48 }\n"
		"block 198.51.100.0/24\n"
		"block $bad_hosts\n"
		"never-block 198.51.100.7\n"
		"  never-block 2001:db8::/32 # us\n";
	struct gw_policy_text out;
	struct gw_rf_error err;
	const struct gw_stmt *st;

	assert_int_equal(parse(text, &out, &err), 0);
	assert_int_equal(out.count, 5);
	st = out.stmts;
	assert_int_equal(st[0].kind, GW_STMT_BLOCK);
	assert_int_equal(st[0].block.kind, GW_BLOCK_KIND_BLOCK);
	assert_prefix(&st[0].block.prefix, AF_INET, "198.51.100.0", 24);
	assert_int_equal(st[1].block.kind, GW_BLOCK_KIND_BLOCK);
	assert_prefix(&st[1].block.prefix, AF_INET, "203.0.113.7", 32);
	assert_prefix(&st[2].block.prefix, AF_INET6, "2001:db8:bad::", 48);
	assert_int_equal(st[2].line, 3);
	assert_int_equal(st[3].kind, GW_STMT_BLOCK);
	assert_int_equal(st[3].block.kind, GW_BLOCK_KIND_NEVER);
	assert_prefix(&st[3].block.prefix, AF_INET, "198.51.100.7", 32);
	assert_int_equal(st[4].block.kind, GW_BLOCK_KIND_NEVER);
	assert_prefix(&st[4].block.prefix, AF_INET6, "2001:db8::", 32);
	assert_int_equal(st[4].col, 3);
	gw_policy_text_free(&out);

	EXPECT_ERROR("block\n", 1, 6, "needs a prefix or $define");
	EXPECT_ERROR("block 203.0.113.1/24\n", 1, 7, "host bits");
	EXPECT_ERROR("block 203.0.113.0/33\n", 1, 7, "invalid prefix length");
	EXPECT_ERROR("never-block 2001:db8::/129\n", 1, 13, "invalid prefix length");
	EXPECT_ERROR("block bogus\n", 1, 7, "is not an IPv4 or IPv6 prefix");
	EXPECT_ERROR("block $nobody\n", 1, 7, "\"nobody\" is not defined");
	EXPECT_ERROR("block 192.0.2.1 192.0.2.2\n", 1, 17, "unexpected 192.0.2.2");
	EXPECT_ERROR("block 192.0.2.1 timeout 60\n", 1, 17, "permanent entries only");
	EXPECT_ERROR("never-block { 192.0.2.1 }\n", 1, 13, "expected a prefix or $define");
	EXPECT_ERROR("blocks 192.0.2.1\n", 1, 1, "unknown keyword \"blocks\"");
}

TEST(unknown_keyword)
{
	EXPECT_ERROR("iface wan0 wan\n  alow tcp port 22\n", 2, 3,
		     "unknown keyword \"alow\"");
	EXPECT_ERROR("allow tcp port 22 form 192.0.2.1\n", 1, 19,
		     "unknown rule option \"form\"");
	EXPECT_ERROR("allow tcpx\n", 1, 7, "unknown protocol \"tcpx\"");
	EXPECT_ERROR("iface wan0 dmz\n", 1, 12, "unknown zone \"dmz\"");
	EXPECT_ERROR("{ tcp }\n", 1, 1, "expected a statement");
	EXPECT_ERROR("iface wan0 wan extra\n", 1, 16, "unexpected extra");
}

TEST(bad_prefix)
{
	EXPECT_ERROR("allow tcp from 192.0.2.300\n", 1, 16, "not an IPv4 or IPv6 prefix");
	EXPECT_ERROR("allow tcp to 192.0.2.0/33\n", 1, 14, "invalid prefix length");
	EXPECT_ERROR("allow tcp to 192.0.2.1/24\n", 1, 14, "host bits set");
	EXPECT_ERROR("define d = { 2001:db8::/32, 2001:zz::/32 }\n", 1, 29,
		     "not an IPv4 or IPv6 prefix");
	EXPECT_ERROR("allow tcp from 192.0.2.0/24 to 2001:db8::1\n", 1, 1,
		     "same address family");
}

TEST(bad_ports)
{
	EXPECT_ERROR("allow tcp port 0\n", 1, 16, "port 0 is out of range (1-65535)");
	EXPECT_ERROR("allow udp port 70000\n", 1, 16, "port 70000 is out of range");
	EXPECT_ERROR("allow tcp port 22,0\n", 1, 16, "port 0 is out of range");
	EXPECT_ERROR("allow tcp port 90-80\n", 1, 16, "backwards");
	EXPECT_ERROR("allow tcp port 1,2,3,4,5,6,7,8,9\n", 1, 16, "too many port ranges");
	EXPECT_ERROR("allow icmp port 22\n", 1, 17, "port needs a tcp or udp rule");
	EXPECT_ERROR("allow tcp port\n", 1, 15, "\"port\" needs ports");
	EXPECT_ERROR("allow tcp port 22 port 80\n", 1, 19, "\"port\" given twice");
	EXPECT_ERROR("allow tcp rate 5/s\n", 1, 16, "rate needs an icmp");
	EXPECT_ERROR("allow icmp echo rate 0/s\n", 1, 22, "rate 0 is out of range");
}

TEST(bad_strings_and_sets)
{
	char longc[GW_COMMENT_MAX + 64];

	EXPECT_ERROR("allow tcp comment \"open\n", 1, 19, "unterminated string");
	EXPECT_ERROR("allow tcp comment\n", 1, 18, "\"comment\" needs");
	EXPECT_ERROR("allow tcp port \"22\"\n", 1, 16, "found a string");
	snprintf(longc, sizeof(longc), "allow tcp comment \"%0*d\"\n", GW_COMMENT_MAX, 0);
	EXPECT_ERROR(longc, 1, 19, "comment is too long");
	EXPECT_ERROR("set tcp_established\n", 1, 20, "\"tcp_established\" needs a value");
	EXPECT_ERROR("set Tcp 5\n", 1, 5, "invalid tunable name");
	EXPECT_ERROR("set a 1 2\n", 1, 9, "unexpected 2");
	EXPECT_ERROR("iface bad/name wan\n", 1, 7, "not a valid interface name");
	EXPECT_ERROR("iface averyveryverylongname wan\n", 1, 7, "too long");
}

TEST(duplicate_define)
{
	EXPECT_ERROR("define a = { 192.0.2.0/24 }\n# again\ndefine a = { 198.51.100.0/24 }\n",
		     3, 8, "\"a\" is already defined at t.rules:1");
}

TEST(long_line)
{
	size_t len = 10u << 20;
	char *text = malloc(len + 32);

	assert_non_null(text);
	strcpy(text, "iface wan0 wan\nallow tcp comment \"");
	memset(text + strlen(text), 'x', len - strlen(text));
	text[len] = '\0';
	expect_error(text, len, 2, GW_RF_LINE_MAX + 1, "line longer than 4096 bytes");
	free(text);
}

TEST(binary_garbage)
{
	static const char elf[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00";
	static const char nul[] = "iface wan0 wan\nset a\0 1\n";

	expect_error(elf, sizeof(elf) - 1, 1, 1, "binary data (byte 0x7f)");
	expect_error(nul, sizeof(nul) - 1, 2, 6, "binary data (byte 0x00)");
	EXPECT_ERROR("iface wan0 wan\x01\n", 1, 15, "binary data (byte 0x01)");
}

TEST(empty_file)
{
	expect_error("", 0, 1, 1, "no statements");
	EXPECT_ERROR("# only a comment\n\n   \n", 1, 1, "no statements");
	EXPECT_ERROR("define a = { 192.0.2.0/24 }\n", 1, 1, "no statements");
}

/* Files in a fresh directory, for the include tests. */
static char tmpdir[64];

static void put_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/gw-rulefile-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	if (mkdir(strcat(strcpy((char[96]){ 0 }, tmpdir), "/sub"), 0700))
		return -1;
	return 0;
}

static int remove_tmpdir(void **state)
{
	char cmd[96];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) ? -1 : 0;
}

static int load(const char *name, struct gw_policy_text *out, struct gw_rf_error *err)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return gw_rulefile_load(path, NULL, out, err);
}

TEST(include_relative_to_the_including_file)
{
	struct gw_policy_text out;
	struct gw_rf_error err;

	put_file("main.rules", "define d = { 192.0.2.0/24 }\ninclude \"sub/a.rules\"\nset icmp 5\n");
	put_file("sub/a.rules", "# from main\ninclude \"b.rules\"\nallow tcp from $d port 22\n");
	put_file("sub/b.rules", "iface wan0 wan\n");
	assert_int_equal(load("main.rules", &out, &err), 0);
	assert_int_equal(out.count, 3);
	assert_int_equal(out.stmts[0].kind, GW_STMT_IFACE);
	assert_non_null(strstr(out.stmts[0].file, "sub/b.rules"));
	assert_int_equal(out.stmts[1].kind, GW_STMT_RULE);
	assert_non_null(strstr(out.stmts[1].file, "sub/a.rules"));
	assert_int_equal(out.stmts[1].line, 3);
	assert_int_equal(out.stmts[2].kind, GW_STMT_SET);
	assert_non_null(strstr(out.stmts[2].file, "main.rules"));
	gw_policy_text_free(&out);

	/* an error inside an included file names that file */
	put_file("sub/b.rules", "iface wan0 wan\nallow tcp port 0\n");
	assert_int_equal(load("main.rules", &out, &err), -1);
	assert_non_null(strstr(err.file, "sub/b.rules"));
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 16);

	put_file("main.rules", "include \"missing.rules\"\n");
	assert_int_equal(load("main.rules", &out, &err), -1);
	assert_non_null(strstr(err.msg, "cannot open"));
	assert_int_equal(err.line, 1);
	assert_int_equal(err.col, 9);

	put_file("main.rules", "include \"/dev/zero\"\n");
	assert_int_equal(load("main.rules", &out, &err), -1);
	assert_non_null(strstr(err.msg, "not a regular file"));
}

TEST(include_loop)
{
	struct gw_policy_text out;
	struct gw_rf_error err;

	put_file("self.rules", "iface wan0 wan\ninclude \"self.rules\"\n");
	assert_int_equal(load("self.rules", &out, &err), -1);
	assert_non_null(strstr(err.msg, "include loop"));
	assert_int_equal(err.line, 2);

	put_file("a.rules", "iface wan0 wan\ninclude \"sub/../b.rules\"\n");
	put_file("b.rules", "\n\ninclude \"a.rules\"\n");
	assert_int_equal(load("a.rules", &out, &err), -1);
	assert_non_null(strstr(err.msg, "include loop"));
	assert_non_null(strstr(err.file, "b.rules"));
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, 9);

	/* the same file twice, not nested, is no loop */
	put_file("twice.rules", "include \"b2.rules\"\ninclude \"b2.rules\"\n");
	put_file("b2.rules", "set icmp 5\n");
	assert_int_equal(load("twice.rules", &out, &err), 0);
	assert_int_equal(out.count, 2);
	gw_policy_text_free(&out);

	EXPECT_ERROR("include \"x.rules\"\n", 1, 1, "include is not allowed");
}

TEST(shipped_rule_files_parse)
{
	static const char *const files[] = { "gateway.rules", "web-server.rules" };
	struct gw_policy_text out;
	struct gw_rf_error err;
	char path[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", GW_RULES_DIR, files[i]);
		if (gw_rulefile_load(path, NULL, &out, &err))
			fail_msg("%s:%u:%u: %s", err.file, err.line, err.col, err.msg);
		assert_true(out.count >= 5);
		gw_policy_text_free(&out);
	}
}

/* issue 7's per-rule limits, in the file as on the command line */
TEST(source_limits)
{
	struct gw_policy_text out;
	struct gw_rf_error err;

	assert_int_equal(parse("allow tcp to 192.0.2.2 port 80 max-src-conn 50 "
			       "max-src-conn-rate 20/5\n", &out, &err), 0);
	assert_int_equal(out.count, 1);
	assert_int_equal(out.stmts[0].rule.max_src_conn, 50);
	assert_int_equal(out.stmts[0].rule.src_rate_conn, 20);
	assert_int_equal(out.stmts[0].rule.src_rate_seconds, 5);
	gw_policy_text_free(&out);

	EXPECT_ERROR("allow udp max-src-conn 5\n", 1, 24, "max-src-conn needs a tcp rule");
	EXPECT_ERROR("allow tcp max-src-conn 0\n", 1, 24, "max-src-conn 0 is out of range");
	EXPECT_ERROR("allow tcp max-src-conn 30001\n", 1, 24, "out of range");
	EXPECT_ERROR("allow tcp max-src-conn-rate 20\n", 1, 29, "must be N/S");
	EXPECT_ERROR("allow tcp max-src-conn-rate 20/0\n", 1, 29, "seconds 0 is out of range");
	EXPECT_ERROR("allow tcp max-src-conn-rate /5\n", 1, 29, "must be N/S");
}

/* issue 16: synproxy, a keyword with no value, tcp only */
TEST(synproxy_option)
{
	struct gw_policy_text out;
	struct gw_rf_error err;

	assert_int_equal(parse("allow tcp to 192.0.2.80 port 80 synproxy\n"
			       "allow tcp synproxy port 443 comment \"web\"\n"
			       "allow tcp port 22\n", &out, &err), 0);
	assert_int_equal(out.count, 3);
	assert_int_equal(out.stmts[0].rule.synproxy, GW_SYNPROXY_ON);
	assert_int_equal(out.stmts[0].rule.ports.range[0].first, 80);
	assert_int_equal(out.stmts[1].rule.synproxy, GW_SYNPROXY_ON);
	assert_int_equal(out.stmts[1].rule.ports.range[0].first, 443);
	assert_string_equal(out.stmts[1].rule.comment, "web");
	assert_int_equal(out.stmts[2].rule.synproxy, GW_SYNPROXY_AUTO);
	gw_policy_text_free(&out);

	/* auto is what no word says; off and auto are words of their own */
	assert_int_equal(parse("allow tcp port 80 synproxy off on wan0\n"
			       "allow tcp synproxy auto port 443\n"
			       "allow tcp synproxy port 25\n", &out, &err), 0);
	assert_int_equal(out.count, 3);
	assert_int_equal(out.stmts[0].rule.synproxy, GW_SYNPROXY_OFF);
	assert_string_equal(out.stmts[0].rule.ifname, "wan0");
	assert_int_equal(out.stmts[1].rule.synproxy, GW_SYNPROXY_AUTO);
	assert_int_equal(out.stmts[1].rule.ports.range[0].first, 443);
	assert_int_equal(out.stmts[2].rule.synproxy, GW_SYNPROXY_ON);
	gw_policy_text_free(&out);

	EXPECT_ERROR("allow udp port 53 synproxy\n", 1, 19, "synproxy needs a tcp rule");
	EXPECT_ERROR("allow icmp synproxy\n", 1, 12, "synproxy needs a tcp rule");
	EXPECT_ERROR("allow tcp synproxy synproxy\n", 1, 20, "\"synproxy\" given twice");
	/* on is no mode of it: what follows is the next option */
	EXPECT_ERROR("allow tcp synproxy on\n", 1, 22, "\"on\" needs an interface name");
	EXPECT_ERROR("allow udp synproxy off\n", 1, 20, "synproxy needs a tcp rule");
	EXPECT_ERROR("allow tcp synproxy off synproxy\n", 1, 24, "\"synproxy\" given twice");
	EXPECT_ERROR("allow tcp synproxy always\n", 1, 20,
		     "unknown rule option \"always\" (from, to, port, on, rate, max-src-conn, max-src-conn-rate, synproxy, log or comment)");
}

/* issue 19: log, a keyword alone, any protocol */
TEST(log_option)
{
	struct gw_policy_text out;
	struct gw_rf_error err;

	assert_int_equal(parse("allow tcp port 22 log\n"
			       "allow udp log port 53 comment \"dns\"\n"
			       "allow icmp echo log\n"
			       "allow tcp port 80\n", &out, &err), 0);
	assert_int_equal(out.count, 4);
	assert_true(out.stmts[0].rule.log);
	assert_int_equal(out.stmts[0].rule.ports.range[0].first, 22);
	assert_true(out.stmts[1].rule.log);
	assert_int_equal(out.stmts[1].rule.ports.range[0].first, 53);
	assert_string_equal(out.stmts[1].rule.comment, "dns");
	assert_true(out.stmts[2].rule.log);
	assert_false(out.stmts[3].rule.log);
	gw_policy_text_free(&out);

	EXPECT_ERROR("allow tcp log log\n", 1, 15, "\"log\" given twice");
	/* no value: what follows is the next option */
	EXPECT_ERROR("allow tcp log all\n", 1, 15, "unknown rule option \"all\"");
}

/*
 * The tokens of line, one per word of the result: "w:TEXT" (a word),
 * "s:TEXT" (a string), "{", "}", "=", each followed by "@COL"; or
 * "error@COL: MESSAGE".
 */
static const char *tokens(const char *line, unsigned int flags)
{
	static char out[1024];
	struct gw_token toks[GW_TOKENS_MAX];
	char scratch[512];
	unsigned int col;
	const char *msg;
	size_t used = 0;
	int n, i;

	assert_true(strlen(line) < sizeof(scratch));
	n = gw_tokenize(line, strlen(line), flags, scratch, toks, &col, &msg);
	if (n < 0) {
		snprintf(out, sizeof(out), "error@%u: %s", col, msg);
		return out;
	}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		const struct gw_token *t = &toks[i];

		used += snprintf(out + used, sizeof(out) - used, "%s%s%s@%u", i ? " " : "",
				 t->type == GW_TOK_WORD ? "w:" : t->type == GW_TOK_STRING ? "s:" :
				 t->type == GW_TOK_LBRACE ? "{" : t->type == GW_TOK_RBRACE ? "}" : "=",
				 t->text ? t->text : "", t->col);
	}
	return out;
}

TEST(tokenizer_words_strings_comments)
{
	/* a line, GW_TOK_PUNCT or not, and its tokens */
	static const struct {
		const char *line;
		unsigned int flags;
		const char *want;
	} cases[] = {
		/* blanks, tabs and CR separate; nothing at all is no token */
		{ "", 0, "" },
		{ " \t \r", 0, "" },
		{ "rule  add\tallow\r", 0, "w:rule@1 w:add@7 w:allow@11" },
		/* a string is one token, \" and \\ are its escapes, other \ stay */
		{ "comment \"a b\"", 0, "w:comment@1 s:a b@9" },
		{ "\"q\\\"x\\\\y\\n\"", 0, "s:q\"x\\y\\n@1" },
		{ "\"\"", 0, "s:@1" },
		{ "a\\\"b\"", 0, "w:a\\@1 s:b@3" },
		/* a quote ends a word and starts a token of its own */
		{ "x\"y z\"w", 0, "w:x@1 s:y z@2 w:w@7" },
		/* # ends the line outside a string, even inside a word; not inside one */
		{ "# all of it", 0, "" },
		{ "a b # c \"d", 0, "w:a@1 w:b@3" },
		{ "a#b", 0, "w:a@1" },
		{ "\"a # b\" # c", 0, "s:a # b@1" },
		/* { } = are tokens of a rule file, letters of a batch line */
		{ "define d={ 1,2 }", GW_TOK_PUNCT, "w:define@1 w:d@8 =@9 {@10 w:1,2@12 }@16" },
		{ "define d={ 1,2 }", 0, "w:define@1 w:d={@8 w:1,2@12 w:}@16" },
		{ "comment a=b", GW_TOK_PUNCT, "w:comment@1 w:a@9 =@10 w:b@11" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (strcmp(tokens(cases[i].line, cases[i].flags), cases[i].want))
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].line,
				 tokens(cases[i].line, cases[i].flags), cases[i].want);
	}
}

TEST(tokenizer_errors)
{
	char many[3 * GW_TOKENS_MAX + 8] = "";
	unsigned int i;

	/* an unterminated string is reported at its opening quote */
	assert_string_equal(tokens("rule add allow tcp comment \"open", 0),
			    "error@28: unterminated string");
	assert_string_equal(tokens("\"a\\\"", GW_TOK_PUNCT), "error@1: unterminated string");
	assert_string_equal(tokens("x \"", 0), "error@3: unterminated string");
	for (i = 0; i < GW_TOKENS_MAX; i++)
		strcat(many, "a ");
	assert_non_null(strstr(tokens(many, 0), "w:a@255"));
	strcat(many, "b");
	assert_string_equal(tokens(many, 0),
			    "error@257: too many words on one line (at most 128)");
	/* the rule-file parser reports the tokenizer's errors at line:col */
	EXPECT_ERROR("iface wan0 wan\nallow tcp comment \"x\\\"\n", 2, 19,
		     "unterminated string");
}

/* ---- one grammar: gwctl rule add's words and a rule file's line ---------- */

static void assert_rule_equal(const struct gw_rf_rule *a, const struct gw_rf_rule *b)
{
	unsigned int i;

	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->has_src, b->has_src);
	assert_int_equal(a->has_dst, b->has_dst);
	if (a->has_src) {
		assert_int_equal(a->src.family, b->src.family);
		assert_int_equal(a->src.plen, b->src.plen);
		assert_memory_equal(a->src.addr, b->src.addr, sizeof(a->src.addr));
	}
	if (a->has_dst) {
		assert_int_equal(a->dst.family, b->dst.family);
		assert_int_equal(a->dst.plen, b->dst.plen);
		assert_memory_equal(a->dst.addr, b->dst.addr, sizeof(a->dst.addr));
	}
	assert_int_equal(a->ports.count, b->ports.count);
	for (i = 0; i < a->ports.count; i++) {
		assert_int_equal(a->ports.range[i].first, b->ports.range[i].first);
		assert_int_equal(a->ports.range[i].last, b->ports.range[i].last);
	}
	assert_string_equal(a->ifname, b->ifname);
	assert_string_equal(a->comment, b->comment);
	assert_int_equal(a->rate, b->rate);
	assert_int_equal(a->max_src_conn, b->max_src_conn);
	assert_int_equal(a->src_rate_conn, b->src_rate_conn);
	assert_int_equal(a->src_rate_seconds, b->src_rate_seconds);
	assert_int_equal(a->synproxy, b->synproxy);
	assert_int_equal(a->log, b->log);
}

/* Cut text at '|' into argv, as a shell would hand the words over. */
static int split(const char *text, char *buf, size_t len, char **argv, int max)
{
	char *save = NULL, *w;
	int n = 0;

	snprintf(buf, len, "%s", text);
	for (w = strtok_r(buf, "|", &save); w && n < max; w = strtok_r(NULL, "|", &save))
		argv[n++] = w;
	return n;
}

/* ---- one printer: what rule list and save write parses back ------------- */

/* text as rule list prints it, parsed back; the rule must be the same. */
static void assert_round_trip(const struct gw_rf_rule *rule)
{
	static const struct gw_rule_counters most = {
		.hits = UINT64_MAX, .packets = UINT64_MAX, .bytes = UINT64_MAX,
	};
	const struct gw_rule_counters some = { .hits = 12, .packets = 340, .bytes = 51234 };
	char text[GW_RULE_TEXT_MAX], counters[GW_RULE_COUNTERS_TEXT_MAX];
	char line[GW_RULE_TEXT_MAX + GW_RULE_COUNTERS_TEXT_MAX];
	struct gw_policy_text out;
	struct gw_rf_error err;
	struct gw_rf_rule back;
	int len;

	len = gw_rule_format(rule, text, sizeof(text));
	assert_true(len > 0 && (size_t)len < sizeof(text));
	assert_int_equal(strlen(text), len);
	gw_rule_counters_format(3, &some, counters, sizeof(counters));
	snprintf(line, sizeof(line), "%s%s", text, counters);
	if (gw_rule_parse_line("list", line, &back, &err))
		fail_msg("%s: %u: %s", line, err.col, err.msg);
	assert_rule_equal(rule, &back);
	/* the longest comment rule list writes */
	gw_rule_counters_format(UINT32_MAX, &most, counters, sizeof(counters));
	snprintf(line, sizeof(line), "%s%s", text, counters);
	if (gw_rule_parse_line("list", line, &back, &err))
		fail_msg("%s: %u: %s", line, err.col, err.msg);
	assert_rule_equal(rule, &back);
	/* and as save writes it, in a file */
	if (parse(text, &out, &err))
		fail_msg("%s: %u: %s", text, err.col, err.msg);
	assert_int_equal(out.count, 1);
	assert_rule_equal(rule, &out.stmts[0].rule);
	gw_policy_text_free(&out);
}

/* rule list's comment: the handle, then each counter with its noun. */
TEST(rule_counters_comment)
{
	static const struct gw_rule_counters most = {
		.hits = UINT64_MAX, .packets = UINT64_MAX, .bytes = UINT64_MAX,
	};
	const struct gw_rule_counters some = { .hits = 12, .packets = 340, .bytes = 51234 };
	const struct gw_rule_counters one = { .hits = 1, .packets = 1, .bytes = 1 };
	const struct gw_rule_counters none = { 0 };
	char buf[GW_RULE_COUNTERS_TEXT_MAX];
	int len;

	gw_rule_counters_format(3, &some, buf, sizeof(buf));
	assert_string_equal(buf, "  # handle 3, 12 hits, 340 packets, 51234 bytes");
	gw_rule_counters_format(1, &one, buf, sizeof(buf));
	assert_string_equal(buf, "  # handle 1, 1 hit, 1 packet, 1 byte");
	gw_rule_counters_format(7, &none, buf, sizeof(buf));
	assert_string_equal(buf, "  # handle 7, 0 hits, 0 packets, 0 bytes");
	len = gw_rule_counters_format(UINT32_MAX, &most, buf, sizeof(buf));
	assert_true(len > 0 && (size_t)len < sizeof(buf));
	assert_string_equal(buf, "  # handle 4294967295, 18446744073709551615 hits, "
			    "18446744073709551615 packets, 18446744073709551615 bytes");
}

/*
 * One rule three ways: rule add's words ('|' between them), a line of a
 * file, and as gwctl writes it (rule list, save).  All give the same rule.
 */
TEST(rule_add_words_give_the_file_rule)
{
	static const struct {
		const char *words;
		const char *line;
		const char *printed;
	} cases[] = {
		{ "allow|tcp", "allow tcp", "allow tcp" },
		{ "allow|tcp|to|203.0.113.10/32|port|22,443|comment|ssh and web",
		  "allow tcp to 203.0.113.10 port 22,443 comment \"ssh and web\"",
		  "allow tcp to 203.0.113.10 port 22,443 comment \"ssh and web\"" },
		{ "allow|udp|on|wan0|port|53,5000-5010|from|192.0.2.0/24|to|198.51.100.7",
		  "allow udp from 192.0.2.0/24 to 198.51.100.7 port 53,5000-5010 on wan0",
		  "allow udp from 192.0.2.0/24 to 198.51.100.7 port 53,5000-5010 on wan0" },
		{ "allow|tcp|port|8082|max-src-conn-rate|20/5|max-src-conn|50",
		  "allow tcp port 8082 max-src-conn 50 max-src-conn-rate 20/5",
		  "allow tcp port 8082 max-src-conn 50 max-src-conn-rate 20/5" },
		{ "allow|tcp|synproxy|to|192.0.2.80|port|80",
		  "allow tcp to 192.0.2.80 port 80 synproxy",
		  "allow tcp to 192.0.2.80 port 80 synproxy" },
		{ "allow|icmp|echo|rate|5/s", "allow icmp rate 5", "allow icmp echo rate 5/s" },
		{ "allow|icmpv6|from|2001:db8::/32", "allow icmpv6 echo from 2001:db8::/32",
		  "allow icmpv6 echo from 2001:db8::/32" },
		{ "allow|proto|6|port|1", "allow tcp port 1", "allow tcp port 1" },
		{ "allow|proto|47|to|2001:db8::1/128", "allow proto 47 to 2001:db8::1",
		  "allow proto 47 to 2001:db8::1" },
		{ "allow|tcp|from|::/0", "allow tcp from ::/0", "allow tcp from ::/0" },
		{ "allow|tcp|comment|lan \"web\" \\ $x # no comment",
		  "allow tcp comment \"lan \\\"web\\\" \\\\ $x # no comment\"",
		  "allow tcp comment \"lan \\\"web\\\" \\\\ $x # no comment\"" },
		{ "allow|tcp|comment|word", "allow tcp comment word  # a comment",
		  "allow tcp comment \"word\"" },
		{ "allow|tcp|on|odd#name", "allow tcp on \"odd#name\"", "allow tcp on \"odd#name\"" },
		{ "allow|tcp|on|a=b", "allow tcp on \"a=b\"", "allow tcp on \"a=b\"" },
		{ "allow|tcp|log|port|22|synproxy|off", "allow tcp port 22 synproxy off log",
		  "allow tcp port 22 synproxy off log" },
	};
	struct gw_rf_rule from_words, from_line;
	char buf[256], text[GW_RULE_TEXT_MAX], *argv[32];
	struct gw_policy_text out;
	struct gw_rf_error err;
	size_t i;
	int argc;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		argc = split(cases[i].words, buf, sizeof(buf), argv, 32);
		if (gw_rule_parse_words(argc, argv, &from_words, &err))
			fail_msg("words %s: word %u: %s", cases[i].words, err.col, err.msg);
		if (gw_rule_parse_line("t.rules", cases[i].line, &from_line, &err))
			fail_msg("line %s: %u: %s", cases[i].line, err.col, err.msg);
		assert_rule_equal(&from_words, &from_line);
		/* and what a whole file makes of that line */
		assert_int_equal(parse(cases[i].line, &out, &err), 0);
		assert_int_equal(out.count, 1);
		assert_rule_equal(&from_words, &out.stmts[0].rule);
		gw_policy_text_free(&out);
		/* and how gwctl writes it, which reads back as the same rule */
		gw_rule_format(&from_words, text, sizeof(text));
		assert_string_equal(text, cases[i].printed);
		assert_round_trip(&from_words);
	}
	/* a short buffer: cut, terminated, and the length needed said */
	assert_int_equal(gw_rule_format(&from_words, text, 10), strlen(cases[i - 1].printed));
	assert_string_equal(text, "allow tcp");
}

TEST(rule_add_errors_are_the_file_errors)
{
	/* the words, the word an error names, the line's column, the message */
	static const struct {
		const char *words;
		unsigned int word;
		unsigned int col;
		const char *msg;
	} cases[] = {
		{ "allow|tcp|port|70000", 4, 16, "port 70000 is out of range (1-65535)" },
		{ "allow|tcp|port", 4, 15, "\"port\" needs ports (P, P-Q, P,Q,...)" },
		{ "allow", 2, 6, "\"allow\" needs a protocol (tcp, udp, icmp, icmpv6 or proto N)" },
		{ "allow|tcpx", 2, 7, "unknown protocol \"tcpx\" (tcp, udp, icmp, icmpv6 or proto N)" },
		{ "allow|proto|300", 3, 13, "protocol number 300 is out of range (0-255)" },
		{ "allow|tcp|form|192.0.2.1", 3, 11,
		  "unknown rule option \"form\" (from, to, port, on, rate, max-src-conn, max-src-conn-rate, synproxy, log or comment)" },
		{ "allow|tcp|port|22|port|80", 5, 19, "\"port\" given twice" },
		{ "allow|icmp|port|22", 4, 17, "port needs a tcp or udp rule" },
		{ "allow|tcp|rate|5/s", 4, 16, "rate needs an icmp or icmpv6 rule" },
		{ "allow|udp|max-src-conn|5", 4, 24, "max-src-conn needs a tcp rule" },
		{ "allow|udp|synproxy", 3, 11, "synproxy needs a tcp rule" },
		{ "allow|tcp|to|192.0.2.1/24", 4, 14,
		  "host bits set in 192.0.2.1/24, did you mean 192.0.2.0/24?" },
		{ "allow|tcp|from|192.0.2.0/24|to|2001:db8::1", 1, 1,
		  "from and to must be of the same address family" },
		{ "allow|tcp|on|bad/name", 4, 14, "\"bad/name\" is not a valid interface name" },
		{ "deny|tcp", 1, 1, "expected an allow rule, found deny" },
		{ "iface|wan0|wan", 1, 1, "expected an allow rule, found iface" },
	};
	struct gw_rf_error werr, lerr;
	struct gw_rf_rule rule;
	char buf[256], line[256], text[GW_ERR_MAX + 300], want[GW_ERR_MAX + 300], *argv[32];
	size_t i, j;
	int argc;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		argc = split(cases[i].words, buf, sizeof(buf), argv, 32);
		snprintf(line, sizeof(line), "%s", cases[i].words);
		for (j = 0; line[j]; j++)
			line[j] = line[j] == '|' ? ' ' : line[j];
		assert_int_equal(gw_rule_parse_words(argc, argv, &rule, &werr), -1);
		assert_int_equal(gw_rule_parse_line("t.rules", line, &rule, &lerr), -1);
		if (strcmp(werr.msg, lerr.msg) || strncmp(werr.msg, cases[i].msg, strlen(cases[i].msg)))
			fail_msg("%s: words say \"%s\", the line \"%s\", want \"%s\"", line,
				 werr.msg, lerr.msg, cases[i].msg);
		if (werr.col != cases[i].word || lerr.col != cases[i].col)
			fail_msg("%s: at word %u and column %u, want %u and %u", line,
				 werr.col, lerr.col, cases[i].word, cases[i].col);
		/* and what a file says at that line (where it has an allow rule) */
		if (!strncmp(line, "allow", 5))
			EXPECT_ERROR(line, 1, cases[i].col, lerr.msg);
		gw_rf_error_format(&werr, text, sizeof(text));
		snprintf(want, sizeof(want), "word %u: %s", cases[i].word, werr.msg);
		assert_string_equal(text, want);
		gw_rf_error_format(&lerr, text, sizeof(text));
		snprintf(want, sizeof(want), "t.rules:1:%u: %s", cases[i].col, lerr.msg);
		assert_string_equal(text, want);
	}
	/* nothing at all, and a define that cannot exist on a command line */
	assert_int_equal(gw_rule_parse_words(0, argv, &rule, &werr), -1);
	assert_int_equal(werr.col, 1);
	assert_non_null(strstr(werr.msg, "expected an allow rule"));
	argc = split("allow|tcp|from|$admin", buf, sizeof(buf), argv, 32);
	assert_int_equal(gw_rule_parse_words(argc, argv, &rule, &werr), -1);
	assert_int_equal(werr.col, 4);
	assert_non_null(strstr(werr.msg, "\"admin\" is not defined"));
	/* a word is one word: a blank or a quote in it is no separator */
	argc = split("allow|tcp|port|22 80", buf, sizeof(buf), argv, 32);
	assert_int_equal(gw_rule_parse_words(argc, argv, &rule, &werr), -1);
	assert_int_equal(werr.col, 4);
	assert_int_equal(gw_rule_parse_line("t.rules", "allow tcp comment \"open", &rule, &lerr), -1);
	assert_int_equal(lerr.col, 19);
	assert_string_equal(lerr.msg, "unterminated string");
}

static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return n ? rnd_state % n : rnd_state;
}

static void random_prefix(struct gw_prefix *p, int family)
{
	unsigned int len = family == AF_INET ? 4 : 16, i;

	memset(p, 0, sizeof(*p));
	p->family = family;
	p->plen = rnd(len * 8 + 1);
	for (i = 0; i < len; i++) {
		unsigned int bits = p->plen > i * 8 ? p->plen - i * 8 : 0;

		p->addr[i] = rnd(256) & (bits >= 8 ? 0xff : (0xff00 >> bits) & 0xff);
	}
}

static void random_text(char *buf, size_t max, const char *alphabet)
{
	size_t n = rnd(max), i, k = alphabet ? strlen(alphabet) : 0;

	for (i = 0; i < n; i++)
		buf[i] = alphabet ? alphabet[rnd(k)] : (char)(0x20 + rnd(0x7f - 0x20));
	buf[n] = '\0';
}

/* Any rule the language can hold (what the parsers let through) survives. */
TEST(rule_format_round_trip_random)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP,
					  IPPROTO_ICMPV6, 0, 47, 132, 255 };
	struct gw_rf_rule r;
	unsigned int i, k;

	for (i = 0; i < 2000; i++) {
		int family = rnd(2) ? AF_INET : AF_INET6;
		bool tcp;

		memset(&r, 0, sizeof(r));
		r.proto = protos[rnd(ARRAY_SIZE(protos))];
		tcp = r.proto == IPPROTO_TCP;
		r.has_src = rnd(2);
		r.has_dst = rnd(2);
		if (r.has_src)
			random_prefix(&r.src, family);
		if (r.has_dst)
			random_prefix(&r.dst, family);
		if (tcp || r.proto == IPPROTO_UDP) {
			r.ports.count = rnd(GW_RULE_MAX_PORT_RANGES + 1);
			for (k = 0; k < r.ports.count; k++) {
				r.ports.range[k].first = 1 + rnd(65535);
				r.ports.range[k].last = rnd(2) ? r.ports.range[k].first :
					r.ports.range[k].first + rnd(65536 - r.ports.range[k].first);
			}
		}
		if (rnd(2)) {
			random_text(r.ifname, GW_IFNAMSIZ - 1, "abcxyz019.-_#\"{}=\\$");
			if (!r.ifname[0] || !strcmp(r.ifname, ".") || !strcmp(r.ifname, ".."))
				strcpy(r.ifname, "eth0");
		}
		if (rnd(2))
			random_text(r.comment, GW_COMMENT_MAX - 1, NULL);
		if ((r.proto == IPPROTO_ICMP || r.proto == IPPROTO_ICMPV6) && rnd(2))
			r.rate = 1 + rnd(GW_RULE_RATE_MAX);
		if (tcp && rnd(2))
			r.max_src_conn = 1 + rnd(GW_SRC_CONN_MAX);
		if (tcp && rnd(2)) {
			r.src_rate_conn = 1 + rnd(GW_SRC_CONN_MAX);
			r.src_rate_seconds = 1 + rnd(GW_SRC_RATE_SECONDS_MAX);
		}
		/* auto, on or off: GW_SYNPROXY_AUTO is what no word says */
		if (tcp)
			r.synproxy = rnd(__GW_SYNPROXY_MAX);
		r.log = rnd(2);
		assert_round_trip(&r);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(every_statement_kind),
	cmocka_unit_test(synproxy_option),
	cmocka_unit_test(log_option),
	cmocka_unit_test(source_limits),
	cmocka_unit_test(define_expands_per_family),
	cmocka_unit_test(unknown_keyword),
	cmocka_unit_test(block_statements),
	cmocka_unit_test(bad_prefix),
	cmocka_unit_test(bad_ports),
	cmocka_unit_test(bad_strings_and_sets),
	cmocka_unit_test(duplicate_define),
	cmocka_unit_test(long_line),
	cmocka_unit_test(binary_garbage),
	cmocka_unit_test(empty_file),
	cmocka_unit_test_setup_teardown(include_relative_to_the_including_file,
					make_tmpdir, remove_tmpdir),
	cmocka_unit_test_setup_teardown(include_loop, make_tmpdir, remove_tmpdir),
	cmocka_unit_test(shipped_rule_files_parse),
	cmocka_unit_test(tokenizer_words_strings_comments),
	cmocka_unit_test(tokenizer_errors),
	cmocka_unit_test(rule_counters_comment),
	cmocka_unit_test(rule_add_words_give_the_file_rule),
	cmocka_unit_test(rule_add_errors_are_the_file_errors),
	cmocka_unit_test(rule_format_round_trip_random),
};

GW_UNIT_MAIN(tests)
