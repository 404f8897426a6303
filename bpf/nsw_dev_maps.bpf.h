/* nsw_dev_maps.bpf.h - the maps of a NIC that more than one BPF program of it uses: which
 * device each VF is bound to, and the counters. BPF side only; their layouts are in
 * nsw_maps.h. nsw_tc.bpf.c makes them; nsw_rxdrop.bpf.c reuses the NIC's pins of them before
 * it loads, so both programs count into the same blocks. */
#ifndef NSW_DEV_MAPS_BPF_H
#define NSW_DEV_MAPS_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_NVF_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} nsw_vf_dev SEC(".maps");

/* Counters: plain arrays with one block per CPU (index cpu * size + k), sized at load time by
 * nsw_size_maps(). A frame touches only its CPU's block, so the increments need no atomics, and
 * plain array reads are inlined by the verifier where per-CPU map reads are calls. Mmap-able
 * for the page-aligned values it brings: a record never straddles two cache lines. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsw_stats_blk);
} nsw_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, NSW_NDEV);
	__type(key, __u32);
	__type(value, struct nsw_dev_stats);
} nsw_dev_stats SEC(".maps");

#endif
