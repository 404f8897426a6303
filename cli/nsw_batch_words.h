/* nsw_batch_words.h - the words of one line of an `nswitch -b` file (cli/nsw_batch_words.c):
 * splitting a line as the batch reads it, and quoting a word so that it reads back as itself
 * (what `nswitch save` writes). Pure: no NIC, no exit; the batch, save and the unit tests
 * (tests/unit/test_batch_words.c: any word without a newline reads back the same) use it. */
#ifndef NSW_BATCH_WORDS_H
#define NSW_BATCH_WORDS_H

#include <stdbool.h>
#include <stddef.h>

/* Splits l[0..n) (one line, no '\n') into at most max words, each malloc'd, into argv (NULL
 * after the last). Blanks (space, tab, CR) separate words; "..." groups (\" and \\ inside); a
 * word starting with '#' starts a comment. *lastq: the last word had quotes. Returns the
 * count, or -1 with *why (nothing left allocated). */
int nsw_bwords_split(const char *l, size_t n, char **argv, int max, bool *lastq,
		     const char **why);
void nsw_bwords_free(char **argv, int n);
/* w as a word of a line: bare when it reads back so, else in double quotes. out holds at least
 * 2 * strlen(w) + 3 bytes to never be cut. */
void nsw_bwords_quote(const char *w, char *out, size_t len);

#endif
