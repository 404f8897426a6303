/* test_batch_words.c - the words of a batch line (cli/nsw_batch_words.c): any word without a
 * newline, quoted as save quotes it, reads back as itself, alone and among others; comments,
 * blanks, quotes and their errors as the batch reads them. */
#include <stdlib.h>
#include <string.h>

#include "../../cli/nsw_batch_words.h"
#include "nsw_test.h"

/* Splits line into words, returns the count (-1: refused, why in *why). */
static int split(const char *line, char **argv, bool *lastq, const char **why)
{
	return nsw_bwords_split(line, strlen(line), argv, 8, lastq, why);
}

NSW_TEST(batch_words_split)
{
	char *av[9];
	bool q = false;
	const char *why = NULL;
	CHECK_EQ(split("  vf add\tlab0 pf 0\r", av, &q, &why), 5);
	CHECK(!strcmp(av[0], "vf") && !strcmp(av[2], "lab0") && !strcmp(av[4], "0") && !av[5]);
	nsw_bwords_free(av, 5);
	CHECK_EQ(split("nic show # a comment \"", av, &q, &why), 2);
	nsw_bwords_free(av, 2);
	CHECK_EQ(split("# all comment", av, &q, &why), 0);
	CHECK_EQ(split("a#b", av, &q, &why), 1); /* '#' inside a word is the word's */
	CHECK(!strcmp(av[0], "a#b") && !q);
	nsw_bwords_free(av, 1);
	CHECK_EQ(split("x \"a b\"c \"\" \"q\\\"\\\\\"", av, &q, &why), 4);
	CHECK(!strcmp(av[1], "a bc") && !strcmp(av[2], "") && !strcmp(av[3], "q\"\\") && q);
	nsw_bwords_free(av, 4);
	CHECK_EQ(split("acl replace \"<<EOF\"", av, &q, &why), 3);
	CHECK(q); /* a quoted <<EOF is a word, not a here-document */
	nsw_bwords_free(av, 3);
	CHECK_EQ(split("x \"open", av, &q, &why), -1);
	CHECK(!strcmp(why, "a quote without its end"));
	CHECK_EQ(split("1 2 3 4 5 6 7 8 9", av, &q, &why), -1);
	CHECK(!strcmp(why, "too many words"));
}

/* Every word: quoted, then read back alone and between two others. */
static void roundtrip(const char *w)
{
	char q[300], line[400], *av[9];
	bool lq = false;
	const char *why = NULL;
	nsw_bwords_quote(w, q, sizeof q);
	CHECK_EQ(split(q, av, &lq, &why), 1);
	if (av[0]) {
		CHECK(!strcmp(av[0], w));
		nsw_bwords_free(av, 1);
	}
	snprintf(line, sizeof line, "a %s b", q);
	CHECK_EQ(split(line, av, &lq, &why), 3);
	CHECK(av[1] && !strcmp(av[1], w) && !strcmp(av[2], "b"));
	nsw_bwords_free(av, 3);
}

NSW_TEST(batch_words_quote_reads_back)
{
	static const char *const w[] = {"lab0", "", "#x", "<<EOF", "<", "a b", "a\tb", "a\rb",
					"\"", "\\", "a\"b\\c", "x#", "-", "ns one", " lead",
					"trail "};
	for (size_t i = 0; i < sizeof w / sizeof *w; i++)
		roundtrip(w[i]);
	/* Random words of every byte but NUL and newline. */
	unsigned s = 12345;
	for (int n = 0; n < 20000; n++) {
		char r[40];
		size_t len = (s = s * 1103515245 + 12345) >> 16 & 31;
		for (size_t i = 0; i < len; i++) {
			do
				r[i] = (char)((s = s * 1103515245 + 12345) >> 16 & 255);
			while (r[i] == 0 || r[i] == '\n');
		}
		r[len] = 0;
		roundtrip(r);
	}
}
