/* nsw_print.h - the CLI's one print path: every shown field is written by ONE call that puts it
 * in the text (with its format) and in the -j JSON (under its key), as iproute2's json_print
 * does, so the two cannot disagree on which fields a command shows or on their values.
 * Invariants: a field given NSW_PR_ANY appears in both forms or in neither; an absent field
 * (a NULL string) is left out of the JSON and printed as "none" in the text, never as "".
 * Objects and arrays shape the JSON only; the text's layout (labels, separators, newlines)
 * comes from the formats and from nsw_print_text. Text conventions that the field test
 * (tests/integ/nsw_show_fields.py) reads back: a value is one word (an ACL rule's match,
 * the rule file's words, is the one exception); "none" means absent; a boolean is on/off; a
 * field may also be left out of both (an optional label such as netns). A new field needs
 * its label in that test's line pattern. Used by every CLI command that prints results;
 * nothing else writes a command's results. Notes and hints for a person (nsw_print_text) are
 * not results and have no JSON. */
#ifndef NSW_PRINT_H
#define NSW_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

extern bool nsw_json;   /* -j */
extern bool nsw_pretty; /* -p */

enum nsw_pr_to {
	NSW_PR_TEXT = 1, /* a decoration of the text only: never a field */
	NSW_PR_JSON = 2, /* structure of the JSON only: never a field */
	NSW_PR_ANY = 3,  /* a field */
};

/* Where the document goes: stdout, or stderr for a report beside a pcap written to stdout.
 * Set before the first print of a document. */
void nsw_print_to(FILE *fp);

/* JSON structure; key NULL inside arrays and at the top. Nothing in the text. */
void nsw_print_obj_open(const char *key);
void nsw_print_obj_close(void);
void nsw_print_arr_open(const char *key);
void nsw_print_arr_close(void);

/* One field. fmt is the text's (printf, one conversion for the value); the compiler checks
 * it against the value's type: %llu/%llx for numbers, %s for strings. */
#define nsw_print_uint(to, key, fmt, v) nsw_print_uint_((to), (key), (fmt), (unsigned long long)(v))
#define nsw_print_str(to, key, fmt, v)                                                     \
	(nsw_print_fmt_str((fmt), ""), nsw_print_str_((to), (key), (fmt), (const char *)(v)))
__attribute__((format(printf, 3, 4))) void nsw_print_uint_(enum nsw_pr_to to, const char *key,
							 const char *fmt, ...);
/* A NULL value is absent: no key in the JSON, "none" in the text. */
void nsw_print_str_(enum nsw_pr_to to, const char *key, const char *fmt, const char *v);
/* Only lets the compiler check a string field's format (a NULL value would upset its check of
 * %s, although nsw_print_str_ never passes one on). */
__attribute__((format(printf, 1, 2))) static inline void nsw_print_fmt_str(const char *fmt, ...)
{
	(void)fmt;
}
/* A field known to be absent (a number that is not set): "none" in the text (fmt has one %s),
 * nothing in the JSON. */
#define nsw_print_absent(to, key, fmt) (nsw_print_fmt_str((fmt), ""), nsw_print_absent_((to), (key), (fmt)))
void nsw_print_absent_(enum nsw_pr_to to, const char *key, const char *fmt);
/* true/false in the JSON, on/off in the text (fmt has one %s). */
#define nsw_print_onoff(to, key, fmt, v)                                                   \
	(nsw_print_fmt_str((fmt), ""), nsw_print_onoff_((to), (key), (fmt), (v)))
void nsw_print_onoff_(enum nsw_pr_to to, const char *key, const char *fmt, bool v);

/* Text only: labels, separators, newlines; nothing under -j. */
__attribute__((format(printf, 1, 2))) void nsw_print_text(const char *fmt, ...);

/* A member of the innermost open object or array was written by another process that shared
 * this state (a forked child): the next member needs its separator. */
void nsw_print_member_written(void);

/* The end of the document (JSON: its newline); the writer is ready for the next one. */
void nsw_print_end(void);

/* s as a JSON string, quotes included (also for the one-line JSON error). */
void nsw_json_escape(FILE *fp, const char *s);

#endif
