/* nsw_maps.bpf.h - every map of the data path's object (nsw_tc.bpf.c: the tc and XDP
 * programs), its load-time setting, and the one-line reads of them that every stage uses.
 * Kernel only. Value and key layouts are bpf/nsw_maps.h's, shared with user space, which
 * opens these maps from their pins; a map's name is its pin's name: never rename one here
 * alone. The maps nsw_rxdrop.bpf.c shares are in nsw_dev_maps.bpf.h, the registers in
 * nsw_state.bpf.h. */
#ifndef NSW_MAPS_BPF_H
#define NSW_MAPS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "nsw_acl.h"
#include "nsw_maps.h"

/* Load-time setting, chosen by `nswitch nic add ... mode`. */
const volatile __u32 nsw_mode = NSW_MODE_TC;

#include "nsw_state.bpf.h"
#include "nsw_dev_maps.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSW_NVF_SLOTS + NSW_MAX_PFS);
	__type(key, __u32);
	__type(value, struct nsw_port_info);
} nsw_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_PORT_IX);
	__type(key, __u32);
	__type(value, struct nsw_port_info);
} nsw_port_ix SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_MAX_PFS);
	__type(key, __u32);
	__type(value, __u32);
} nsw_pf_dev SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_NVF_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} nsw_vf_path SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsw_meta);
} nsw_meta SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_NVF_SLOTS * 2);
	__type(key, __u32);
	__type(value, __u32);
} nsw_acl_active SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY); /* an array read, not a hash, on every ACL'd frame */
	__uint(map_flags, BPF_F_MMAPABLE); /* page-aligned values: a set's lines are its own */
	__uint(max_entries, NSW_NVF_SLOTS * 2 * 2);
	__type(key, __u32);
	__type(value, struct nsw_acl_set);
} nsw_acl_sets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSW_ACL_IDS);
	__type(key, struct nsw_acl_hkey);
	__type(value, struct nsw_acl_hval);
} nsw_acl_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_ACL_IDS); /* one block per CPU: sized at load by nsw_size_maps() */
	__type(key, __u32);
	__type(value, struct nsw_acl_hit);
} nsw_acl_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_NVF_SLOTS + NSW_MAX_PFS);
	__type(key, __u32);
	__type(value, __u32);
} nsw_mirror SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsw_capture_cfg);
} nsw_capture_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} nsw_capture_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsw_capture_stats);
} nsw_capture_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_NVF_SLOTS);
	__type(key, __u32);
	__type(value, struct nsw_qos);
} nsw_qos SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} nsw_features SEC(".maps");

/* Room for what does not fit the 512-byte BPF stack next to a bpf_loop callback: the L3 window,
 * the ACL key and the hash key of the search. Per CPU, and never used by two nested runs (the
 * program only redirects to devices' egress, which never re-enters it on the same stack). Two
 * cache lines on the way of a frame: the window is dead once the key is built, so the hash
 * key takes its place; l3 is only for windows that are not linear. */
struct nsw_scratch {
	union {
		uint64_t lw[NSW_L3_WORDS];
		struct nsw_acl_hkey hk;
	};
	struct nsw_acl_key key;
	__u8 l3[NSW_L3_WINDOW];
};
_Static_assert(sizeof(struct nsw_scratch) == 192, "scratch: three lines, two of them hot");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE); /* page-aligned values: each block starts a line */
	__uint(max_entries, 1); /* one per CPU: sized at load by nsw_size_maps() */
	__type(key, __u32);
	__type(value, struct nsw_scratch);
} nsw_scratch SEC(".maps");

/* ---- the reads every stage uses ---- */

/* Which port of this NIC the device is, or NULL: the array for the usual small ifindex. */
static __always_inline struct nsw_port_info *nsw_port_of(__u32 ifindex)
{
	if (ifindex < NSW_PORT_IX) {
		struct nsw_port_info *pi = bpf_map_lookup_elem(&nsw_port_ix, &ifindex);
		return pi && (pi->flags & NSW_PORTF_VALID) ? pi : NULL;
	}
	return bpf_map_lookup_elem(&nsw_ports, &ifindex);
}

static __always_inline __u32 nsw_features_in_use(void)
{
	__u32 zero = 0, *f = bpf_map_lookup_elem(&nsw_features, &zero);
	return f ? *f : 0;
}

static __always_inline struct nsw_scratch *nsw_scratch_here(void)
{
	__u32 k = bpf_get_smp_processor_id();
	return bpf_map_lookup_elem(&nsw_scratch, &k);
}

/* The VF's nsw_vf_path value: its device's ifindex with NSW_VF_DEV_PEER (nsw_vf_dev_ifi). */
static __always_inline __u32 nsw_vf_ifindex(__u32 pf, __u32 vf)
{
	__u32 k = nsw_vf_slot(pf, vf);
	__u32 *ifi = bpf_map_lookup_elem(&nsw_vf_path, &k);
	return ifi ? *ifi : 0;
}

static __always_inline __u32 nsw_pf_ifindex(__u32 pf)
{
	__u32 k = pf & (NSW_MAX_PFS - 1);
	__u32 *ifi = bpf_map_lookup_elem(&nsw_pf_dev, &k);
	return ifi ? *ifi : 0;
}

#endif
