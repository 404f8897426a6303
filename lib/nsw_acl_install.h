/* nsw_acl_install.h - installing an ACL rule set in a NIC's maps, atomically (see nsw_acl_install.c).
 * Used by the CLI, and by the BPF tests and benchmarks that need rule sets without a CLI. */
#ifndef NSW_ACL_INSTALL_H
#define NSW_ACL_INSTALL_H

#include <stdbool.h>
#include <stddef.h>

#include "nsw_maps.h"

struct nsw_acl_maps {
	int active, sets, rules, hits; /* fds of nsw_acl_active, _sets, _rules, _hits */
	int features;                  /* fd of nsw_features: a live set turns NSW_FEAT_ACL on */
};

/* Makes rules[0..n) the live set of `set` (nsw_acl_set_id: a VF slot and a direction); n == 0 removes it.
 * Returns 0, or -1 with err set and the live set unchanged. Crash-safe: killed at any point,
 * the live set is the old one or the new one, and the next install (a flush too) removes
 * whatever the killed one left. */
int nsw_acl_install(const struct nsw_acl_maps *m, uint32_t set, const struct nsw_acl_rule *rules,
		    unsigned n, unsigned *ntuples, char *err, size_t errlen);

/* Rules of set under generation gen (any generation if any_gen); returns the count. */
int nsw_acl_collect(int fd_rules, uint32_t set, uint32_t gen, bool any_gen,
		    struct nsw_acl_hkey *keys, struct nsw_acl_hval *vals, int max);

#endif
