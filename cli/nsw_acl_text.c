/* nsw_acl_text.c - the text form of ACL rules (see nsw_acl_text.h): rule files into struct
 * nsw_acl_rule, and rules back into lines.
 * Owns: the rule language. The parser refuses what it does not understand rather than guess:
 * a rule that is read wrong is a security hole (a drop-all, an allow-all), so every word must
 * be known, every field given once, every number strictly decimal and in range, and a rule
 * that contradicts itself is refused, never quietly made broader or dead.
 * Invariants: a parsed rule's value has no bit outside its mask; nsw_acl_rule_format of a
 * parsed rule parses back to the same rule (tests/fuzz/fuzz_acl_parse.c checks both).
 * No NIC, no BPF, no exit(): errors are returned. Who may touch it: the CLI's acl command
 * uses it; a new rule word goes into nsw_fields, nsw_rule_parse and nsw_acl_match_format
 * together, and into the fuzzer's generator (gen_rules) and seeds. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/nsw_ctl.h"
#include "nsw_acl_text.h"

#define NSW_PRIO_MAX 0xfffffffu
#define NSW_BLANKS " \t\r\v\f"

static const struct {
	const char *name;
	uint8_t num;
} nsw_protos[] = {{"icmp", 1}, {"tcp", 6}, {"udp", 17}, {"icmpv6", 58}, {"sctp", 132}};

/* The fields of a rule; two words that set the same field (src and src-oui) share one. */
enum {
	NSW_F_PRIO,
	NSW_F_ACTION,
	NSW_F_SRC,
	NSW_F_DST,
	NSW_F_ETHERTYPE,
	NSW_F_VLAN,
	NSW_F_PCP,
	NSW_F_SIP,
	NSW_F_DIP,
	NSW_F_PROTO,
	NSW_F_SPORT,
	NSW_F_DPORT,
	NSW_F_L4,
	NSW_F_TO,
	NSW_F_N
};

static const struct {
	const char *word;
	int field;
	const char *what;
} nsw_fields[] = {
	{"prio", NSW_F_PRIO, "the priority"},
	{"action", NSW_F_ACTION, "the action"},
	{"src", NSW_F_SRC, "the source MAC"},
	{"src-oui", NSW_F_SRC, "the source MAC"},
	{"dst", NSW_F_DST, "the destination MAC"},
	{"dst-oui", NSW_F_DST, "the destination MAC"},
	{"ethertype", NSW_F_ETHERTYPE, "the ethertype"},
	{"vlan", NSW_F_VLAN, "the VLAN"},
	{"pcp", NSW_F_PCP, "the PCP"},
	{"src-ip", NSW_F_SIP, "the source IP"},
	{"dst-ip", NSW_F_DIP, "the destination IP"},
	{"proto", NSW_F_PROTO, "the protocol"},
	{"sport", NSW_F_SPORT, "the source port"},
	{"dport", NSW_F_DPORT, "the destination port"},
	{"l4", NSW_F_L4, "the L4 header's state"},
	{"to-pf", NSW_F_TO, "the copy's target"},
	{"to-vf", NSW_F_TO, "the copy's target"},
	{"to-uplink", NSW_F_TO, "the copy's target"},
};

const char *nsw_acl_quote(const char *s, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	buf[o++] = '"';
	for (size_t i = 0; s[i]; i++) {
		if (i == 32) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o++] = '"';
	buf[o] = 0;
	return buf;
}

__attribute__((format(printf, 4, 5))) static int nsw_err(char *err, size_t errlen, size_t line,
							 const char *fmt, ...)
{
	va_list ap;
	int o = snprintf(err, errlen, "line %zu: ", line);
	if (o < 0 || (size_t)o >= errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + o, errlen - (size_t)o, fmt, ap);
	va_end(ap);
	return -1;
}

