/* nsw_args.c - the table-driven argument parser of nsw_args.h. Pure C: no NIC, no kernel, no
 * exit; every refusal is a sentence in err that names the word and the value. */
#include "nsw_args.h"

#include <stdio.h>
#include <string.h>

#include "../core/nsw_ctl.h"

#define NSW_GROUP_BIT (1ull << 40) /* the I/G bit of a MAC's first octet */

bool nsw_decimal(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;
	if (!s || !*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		unsigned d = (unsigned)(*s - '0');
		if (v > max / 10 || d > max - v * 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* "I[.F]" with at most 9 digits of F, times unit/10^9 exactly: the value in units of 10^-9 of
 * the word's unit (ns for seconds). Returns false on anything else or above max_units. */
static bool nsw_fixed9(const char *s, size_t len, unsigned long long scale,
		       unsigned long long max, unsigned long long *out)
{
	unsigned long long ip = 0, fp = 0, fscale = 1000000000ull;
	size_t i = 0, nd = 0;
	if (!len || s[0] < '0' || s[0] > '9' || (s[0] == '0' && len > 1 && s[1] != '.'))
		return false;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, nd++) {
		if (nd >= 15)
			return false;
		ip = ip * 10 + (unsigned long long)(s[i] - '0');
	}
	if (i < len && s[i] == '.') {
		size_t nf = 0;
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, nf++) {
			if (nf >= 9)
				return false;
			fscale /= 10;
			fp += (unsigned long long)(s[i] - '0') * fscale;
		}
		if (!nf)
			return false;
	}
	if (i != len)
		return false;
	/* value * scale / 10^9, exact: ip * scale + fp * scale / 10^9 */
	if (scale && ip > max / scale)
		return false;
	unsigned long long whole = ip * scale, frac;
	if (scale % 1000000000ull == 0) {
		frac = fp * (scale / 1000000000ull); /* fp < 10^9 and scale <= 10^13: no overflow */
	} else {
		frac = fp * scale; /* scale < 10^9 here */
		if (frac % 1000000000ull)
			return false;
		frac /= 1000000000ull;
	}
	if (frac > max - whole)
		return false;
	whole += frac;
	if (whole > max)
		return false;
	*out = whole;
	return true;
}

static bool nsw_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static const struct {
	const char *unit;
	unsigned long long mult; /* bit/s per unit */
} nsw_rate_units[] = {{"", 1}, {"bit", 1},       {"kbit", 1000ull},     {"mbit", 1000000ull},
		      {"gbit", 1000000000ull}, {"bps", 8},     {"kbps", 8000ull},
		      {"mbps", 8000000ull},    {"gbps", 8000000000ull}, {"tbit", 1000000000000ull}};

#define NSW_RATE_MAX 10000000000000ull /* 10 Tbit/s */

static bool nsw_rate(const char *s, unsigned long long *out)
{
	size_t len = strlen(s), num = 0;
	while (num < len && ((s[num] >= '0' && s[num] <= '9') || s[num] == '.'))
		num++;
	const char *unit = s + num;
	for (size_t i = 0; i < sizeof nsw_rate_units / sizeof *nsw_rate_units; i++) {
		if (strcmp(unit, nsw_rate_units[i].unit))
			continue;
		/* I.F * mult must be a whole number of bit/s: scale by mult in 10^-9 units. */
		unsigned long long v;
		if (!nsw_fixed9(s, num, nsw_rate_units[i].mult, NSW_RATE_MAX, &v))
			return false;
		if (!v)
			return false;
		*out = v;
		return true;
	}
	return false;
}

/* The spec entry argv word k names: exact match first, else the one unique prefix match. */
static int nsw_args_word(const struct nsw_arg_spec *spec, unsigned n, const char *k, bool *ambig)
{
	int found = -1;
	size_t kl = strlen(k);
	*ambig = false;
	for (unsigned i = 0; i < n; i++)
		if (spec[i].word && !strcmp(k, spec[i].word))
			return (int)i;
	if (!kl)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		if (!spec[i].word || spec[i].exact || strncmp(k, spec[i].word, kl))
			continue;
		if (found >= 0) {
			*ambig = true;
			return -1;
		}
		found = (int)i;
	}
	return found;
}

