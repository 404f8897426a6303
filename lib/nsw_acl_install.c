/* nsw_acl_install.c - the one way an ACL rule set enters a NIC's maps: compile it (core), remove
 * what a killed replace left (recovery), stage the new generation beside the live one, flip
 * the set's active word with one store, then remove every rule of the set the word does not
 * make live (collection). A frame reads the active word once, so it is judged by the old set
 * or the new one, never by a mix; an error before the flip leaves the live set as it was, and
 * a kill anywhere leaves the live set whole and the next command clean.
 * Invariant: the only rules of a set the data path can find are those of the generation its
 * active word names; any other rule of the set is garbage the next command removes.
 * Owner: the ACL replace/flush flow (cli/nsw_cli_acl.c calls it; tests and benches too). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../core/nsw_ctl.h"
#include "nsw_acl_install.h"

static struct nsw_acl_hkey nsw_keys[NSW_ACL_IDS];

__attribute__((format(printf, 3, 4))) static int nsw_acl_err(char *err, size_t len,
							     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* The generation a rule's hash key names: tgen holds it shifted by 4, so only its low 28 bits. */
static bool nsw_acl_of_gen(const struct nsw_acl_hkey *k, uint32_t gen)
{
	return (k->tgen >> 4) == (gen & (NSW_ACL_GEN_MASK >> 2));
}

