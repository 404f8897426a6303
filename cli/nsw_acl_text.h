/* nsw_acl_text.h - the text form of ACL rules: rule files parsed into struct nsw_acl_rule, and
 * rules printed back the way `nswitch acl show` prints them (see nsw_acl_text.c).
 * No NIC, no BPF, no exit(): the CLI and the fuzzer (tests/fuzz/fuzz_acl_parse.c) link it; an
 * error comes back as one line naming the line number and the offending word. */
#ifndef NSW_ACL_TEXT_H
#define NSW_ACL_TEXT_H

#include <stddef.h>

#include "../core/nsw_acl.h"

struct nsw_nic;

#define NSW_ACL_ERR_LEN 448   /* room for any error message of this module */
#define NSW_ACL_LINE_LEN 512  /* room for any line nsw_acl_rule_format writes */

/* A parsed rule file: rules in file order and the line each came from (1-based). */
struct nsw_acl_text {
	struct nsw_acl_rule rules[NSW_ACL_RULES];
	size_t line[NSW_ACL_RULES];
	unsigned n;
};

/* Parses text[0..len): one rule per line, words separated by blanks, '#' starts a comment.
 * Lines have no length limit and a line no word limit. Every word must be understood, every
 * field given at most once, every number decimal (ethertype: hex) and in range, and the rule
 * must not contradict itself (ports without a protocol that has them, ICMP over IPv6, ...).
 * The set as a whole must compile (nsw_acl_compile: unique priorities, ...). With st, the VF
 * a mirror rule names must exist in it; st NULL skips that check.
 * Returns 0, or -1 with err set to one line "line N: ..." and out->n undefined. */
int nsw_acl_text_parse(const char *text, size_t len, const struct nsw_nic *st,
		       struct nsw_acl_text *out, char *err, size_t errlen);

/* One rule from its words w[0..nw) (no blanks or '#' in them), line for errors. */
int nsw_rule_parse(char **w, size_t nw, size_t line, struct nsw_acl_rule *r,
		   const struct nsw_nic *st, char *err, size_t errlen);

/* " src MAC/MASK ... dport N": the rule's match, each field with a leading blank ("" when it
 * matches everything). Returns the length it needed (as snprintf). */
size_t nsw_acl_match_format(const struct nsw_acl_key *val, const struct nsw_acl_key *mask,
			    char *out, size_t len);
/* "prio N <match> action A [to P,V]": a line nsw_acl_text_parse reads back as the same rule.
 * Returns the length it needed (as snprintf); NSW_ACL_LINE_LEN is always enough. */
size_t nsw_acl_rule_format(const struct nsw_acl_rule *r, char *out, size_t len);

/* s as it may appear in a one-line message: quoted, control and non-ASCII bytes as \xNN, cut
 * after 32 characters. buf must hold NSW_ACL_QUOTE_LEN. */
#define NSW_ACL_QUOTE_LEN 136
const char *nsw_acl_quote(const char *s, char *buf);

#endif
