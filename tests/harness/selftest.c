/* tests/harness/selftest.c - a C test binary with one deliberately failing CHECK and one
 * passing test; tests/harness/selftest.sh checks that the nsw_test runner reports the first as
 * FAIL, the second as ok, and exits 1. Not a test of nswitch: a test of the harness. */
#include "../unit/nsw_test.h"

static void helper_checks(int v)
{
	CHECK_EQ(v, 2);
}

NSW_TEST(deliberately_failing_check)
{
	helper_checks(1); /* a CHECK that fails in a helper still fails the test */
}

NSW_TEST(passing_check)
{
	CHECK_EQ(1 + 1, 2);
}