/* Strict decimal: digits only, no sign, no blank, no leading zero (010 is not 8 nor 10). */
static int nsw_dec(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	if (!*s || (s[0] == '0' && s[1]))
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		unsigned d = (unsigned)(*s - '0');
		if (d > max || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int nsw_hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The ethertype, hex: four digits as acl show prints it ("0800"), or "0x" and one to four.
 * A shorter form without "0x" ("800") is refused: it reads as a decimal number would. */
static int nsw_ethertype(const char *s, uint16_t *out)
{
	unsigned v = 0;
	size_t n = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	else if (strlen(s) != 4)
		return -1;
	for (; *s; s++, n++) {
		int d = nsw_hexval(*s);
		if (d < 0 || n == 4)
			return -1;
		v = v << 4 | (unsigned)d;
	}
	if (!n || v < 0x600)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static int nsw_mac_mask(const char *s, uint64_t *val, uint64_t *mask)
{
	char a[18];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen >= sizeof a)
		return -1;
	memcpy(a, s, alen);
	a[alen] = 0;
	*mask = NSW_MAC_MASK;
	if (slash && nsw_mac_parse(slash + 1, mask))
		return -1;
	if (nsw_mac_parse(a, val))
		return -1;
	return (*val & ~*mask) ? -2 : 0; /* bits the mask ignores: the rule says more than it does */
}

/* ADDR[/LEN] into the rule's source or destination prefix; *family (0, 0x0800 or 0x86dd) is
 * the family of the prefixes so far and must agree. Returns 0 or -1 with err set. */
static int nsw_prefix(const char *k, const char *s, struct nsw_acl_rule *r, bool src,
		      uint16_t *family, size_t line, char *err, size_t errlen)
{
	char a[INET6_ADDRSTRLEN], q[NSW_ACL_QUOTE_LEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long plen = 0;
	uint8_t b[16];
	uint16_t fam;
	if (alen >= sizeof a)
		return nsw_err(err, errlen, line, "invalid IP address in %s %s", k, nsw_acl_quote(s, q));
	memcpy(a, s, alen);
	a[alen] = 0;
	if (inet_pton(AF_INET, a, b) == 1)
		fam = 0x0800;
	else if (inet_pton(AF_INET6, a, b) == 1)
		fam = 0x86dd;
	else
		return nsw_err(err, errlen, line, "invalid IP address in %s %s", k, nsw_acl_quote(s, q));
	unsigned bits = fam == 0x0800 ? 32 : 128;
	if (slash && nsw_dec(slash + 1, bits, &plen))
		return nsw_err(err, errlen, line,
			       "invalid prefix length in %s %s: a decimal number 0..%u", k,
			       nsw_acl_quote(s, q), bits);
	if (!slash)
		plen = bits;
	if (*family && *family != fam)
		return nsw_err(err, errlen, line, "%s %s mixes IPv4 and IPv6 in one rule", k,
			       nsw_acl_quote(s, q));
	*family = fam;
	uint32_t *v = src ? r->val.sip : r->val.dip, *m = src ? r->mask.sip : r->mask.dip;
	for (unsigned i = 0; i < bits / 32; i++) {
		long left = (long)plen - 32 * (long)i;
		m[i] = left >= 32 ? ~0u : left <= 0 ? 0 : ~0u << (32 - left);
		v[i] = nsw_be32(b + 4 * i);
		if (v[i] & ~m[i])
			return nsw_err(err, errlen, line,
				       "%s %s has host bits set: the prefix of /%lu is shorter", k,
				       nsw_acl_quote(s, q), plen);
	}
	return 0;
}

static int nsw_field_of(const char *k)
{
	for (size_t i = 0; i < sizeof nsw_fields / sizeof *nsw_fields; i++)
		if (!strcmp(k, nsw_fields[i].word))
			return (int)i;
	return -1;
}

int nsw_rule_parse(char **w, size_t nw, size_t line, struct nsw_acl_rule *r,
		   const struct nsw_nic *st, char *err, size_t errlen)
{
	char q[NSW_ACL_QUOTE_LEN], q2[NSW_ACL_QUOTE_LEN];
	uint16_t family = 0;
	size_t at[NSW_F_N] = {0}; /* index of the word that set each field */
	unsigned seen = 0;
	unsigned long n;
	*r = (struct nsw_acl_rule){0};
	for (size_t i = 0; i < nw; i++) {
		const char *k = w[i];
		int fi = nsw_field_of(k);
		if (fi < 0)
			return nsw_err(err, errlen, line, "unknown word %s", nsw_acl_quote(k, q));
		int f = nsw_fields[fi].field;
		if (seen & 1u << f) {
			if (!strcmp(w[at[f]], k))
				return nsw_err(err, errlen, line, "%s given twice",
					       nsw_acl_quote(k, q));
			return nsw_err(err, errlen, line, "%s: %s is already set by %s",
				       nsw_acl_quote(k, q), nsw_fields[fi].what,
				       nsw_acl_quote(w[at[f]], q2));
		}
		seen |= 1u << f;
		at[f] = i;
		if (i + 1 >= nw)
			return nsw_err(err, errlen, line, "%s needs a value", nsw_acl_quote(k, q));
		const char *v = w[++i];
		if (f == NSW_F_ACTION) {
			if (!strcmp(v, "allow")) {
				r->action = NSW_ACL_ALLOW;
			} else if (!strcmp(v, "drop")) {
				r->action = NSW_ACL_DROP;
			} else if (!strcmp(v, "mirror")) {
				unsigned long p, fv;
				const char *to = i + 2 < nw ? w[i + 2] : NULL;
				const char *comma = to ? strchr(to, ',') : NULL;
				char pbuf[8];
				if (!to || strcmp(w[i + 1], "to"))
					return nsw_err(err, errlen, line,
						       "action mirror needs \"to PF,VF\"");
				if (!comma || (size_t)(comma - to) >= sizeof pbuf)
					return nsw_err(err, errlen, line,
						       "invalid mirror target %s: PF,VF",
						       nsw_acl_quote(to, q));
				memcpy(pbuf, to, (size_t)(comma - to));
				pbuf[comma - to] = 0;
				if (nsw_dec(pbuf, NSW_MAX_PFS - 1, &p) ||
				    nsw_dec(comma + 1, NSW_MAX_VFS - 1, &fv))
					return nsw_err(err, errlen, line,
						       "invalid mirror target %s: PF,VF in 0..%d,0..%d",
						       nsw_acl_quote(to, q), NSW_MAX_PFS - 1,
						       NSW_MAX_VFS - 1);
				if (st && !(st->vf[p][fv] & NSW_VF_EN))
					return nsw_err(err, errlen, line, "no VF %lu,%lu to mirror to",
						       p, fv);
				r->action = NSW_ACL_MIRROR;
				r->mirror_pf = (uint8_t)p;
				r->mirror_vf = (uint16_t)fv;
				i += 2;
			} else {
				return nsw_err(err, errlen, line,
					       "unknown action %s: allow, drop or mirror",
					       nsw_acl_quote(v, q));
			}
		} else if (f == NSW_F_PRIO) {
			if (nsw_dec(v, NSW_PRIO_MAX, &n))
				return nsw_err(err, errlen, line,
					       "invalid prio %s: a decimal number 0..%u",
					       nsw_acl_quote(v, q), NSW_PRIO_MAX);
			r->prio = (uint32_t)n;
		} else if (!strcmp(k, "src") || !strcmp(k, "dst")) {
			uint64_t val, mask;
			int mr = nsw_mac_mask(v, &val, &mask);
			if (mr == -2)
				return nsw_err(err, errlen, line,
					       "%s %s sets bits outside its mask", k,
					       nsw_acl_quote(v, q));
			if (mr)
				return nsw_err(err, errlen, line, "invalid MAC in %s %s: MAC[/MASK]",
					       k, nsw_acl_quote(v, q));
			*(f == NSW_F_SRC ? &r->val.src : &r->val.dst) = val;
			*(f == NSW_F_SRC ? &r->mask.src : &r->mask.dst) = mask;
		} else if (f == NSW_F_SRC || f == NSW_F_DST) {
			uint32_t o;
			if (nsw_oui_parse(v, &o))
				return nsw_err(err, errlen, line, "invalid OUI in %s %s: xx:xx:xx", k,
					       nsw_acl_quote(v, q));
			*(f == NSW_F_SRC ? &r->val.src : &r->val.dst) = (uint64_t)o << 24;
			*(f == NSW_F_SRC ? &r->mask.src : &r->mask.dst) = 0xffffff000000ull;
		} else if (f == NSW_F_ETHERTYPE) {
			if (nsw_ethertype(v, &r->val.ethertype))
				return nsw_err(err, errlen, line,
					       "invalid ethertype %s: four hex digits 0600..ffff, or 0x and hex",
					       nsw_acl_quote(v, q));
			r->mask.ethertype = 0xffff;
		} else if (f == NSW_F_VLAN) {
			if (nsw_dec(v, 4094, &n))
				return nsw_err(err, errlen, line,
					       "invalid vlan %s: a decimal number 0..4094",
					       nsw_acl_quote(v, q));
			r->val.vid |= (uint16_t)(n | NSW_ACL_TAGGED);
			r->mask.vid |= 0xfff | NSW_ACL_TAGGED;
		} else if (f == NSW_F_PCP) {
			if (nsw_dec(v, 7, &n))
				return nsw_err(err, errlen, line,
					       "invalid pcp %s: a decimal number 0..7",
					       nsw_acl_quote(v, q));
			r->val.pcp = (uint8_t)n;
			r->mask.pcp = 0xff;
			r->val.vid |= NSW_ACL_TAGGED;
			r->mask.vid |= NSW_ACL_TAGGED;
		} else if (f == NSW_F_SIP || f == NSW_F_DIP) {
			if (nsw_prefix(k, v, r, f == NSW_F_SIP, &family, line, err, errlen))
				return -1;
		} else if (f == NSW_F_PROTO) {
			n = 256;
			for (size_t j = 0; j < sizeof nsw_protos / sizeof *nsw_protos; j++)
				if (!strcmp(v, nsw_protos[j].name))
					n = nsw_protos[j].num;
			if (n == 256 && nsw_dec(v, 255, &n))
				return nsw_err(err, errlen, line,
					       "invalid proto %s: tcp, udp, icmp, icmpv6, sctp or a "
					       "decimal number 0..255",
					       nsw_acl_quote(v, q));
			r->val.proto = (uint8_t)n;
			r->mask.proto = 0xff;
		} else if (f == NSW_F_SPORT || f == NSW_F_DPORT) {
			if (nsw_dec(v, 65535, &n))
				return nsw_err(err, errlen, line,
					       "invalid %s %s: a decimal number 0..65535", k,
					       nsw_acl_quote(v, q));
			*(f == NSW_F_SPORT ? &r->val.sport : &r->val.dport) = (uint16_t)n;
			*(f == NSW_F_SPORT ? &r->mask.sport : &r->mask.dport) = 0xffff;
		} else if (f == NSW_F_L4) {
			/* The policy words for frames whose L4 header is missing (core/nsw_acl.h). */
			if (!strcmp(v, "fragment"))
				r->val.l4 = NSW_ACL_L4_FRAG;
			else if (!strcmp(v, "unknown"))
				r->val.l4 = NSW_ACL_L4_LOST;
			else
				return nsw_err(err, errlen, line, "invalid l4 %s: fragment or unknown",
					       nsw_acl_quote(v, q));
			r->mask.l4 = 0xff;
		} else if (f == NSW_F_TO) {
			/* The target of the copy being judged, from the decision (core/nsw_acl.h). */
			const bool vf = !strcmp(k, "to-vf"), up = !strcmp(k, "to-uplink");
			const char *comma = strchr(v, ',');
			unsigned long p = 0, fv = 0;
			char pbuf[8];
			if (up && !strcmp(v, "any")) {
				r->val.to_pf = NSW_ACL_TO_PORT;
				r->mask.to_pf = NSW_ACL_TO_VF | NSW_ACL_TO_PORT;
				continue;
			}
			if (vf && comma && (size_t)(comma - v) < sizeof pbuf) {
				memcpy(pbuf, v, (size_t)(comma - v));
				pbuf[comma - v] = 0;
			}
			if (vf ? !comma || (size_t)(comma - v) >= sizeof pbuf ||
					 nsw_dec(pbuf, NSW_MAX_PFS - 1, &p) ||
					 nsw_dec(comma + 1, NSW_MAX_VFS - 1, &fv)
			       : nsw_dec(v, NSW_MAX_PFS - 1, &p))
				return nsw_err(err, errlen, line, "invalid %s %s: %s", k,
					       nsw_acl_quote(v, q),
					       vf ? "PF,VF" : up ? "a PF or any" : "a PF");
			r->val.to_pf = (uint8_t)((up ? NSW_ACL_TO_PORT : NSW_ACL_TO_VF) | p);
			r->mask.to_pf = 0xff;
			if (vf) {
				r->val.to_vf = (uint16_t)fv;
				r->mask.to_vf = 0xffff;
			}
		}
	}
	if (!(seen & 1u << NSW_F_PRIO))
		return nsw_err(err, errlen, line, "missing \"prio N\"");
	if (!(seen & 1u << NSW_F_ACTION))
		return nsw_err(err, errlen, line, "missing \"action allow|drop|mirror\"");

	/* Contradictions: a rule that can never match, or matches more than it says. The key
	 * holds a protocol only for IP frames (0 for the others), and ports only for TCP, UDP and
	 * SCTP (nsw_acl_key_build). */
	uint16_t et = (seen & 1u << NSW_F_ETHERTYPE) ? r->val.ethertype : 0;
	const bool ip_et = et == 0x0800 || et == 0x86dd;
	if (family && et && et != family) {
		int fip = (seen & 1u << NSW_F_SIP) ? NSW_F_SIP : NSW_F_DIP;
		return nsw_err(err, errlen, line, "\"ethertype %s\" contradicts %s %s",
			       w[at[NSW_F_ETHERTYPE] + 1], w[at[fip]],
			       nsw_acl_quote(w[at[fip] + 1], q));
	}
	const uint16_t fam = family ? family : ip_et ? et : 0;
	if (seen & 1u << NSW_F_PROTO) {
		const char *pw = w[at[NSW_F_PROTO] + 1];
		if (et && !ip_et)
			return nsw_err(err, errlen, line,
				       "proto %s needs IP, ethertype %s frames have no protocol",
				       nsw_acl_quote(pw, q), w[at[NSW_F_ETHERTYPE] + 1]);
		if (r->val.proto == 0 && !fam)
			return nsw_err(err, errlen, line,
				       "proto %s without ethertype 0800 or 86dd matches every "
				       "non-IP frame", nsw_acl_quote(pw, q));
		if (r->val.proto == 1 && fam == 0x86dd)
			return nsw_err(err, errlen, line,
				       "proto %s is IPv4's ICMP, the rule is IPv6 (icmpv6?)",
				       nsw_acl_quote(pw, q));
		if (r->val.proto == 58 && fam == 0x0800)
			return nsw_err(err, errlen, line,
				       "proto %s is IPv6's ICMP, the rule is IPv4 (icmp?)",
				       nsw_acl_quote(pw, q));
	}
	for (int f = NSW_F_SPORT; f <= NSW_F_DPORT; f++) {
		if (!(seen & 1u << f))
			continue;
		const uint8_t p = r->val.proto;
		if (!(seen & 1u << NSW_F_PROTO))
			return nsw_err(err, errlen, line,
				       "%s %s needs a proto with ports (tcp, udp or sctp)", w[at[f]],
				       nsw_acl_quote(w[at[f] + 1], q));
		if (p != 6 && p != 17 && p != 132)
			return nsw_err(err, errlen, line,
				       "%s %s needs a proto with ports (tcp, udp or sctp), not %s",
				       w[at[f]], nsw_acl_quote(w[at[f] + 1], q),
				       nsw_acl_quote(w[at[NSW_F_PROTO] + 1], q2));
	}
	if ((seen & 1u << NSW_F_L4) && (seen & (1u << NSW_F_SPORT | 1u << NSW_F_DPORT))) {
		int fp = (seen & 1u << NSW_F_SPORT) ? NSW_F_SPORT : NSW_F_DPORT;
		return nsw_err(err, errlen, line, "l4 %s with %s matches nothing: such a frame has no ports",
			       nsw_acl_quote(w[at[NSW_F_L4] + 1], q), w[at[fp]]);
	}
	if (family) {
		r->val.ethertype = family;
		r->mask.ethertype = 0xffff;
	}
	return 0;
}

/* Earlier rule with the same priority or the same match as rule i, or -1. */
static int nsw_same_as(const struct nsw_acl_text *t, unsigned i, bool prio)
{
	for (unsigned j = 0; j < i; j++) {
		const struct nsw_acl_rule *a = &t->rules[i], *b = &t->rules[j];
		if (prio ? a->prio == b->prio
			 : !memcmp(&a->mask, &b->mask, sizeof a->mask) &&
				   !memcmp(&a->val, &b->val, sizeof a->val))
			return (int)j;
	}
	return -1;
}

int nsw_acl_text_parse(const char *text, size_t len, const struct nsw_nic *st,
		       struct nsw_acl_text *out, char *err, size_t errlen)
{
	char *buf = NULL, **w = NULL;
	size_t wcap = 0, pos = 0, ln = 0;
	int rc = 0;
	out->n = 0;
	while (pos < len && !rc) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos;
		pos += l + (nl != NULL);
		ln++;
		/* A NUL would end the line early for any C string function: whatever follows it
		 * on the line would be lost without a word. */
		if (memchr(s, 0, l)) {
			rc = nsw_err(err, errlen, ln, "a NUL byte: rules are text");
			break;
		}
		const char *hash = memchr(s, '#', l);
		if (hash)
			l = (size_t)(hash - s);
		free(buf);
		buf = malloc(l + 1);
		if (!buf) {
			rc = nsw_err(err, errlen, ln, "out of memory");
			break;
		}
		memcpy(buf, s, l);
		buf[l] = 0;
		size_t nw = 0;
		char *save = NULL;
		for (char *tok = strtok_r(buf, NSW_BLANKS, &save); tok;
		     tok = strtok_r(NULL, NSW_BLANKS, &save)) {
			if (nw == wcap) {
				size_t ncap = wcap ? 2 * wcap : 64;
				char **nw2 = realloc(w, ncap * sizeof *w);
				if (!nw2) {
					rc = nsw_err(err, errlen, ln, "out of memory");
					break;
				}
				w = nw2;
				wcap = ncap;
			}
			w[nw++] = tok;
		}
		if (rc || !nw)
			continue;
		if (out->n == NSW_ACL_RULES) {
			rc = nsw_err(err, errlen, ln, "more than %d rules", NSW_ACL_RULES);
			break;
		}
		rc = nsw_rule_parse(w, nw, ln, &out->rules[out->n], st, err, errlen);
		out->line[out->n++] = ln;
	}
	free(buf);
	free(w);
	if (rc)
		return rc;
	/* The set as nsw_acl_compile will see it, with lines named. */
	for (unsigned i = 0; i < out->n; i++) {
		int j = nsw_same_as(out, i, true);
		if (j >= 0)
			return nsw_err(err, errlen, out->line[i], "prio %u is also line %zu's",
				       out->rules[i].prio, out->line[j]);
		j = nsw_same_as(out, i, false);
		if (j >= 0)
			return nsw_err(err, errlen, out->line[i], "the same match as line %zu's",
				       out->line[j]);
	}
	struct nsw_acl_set set;
	uint8_t tuple[NSW_ACL_RULES];
	unsigned bad = 0;
	int e = nsw_acl_compile(out->rules, out->n, 0, &set, tuple, &bad);
	if (e)
		return nsw_err(err, errlen, bad < out->n ? out->line[bad] : ln, "%s",
			       nsw_strerror(e));
	return 0;
}

#define NSW_ADD(...) o += (size_t)snprintf(out + o, o < len ? len - o : 0, __VA_ARGS__)

size_t nsw_acl_match_format(const struct nsw_acl_key *v, const struct nsw_acl_key *m,
			    char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN], b[20];
	size_t o = 0;
	if (len)
		out[0] = 0;
	if (m->src) {
		nsw_mac_format(v->src, a);
		nsw_mac_format(m->src, b);
		NSW_ADD(" src %s/%s", a, b);
	}
	if (m->dst) {
		nsw_mac_format(v->dst, a);
		nsw_mac_format(m->dst, b);
		NSW_ADD(" dst %s/%s", a, b);
	}
	if (m->ethertype)
		NSW_ADD(" ethertype %04x", v->ethertype);
	if (m->vid & 0xfff)
		NSW_ADD(" vlan %u", v->vid & 0xfff);
	if (m->pcp)
		NSW_ADD(" pcp %u", v->pcp);
	for (int s = 0; s < 2; s++) {
		const uint32_t *vv = s ? v->dip : v->sip, *mm = s ? m->dip : m->sip;
		if (!(mm[0] | mm[1] | mm[2] | mm[3]))
			continue;
		int plen = 0;
		uint8_t x[16];
		for (int i = 0; i < 4; i++) {
			plen += __builtin_popcount(mm[i]);
			for (int j = 0; j < 4; j++)
				x[4 * i + j] = (uint8_t)(vv[i] >> (24 - 8 * j));
		}
		inet_ntop(v->ethertype == 0x0800 ? AF_INET : AF_INET6, x, a, sizeof a);
		NSW_ADD(" %s-ip %s/%d", s ? "dst" : "src", a, plen);
	}
	if (m->proto)
		NSW_ADD(" proto %u", v->proto);
	if (m->sport)
		NSW_ADD(" sport %u", v->sport);
	if (m->dport)
		NSW_ADD(" dport %u", v->dport);
	if (m->l4)
		NSW_ADD(" l4 %s", v->l4 == NSW_ACL_L4_FRAG ? "fragment" : "unknown");
	if (m->to_vf)
		NSW_ADD(" to-vf %u,%u", v->to_pf & (NSW_MAX_PFS - 1), v->to_vf);
	else if (m->to_pf && !(v->to_pf & NSW_ACL_TO_PORT))
		NSW_ADD(" to-pf %u", v->to_pf & (NSW_MAX_PFS - 1));
	else if (m->to_pf == 0xff)
		NSW_ADD(" to-uplink %u", v->to_pf & (NSW_MAX_PFS - 1));
	else if (m->to_pf)
		NSW_ADD(" to-uplink any");
	return o;
}

size_t nsw_acl_rule_format(const struct nsw_acl_rule *r, char *out, size_t len)
{
	size_t o = 0;
	NSW_ADD("prio %u", r->prio);
	o += nsw_acl_match_format(&r->val, &r->mask, out + o, o < len ? len - o : 0);
	NSW_ADD(" action %s", r->action == NSW_ACL_DROP     ? "drop"
			      : r->action == NSW_ACL_MIRROR ? "mirror"
							    : "allow");
	if (r->action == NSW_ACL_MIRROR)
		NSW_ADD(" to %u,%u", r->mirror_pf, r->mirror_vf);
	return o;
}

#undef NSW_ADD
