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

struct nsw_acl_target {
	unsigned pf, vf, dir;
	uint32_t set; /* nsw_acl_set_id(slot, dir) */
};

static void nsw_acl_target_args(struct nsw_cli_nic *n, int argc, char **argv, int i,
				struct nsw_acl_target *t, bool need_dir, const char **file)
{
	struct nsw_arg_val v[NSW_W_ACL_N];
	nsw_args_cli(nsw_words_acl, NSW_W_ACL_N, argc - i, argv + i, v, "acl");
	if (v[NSW_W_ACL_FILE].set && !file)
		nsw_fail("acl: unknown argument \"file\"");
	if (need_dir && !v[NSW_W_ACL_DIR].set)
		nsw_fail("acl: missing \"dir in|out\"");
	t->pf = (unsigned)v[NSW_W_ACL_PF].u;
	t->vf = (unsigned)v[NSW_W_ACL_VF].u;
	t->dir = v[NSW_W_ACL_DIR].u == 1 ? NSW_ACL_OUT : NSW_ACL_IN;
	if (file && v[NSW_W_ACL_FILE].set)
		*file = v[NSW_W_ACL_FILE].str;
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

/* replace and flush: flush installs the empty set the same way. */
static void nsw_acl_write(int argc, char **argv, bool flush)
{
	struct nsw_cli_nic n;
	struct nsw_acl_target tg = {0};
	const char *file = NULL;
	if (argc < 2)
		nsw_fail("usage: nswitch acl replace NIC pf P vf V dir in|out [file FILE]");
	/* The rules are read before the NIC is locked: a slow writer on stdin (or `acl show`
	 * piped in) must not hold every other command of the NIC. */
	struct nsw_arg_val w[NSW_W_ACL_N];
	nsw_args_cli(nsw_words_acl, NSW_W_ACL_N, argc - 2, argv + 2, w, "acl"); /* words first */
	if (!flush && w[NSW_W_ACL_FILE].set)
		file = w[NSW_W_ACL_FILE].str;
	size_t len = 0;
	char *text = flush ? NULL : nsw_acl_read(file, &len);
	nsw_nic_open(&n, argv[1]);
	nsw_acl_target_args(&n, argc, argv, 2, &tg, true, flush ? NULL : &file);
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
		/* The target words judge the decision's copies of what the VF sends. */
		for (unsigned i = 0; i < t->n; i++)
			if (tg.dir == NSW_ACL_OUT && t->rules[i].mask.to_pf)
				nsw_fail("acl: line %zu: to-pf, to-vf and to-uplink judge what a VF "
					 "sends: dir in only", t->line[i]);
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

static void nsw_acl_replace_cmd(int argc, char **argv)
{
	nsw_acl_write(argc, argv, false);
}

static void nsw_acl_flush_cmd(int argc, char **argv)
{
	nsw_acl_write(argc, argv, true);
}

static void nsw_acl_show_cmd(int argc, char **argv)
{
	struct nsw_cli_nic n;
	if (argc < 2)
		nsw_fail("usage: nswitch acl show NIC [pf P vf V]");
	nsw_nic_open(&n, argv[1]);
	int fd_active = nsw_nic_map(&n, "nsw_acl_active"), fd_sets = nsw_nic_map(&n, "nsw_acl_sets");
	int fd_rules = nsw_nic_map(&n, "nsw_acl_rules"), fd_hits = nsw_nic_map(&n, "nsw_acl_hits");
	struct nsw_acl_target only = {0};
	bool filter = argc > 2;
	if (filter)
		nsw_acl_target_args(&n, argc, argv, 2, &only, false, NULL);
	nsw_print_arr_open(NULL);
	for (uint32_t set = 0; set < NSW_NVF_SLOTS * 2; set++) {
		uint32_t word = 0, slot = set / 2;
		if (filter && set / 2 != only.set / 2)
			continue;
		if (bpf_map_lookup_elem(fd_active, &set, &word) || !(word & NSW_ACL_LIVE))
			continue;
		struct nsw_acl_set s;
		uint32_t sk = nsw_acl_buf_key(set, (word & NSW_ACL_BUF) ? 1 : 0);
		if (bpf_map_lookup_elem(fd_sets, &sk, &s))
			continue;
		int nr = nsw_acl_collect(fd_rules, set, word & NSW_ACL_GEN_MASK, false, nsw_keys,
					 nsw_vals, NSW_ACL_IDS);
		/* By priority. */
		for (int i = 1; i < nr; i++)
			for (int j = i; j > 0 && nsw_vals[j - 1].prio > nsw_vals[j].prio; j--) {
				struct nsw_acl_hkey tk = nsw_keys[j];
				struct nsw_acl_hval tv = nsw_vals[j];
				nsw_keys[j] = nsw_keys[j - 1];
				nsw_vals[j] = nsw_vals[j - 1];
				nsw_keys[j - 1] = tk;
				nsw_vals[j - 1] = tv;
			}
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
			unsigned t = (nsw_keys[i].tgen & 15) % NSW_ACL_MASKS;
			const struct nsw_acl_rule r = {
				.val = nsw_vals[i].val, .mask = s.t[t].mask, .prio = nsw_vals[i].prio,
				.action = nsw_vals[i].action, .mirror_pf = nsw_vals[i].mirror_pf,
				.mirror_vf = nsw_vals[i].mirror_vf};
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

int nsw_cmd_acl(int argc, char **argv)
{
	if (argc < 1)
		nsw_fail("acl: missing command: replace, flush or show");
	static const char *const verbs[] = {"replace", "flush", "show", NULL};
	nsw_verb(&argv[0], verbs, "acl");
	if (nsw_matches(argv[0], "replace"))
		nsw_acl_replace_cmd(argc, argv);
	else if (nsw_matches(argv[0], "flush"))
		nsw_acl_flush_cmd(argc, argv);
	else if (nsw_matches(argv[0], "show"))
		nsw_acl_show_cmd(argc, argv);
	else
		nsw_fail("acl: unknown command \"%s\": replace, flush or show", argv[0]);
	return 0;
}
