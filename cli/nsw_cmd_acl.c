/* nsw_cmd_acl.c - the `acl` command: per-VF rule sets, replaced atomically, flushed, shown.
 * A replace parses (cli/nsw_acl_text.c) and compiles (core/nsw_acl_ctl.c) the whole new set
 * first, writes it beside the live one under a new generation, flips the VF's active word with
 * one store, then removes the old generation: a frame is judged by the old set or by the new one, never by a mix, and
 * any error before the flip leaves the live set as it was. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../lib/nsw_acl_install.h"
#include "nsw_acl_text.h"
#include "nsw_cli.h"
#include "nsw_cli_words.h"
#include "nsw_cmd.h"
#include "nsw_save.h"

struct nsw_acl_target {
	unsigned pf, vf, dir;
	uint32_t set; /* nsw_acl_set_id(slot, dir) */
};

/* The VF of pf and vf (both given: the tables say so), which the NIC must have. */
static void nsw_acl_target(struct nsw_cli_nic *n, const struct nsw_arg_val *v,
			   struct nsw_acl_target *t)
{
	t->pf = (unsigned)v[NSW_W_ACL_PF].u;
	t->vf = (unsigned)v[NSW_W_ACL_VF].u;
	t->dir = v[NSW_W_ACL_DIR].u == 1 ? NSW_ACL_OUT : NSW_ACL_IN;
	if (!(n->st->vf[t->pf][t->vf] & NSW_VF_EN))
		nsw_fail("acl: no VF %u,%u", t->pf, t->vf);
	t->set = nsw_acl_set_id(nsw_vf_slot(t->pf, t->vf), t->dir);
}

static struct nsw_acl_text nsw_text_rules;

/* The whole of FILE ("-" or NULL: stdin): no line or file length limit but memory, and a read
 * error (a directory, an I/O error) is an error, never an empty rule set. */
