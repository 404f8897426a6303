/* nsw_cli_life.c - a VF's state beyond its registers, and its end: everything the NIC keeps
 * keyed by a VF slot is removed when the VF is deleted, and again (defence in depth) before a VF
 * is added, so the next VM on that slot starts from nothing the last one had.
 *
 * What is keyed by a VF slot (every map of bpf/nsw_maps.h, audited):
 *   nsw_state      the VF word and its Table A entries: the core's nsw_vf_del (not here)
 *   nsw_vf_dev     the slot's device: cleared here (and by vf del before the detach)
 *   nsw_vf_name    the name of the device the slot follows (cli/nsw_vf_dev.c): erased here
 *   nsw_ports, nsw_port_ix  the device's port entry: nsw_port_detach; a stale entry that still
 *                  names this slot is detached here
 *   nsw_dev_stats  the slot's counters, on every CPU: zeroed here
 *   nsw_acl_active, nsw_acl_sets, nsw_acl_rules  the slot's rule sets, both directions: removed
 *                  here, with any rule of any generation; nsw_acl_hits belong to rule ids,
 *                  zeroed when an id is given to a new rule (nsw_acl_install)
 *   nsw_acl_rules  rules of OTHER VFs that mirror to this slot: turned into allow rules (their
 *                  filtering is kept; the copy has nowhere to go, and must not reach the next VM)
 *   nsw_mirror     the slot's session (as source), and every session (VF or PF group) whose
 *                  monitor is this slot: removed. A SPAN session exists to feed its monitor;
 *                  when the monitor VM goes, the session goes, as a VF's own config goes with
 *                  the VF on an SR-IOV NIC. Refusing the vf del instead would let one tenant's
 *                  monitoring block another's VM teardown.
 *   nsw_capture_cfg a running capture filtered to this VF: stopped (the capture notices and
 *                  ends; it must not go on with the next VM's frames)
 *   nsw_qos        the slot's packet-rate policer and the bit-rate qdisc on its device:
 *                  removed by nsw_qos_vf_remove (nsw_qos_nl.c)
 *   nsw_features   recomputed at the end
 * Not keyed by a VF: nsw_pf_dev, nsw_stats (NIC totals), nsw_meta, nsw_capture_events and
 * _stats, nsw_scratch.
 * Called with the NIC open and locked (nsw_nic_open). Touches only the maps above. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../lib/nsw_acl_install.h"
#include "nsw_cli.h"

static struct nsw_acl_hkey nsw_life_keys[NSW_ACL_IDS];
static struct nsw_acl_hval nsw_life_vals[NSW_ACL_IDS];

/* The VF's rule sets, both directions: the live set flipped off, then every rule of the set of
 * any generation (a crashed replace may have left one), then the set records. */
static void nsw_vf_acl_clear(struct nsw_cli_nic *n, uint32_t slot)
{
	struct nsw_acl_maps m = {
		.active = nsw_nic_map(n, "nsw_acl_active"), .sets = nsw_nic_map(n, "nsw_acl_sets"),
		.rules = nsw_nic_map(n, "nsw_acl_rules"), .hits = nsw_nic_map(n, "nsw_acl_hits"),
		.features = nsw_nic_map(n, "nsw_features")};
	struct bpf_map_info info = {0};
	uint32_t ilen = sizeof info;
	void *zero_set = NULL;
	if (!bpf_obj_get_info_by_fd(m.sets, &info, &ilen))
		zero_set = calloc(1, info.value_size);
	for (uint32_t dir = 0; dir < 2; dir++) {
		uint32_t set = nsw_acl_set_id(slot, dir), word = 0, off = 0;
		char err[160];
		unsigned nt;
		if (!bpf_map_lookup_elem(m.active, &set, &word) && (word & NSW_ACL_LIVE))
			nsw_acl_install(&m, set, NULL, 0, &nt, err, sizeof err);
		/* Whatever the word says now, it names no live set. */
		if (!bpf_map_lookup_elem(m.active, &set, &word) && (word & NSW_ACL_LIVE))
			bpf_map_update_elem(m.active, &set, &off, 0);
		int nr = nsw_acl_collect(m.rules, set, 0, true, nsw_life_keys, nsw_life_vals,
					 NSW_ACL_IDS);
		for (int i = 0; i < nr; i++)
			bpf_map_delete_elem(m.rules, &nsw_life_keys[i]);
		for (uint32_t b = 0; zero_set && b < 2; b++) {
			uint32_t sk = nsw_acl_buf_key(set, b);
			bpf_map_update_elem(m.sets, &sk, zero_set, 0);
		}
	}
	free(zero_set);
	close(m.active);
	close(m.sets);
	close(m.rules);
	close(m.hits);
	close(m.features);
}

/* Rules of other VFs that mirror to (pf, vf) become allow rules, in place: one element each,
 * so a frame sees the rule before or after, and the rest of the set is untouched. */
