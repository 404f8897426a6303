/* nsw_state.bpf.h - the NIC's registers (struct nsw_nic) as the BPF programs see them: one
 * mmap-able array element, so user space changes them with single 64-bit stores. Kernel only:
 * included by every BPF program that runs the core's decision. */
#ifndef NSW_STATE_BPF_H
#define NSW_STATE_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "nsw_types.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nsw_nic);
} nsw_state SEC(".maps");

#endif
