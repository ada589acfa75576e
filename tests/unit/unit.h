/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every unit test file shares: cmocka, the core's headers, the
 * userspace embedding, and a main() the runner can ask for a test count.
 */
#ifndef _GW_TEST_UNIT_H
#define _GW_TEST_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pkt_buffer.h"

/* A cmocka test case; @state is cmocka's and unused here. */
#define TEST(name) static void name(void **state __attribute__((unused)))

/*
 * "--count" prints how many cases the binary holds, so that run_unit.sh
 * can count the cases of a binary that crashes half-way as failed rather
 * than as never there.  stdout is unbuffered so that the "[ OK ]" lines of
 * the cases before a crash reach the runner.  The alarm turns a core stuck
 * in a loop (a TCP option of length 0, say) into a failure, not a hang.
 */
#define GW_UNIT_MAIN(tests)						\
int main(int argc, char **argv)						\
{									\
	if (argc > 1 && strcmp(argv[1], "--count") == 0) {		\
		printf("%zu\n", ARRAY_SIZE(tests));			\
		return 0;						\
	}								\
	setvbuf(stdout, NULL, _IONBF, 0);				\
	alarm(60);							\
	return cmocka_run_group_tests(tests, NULL, NULL);		\
}

#endif /* _GW_TEST_UNIT_H */
