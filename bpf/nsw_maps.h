/* nsw_maps.h - the maps of the BPF data path and their value layouts.
 * Used by kernel and user space: the BPF program (bpf/nsw_tc.bpf.c) declares the maps with
 * these types; the CLI opens the same maps from their pins under /sys/fs/bpf/nswitch/NIC/.
 * Only fixed-width types; every value has a _Static_assert on its size.
 *
 * Maps of one NIC (pinned by name in its folder):
 *   nsw_state   array[1]   struct nsw_nic (core/nsw_types.h), mmap-able: the NIC's registers
 *   nsw_ports   hash       ifindex -> struct nsw_port_info: which VF or PF port a device is
 *   nsw_vf_dev  array[8*256] ifindex of each VF's host-side device (0: none)
 *   nsw_pf_dev  array[8]   ifindex of each PF's uplink device (0: none)
 *   nsw_stats   percpu array[1]      struct nsw_stats: per case, per action, per drop reason
 *   nsw_vf_stats percpu array[8*256] struct nsw_dev_stats per VF
 *   nsw_pf_stats percpu array[8]     struct nsw_dev_stats per PF port
 *   nsw_meta    array[1]   struct nsw_meta: name, netns, mode (written by the CLI only)
 */
#ifndef NSW_MAPS_H
#define NSW_MAPS_H

#include "../core/nsw_types.h"

#define NSW_NVF_SLOTS (NSW_MAX_PFS * NSW_MAX_VFS)

struct nsw_port_info {
	struct nsw_port port;
	uint32_t flags; /* NSW_PORTF_* */
};
#define NSW_PORTF_OWN_CLSACT 1u /* we created the clsact qdisc: remove it on detach */
#define NSW_PORTF_OWN_XDP 2u
_Static_assert(sizeof(struct nsw_port_info) == 8, "port info layout");

struct nsw_stats {
	uint64_t case_pkts[NSW_CASE_MAX];
	uint64_t case_bytes[NSW_CASE_MAX];
	uint64_t action_pkts[4]; /* by enum nsw_action */
	uint64_t drop[NSW_DROP_MAX];
	uint64_t inter_pf_pkts;   /* crossed between PFs (Fig. 4 paths 1 and 2) */
	uint64_t flood_copies;    /* copies made for broadcast and multicast */
	uint64_t prio_pkts[8];    /* by 802.1p class */
};
_Static_assert(sizeof(struct nsw_stats) == 8 * (2 * NSW_CASE_MAX + 4 + NSW_DROP_MAX + 2 + 8),
	       "stats layout");

/* "from" is what the device handed to the NIC (a VM's transmit, or the wire's receive); "to"
 * is what the NIC delivered to it. */
struct nsw_dev_stats {
	uint64_t from_pkts, from_bytes;
	uint64_t to_pkts, to_bytes;
	uint64_t drops; /* frames from this device that were dropped */
	uint64_t pad;
};
_Static_assert(sizeof(struct nsw_dev_stats) == 48, "dev stats layout");

enum nsw_mode {
	NSW_MODE_TC = 0,      /* clsact ingress, bpf_redirect to the destination's egress */
	NSW_MODE_TC_PEER = 1, /* clsact ingress, bpf_redirect_peer straight into the VM */
	NSW_MODE_XDP = 2,     /* XDP on the host-side devices: fastest, needs tx offloads off */
};

struct nsw_meta {
	char name[16];
	char netns[48];
	uint32_t nic_id;
	uint32_t mode;
	uint32_t npfs;
	uint32_t pad;
};
_Static_assert(sizeof(struct nsw_meta) == 80, "meta layout");

#endif
