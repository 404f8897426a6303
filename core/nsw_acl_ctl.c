/* nsw_acl_ctl.c - compiling an ACL rule set into the tuples the data path searches (see
 * nsw_acl.h). Native only; no OS headers. */
#include <string.h>

#include "nsw_acl.h"

int nsw_acl_compile(const struct nsw_acl_rule *rules, unsigned n, uint32_t gen,
		    struct nsw_acl_set *set, uint8_t *tuple, unsigned *bad)
{
	struct nsw_acl_set s = {.gen = gen};
	if (n > NSW_ACL_RULES) {
		*bad = NSW_ACL_RULES;
		return NSW_E_ACL_MANY;
	}
	for (unsigned i = 0; i < n; i++) {
		for (unsigned j = 0; j < i; j++) {
			*bad = i;
			if (rules[i].prio == rules[j].prio)
				return NSW_E_ACL_PRIO;
			if (!memcmp(&rules[i].mask, &rules[j].mask, sizeof rules[i].mask) &&
			    !memcmp(&rules[i].val, &rules[j].val, sizeof rules[i].val))
				return NSW_E_ACL_SAME;
		}
		unsigned t = 0;
		while (t < s.ntuples && memcmp(&s.t[t].mask, &rules[i].mask, sizeof s.t[t].mask))
			t++;
		if (t == s.ntuples) {
			if (s.ntuples == NSW_ACL_MASKS) {
				*bad = i;
				return NSW_E_ACL_MASKS;
			}
			s.t[t].mask = rules[i].mask;
			s.best_prio[t] = rules[i].prio;
			s.ntuples++;
		} else if (rules[i].prio < s.best_prio[t]) {
			s.best_prio[t] = rules[i].prio;
		}
		nsw_acl_filter_add(s.t[t].filter, nsw_acl_fold(&rules[i].val));
		tuple[i] = (uint8_t)t;
	}
	/* Tuples in order of their best priority: the search stops at the first tuple whose best
	 * cannot beat the match in hand. Rules follow their tuple. */
	_Static_assert(NSW_ACL_MASKS == 8, "order[] below lists every tuple");
	uint8_t order[NSW_ACL_MASKS] = {0, 1, 2, 3, 4, 5, 6, 7}, where[NSW_ACL_MASKS] = {0};
	const unsigned nt = s.ntuples < NSW_ACL_MASKS ? s.ntuples : NSW_ACL_MASKS;
	for (unsigned a = 1; a < nt; a++)
		for (unsigned b = a; b > 0 && s.best_prio[order[b - 1]] > s.best_prio[order[b]]; b--) {
			uint8_t x = order[b];
			order[b] = order[b - 1];
			order[b - 1] = x;
		}
	struct nsw_acl_set sorted = {.gen = gen, .ntuples = s.ntuples};
	for (unsigned t = 0; t < nt; t++) {
		sorted.t[t] = s.t[order[t]];
		sorted.best_prio[t] = s.best_prio[order[t]];
		where[order[t]] = (uint8_t)t;
	}
	for (unsigned i = 0; i < n; i++)
		tuple[i] = where[tuple[i]];
	/* What the data path needs of the definition beyond the search (nsw_acl_eval): which
	 * tuples a key missing its L4 header cannot match, the best priority among them, and
	 * whether any rule looks at the copy's target. */
	sorted.l4_prio = NSW_ACL_NO_PRIO;
	for (unsigned t = 0; t < nt; t++) {
		if (nsw_acl_mask_l4(&sorted.t[t].mask)) {
			sorted.l4_tuples |= (uint8_t)(1u << t);
			if (sorted.best_prio[t] < sorted.l4_prio)
				sorted.l4_prio = sorted.best_prio[t];
		}
		if (sorted.t[t].mask.to_pf || sorted.t[t].mask.to_vf)
			sorted.per_copy = 1;
	}
	*set = sorted;
	return NSW_OK;
}
