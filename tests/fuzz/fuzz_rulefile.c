// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for gwctl's rule-language parser (ctl/rulefile.c), with
 * includes refused so that it never opens a file.  Checks, besides ASan
 * and UBSan: an error always has a position inside the input (a line that
 * exists, a column no further than one past the longest line) and a
 * message, and leaves nothing allocated; a success yields statements whose
 * fields are within their limits, and every rule written back as gwctl
 * writes it (gw_rule_format()) parses to the same rule.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stddef.h>

#include "rulefile.h"

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_rulefile: %s: ", #cond);	\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_prefix(bool has_a, const struct gw_prefix *a, bool has_b,
			const struct gw_prefix *b)
{
	return has_a == has_b && (!has_a || (a->family == b->family && a->plen == b->plen &&
					     !memcmp(a->addr, b->addr, sizeof(a->addr))));
}

static bool same_rule(const struct gw_rf_rule *a, const struct gw_rf_rule *b)
{
	unsigned int i;

	if (a->proto != b->proto || a->ports.count != b->ports.count ||
	    strcmp(a->ifname, b->ifname) || strcmp(a->comment, b->comment) ||
	    a->rate != b->rate || a->max_src_conn != b->max_src_conn ||
	    a->src_rate_conn != b->src_rate_conn ||
	    a->src_rate_seconds != b->src_rate_seconds ||
	    !same_prefix(a->has_src, &a->src, b->has_src, &b->src) ||
	    !same_prefix(a->has_dst, &a->dst, b->has_dst, &b->dst))
		return false;
	for (i = 0; i < a->ports.count; i++) {
		if (a->ports.range[i].first != b->ports.range[i].first ||
		    a->ports.range[i].last != b->ports.range[i].last)
			return false;
	}
	return true;
}

/* What rule list and save print of the rule reads back as the same rule. */
static void check_round_trip(const struct gw_rf_rule *rule)
{
	char line[GW_RULE_TEXT_MAX];
	struct gw_rf_error err;
	struct gw_rf_rule back;
	int len = gw_rule_format(rule, line, sizeof(line));

	CHECK(len > 0 && (size_t)len < sizeof(line), "format length %d", len);
	CHECK(!gw_rule_parse_line("fuzz", line, &back, &err), "\"%s\" does not parse: %u: %s",
	      line, err.col, err.msg);
	CHECK(same_rule(rule, &back), "\"%s\" parses to another rule", line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct gw_rf_opts opts = { .no_include = true };
	struct gw_policy_text out;
	struct gw_rf_error err;
	unsigned int lines = 1;
	size_t i;
	char *text;

	/* in a block of exactly its size, so ASan sees any overread */
	text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';

	if (gw_rulefile_parse("fuzz", text, size, &opts, &out, &err)) {
		CHECK(err.line >= 1 && err.line <= lines, "line %u of %u", err.line, lines);
		CHECK(err.col >= 1 && err.col <= GW_RF_LINE_MAX + 1, "col %u", err.col);
		CHECK(err.msg[0], "error without a message");
		CHECK(!out.stmts && !out.count, "error left %zu statements", out.count);
	} else {
		CHECK(out.count > 0, "success without statements");
		for (i = 0; i < out.count; i++) {
			const struct gw_stmt *st = &out.stmts[i];

			CHECK(st->line >= 1 && st->line <= lines, "statement line %u", st->line);
			switch (st->kind) {
			case GW_STMT_IFACE:
				CHECK(st->iface.ifname[0] && st->iface.zone <= GW_ZONE_MAX,
				      "iface");
				break;
			case GW_STMT_RULE:
				CHECK(st->rule.ports.count <= GW_RULE_MAX_PORT_RANGES,
				      "ports");
				CHECK(!st->rule.ports.count || st->rule.proto == IPPROTO_TCP ||
				      st->rule.proto == IPPROTO_UDP, "ports on proto %u",
				      st->rule.proto);
				CHECK(!st->rule.has_src || !st->rule.has_dst ||
				      st->rule.src.family == st->rule.dst.family, "families");
				CHECK(st->rule.rate <= GW_RULE_RATE_MAX, "rate");
				check_round_trip(&st->rule);
				break;
			case GW_STMT_SET:
				CHECK(st->set.name[0] && st->set.value[0], "set");
				break;
			case GW_STMT_BLOCK:
				CHECK(st->block.kind <= GW_BLOCK_KIND_MAX, "block kind");
				CHECK((st->block.prefix.family == AF_INET &&
				       st->block.prefix.plen <= 32) ||
				      (st->block.prefix.family == AF_INET6 &&
				       st->block.prefix.plen <= 128), "block prefix");
				break;
			default:
				CHECK(0, "kind %d", st->kind);
			}
		}
		gw_policy_text_free(&out);
	}
	free(text);
	return 0;
}
