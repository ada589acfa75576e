// SPDX-License-Identifier: GPL-2.0
/*
 * The names the module sends for its counters (core/names.c) and TCP states
 * (core/tcp.c), which gwctl prints as they come: one for every value (the
 * tables' static asserts), distinct, plain words, and fitting gwctl's
 * buffers.  That they are the names gwctl printed from its own lists before
 * was checked when the lists moved into the module; the guest scenarios,
 * which read counters by name, keep them so.  And every counter is
 * documented in gwctl(8), COUNTERS (docs/gwctl.8).
 */
#include "unit.h"

#include "names.h"
#include "tcp.h"

/* lower case, digits and '_': JSON members and shell words as they are */
static void assert_plain_word(const char *name, const char *chars)
{
	assert_non_null(name);
	assert_true(name[0] != '\0');
	assert_int_equal(strspn(name, chars), strlen(name));
	assert_true(strlen(name) < GW_NAME_MAX);
}

TEST(counter_names_distinct_and_plain)
{
	unsigned int i, j;

	for (i = 0; i < __GW_CTR_MAX; i++) {
		assert_plain_word(gw_counter_name(i),
				  "abcdefghijklmnopqrstuvwxyz0123456789_");
		for (j = 0; j < i; j++)
			assert_string_not_equal(gw_counter_name(i),
						gw_counter_name(j));
	}
}

TEST(counter_name_past_the_last_is_null)
{
	unsigned int i;

	for (i = __GW_CTR_MAX; i < __GW_CTR_MAX + 300; i++)
		assert_null(gw_counter_name(i));
	assert_null(gw_counter_name(~0U));
}

/* The whole of a file, NUL-terminated; the test fails if it cannot be read. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 4096, n;
	char *buf = malloc(cap);

	assert_non_null(f);
	assert_non_null(buf);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* NAME in TEXT as a whole word (not as part of drop_NAME or NAME_x). */
static bool has_word(const char *text, const char *name)
{
	static const char word[] = "abcdefghijklmnopqrstuvwxyz0123456789_";
	size_t len = strlen(name);
	const char *p;

	for (p = strstr(text, name); p; p = strstr(p + 1, name))
		if ((p == text || !strchr(word, p[-1])) &&
		    (!p[len] || !strchr(word, p[len])))
			return true;
	return false;
}

TEST(every_counter_in_the_man_page)
{
	char *page = read_file(GW_DOCS_DIR "/gwctl.8");
	unsigned int i, missing = 0;

	for (i = 0; i < __GW_CTR_MAX; i++) {
		if (!has_word(page, gw_counter_name(i))) {
			print_error("counter %s is not in docs/gwctl.8\n",
				    gw_counter_name(i));
			missing++;
		}
	}
	free(page);
	assert_int_equal(missing, 0);
}

/* "gwctl conn list" copies a state's name into a char[16] (ctl/conn.c). */
TEST(tcp_state_names_distinct_and_fit_gwctl)
{
	unsigned int i, j;

	for (i = 0; i < __GW_TCP_STATE_MAX; i++) {
		const char *name = gw_tcp_state_name((u8)i);

		assert_plain_word(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		assert_true(strlen(name) < 16);
		for (j = 0; j < i; j++)
			assert_string_not_equal(name, gw_tcp_state_name((u8)j));
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(counter_names_distinct_and_plain),
	cmocka_unit_test(counter_name_past_the_last_is_null),
	cmocka_unit_test(tcp_state_names_distinct_and_fit_gwctl),
	cmocka_unit_test(every_counter_in_the_man_page),
};

GW_UNIT_MAIN(tests)