static int nsw_args_value(const struct nsw_arg_spec *a, const char *v, struct nsw_arg_val *o,
			  char *err, size_t errlen)
{
	const char *what = a->what ? a->what : a->word;
	uint64_t mac;
	uint32_t oui;
	switch (a->kind) {
	case NSW_ARG_UINT:
		if (nsw_decimal(v, a->max, &o->u))
			return 0;
		if (a->auto_word && !strcmp(v, a->auto_word)) {
			o->u = a->max + 1;
			return 0;
		}
		snprintf(err, errlen, "invalid %s \"%s\": expected a decimal number 0..%llu%s%s", what,
			 v, a->max, a->auto_word ? " or " : "", a->auto_word ? a->auto_word : "");
		return -1;
	case NSW_ARG_MAC:
		if (nsw_mac_parse(v, &mac)) {
			snprintf(err, errlen, "invalid MAC address \"%s\": expected xx:xx:xx:xx:xx:xx",
				 v);
			return -1;
		}
		if (!mac || (mac & NSW_GROUP_BIT)) {
			snprintf(err, errlen, "invalid MAC address \"%s\": %s", v,
				 mac ? "multicast or broadcast" : "all zero");
			return -1;
		}
		o->u = mac;
		return 0;
	case NSW_ARG_OUI:
		if (nsw_oui_parse(v, &oui)) {
			snprintf(err, errlen, "invalid OUI \"%s\": expected xx:xx:xx", v);
			return -1;
		}
		o->u = oui;
		return 0;
	case NSW_ARG_STR:
		if (!*v || strlen(v) > a->max || !nsw_printable(v)) {
			snprintf(err, errlen, "invalid %s \"%s\": 1 to %llu printable characters",
				 what, v, a->max);
			return -1;
		}
		o->str = v;
		return 0;
	case NSW_ARG_ENUM:
		for (unsigned i = 0; a->choices[i]; i++)
			if (!strcmp(v, a->choices[i])) {
				o->u = i;
				return 0;
			}
		{
			int w = snprintf(err, errlen, "invalid %s \"%s\":", what, v);
			for (unsigned i = 0; a->choices[i] && w > 0 && (size_t)w < errlen; i++)
				w += snprintf(err + w, errlen - (size_t)w, "%s %s", i ? "," : "",
					      a->choices[i]);
		}
		return -1;
	case NSW_ARG_SECONDS:
		if (nsw_fixed9(v, strlen(v), 1000000000ull, a->max * 1000000000ull, &o->u) &&
		    o->u) {
			o->secs = (double)o->u / 1e9;
			return 0;
		}
		snprintf(err, errlen, "invalid %s \"%s\": seconds, more than 0 and at most %llu",
			 what, v, a->max);
		return -1;
	case NSW_ARG_VFREF:
		break; /* four words: nsw_args_vfref */
	case NSW_ARG_RATE:
		if (nsw_rate(v, &o->u))
			return 0;
		snprintf(err, errlen,
			 "invalid %s \"%s\": a whole number of bit/s up to 10tbit, with a unit (bit, "
			 "kbit, mbit, gbit, tbit, bps, kbps, mbps, gbps), e.g. 100mbit",
			 what, v);
		return -1;
	}
	snprintf(err, errlen, "internal: unknown kind of \"%s\"", a->word);
	return -1;
}

/* "pf P vf V" at v[0..4): both numbers in the CLI's whole range (the NIC's check is the
 * command's). */
static int nsw_args_vfref(const struct nsw_arg_spec *a, char *const *v, struct nsw_arg_val *o,
			  char *err, size_t errlen)
{
	unsigned long long pf, vf;
	if (strcmp(v[0], "pf") || strcmp(v[2], "vf")) {
		snprintf(err, errlen, "\"%s\" needs \"pf P vf V\"", a->word);
		return -1;
	}
	if (!nsw_decimal(v[1], NSW_MAX_PFS - 1, &pf)) {
		snprintf(err, errlen, "invalid PF number \"%s\": expected a decimal number 0..%u",
			 v[1], NSW_MAX_PFS - 1);
		return -1;
	}
	if (!nsw_decimal(v[3], NSW_MAX_VFS - 1, &vf)) {
		snprintf(err, errlen, "invalid VF number \"%s\": expected a decimal number 0..%u",
			 v[3], NSW_MAX_VFS - 1);
		return -1;
	}
	o->u = pf << 16 | vf;
	return 0;
}

static int nsw_args_nvals(const struct nsw_arg_spec *a)
{
	return a->kind == NSW_ARG_VFREF ? 4 : 1;
}