int nsw_acl_collect(int fd_rules, uint32_t set, uint32_t gen, bool any_gen,
		    struct nsw_acl_hkey *keys, struct nsw_acl_hval *vals, int max)
{
	struct nsw_acl_hkey k, next, *prev = NULL;
	int n = 0;
	while (bpf_map_get_next_key(fd_rules, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (k.set != set || (!any_gen && !nsw_acl_of_gen(&k, gen)))
			continue;
		if (n < max && !bpf_map_lookup_elem(fd_rules, &k, &vals[n]))
			keys[n++] = k;
	}
	return n;
}

/* One pass over the rules of the whole NIC: marks in used[] the counter ids of every rule that
 * stays, and puts in nsw_keys[0..*nstale) the rules of `set` that are not of its live
 * generation (word): a generation a killed replace staged but never made live, or the old one
 * whose removal a kill interrupted. No frame reads them (the data path only looks up the live
 * generation), so they can go at any time. Returns how many rules stay. */
static int nsw_acl_scan(int fd_rules, uint32_t set, uint32_t word, uint8_t *used, int *nstale)
{
	struct nsw_acl_hkey k, next, *prev = NULL;
	int nall = 0;
	*nstale = 0;
	while (bpf_map_get_next_key(fd_rules, prev, &next) == 0) {
		k = next;
		prev = &k;
		bool live = (word & NSW_ACL_LIVE) && nsw_acl_of_gen(&k, word & NSW_ACL_GEN_MASK);
		if (k.set == set && !live) {
			if (*nstale < NSW_ACL_IDS)
				nsw_keys[(*nstale)++] = k;
			continue;
		}
		struct nsw_acl_hval v;
		if (used && !bpf_map_lookup_elem(fd_rules, &k, &v) && v.id < NSW_ACL_IDS)
			used[v.id] = 1;
		nall++;
	}
	return nall;
}

/* Removes the rules of set that its active word does not make live; 0 or -errno. */
static int nsw_acl_gc(int fd_rules, uint32_t set, uint32_t word, uint8_t *used, int *nall)
{
	int nstale, kept = nsw_acl_scan(fd_rules, set, word, used, &nstale);
	for (int i = 0; i < nstale; i++)
		if (bpf_map_delete_elem(fd_rules, &nsw_keys[i]) && errno != ENOENT)
			return -errno;
	if (nall)
		*nall = kept;
	return 0;
}

/* Stage, flip, collect. Each step leaves a state the next command can finish from, wherever
 * the process dies: staged rules sit under a generation the active word does not name, so
 * until the flip they are invisible and the next install (or flush) removes them before it
 * stages its own (recovery); after the flip, what is left of the old generation is likewise
 * not live and goes the same way. The new generation is always live generation + 1: a staged
 * generation left by a killed replace is never made live by a later one, since recovery has
 * removed it before anything is staged. */
int nsw_acl_install(const struct nsw_acl_maps *m, uint32_t set, const struct nsw_acl_rule *rules,
		    unsigned n, unsigned *ntuples, char *err, size_t errlen)
{
	uint32_t word = 0;
	if (bpf_map_lookup_elem(m->active, &set, &word))
		return nsw_acl_err(err, errlen, "cannot read the active set: %s", strerror(errno));
	uint32_t oldgen = word & NSW_ACL_GEN_MASK;
	uint32_t gen = (oldgen + 1) & NSW_ACL_GEN_MASK;
	uint32_t buf = (word & NSW_ACL_BUF) ? 0 : 1;
	struct nsw_acl_set nset;
	uint8_t tuple[NSW_ACL_RULES];
	unsigned bad = 0;
	int e = nsw_acl_compile(rules, n, gen, &nset, tuple, &bad);
	if (e)
		return nsw_acl_err(err, errlen, "rule %u: %s", bad + 1, nsw_strerror(e));

	/* Recovery, and the counter ids no remaining rule of any set holds. */
	static uint8_t used[NSW_ACL_IDS];
	memset(used, 0, sizeof used);
	int nall = 0;
	int r = nsw_acl_gc(m->rules, set, word, used, &nall);
	if (r)
		return nsw_acl_err(err, errlen, "cannot remove stale rules: %s", strerror(-r));
	if (nall + (int)n > NSW_ACL_IDS)
		return nsw_acl_err(err, errlen, "the NIC holds %d rules; %u more would pass its %d",
				   nall, n, NSW_ACL_IDS);
	unsigned next_id = 0;
	struct nsw_acl_hkey hk[NSW_ACL_RULES];
	unsigned done = 0;
	for (unsigned i = 0; i < n; i++) {
		while (next_id < NSW_ACL_IDS && used[next_id])
			next_id++;
		struct nsw_acl_hval v = {.val = rules[i].val, .id = next_id++, .prio = rules[i].prio,
					 .action = rules[i].action,
					 .mirror_pf = rules[i].mirror_pf,
					 .mirror_vf = rules[i].mirror_vf};
		hk[i] = (struct nsw_acl_hkey){.set = set, .tgen = gen << 4 | tuple[i],
					      .fold = nsw_acl_fold(&rules[i].val)};
		nsw_counter_zero(m->hits, v.id, NSW_ACL_IDS, sizeof(struct nsw_acl_hit));
		/* The new generation's rules, beside the live ones. */
		if (bpf_map_update_elem(m->rules, &hk[i], &v, BPF_NOEXIST)) {
			int se = errno;
			for (unsigned j = 0; j < done; j++)
				bpf_map_delete_elem(m->rules, &hk[j]);
			if (se == EEXIST)
				return nsw_acl_err(err, errlen, "rule %u: its match hashes like another "
					"rule's of the same shape; change either slightly", i + 1);
			return nsw_acl_err(err, errlen, "cannot store rule %u: %s", i + 1, strerror(se));
		}
		done++;
	}
	uint32_t sk = nsw_acl_buf_key(set, buf);
	if (n && bpf_map_update_elem(m->sets, &sk, &nset, 0)) {
		int se = errno;
		for (unsigned j = 0; j < done; j++)
			bpf_map_delete_elem(m->rules, &hk[j]);
		return nsw_acl_err(err, errlen, "cannot store the rule set: %s", strerror(se));
	}
	/* The data path looks for ACLs only once the NIC says it has some: before the flip. */
	uint32_t zero = 0, feat = 0;
	if (n) {
		bpf_map_lookup_elem(m->features, &zero, &feat);
		feat |= NSW_FEAT_ACL;
		bpf_map_update_elem(m->features, &zero, &feat, 0);
	}
	/* The flip: one store. */
	uint32_t nword = n ? NSW_ACL_LIVE | (buf ? NSW_ACL_BUF : 0) | gen : gen;
	if (bpf_map_update_elem(m->active, &set, &nword, 0)) {
		int se = errno;
		for (unsigned j = 0; j < done; j++)
			bpf_map_delete_elem(m->rules, &hk[j]);
		return nsw_acl_err(err, errlen, "cannot switch to the new set: %s", strerror(se));
	}
	/* Collect: everything of the set the new word does not make live (the old generation). */
	nsw_acl_gc(m->rules, set, nword, NULL, NULL);
	*ntuples = nset.ntuples;
	return 0;
}
