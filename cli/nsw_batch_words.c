/* nsw_batch_words.c - splitting a batch line into words and quoting a word for one (see
 * nsw_batch_words.h). The one rule both sides share: a word is bare unless it is empty, starts
 * a comment ('#') or a here-document ("<<"), or holds a blank, a quote or a backslash. */
#include "nsw_batch_words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool nsw_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

void nsw_bwords_free(char **argv, int n)
{
	for (int i = 0; i < n; i++)
		free(argv[i]);
}

int nsw_bwords_split(const char *l, size_t n, char **argv, int max, bool *lastq,
		     const char **why)
{
	size_t i = 0;
	int argc = 0;
	argv[0] = NULL;
	for (;;) {
		while (i < n && nsw_blank(l[i]))
			i++;
		if (i >= n || l[i] == '#')
			return argc;
		if (argc == max) {
			*why = "too many words";
			nsw_bwords_free(argv, argc);
			return -1;
		}
		char *w = malloc(n - i + 1);
		size_t o = 0;
		bool quoted = false;
		if (!w) {
			*why = "out of memory";
			nsw_bwords_free(argv, argc);
			return -1;
		}
		while (i < n && !nsw_blank(l[i])) {
			if (l[i] != '"') {
				w[o++] = l[i++];
				continue;
			}
			quoted = true;
			for (i++; i < n && l[i] != '"'; i++) {
				if (l[i] == '\\' && i + 1 < n && (l[i + 1] == '"' || l[i + 1] == '\\'))
					i++;
				w[o++] = l[i];
			}
			if (i >= n) {
				free(w);
				nsw_bwords_free(argv, argc);
				*why = "a quote without its end";
				return -1;
			}
			i++;
		}
		w[o] = 0;
		*lastq = quoted;
		argv[argc++] = w;
		argv[argc] = NULL;
	}
}

void nsw_bwords_quote(const char *w, char *out, size_t len)
{
	bool bare = *w && strncmp(w, "<<", 2) && *w != '#';
	for (const char *c = w; *c && bare; c++)
		if (nsw_blank(*c) || *c == '"' || *c == '\\')
			bare = false;
	if (bare) {
		snprintf(out, len, "%s", w);
		return;
	}
	size_t o = 0;
	if (len < 3) {
		if (len)
			out[0] = 0;
		return;
	}
	out[o++] = '"';
	for (const char *c = w; *c && o + 3 < len; c++) {
		if (*c == '"' || *c == '\\')
			out[o++] = '\\';
		out[o++] = *c;
	}
	out[o++] = '"';
	out[o] = 0;
}