static char *nsw_acl_read(const char *file, size_t *len)
{
	char q[NSW_ACL_QUOTE_LEN];
	const bool in = !file || !strcmp(file, "-");
	if (in && nsw_no_stdin)
		nsw_fail("acl: no rules: in a batch, give them in a here-document (a last word <<EOF, "
			 "the rules, a line EOF) or with file FILE");
	const char *name = in ? "stdin" : nsw_acl_quote(file, q);
	int fd = in ? 0 : open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		nsw_fail("acl: cannot read %s: %s", name, strerror(errno));
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (buf && n == cap) {
			char *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
		}
		if (!buf)
			nsw_fail("acl: %s: out of memory", name);
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			nsw_fail("acl: cannot read %s: %s", name, strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (!in)
		close(fd);
	*len = n;
	return buf;
}

static struct nsw_acl_hkey nsw_keys[NSW_ACL_IDS];
static struct nsw_acl_hval nsw_vals[NSW_ACL_IDS];

/* Reads the live rule set set (a VF's slot * 2 + dir) into nsw_keys/nsw_vals, by priority, and
 * its header into s. Returns the count of rules, or -1 when the set is not live. */
static int nsw_acl_set_read(int fd_active, int fd_sets, int fd_rules, uint32_t set,
			    uint32_t *word, struct nsw_acl_set *s)
{
	if (bpf_map_lookup_elem(fd_active, &set, word) || !(*word & NSW_ACL_LIVE))
		return -1;
	uint32_t sk = nsw_acl_buf_key(set, (*word & NSW_ACL_BUF) ? 1 : 0);
	if (bpf_map_lookup_elem(fd_sets, &sk, s))
		return -1;
	int nr = nsw_acl_collect(fd_rules, set, *word & NSW_ACL_GEN_MASK, false, nsw_keys,
				 nsw_vals, NSW_ACL_IDS);
	for (int i = 1; i < nr; i++)
		for (int j = i; j > 0 && nsw_vals[j - 1].prio > nsw_vals[j].prio; j--) {
			struct nsw_acl_hkey tk = nsw_keys[j];
			struct nsw_acl_hval tv = nsw_vals[j];
			nsw_keys[j] = nsw_keys[j - 1];
			nsw_vals[j] = nsw_vals[j - 1];
			nsw_keys[j - 1] = tk;
			nsw_vals[j - 1] = tv;
		}
	return nr;
}

/* Rule i of the set nsw_acl_set_read read last. */
static struct nsw_acl_rule nsw_acl_rule_of(const struct nsw_acl_set *s, int i)
{
	unsigned t = (nsw_keys[i].tgen & 15) % NSW_ACL_MASKS;
	return (struct nsw_acl_rule){.val = nsw_vals[i].val, .mask = s->t[t].mask,
				     .prio = nsw_vals[i].prio, .action = nsw_vals[i].action,
				     .mirror_pf = nsw_vals[i].mirror_pf,
				     .mirror_vf = nsw_vals[i].mirror_vf};
}

/* replace and flush: flush installs the empty set the same way. */
static void nsw_acl_write(const char *nic, const struct nsw_arg_val *v, bool flush)
{
	struct nsw_cli_nic n;
	struct nsw_acl_target tg = {0};
	const char *file = v[NSW_W_ACL_FILE].set ? v[NSW_W_ACL_FILE].str : NULL;
	/* The rules are read before the NIC is locked (the words were parsed before the command
	 * ran): a slow writer on stdin (or `acl show` piped in) must not hold every other command
	 * of the NIC. */
	size_t len = 0;
	char *text = flush ? NULL : nsw_acl_read(file, &len);
	nsw_nic_open(&n, nic);
	nsw_acl_target(&n, v, &tg);
	int fd_active = nsw_nic_map(&n, "nsw_acl_active"), fd_sets = nsw_nic_map(&n, "nsw_acl_sets");
	int fd_rules = nsw_nic_map(&n, "nsw_acl_rules"), fd_hits = nsw_nic_map(&n, "nsw_acl_hits");

	/* Parse the whole set; nsw_acl_install compiles it again before touching anything. */
	struct nsw_acl_text *t = &nsw_text_rules;
	t->n = 0;
	if (!flush) {
		char err[NSW_ACL_ERR_LEN];
		if (nsw_acl_text_parse(text, len, n.st, t, err, sizeof err))
			nsw_fail("acl: %s", err);
		free(text);
		/* The target words judge the decision's copies of what the VF sends. A copy is never
		 * mirrored to the VF it is judged for, so such a rule would do nothing. */
		for (unsigned i = 0; i < t->n; i++) {
			const struct nsw_acl_rule *r = &t->rules[i];
			if (tg.dir == NSW_ACL_OUT && r->mask.to_pf)
				nsw_fail("acl: line %zu: to-pf, to-vf and to-uplink judge what a VF "
					 "sends: dir in only", t->line[i]);
			if (r->action == NSW_ACL_MIRROR && r->mirror_pf == tg.pf &&
			    r->mirror_vf == tg.vf)
				nsw_fail("acl: line %zu: action mirror to %u,%u: VF %u,%u's own rules "
					 "cannot mirror to itself", t->line[i], tg.pf, tg.vf, tg.pf,
					 tg.vf);
		}
	}
	unsigned nr = t->n;
	struct nsw_acl_maps m = {fd_active, fd_sets, fd_rules, fd_hits,
				 nsw_nic_map(&n, "nsw_features")};
	char err[256];
	unsigned ntuples = 0;
	if (nsw_acl_install(&m, tg.set, t->rules, nr, &ntuples, err, sizeof err))
		nsw_fail("acl: %s", err);
	nsw_features_refresh(&n);
	nsw_print_obj_open(NULL);
	nsw_print_uint(NSW_PR_ANY, "pf", "acl vf %llu", tg.pf);
	nsw_print_uint(NSW_PR_ANY, "vf", ",%llu", tg.vf);
	nsw_print_str(NSW_PR_ANY, "dir", " %s:", tg.dir == NSW_ACL_IN ? "in" : "out");
	nsw_print_uint(NSW_PR_ANY, "rules", " %llu rule", nr);
	nsw_print_text("%s", nr == 1 ? "" : "s");
	nsw_print_uint(NSW_PR_ANY, "tuples", " in %llu tuple", ntuples);
	nsw_print_text("%s\n", ntuples == 1 ? "" : "s");
	nsw_print_obj_close();
	nsw_print_end();
	nsw_nic_close(&n);
}

static void nsw_acl_replace_cmd(const char *nic, const struct nsw_arg_val *v)
{
	nsw_acl_write(nic, v, false);
}

static void nsw_acl_flush_cmd(const char *nic, const struct nsw_arg_val *v)
{
	nsw_acl_write(nic, v, true);
}

static void nsw_acl_show_cmd(const char *nic, const struct nsw_arg_val *v)
{
	struct nsw_cli_nic n;
	nsw_nic_open(&n, nic);
	int fd_active = nsw_nic_map(&n, "nsw_acl_active"), fd_sets = nsw_nic_map(&n, "nsw_acl_sets");
	int fd_rules = nsw_nic_map(&n, "nsw_acl_rules"), fd_hits = nsw_nic_map(&n, "nsw_acl_hits");
	struct nsw_acl_target only = {0};
	bool filter = v[NSW_W_ACL_PF].set; /* and vf: the table pairs them */
	if (filter)
		nsw_acl_target(&n, v, &only);
	nsw_print_arr_open(NULL);
	for (uint32_t set = 0; set < NSW_NVF_SLOTS * 2; set++) {
		uint32_t word = 0, slot = set / 2;
		if (filter && set / 2 != only.set / 2)
			continue;
		struct nsw_acl_set s;
		int nr = nsw_acl_set_read(fd_active, fd_sets, fd_rules, set, &word, &s);
		if (nr < 0)
			continue;
		const char *dir = set % 2 ? "out" : "in";
		nsw_print_obj_open(NULL);
		nsw_print_uint(NSW_PR_ANY, "pf", "acl vf %llu", slot / NSW_MAX_VFS);
		nsw_print_uint(NSW_PR_ANY, "vf", ",%llu", slot % NSW_MAX_VFS);
		nsw_print_str(NSW_PR_ANY, "dir", " %s:", dir);
		/* The count of the rules array below. */
		nsw_print_text(" %d rules,", nr);
		nsw_print_uint(NSW_PR_ANY, "tuples", " %llu tuples", s.ntuples);
		nsw_print_uint(NSW_PR_ANY, "generation", ", generation %llu\n",
			       word & NSW_ACL_GEN_MASK);
		nsw_print_arr_open("rules");
		for (int i = 0; i < nr; i++) {
			char match[NSW_ACL_LINE_LEN];
			struct nsw_acl_hit hit;
			nsw_counter_sum(fd_hits, nsw_vals[i].id, NSW_ACL_IDS, (uint64_t *)&hit,
					sizeof hit / 8);
			const struct nsw_acl_rule r = nsw_acl_rule_of(&s, i);
			const char *act = r.action == NSW_ACL_DROP     ? "drop"
					  : r.action == NSW_ACL_MIRROR ? "mirror" : "allow";
			/* The text is the line a rule file holds, as nsw_acl_rule_format writes it:
			 * acl show's rules can be fed back (test_acl_parse does). */
			nsw_acl_match_format(&r.val, &r.mask, match, sizeof match);
			nsw_print_obj_open(NULL);
			nsw_print_text("    ");
			nsw_print_uint(NSW_PR_ANY, "prio", "prio %llu", r.prio);
			if (match[0]) /* a match-all rule has none */
				nsw_print_str(NSW_PR_ANY, "match", " %s", match + 1);
			nsw_print_str(NSW_PR_ANY, "action", " action %s", act);
			if (r.action == NSW_ACL_MIRROR) {
				nsw_print_uint(NSW_PR_ANY, "mirror_pf", " to %llu", r.mirror_pf);
				nsw_print_uint(NSW_PR_ANY, "mirror_vf", ",%llu", r.mirror_vf);
			}
			nsw_print_uint(NSW_PR_ANY, "pkts", "  (%llu pkts", hit.pkts);
			nsw_print_uint(NSW_PR_ANY, "bytes", ", %llu bytes)\n", hit.bytes);
			nsw_print_obj_close();
		}
		nsw_print_arr_close();
		nsw_print_obj_close();
	}
	nsw_print_arr_close();
	nsw_print_end();
	nsw_nic_close(&n);
}

/* Every live rule set: `acl replace` with the rules in a here-document, as acl show writes
 * them; an empty live set (flushed) as `acl flush`, which makes the same. */
void nsw_save_acl(struct nsw_cli_nic *n, struct nsw_save *s)
{
	int fd_active = nsw_nic_map(n, "nsw_acl_active"), fd_sets = nsw_nic_map(n, "nsw_acl_sets");
	int fd_rules = nsw_nic_map(n, "nsw_acl_rules");
	for (uint32_t set = 0; set < NSW_NVF_SLOTS * 2; set++) {
		uint32_t word = 0, slot = set / 2;
		struct nsw_acl_set hdr;
		int nr = nsw_acl_set_read(fd_active, fd_sets, fd_rules, set, &word, &hdr);
		if (nr < 0)
			continue;
		nsw_save_line(s, nr ? "acl replace" : "acl flush", n->name);
		nsw_save_word(s, "pf", "%u", slot / NSW_MAX_VFS);
		nsw_save_word(s, "vf", "%u", slot % NSW_MAX_VFS);
		nsw_save_word(s, "dir", "%s", set % 2 ? "out" : "in");
		if (!nr) {
			nsw_save_end(s);
			continue;
		}
		nsw_save_end_here(s);
		for (int i = 0; i < nr; i++) {
			char line[NSW_ACL_LINE_LEN];
			const struct nsw_acl_rule r = nsw_acl_rule_of(&hdr, i);
			nsw_acl_rule_format(&r, line, sizeof line);
			nsw_save_body(s, line);
		}
		nsw_save_here_close(s);
	}
	close(fd_active);
	close(fd_sets);
	close(fd_rules);
}

const struct nsw_cmd nsw_cmds_acl[] = {
	{"replace", NULL, nsw_acl_replace_cmd, NSW_POS_NIC, nsw_words_acl_replace, NSW_W_ACL_N,
	 "Replace VF P,V's rule set for frames it sends (in) or is given (out), atomically:\n"
	 "no frame is judged by half of an update. One rule per line (FILE or stdin; #\n"
	 "comments): prio N [src MAC[/MASK]] [dst MAC[/MASK]] [src-oui O] [dst-oui O]\n"
	 "[ethertype HEX] [vlan VID] [pcp N] [src-ip PREFIX] [dst-ip PREFIX]\n"
	 "[proto tcp|udp|icmp|icmpv6|sctp|N] [sport N] [dport N] [l4 fragment|unknown]\n"
	 "[to-pf P | to-vf P,V | to-uplink P|any]\n"
	 "action allow|drop|mirror [to P,V]. The lowest prio number that matches wins;\n"
	 "no match allows. Priorities unique; at most 256 rules and 8 distinct masks.\n"
	 "proto and ports are found behind IPv6 extension headers (hop-by-hop, routing,\n"
	 "destination options, fragment, AH) when the ports lie within 64 octets of the\n"
	 "IP header's start. A frame without them there (a fragment past the first, a\n"
	 "longer chain: \"l4 fragment\", \"l4 unknown\") matches no proto/port rule, and\n"
	 "is dropped (drop reason acl_l4_unknown) when such a rule comes before any rule\n"
	 "that matches it: put \"prio 1 l4 fragment action allow\" first to let\n"
	 "fragments through. to-pf P: the copy the NIC delivers to a VF of PF P (every\n"
	 "copy of a flood is judged alone); to-vf P,V: to that VF; to-uplink: the copy\n"
	 "that leaves by PF P's (any) port, which to-pf P does not match. dir in only."},
	{"flush", NULL, nsw_acl_flush_cmd, NSW_POS_NIC, nsw_words_acl_flush, NSW_W_ACL_N,
	 "Remove VF P,V's rule set of that direction, atomically (no rules: all allowed)."},
	{"show", NULL, nsw_acl_show_cmd, NSW_POS_NIC, nsw_words_acl_show, NSW_W_ACL_N,
	 "Rules with a counter each. Without pf and vf: of every VF."},
	{0},
};
