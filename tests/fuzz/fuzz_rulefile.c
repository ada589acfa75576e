// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for gwctl's rule-language parser (ctl/rulefile.c), with
 * includes refused so that it never opens a file.  Checks, besides ASan
 * and UBSan: an error always has a position inside the input (a line that
 * exists, a column no further than one past the longest line) and a
 * message, and leaves nothing allocated; a success yields statements whose
 * fields are within their limits.
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