static void nsw_vf_acl_mirror_targets_clear(struct nsw_cli_nic *n, unsigned pf, unsigned vf,
					    const char *why)
{
	int fd = nsw_nic_map(n, "nsw_acl_rules");
	struct nsw_acl_hkey k, next, *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		struct nsw_acl_hval v;
		if (bpf_map_lookup_elem(fd, &k, &v) || v.action != NSW_ACL_MIRROR ||
		    v.mirror_pf != pf || v.mirror_vf != vf)
			continue;
		v.action = NSW_ACL_ALLOW;
		v.mirror_pf = 0;
		v.mirror_vf = 0;
		if (bpf_map_update_elem(fd, &k, &v, BPF_EXIST))
			continue;
		unsigned s = k.set / 2;
		nsw_print_text("%s: ACL rule prio %u of vf %u,%u dir %s mirrored to vf %u,%u: now "
			       "allow\n", why, v.prio, s / NSW_MAX_VFS, s % NSW_MAX_VFS,
			       k.set % 2 ? "out" : "in", pf, vf);
	}
	close(fd);
}

/* SPAN sessions of the slot (as source) and to it (as monitor). */
static void nsw_vf_mirror_clear(struct nsw_cli_nic *n, unsigned pf, unsigned vf, const char *why)
{
	static uint32_t words[NSW_NVF_SLOTS + NSW_MAX_PFS];
	int fd = nsw_nic_map(n, "nsw_mirror");
	uint32_t slot = nsw_vf_slot(pf, vf), zero = 0;
	if (nsw_array_read(fd, NSW_NVF_SLOTS + NSW_MAX_PFS, sizeof *words, words))
		nsw_fail("%s: cannot read the mirror sessions: %s", why, strerror(errno));
	for (uint32_t k = 0; k < NSW_NVF_SLOTS + NSW_MAX_PFS; k++) {
		uint32_t w = words[k];
		if (!w)
			continue;
		uint32_t target = nsw_mirror_monitor(w);
		if (k != slot && target != slot)
			continue;
		if (bpf_map_update_elem(fd, &k, &zero, 0))
			continue;
		if (k == slot)
			nsw_print_text("%s: mirror session of vf %u,%u removed\n", why, pf, vf);
		else if (k < NSW_NVF_SLOTS)
			nsw_print_text("%s: mirror session vf %u,%u -> vf %u,%u removed\n", why,
				       k / NSW_MAX_VFS, k % NSW_MAX_VFS, pf, vf);
		else
			nsw_print_text("%s: mirror session pf %u -> vf %u,%u removed\n", why,
				       k - NSW_NVF_SLOTS, pf, vf);
	}
	close(fd);
}

/* QoS of the slot: the packet-rate policer's record and the bit-rate qdisc on the device the
 * record names (nsw_qos_nl.c owns both; it reads the record first, so nothing zeroes it
 * before this call). */
static void nsw_vf_qos_clear(struct nsw_cli_nic *n, unsigned pf, unsigned vf)
{
	nsw_qos_vf_remove(n, pf, vf);
}

/* A capture filtered to this VF ends: it must not go on with the next VM's frames. */
static void nsw_vf_capture_clear(struct nsw_cli_nic *n, unsigned pf, unsigned vf, const char *why)
{
	int fd = nsw_nic_map(n, "nsw_capture_cfg");
	uint32_t zero = 0;
	struct nsw_capture_cfg c = {0};
	if (!bpf_map_lookup_elem(fd, &zero, &c) && c.enabled && c.pf == pf && c.vf == vf) {
		c.enabled = 0;
		if (!bpf_map_update_elem(fd, &zero, &c, 0))
			nsw_print_text("%s: the capture of vf %u,%u stopped\n", why, pf, vf);
	}
	close(fd);
}

void nsw_vf_state_clear(struct nsw_cli_nic *n, unsigned pf, unsigned vf, const char *why)
{
	uint32_t slot = nsw_vf_slot(pf, vf), ifi = 0, zero = 0;
	nsw_vf_capture_clear(n, pf, vf, why);
	nsw_vf_mirror_clear(n, pf, vf, why);
	nsw_vf_acl_mirror_targets_clear(n, pf, vf, why);
	nsw_vf_acl_clear(n, slot);
	nsw_vf_qos_clear(n, pf, vf);
	nsw_counter_zero(n->fd_dev_stats, slot, NSW_NDEV, sizeof(struct nsw_dev_stats));
	nsw_features_refresh(n);
	/* The name it followed: the slot's next VF follows its own. */
	nsw_vf_name_set(n, pf, vf, NULL);
	/* The device binding last (the VF is disabled, so nothing is delivered to it meanwhile):
	 * a command killed before this point leaves a disabled slot with a device, which tells
	 * the next open (nsw_nic_repair) to run this again. */
	if (!bpf_map_lookup_elem(n->fd_vf_dev, &slot, &ifi) && ifi) {
		struct nsw_port_info pi;
		nsw_vf_path_bind(n, slot, 0);
		bpf_map_update_elem(n->fd_vf_dev, &slot, &zero, 0);
		if (!bpf_map_lookup_elem(n->fd_ports, &ifi, &pi) && pi.port.kind == NSW_PORT_VF &&
		    pi.port.pf == pf && pi.port.vf == vf)
			nsw_port_detach(n, ifi);
	}
}
