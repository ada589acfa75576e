// SPDX-License-Identifier: GPL-2.0
/*
 * Text or JSON output behind one set of calls (see print.h).  The JSON side
 * is a small streaming writer: it only has to remember, per open container,
 * whether a comma is due and which bracket closes it.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gwctl.h"
#include "print.h"

#define PRINT_MAX_DEPTH 8
#define SCHEMA_VERSION 1

static struct {
	bool json;
	unsigned int depth;			/* open containers; 0: no document yet */
	bool has_members[PRINT_MAX_DEPTH];	/* a comma is due before the next */
	char closer[PRINT_MAX_DEPTH];
	bool streamed;				/* print_end_document() ended one */
} out;

void print_set_json(bool json)
{
	out.json = json;
}

bool print_is_json(void)
{
	return out.json;
}

/* Length of the well-formed UTF-8 sequence at p, or 0 if there is none. */
static size_t utf8_len(const unsigned char *p)
{
	static const uint32_t min_cp[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t cp;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * Interface names and comments are arbitrary bytes to the kernel; invalid
 * UTF-8 becomes U+FFFD so that the document stays valid JSON.
 */
static void json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
	while (*p) {
		size_t n = utf8_len(p);

		if (n == 0) {
			fputs("\\ufffd", stdout);
			n = 1;
		} else if (*p == '"' || *p == '\\') {
			printf("\\%c", *p);
		} else if (*p < 0x20) {
			printf("\\u%04x", *p);
		} else {
			fwrite(p, 1, n, stdout);
		}
		p += n;
	}
	putchar('"');
}

static void json_push(char open, char close)
{
	assert(out.depth < PRINT_MAX_DEPTH);
	putchar(open);
	out.has_members[out.depth] = false;
	out.closer[out.depth] = close;
	out.depth++;
}

static void json_pop(void)
{
	out.depth--;
	putchar(out.closer[out.depth]);
}

static void json_value_start(const char *key);

static void json_ensure_document(void)
{
	if (out.depth)
		return;
	json_push('{', '}');
	json_value_start("schema_version");
	printf("%d", SCHEMA_VERSION);
}

/* Comma and key for the next value of the innermost container. */
static void json_value_start(const char *key)
{
	json_ensure_document();
	if (out.has_members[out.depth - 1])
		putchar(',');
	out.has_members[out.depth - 1] = true;
	if (key) {
		json_string(key);
		putchar(':');
	}
}

static void json_close(char close)
{
	/* Closing the document itself is print_finish()'s job. */
	assert(out.depth > 1 && out.closer[out.depth - 1] == close);
	json_pop();
}

/* Objects and arrays are JSON's alone: the text output has no brackets. */
static void print_open(const char *key, char open, char close)
{
	if (!out.json)
		return;
	json_value_start(key);
	json_push(open, close);
}

static void print_close(char close)
{
	if (out.json)
		json_close(close);
}

void print_open_object(const char *key)
{
	print_open(key, '{', '}');
}

void print_close_object(void)
{
	print_close('}');
}

void print_open_array(const char *key)
{
	print_open(key, '[', ']');
}

void print_close_array(void)
{
	print_close(']');
}

void print_list_item(struct print_list *list)
{
	if (list->opened)
		return;
	list->opened = true;
	if (list->object)
		print_open_object(list->key);
	else
		print_open_array(list->key);
}

void print_list_end(struct print_list *list)
{
	print_list_item(list);
	if (list->object)
		print_close_object();
	else
		print_close_array();
}

/* textfmt is a caller's literal whose one conversion takes the value. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void print_str(const char *key, const char *textfmt, const char *value)
{
	if (out.json) {
		json_value_start(key);
		json_string(value);
	} else if (textfmt) {
		printf(textfmt, value);
	}
}

void print_u64(const char *key, const char *textfmt, uint64_t value)
{
	if (out.json) {
		json_value_start(key);
		printf("%" PRIu64, value);
	} else if (textfmt) {
		printf(textfmt, value);
	}
}

void print_double(const char *key, const char *textfmt, double value)
{
	if (out.json) {
		json_value_start(key);
		printf("%.3f", value);
	} else if (textfmt) {
		printf(textfmt, value);
	}
}

#pragma GCC diagnostic pop

void print_bool(const char *key, const char *textfmt, bool value)
{
	if (out.json) {
		json_value_start(key);
		fputs(value ? "true" : "false", stdout);
	} else if (textfmt && value) {
		fputs(textfmt, stdout);
	}
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (out.json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void print_nl(void)
{
	if (!out.json)
		putchar('\n');
}

void print_error(int errnum, const char *fmt, ...)
{
	size_t len;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	/* Flush first so that stdout and stderr interleave in order on a tty. */
	fflush(stdout);
	len = strlen(msg);
	fprintf(stderr, "Error: %s%s\n", msg, len && msg[len - 1] == '.' ? "" : ".");
	if (!out.json)
		return;
	/* Whatever was being listed stays; the error goes at the top level. */
	json_ensure_document();
	while (out.depth > 1)
		json_pop();
	json_value_start("error");
	json_string(msg);
	json_value_start("errno");
	printf("%d", errnum);
}

static void json_end_document(void)
{
	while (out.depth)
		json_pop();
	putchar('\n');
}

void print_finish(int exit_code)
{
	bool streamed = out.streamed;

	out.streamed = false;
	if (!out.json || (!out.depth && (exit_code != GW_EXIT_OK || streamed)))
		return;
	json_ensure_document();
	json_end_document();
}

void print_end_document(void)
{
	if (out.json && out.depth)
		json_end_document();
	out.streamed = true;
	fflush(stdout);
}
