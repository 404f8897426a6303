/* fuzz_acl_parse.c - libFuzzer target over the ACL rule text (cli/nsw_acl_text.c).
 * Input: the text of a rule file, any bytes. Property: it is refused with one line naming a
 * line of the input, or each of its rules has no value bit outside its mask, and the rules
 * printed by nsw_acl_rule_format (what `acl show` prints), one per line, parse back to the same
 * rules (compared as structs) and print the same text again. The NIC that mirror targets are
 * checked against is fixed: VFs 0..3 of PF 0 and VF 9 of PF 1. ASan and UBSan watch every
 * read; tests/run runs it bounded by NSW_FUZZ_SECONDS over tests/fuzz/acl_corpus with the
 * dictionary tests/fuzz/acl.dict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/nsw_acl_text.h"
#include "../../core/nsw_ctl.h"

static struct nsw_nic nic;
static struct nsw_acl_text first, again;
static char text[NSW_ACL_RULES * NSW_ACL_LINE_LEN], text2[NSW_ACL_RULES * NSW_ACL_LINE_LEN];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((noreturn)) static void broken(const char *what, const char *detail)
{
	fprintf(stderr, "property broken: %s\n%s\n", what, detail ? detail : "");
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	nsw_nic_init(&nic, 0, 2);
	for (unsigned v = 0; v < 4; v++)
		nsw_vf_add(&nic, 0, v, 0, 0, true);
	nsw_vf_add(&nic, 1, 9, 0, 0, true);
	return 0;
}

/* The rules of t, one line each, into out; returns the length. */
static size_t format_all(const struct nsw_acl_text *t, char *out)
{
	size_t o = 0;
	for (unsigned i = 0; i < t->n; i++) {
		size_t len = nsw_acl_rule_format(&t->rules[i], out + o, NSW_ACL_LINE_LEN);
		if (len >= NSW_ACL_LINE_LEN)
			broken("a formatted rule does not fit NSW_ACL_LINE_LEN", NULL);
		o += len;
		out[o++] = '\n';
	}
	out[o] = 0;
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[NSW_ACL_ERR_LEN];
	/* A heap copy of exactly the input, so any read past it is caught. */
	char *in = malloc(size ? size : 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	int rc = nsw_acl_text_parse(in, size, &nic, &first, err, sizeof err);
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += in[i] == '\n';
	free(in);
	if (rc) {
		unsigned long ln;
		char *end;
		if (strncmp(err, "line ", 5) || (ln = strtoul(err + 5, &end, 10)) < 1 || ln > lines ||
		    *end != ':')
			broken("an error that names no line of the input", err);
		if (strlen(err) >= sizeof err - 1)
			broken("an error message cut short", err);
		for (const char *c = err; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
				broken("an error message with a control or non-ASCII byte", err);
		return 0;
	}
	for (unsigned i = 0; i < first.n; i++)
		for (int w = 0; w < 8; w++)
			if (first.rules[i].val.w[w] & ~first.rules[i].mask.w[w])
				broken("a rule's value has bits outside its mask", NULL);
	size_t len = format_all(&first, text);
	if (nsw_acl_text_parse(text, len, &nic, &again, err, sizeof err)) {
		fprintf(stderr, "%s", text);
		broken("the formatted rules are refused", err);
	}
	if (again.n != first.n)
		broken("the formatted rules parse to another number of rules", text);
	for (unsigned i = 0; i < first.n; i++)
		if (memcmp(&first.rules[i], &again.rules[i], sizeof first.rules[i])) {
			char l[NSW_ACL_LINE_LEN];
			nsw_acl_rule_format(&first.rules[i], l, sizeof l);
			broken("a formatted rule parses to another rule", l);
		}
	format_all(&again, text2);
	if (strcmp(text, text2))
		broken("the formatted rules print differently the second time", text2);
	return 0;
}
