/* nsw_test.c - the runner behind nsw_test.h: runs every registered test (or those whose name
 * contains argv[1]) and exits non-zero if any failed. */
#include "nsw_test.h"

#include <stdlib.h>

#define NSW_TEST_MAX 512
static struct nsw_test tests[NSW_TEST_MAX];
static int ntests;
int nsw_test_failed_now;
int nsw_test_skipped;
static char why[512];

void nsw_test_register(const char *name, void (*fn)(void))
{
	if (ntests == NSW_TEST_MAX) {
		fprintf(stderr, "nsw_test: more than %d tests\n", NSW_TEST_MAX);
		exit(2);
	}
	tests[ntests++] = (struct nsw_test){name, fn};
}

void nsw_test_fail(const char *file, int line, const char *what)
{
	if (!nsw_test_failed_now)
		snprintf(why, sizeof why, "%s:%d: %s", file, line, what);
	nsw_test_failed_now = 1;
}

int main(int argc, char **argv)
{
	int failed = 0, ran = 0;
	const char *prefix = getenv("NSW_TEST_PREFIX");
	for (int i = 0; i < ntests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		nsw_test_failed_now = 0;
		nsw_test_skipped = 0;
		tests[i].fn();
		ran++;
		if (nsw_test_skipped && !nsw_test_failed_now) {
			continue;
		} else if (nsw_test_failed_now) {
			failed++;
			printf("FAIL %s%s: %s\n", prefix ? prefix : "", tests[i].name, why);
		} else {
			printf("ok %s%s\n", prefix ? prefix : "", tests[i].name);
		}
		fflush(stdout);
	}
	return failed || !ran ? 1 : 0;
}
