/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One set of output calls for both modes, in the spirit of iproute2's
 * print_string(PRINT_ANY, ...): a command describes its result once and
 * the mode decides whether that becomes text for humans or JSON.
 *
 * key:     the JSON member name; NULL for an element of an array.
 * textfmt: printf format used in text mode, consuming exactly the value
 *          ("%" PRIu64 for print_u64, "%s" for print_str); NULL prints
 *          nothing in text mode.
 *
 * In JSON mode the first call opens the document ({"schema_version": 1,
 * ...) and print_finish() closes it, so every command emits exactly one.
 */
#ifndef GWCTL_PRINT_H
#define GWCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>

void print_set_json(bool json);
bool print_is_json(void);

/* Containers exist only in JSON; in text mode these print nothing. */
void print_open_object(const char *key);
void print_close_object(void);
void print_open_array(const char *key);
void print_close_array(void);

/*
 * A listing's container, opened only when its first item arrives: a dump
 * that fails before any data then yields {"error": ...} rather than an
 * empty list that looks like a real answer.
 */
struct print_list {
	const char *key;
	bool object;		/* a JSON object keyed by item, not an array */
	bool opened;
};

void print_list_item(struct print_list *list);	/* before each item */
void print_list_end(struct print_list *list);	/* after a successful dump */

/*
 * No format attribute: gcc would reject the NULL textfmt of JSON-only
 * members, and with the value outside a varargs list it could not check
 * the conversion anyway.
 */
void print_str(const char *key, const char *textfmt, const char *value);
void print_u64(const char *key, const char *textfmt, uint64_t value);
/* A rate: three decimals in JSON, textfmt's conversion (%f, %.1f) in text. */
void print_double(const char *key, const char *textfmt, double value);
/* Text mode prints textfmt verbatim when value is true: a flag like "[replied]". */
void print_bool(const char *key, const char *textfmt, bool value);

/* Text mode only. */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_nl(void);

/*
 * A failure from the kernel or netlink: "Error: <msg>." on stderr and, in
 * JSON mode, "error" and "errno" members in the document as well.  msg is
 * given without the final period.
 */
void print_error(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Ends the output of a command.  In JSON mode a successful command that
 * printed nothing still gets {"schema_version": 1}; a usage error gets no
 * document at all.
 */
void print_finish(int exit_code);

/*
 * For a command that prints a stream of results (stats -r, top -j): ends
 * one result, in JSON one document a line, and flushes it out;
 * print_finish() then adds no empty document after the last.
 */
void print_end_document(void);

#endif /* GWCTL_PRINT_H */
