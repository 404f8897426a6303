/* nsw_args.h - the CLI's argument parser: a command declares its words in a table (word, kind
 * of value, range, whether required), and one function parses "word value ..." against it,
 * iproute2 style (a word may be shortened to a unique prefix), and writes the usage line.
 *
 * Invariants: parsing is pure (no NIC, no kernel, no exit), so the fuzzer drives it; a value is
 * accepted only when it is exactly what the table says (decimal numbers without sign, base
 * prefix or leading zero; a finite number of seconds; a rate with a known unit), a word given
 * twice, an unknown or ambiguous word, a missing value or a missing required word is an error
 * naming the word. An entry whose word is NULL is a hole: a command's table may leave out
 * words of a shared index (NSW_W_*), so that one decoder reads every command of an object.
 * nsw_args_format writes back words that parse to the same values (the
 * fuzzer's round-trip property). Used by cli/ and tests/fuzz only. */
#ifndef NSW_ARGS_H
#define NSW_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum nsw_arg_kind {
	NSW_ARG_UINT,    /* decimal 0..max */
	NSW_ARG_MAC,     /* unicast, non-zero xx:xx:xx:xx:xx:xx */
	NSW_ARG_OUI,     /* xx:xx:xx */
	NSW_ARG_STR,     /* non-empty, at most max bytes, no control characters */
	NSW_ARG_ENUM,    /* one of choices (exact) */
	NSW_ARG_SECONDS, /* decimal seconds, fraction allowed, 0 < s <= max */
	NSW_ARG_RATE,    /* bit/s, at most 10 Tbit/s: decimal, bare or with bit, kbit, mbit, gbit,
			  * tbit, bps, kbps, mbps, gbps */
	NSW_ARG_VFREF,   /* a VF, as four words "pf P vf V" (exact): u = P << 16 | V */
};

struct nsw_arg_spec {
	const char *word;           /* the keyword */
	enum nsw_arg_kind kind;
	unsigned long long max;     /* UINT, SECONDS, STR length */
	const char *const *choices; /* ENUM: NULL-terminated */
	const char *meta;           /* the value's name in the usage line: "P", "DEV" */
	const char *what;           /* the value's name in errors: "PF number" */
	bool required;
	bool exact;                 /* no prefix match (e.g. "-w") */
	bool with_prev;             /* optional, given exactly when the word before it is: the
				     * usage says "[pf P vf V]" */
	const char *auto_word;      /* UINT: this word is accepted too, as the value max + 1
				     * ("vf auto": the command picks the number) */
};

struct nsw_arg_val {
	bool set;
	unsigned long long u; /* UINT; ENUM: index into choices; RATE: bit/s; MAC; OUI */
	double secs;          /* SECONDS */
	const char *str;      /* STR: points into argv */
};

#define NSW_ARGS_MAX 24 /* words one command may have */

/* Parses argv[0..argc) as "word value" pairs against spec[0..n). out[i] receives spec[i]'s
 * value. Returns 0, or -1 with a one-line reason in err (which names the word). */
int nsw_args_parse(const struct nsw_arg_spec *spec, unsigned n, int argc, char *const *argv,
		   struct nsw_arg_val *out, char *err, size_t errlen);

/* Writes "pf P vf V [dev DEV]" for spec into buf ("" for a table without words). */
void nsw_args_usage(const struct nsw_arg_spec *spec, unsigned n, char *buf, size_t len);

/* Writes the values back as words: argv[] receives pointers into strbuf. Returns the count of
 * argv entries, or -1 if strbuf or argv is too small. */
int nsw_args_format(const struct nsw_arg_spec *spec, unsigned n, const struct nsw_arg_val *v,
		    char **argv, int maxargv, char *strbuf, size_t strlen_);

/* Plain decimal: digits only, no sign, no leading zero, at most max. */
bool nsw_decimal(const char *s, unsigned long long max, unsigned long long *out);

#endif
