/* fuzz_args.c - libFuzzer target over the CLI's argument parser (cli/nsw_args.c) with the tables
 * the CLI's commands use (cli/nsw_cli_words.c: nsw_words_cmds). Input: byte 0 picks the table,
 * the rest is split into words at spaces, tabs, newlines and NULs. Property: every input is either refused with a
 * one-line reason, or parsed into values that nsw_args_format writes back as words which parse
 * to the same values. ASan and UBSan watch every read. */
#include <stdlib.h>
#include <string.h>

#include "../../cli/nsw_args.h"
#include "../../cli/nsw_cli_words.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void nsw_same(const struct nsw_words_table *w, const struct nsw_arg_val *a,
		     const struct nsw_arg_val *b)
{
	for (unsigned i = 0; i < w->n; i++) {
		if (a[i].set != b[i].set || a[i].u != b[i].u || (!a[i].str) != (!b[i].str) ||
		    (a[i].str && strcmp(a[i].str, b[i].str)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 512)
		return 0;
	const struct nsw_words_table *w = &nsw_words_cmds[data[0] % nsw_words_cmds_n];
	char text[520], *argv[NSW_ARGS_MAX * 2 + 8];
	int argc = 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	/* Words are the runs between separators; a NUL ends a word as the shell's argv would. */
	for (size_t i = 0; i < size - 1 && argc < (int)(sizeof argv / sizeof *argv);) {
		while (i < size - 1 && strchr(" \t\n", text[i]) && text[i])
			text[i++] = 0;
		if (i >= size - 1)
			break;
		if (!text[i]) {
			i++;
			continue;
		}
		argv[argc++] = &text[i];
		while (i < size - 1 && text[i] && !strchr(" \t\n", text[i]))
			i++;
	}
	struct nsw_arg_val a[NSW_ARGS_MAX], b[NSW_ARGS_MAX];
	char err[256], buf[8192], *argv2[NSW_ARGS_MAX * 2];
	err[0] = 0;
	if (nsw_args_parse(w->spec, w->n, argc, argv, a, err, sizeof err)) {
		if (!err[0] || strchr(err, '\n'))
			abort(); /* a refusal is one line with a reason */
		return 0;
	}
	int argc2 = nsw_args_format(w->spec, w->n, a, argv2, NSW_ARGS_MAX * 2, buf, sizeof buf);
	if (argc2 < 0)
		abort();
	if (nsw_args_parse(w->spec, w->n, argc2, argv2, b, err, sizeof err))
		abort(); /* what was accepted, written back, must be accepted again */
	nsw_same(w, a, b);
	return 0;
}
