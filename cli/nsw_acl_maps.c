/* nsw_acl_maps.c - the one way an ACL rule set enters a NIC's maps: compile it (core), store
 * the new generation beside the live one, flip the set's active word with one store, then
 * remove the old generation. A frame reads the active word once, so it is judged by the old
 * set or the new one, never by a mix; an error before the flip leaves the live set as it was. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../core/nsw_ctl.h"
#include "nsw_acl_maps.h"

static struct nsw_acl_hkey nsw_keys[NSW_ACL_IDS];
static struct nsw_acl_hval nsw_vals[NSW_ACL_IDS];

__attribute__((format(printf, 3, 4))) static int nsw_acl_err(char *err, size_t len,
							     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

int nsw_acl_collect(int fd_rules, uint32_t set, uint32_t gen, bool any_gen,
		    struct nsw_acl_hkey *keys, struct nsw_acl_hval *vals, int max)
{
	struct nsw_acl_hkey k, next, *prev = NULL;
	int n = 0;
	while (bpf_map_get_next_key(fd_rules, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (k.set != set || (!any_gen && (k.tgen >> 4) != gen))
			continue;
		if (n < max && !bpf_map_lookup_elem(fd_rules, &k, &vals[n]))
			keys[n++] = k;
	}
	return n;
}

int nsw_acl_install(const struct nsw_acl_maps *m, uint32_t set, const struct nsw_acl_rule *rules,
		    unsigned n, unsigned *ntuples, char *err, size_t errlen)
{
	uint32_t word = 0;
	bpf_map_lookup_elem(m->active, &set, &word);
	uint32_t oldgen = word & NSW_ACL_GEN_MASK;
	uint32_t gen = (oldgen + 1) & NSW_ACL_GEN_MASK;
	uint32_t buf = (word & NSW_ACL_BUF) ? 0 : 1;
	struct nsw_acl_set nset;
	uint8_t tuple[NSW_ACL_RULES];
	unsigned bad = 0;
	int e = nsw_acl_compile(rules, n, gen, &nset, tuple, &bad);
	if (e)
		return nsw_acl_err(err, errlen, "rule %u: %s", bad + 1, nsw_strerror(e));

	/* Counter ids: those no rule of any set holds. */
	static uint8_t used[NSW_ACL_IDS];
	memset(used, 0, sizeof used);
	struct nsw_acl_hkey k, next, *prev = NULL;
	int nall = 0;
	while (bpf_map_get_next_key(m->rules, prev, &next) == 0) {
		k = next;
		prev = &k;
		struct nsw_acl_hval v;
		if (!bpf_map_lookup_elem(m->rules, &k, &v) && v.id < NSW_ACL_IDS)
			used[v.id] = 1;
		nall++;
	}
	if (nall + (int)n > NSW_ACL_IDS)
		return nsw_acl_err(err, errlen, "the NIC holds %d rules; %u more would pass its %d", nall, n, NSW_ACL_IDS);
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
	uint32_t sk = set * 2 + buf;
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
	/* The old generation goes. */
	int nold = nsw_acl_collect(m->rules, set, oldgen, false, nsw_keys, nsw_vals, NSW_ACL_IDS);
	for (int i = 0; i < nold; i++)
		bpf_map_delete_elem(m->rules, &nsw_keys[i]);
	*ntuples = nset.ntuples;
	return 0;
}
