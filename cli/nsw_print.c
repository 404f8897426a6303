/* nsw_print.c - the CLI's one print path (see nsw_print.h): text through the fields' formats,
 * JSON through a small writer (a stack of "is the next member the first", -p indents).
 * Invariant: under -j nothing but the JSON document reaches the output; without -j nothing
 * but the text does. Only this file writes either. */
#include <stdarg.h>
#include <stdio.h>

#include "nsw_print.h"

bool nsw_json, nsw_pretty;

#define NSW_PR_DEPTH 32
static FILE *nsw_pr_fp;
static int nsw_pr_depth;
static bool nsw_pr_first[NSW_PR_DEPTH] = {true};

static FILE *nsw_pr_out(void)
{
	return nsw_pr_fp ? nsw_pr_fp : stdout;
}

void nsw_print_to(FILE *fp)
{
	nsw_pr_fp = fp;
}

void nsw_json_escape(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

static bool nsw_pr_text(enum nsw_pr_to to)
{
	return !nsw_json && (to & NSW_PR_TEXT);
}

static bool nsw_pr_json(enum nsw_pr_to to)
{
	return nsw_json && (to & NSW_PR_JSON);
}

/* The separator and indentation before a member, and its key. */
static void nsw_pr_member(const char *key)
{
	FILE *fp = nsw_pr_out();
	if (nsw_pr_depth > 0 && !nsw_pr_first[nsw_pr_depth])
		fputc(',', fp);
	if (nsw_pr_depth > 0)
		nsw_pr_first[nsw_pr_depth] = false;
	if (nsw_pretty && nsw_pr_depth > 0) {
		fputc('\n', fp);
		for (int i = 0; i < nsw_pr_depth; i++)
			fputs("  ", fp);
	}
	if (key && nsw_pr_depth > 0) {
		nsw_json_escape(fp, key);
		fputs(nsw_pretty ? ": " : ":", fp);
	}
}

static void nsw_pr_open(const char *key, char c)
{
	if (!nsw_json)
		return;
	nsw_pr_member(key);
	fputc(c, nsw_pr_out());
	if (nsw_pr_depth < NSW_PR_DEPTH - 1)
		nsw_pr_depth++;
	nsw_pr_first[nsw_pr_depth] = true;
}

static void nsw_pr_close(char c)
{
	if (!nsw_json || nsw_pr_depth == 0)
		return;
	FILE *fp = nsw_pr_out();
	bool empty = nsw_pr_first[nsw_pr_depth];
	nsw_pr_depth--;
	if (nsw_pretty && !empty) {
		fputc('\n', fp);
		for (int i = 0; i < nsw_pr_depth; i++)
			fputs("  ", fp);
	}
	fputc(c, fp);
}

void nsw_print_obj_open(const char *key) { nsw_pr_open(key, '{'); }
void nsw_print_obj_close(void) { nsw_pr_close('}'); }
void nsw_print_arr_open(const char *key) { nsw_pr_open(key, '['); }
void nsw_print_arr_close(void) { nsw_pr_close(']'); }

void nsw_print_uint_(enum nsw_pr_to to, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (nsw_pr_text(to)) {
		vfprintf(nsw_pr_out(), fmt, ap);
	} else if (nsw_pr_json(to)) {
		unsigned long long v = va_arg(ap, unsigned long long);
		nsw_pr_member(key);
		fprintf(nsw_pr_out(), "%llu", v);
	}
	va_end(ap);
}

void nsw_print_str_(enum nsw_pr_to to, const char *key, const char *fmt, const char *v)
{
	if (nsw_pr_text(to)) {
		fprintf(nsw_pr_out(), fmt, v ? v : "none");
	} else if (nsw_pr_json(to) && v) {
		nsw_pr_member(key);
		nsw_json_escape(nsw_pr_out(), v);
	}
}

void nsw_print_absent_(enum nsw_pr_to to, const char *key, const char *fmt)
{
	(void)key;
	if (nsw_pr_text(to))
		fprintf(nsw_pr_out(), fmt, "none");
}

void nsw_print_onoff_(enum nsw_pr_to to, const char *key, const char *fmt, bool v)
{
	if (nsw_pr_text(to)) {
		fprintf(nsw_pr_out(), fmt, v ? "on" : "off");
	} else if (nsw_pr_json(to)) {
		nsw_pr_member(key);
		fputs(v ? "true" : "false", nsw_pr_out());
	}
}

void nsw_print_text(const char *fmt, ...)
{
	va_list ap;
	if (nsw_json)
		return;
	va_start(ap, fmt);
	vfprintf(nsw_pr_out(), fmt, ap);
	va_end(ap);
}

void nsw_print_member_written(void)
{
	if (nsw_json && nsw_pr_depth > 0)
		nsw_pr_first[nsw_pr_depth] = false;
}

void nsw_print_end(void)
{
	if (nsw_json)
		fputc('\n', nsw_pr_out());
	fflush(nsw_pr_out());
	nsw_pr_depth = 0;
	nsw_pr_first[0] = true;
}