int nsw_args_parse(const struct nsw_arg_spec *spec, unsigned n, int argc, char *const *argv,
		   struct nsw_arg_val *out, char *err, size_t errlen)
{
	memset(out, 0, n * sizeof *out);
	for (int i = 0; i < argc;) {
		const char *k = argv[i];
		bool ambig;
		int w = nsw_args_word(spec, n, k, &ambig);
		if (w < 0) {
			snprintf(err, errlen, "%s argument \"%s\"", ambig ? "ambiguous" : "unknown", k);
			return -1;
		}
		int nv = nsw_args_nvals(&spec[w]);
		if (i + nv >= argc) {
			if (nv > 1)
				snprintf(err, errlen, "\"%s\" needs \"%s\"", spec[w].word,
					 spec[w].meta ? spec[w].meta : "VALUE");
			else
				snprintf(err, errlen, "\"%s\" needs a value", spec[w].word);
			return -1;
		}
		if (out[w].set) {
			snprintf(err, errlen, "\"%s\" given twice", spec[w].word);
			return -1;
		}
		if (spec[w].kind == NSW_ARG_VFREF
			    ? nsw_args_vfref(&spec[w], argv + i + 1, &out[w], err, errlen)
			    : nsw_args_value(&spec[w], argv[i + 1], &out[w], err, errlen))
			return -1;
		out[w].set = true;
		i += 1 + nv;
	}
	for (unsigned i = 0; i < n; i++) {
		if (!spec[i].word)
			continue;
		/* A pair given together: the one left out is missing. */
		bool need = spec[i].required ||
			    (spec[i].with_prev && i > 0 && out[i - 1].set) ||
			    (i + 1 < n && spec[i + 1].with_prev && out[i + 1].set);
		if (need && !out[i].set) {
			snprintf(err, errlen, "missing \"%s %s\"", spec[i].word,
				 spec[i].meta ? spec[i].meta : "VALUE");
			return -1;
		}
	}
	return 0;
}

void nsw_args_usage(const struct nsw_arg_spec *spec, unsigned n, char *buf, size_t len)
{
	size_t w = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < n && w < len; i++) {
		if (!spec[i].word)
			continue;
		/* A with_prev word shares the brackets of the word before it. */
		bool open = !spec[i].required && !spec[i].with_prev;
		bool close = !spec[i].required && !(i + 1 < n && spec[i + 1].with_prev);
		int k = snprintf(buf + w, len - w, "%s%s%s %s%s", w ? " " : "", open ? "[" : "",
				 spec[i].word, spec[i].meta ? spec[i].meta : "VALUE",
				 close ? "]" : "");
		if (k < 0)
			return;
		w += (size_t)k;
	}
}

/* Appends s to strbuf and argv; false when either is full. */
static bool nsw_args_put(const char *s, char **argv, int *c, int maxargv, char *strbuf,
			 size_t *used, size_t len)
{
	size_t sl = strlen(s) + 1;
	if (*c >= maxargv || *used + sl > len)
		return false;
	argv[(*c)++] = memcpy(strbuf + *used, s, sl);
	*used += sl;
	return true;
}

int nsw_args_format(const struct nsw_arg_spec *spec, unsigned n, const struct nsw_arg_val *v,
		    char **argv, int maxargv, char *strbuf, size_t len)
{
	int c = 0;
	size_t used = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!v[i].set || !spec[i].word)
			continue;
		char val[64], vf[16];
		const char *s = val;
		bool ok = nsw_args_put(spec[i].word, argv, &c, maxargv, strbuf, &used, len);
		switch (spec[i].kind) {
		case NSW_ARG_UINT:
			if (spec[i].auto_word && v[i].u == spec[i].max + 1)
				s = spec[i].auto_word;
			else
				snprintf(val, sizeof val, "%llu", v[i].u);
			break;
		case NSW_ARG_MAC:
			nsw_mac_format(v[i].u, val);
			break;
		case NSW_ARG_OUI:
			nsw_oui_format((uint32_t)v[i].u, val);
			break;
		case NSW_ARG_STR:
			s = v[i].str;
			break;
		case NSW_ARG_ENUM:
			s = spec[i].choices[v[i].u];
			break;
		case NSW_ARG_SECONDS:
			snprintf(val, sizeof val, "%llu.%09llu", v[i].u / 1000000000ull,
				 v[i].u % 1000000000ull);
			break;
		case NSW_ARG_RATE:
			snprintf(val, sizeof val, "%llubit", v[i].u);
			break;
		case NSW_ARG_VFREF: /* "pf P vf": the last number goes out below */
			snprintf(val, sizeof val, "%llu", v[i].u >> 16);
			snprintf(vf, sizeof vf, "%llu", v[i].u & 0xffff);
			ok = ok && nsw_args_put("pf", argv, &c, maxargv, strbuf, &used, len) &&
			     nsw_args_put(val, argv, &c, maxargv, strbuf, &used, len) &&
			     nsw_args_put("vf", argv, &c, maxargv, strbuf, &used, len);
			s = vf;
			break;
		}
		if (!ok || !nsw_args_put(s, argv, &c, maxargv, strbuf, &used, len))
			return -1;
	}
	return c;
}
