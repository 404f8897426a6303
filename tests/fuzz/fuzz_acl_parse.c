/* fuzz_acl_parse.c - libFuzzer target over the ACL rule text (cli/nsw_acl_text.c).
 * Input: the text of a rule file, any bytes; or, when the first byte is 0 (text with a NUL is
 * refused anyway), bytes that choose the fields and values of rules written out as text by
 * gen_rules, so every value of every field is reached, not only those near the seeds' (a
 * formatter wrong for one prefix length is found this way). Property: the text is refused with
 * one line naming a line of it, or each of its rules has no value bit outside its mask, and the
 * rules printed by nsw_acl_rule_format (what `acl show` prints), one per line, parse back to the
 * same rules (compared as structs) and print the same text again. The NIC that mirror targets are
 * checked against is fixed: VFs 0..3 of PF 0 and VF 9 of PF 1. ASan and UBSan watch every
 * read; tests/run runs it bounded by NSW_FUZZ_SECONDS over tests/fuzz/acl_corpus (the
 * rule words come from the seeds and from libFuzzer's tracing of strcmp: a dictionary added
 * no coverage). */
#include <arpa/inet.h>
#include <stdbool.h>
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

/* Bytes as choices; 0 once they run out. */
struct choices {
	const uint8_t *p;
	size_t n;
};

static uint32_t take(struct choices *c, int bytes)
{
	uint32_t v = 0;
	for (int i = 0; i < bytes; i++) {
		v = v << 8 | (c->n ? *c->p : 0);
		if (c->n) {
			c->p++;
			c->n--;
		}
	}
	return v;
}

static size_t gen_mac(struct choices *c, char *out, size_t len, const char *word, bool mask)
{
	char a[18], m[18];
	uint64_t v = (uint64_t)take(c, 2) << 32 | take(c, 4);
	uint64_t mk = (uint64_t)take(c, 2) << 32 | take(c, 4);
	nsw_mac_format(v, a);
	nsw_mac_format(mk, m);
	return (size_t)snprintf(out, len, " %s %s%s%s", word, a, mask ? "/" : "", mask ? m : "");
}

static size_t gen_prefix(struct choices *c, char *out, size_t len, const char *word, bool v6)
{
	uint8_t b[16];
	char a[64];
	for (int i = 0; i < 16; i++)
		b[i] = (uint8_t)take(c, 1);
	inet_ntop(v6 ? AF_INET6 : AF_INET, b, a, sizeof a);
	unsigned plen = take(c, 1) % (v6 ? 129 : 33);
	return (size_t)snprintf(out, len, " %s %s/%u", word, a, plen);
}

/* Rules whose fields and values the bytes choose, as text: mostly valid, so the values are
 * what the round trip sees; the rest is refused like any other text. */
static size_t gen_rules(struct choices *c, char *out, size_t len)
{
	static const char *const protos[] = {"tcp", "udp", "sctp", "icmp", "icmpv6", "0", "47"};
	size_t o = 0;
#define GEN(...) o += (size_t)snprintf(out + o, len - o, __VA_ARGS__)
	for (int r = 0; r < 16 && c->n && len - o > NSW_ACL_LINE_LEN; r++) {
		uint32_t f = take(c, 2);
		bool v6 = f & 0x8000;
		GEN("prio %u", take(c, 4) & 0xfffffff);
		if (f & 1)
			o += gen_mac(c, out + o, len - o, "src", f & 0x4000);
		if (f & 2)
			o += gen_mac(c, out + o, len - o, "dst", f & 0x4000);
		if (f & 4)
			GEN(" ethertype %04x", v6 ? 0x86dd : (f & 0x2000) ? 0x0800 : take(c, 2) | 0x600);
		if (f & 8)
			GEN(" vlan %u", take(c, 2) % 4095);
		if (f & 16)
			GEN(" pcp %u", take(c, 1) % 8);
		if (f & 32)
			o += gen_prefix(c, out + o, len - o, "src-ip", v6);
		if (f & 64)
			o += gen_prefix(c, out + o, len - o, "dst-ip", v6);
		if (f & 128)
			GEN(" proto %s", protos[take(c, 1) % (sizeof protos / sizeof *protos)]);
		if (f & 256)
			GEN(" sport %u", take(c, 2));
		if (f & 512)
			GEN(" dport %u", take(c, 2));
		unsigned a = take(c, 1) % 3;
		GEN(" action %s", a == 0 ? "allow" : a == 1 ? "drop" : "mirror");
		if (a == 2)
			GEN(" to %u,%u", take(c, 1) % 2, take(c, 1) % 12);
		GEN("\n");
	}
#undef GEN
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[NSW_ACL_ERR_LEN];
	char *in;
	if (size && data[0] == 0) {
		struct choices c = {data + 1, size - 1};
		static char gen[16 * NSW_ACL_LINE_LEN * 2];
		size = gen_rules(&c, gen, sizeof gen);
		data = (const uint8_t *)gen;
	}
	/* A heap copy of exactly the input, so any read past it is caught. */
	in = malloc(size ? size : 1);
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
