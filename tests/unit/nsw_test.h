/* nsw_test.h - the unit-test harness: a test is a function registered with NSW_TEST; a failed
 * CHECK ends that test and names the file, line and expression. Each test prints one line,
 * "ok NAME" or "FAIL NAME: why", which tests/run counts. Used by tests/unit and tests/bpf. */
#ifndef NSW_TEST_H
#define NSW_TEST_H

#include <stdio.h>
#include <string.h>

struct nsw_test {
	const char *name;
	void (*fn)(void);
};

extern int nsw_test_failed_now;
extern int nsw_test_skipped; /* set by a test that printed its own "skip NAME: why" */
void nsw_test_register(const char *name, void (*fn)(void));
void nsw_test_fail(const char *file, int line, const char *what);

#define NSW_TEST(name)                                                                    \
	static void nsw_t_##name(void);                                                   \
	__attribute__((constructor)) static void nsw_r_##name(void)                       \
	{                                                                                 \
		nsw_test_register(#name, nsw_t_##name);                                   \
	}                                                                                 \
	static void nsw_t_##name(void)

#define CHECK(e)                                                                          \
	do {                                                                              \
		if (!(e)) {                                                               \
			nsw_test_fail(__FILE__, __LINE__, #e);                            \
			return;                                                           \
		}                                                                         \
	} while (0)

#define CHECK_EQ(a, b)                                                                    \
	do {                                                                              \
		long long nsw_a_ = (long long)(a), nsw_b_ = (long long)(b);               \
		if (nsw_a_ != nsw_b_) {                                                   \
			char nsw_m_[256];                                                 \
			snprintf(nsw_m_, sizeof nsw_m_, "%s == %s (%lld != %lld)", #a, #b, \
				 nsw_a_, nsw_b_);                                         \
			nsw_test_fail(__FILE__, __LINE__, nsw_m_);                        \
			return;                                                           \
		}                                                                         \
	} while (0)

#endif
