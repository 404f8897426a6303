/* nsw_maps.h - the maps of the BPF data path and their value layouts.
 * Used by kernel and user space: the BPF programs declare the maps with these types and key
 * layouts; user space (lib/nsw_maps.h: reading and writing them) opens the same maps from their
 * pins under /sys/fs/bpf/nswitch/NIC/.
 * Only fixed-width types; every value has a _Static_assert on its size.
 *
 * Maps of one NIC (pinned by name in its folder):
 *   nsw_state   array[1]   struct nsw_nic (core/nsw_types.h), mmap-able: the NIC's registers
 *   nsw_ports   hash       ifindex -> struct nsw_port_info: which VF or PF port a device is
 *   nsw_port_ix array[NSW_PORT_IX] the same for ifindex < NSW_PORT_IX, flagged VALID: the data
 *               path's fast way (an inlined array read instead of a hash on every frame); the
 *               hash stays the whole truth, for any ifindex
 *   nsw_vf_dev  array[8*256] ifindex of each VF's host-side device (0: none)
 *   nsw_vf_path array[8*256] the same ifindex with NSW_VF_DEV_PEER when mode tc may hand the
 *               VF small frames by bpf_redirect_peer: what unicast delivery reads (one line,
 *               as before); every other reader keeps the plain nsw_vf_dev
 *   nsw_pf_dev  array[8]   ifindex of each PF's uplink device (0: none)
 *   nsw_stats   array[ncpu]          struct nsw_stats_blk per CPU: by verdict class, drop
 *               reason (nsw_stats_read() folds them into struct nsw_stats)
 *   nsw_dev_stats array[ncpu * NSW_NDEV] struct nsw_dev_stats per CPU and device: VF slots
 *               first, then the PF ports (NSW_NVF_SLOTS + pf); see nsw_size_maps()
 *   (the counter arrays are mmap-able only for the alignment it brings: their values start on
 *   a page, so no record straddles two cache lines)
 *   nsw_meta    array[1]   struct nsw_meta: name, netns, mode (written by the CLI only)
 *   nsw_acl_active array[8*256*2] u32: per VF and direction, the live rule set (see below)
 *   nsw_acl_sets array[8*256*2*2] set*2+buffer -> struct nsw_acl_set (core/nsw_acl.h)
 *   nsw_acl_rules hash     struct nsw_acl_hkey -> struct nsw_acl_hval: the rules
 *   nsw_acl_hits array[ncpu * NSW_ACL_IDS] struct nsw_acl_hit: a counter per rule and CPU
 *   nsw_mirror  array[8*256+8] u32: SPAN of a VF (slot) or of a whole PF (8*256+pf)
 *   nsw_capture_cfg array[1] struct nsw_capture_cfg; nsw_capture_events perf event array;
 *   nsw_capture_stats percpu array[1] struct nsw_capture_stats
 *   nsw_qos     array[8*256] struct nsw_qos: packet-rate policer of frames to a VF (and where
 *               the CLI put the VF's bit-rate qdisc)
 *   nsw_features array[1]  u32 NSW_FEAT_*: which of the above are in use anywhere on the NIC,
 *               so that a frame on a NIC that uses none pays one read for all of them
 */
#ifndef NSW_MAPS_H
#define NSW_MAPS_H

#include <linux/bpf.h>

#include "../core/nsw_acl.h"
#include "../core/nsw_types.h"

#define NSW_NVF_SLOTS (NSW_MAX_PFS * NSW_MAX_VFS)
#define NSW_NDEV (NSW_NVF_SLOTS + NSW_MAX_PFS) /* counter records per CPU: VFs, then ports */

/* Key layouts, written here once for the data path and for user space. A VF's slot indexes
 * every per-VF array (nsw_vf_dev, nsw_qos, nsw_mirror, a CPU block of nsw_dev_stats); a PF's
 * port follows the VF slots where an array holds both (nsw_dev_stats, nsw_mirror of a whole
 * PF). An ACL set is a VF slot and a direction; each set has two buffers (see NSW_ACL_BUF).
 * Masked, so a key computed from any input stays inside its array. */
static inline uint32_t nsw_vf_slot(uint32_t pf, uint32_t vf)
{
	return (pf & (NSW_MAX_PFS - 1)) * NSW_MAX_VFS + (vf & (NSW_MAX_VFS - 1));
}
static inline uint32_t nsw_port_rec(uint32_t pf)
{
	return NSW_NVF_SLOTS + (pf & (NSW_MAX_PFS - 1));
}
static inline uint32_t nsw_acl_set_id(uint32_t slot, uint32_t dir)
{
	return (slot & (NSW_NVF_SLOTS - 1)) * 2 + (dir & 1);
}
static inline uint32_t nsw_acl_buf_key(uint32_t set, uint32_t buf)
{
	return (set & (NSW_NVF_SLOTS * 2 - 1)) * 2 + (buf & 1);
}
/* Record k of CPU c in a counter array of per_cpu records per CPU. */
static inline uint32_t nsw_pcpu_key(uint32_t cpu, uint32_t per_cpu, uint32_t k)
{
	return cpu * per_cpu + k;
}

/* nsw_vf_path values: the VF's nsw_vf_dev ifindex, and in the top bit (an ifindex is a
 * positive int) that the VF's device is a veth whose VM end is in another namespace and that
 * nothing sits on its egress (no root qdisc: no bit-rate QoS, no 802.1p scheduler; no egress
 * filter): then bpf_redirect gives a frame nothing over bpf_redirect_peer, which puts it
 * straight into the VM's end and skips the host end's transmit. The CLI writes it with
 * nsw_vf_dev (0 with 0) and sets or clears the bit (cli/nsw_cli_path.c); mode tc reads it. A
 * map of its own, not a bit of nsw_vf_dev: a CLI that does not know the bit must never see an
 * ifindex it does not recognise (its repair would take the VF's port away). */
#define NSW_VF_DEV_PEER 0x80000000u
static inline uint32_t nsw_vf_dev_ifi(uint32_t v)
{
	return v & ~NSW_VF_DEV_PEER;
}
/* The longest frame bpf_redirect_peer may take where the veth's transmit would check the VM
 * end's MTU (__is_skb_forwardable): a veth's MTU is at least ETH_MIN_MTU (68), plus its
 * Ethernet header (14) and one VLAN tag (4), so no MTU the VM can set refuses it. Longer
 * frames (but GSO ones, which the veth never checks) keep bpf_redirect and its MTU drop. */
#define NSW_PEER_MAX_LEN 86u

struct nsw_port_info {
	struct nsw_port port;
	uint32_t flags; /* NSW_PORTF_* */
};
#define NSW_PORTF_OWN_CLSACT 1u /* we created the clsact qdisc: remove it on detach */
#define NSW_PORTF_OWN_XDP 2u
#define NSW_PORTF_VALID 4u /* in nsw_port_ix: a port */
#define NSW_PORT_IX 65536u
_Static_assert(sizeof(struct nsw_port_info) == 8, "port info layout");

/* The decision's counters, per CPU, kept by verdict class: one (pkts, bytes) pair for each
 * combination of action, case, 802.1p class and inter-PF flag. Counting a frame then writes
 * one cache line, where separate per-case, per-action and per-priority arrays wrote four, and
 * between two frames the kernel's own path evicts most of what the program touched.
 * nsw_stats_read() folds the classes back into the totals of struct nsw_stats. */
#define NSW_STAT_CLASSES 256
#define NSW_STAT_PAD ((8 - (NSW_DROP_MAX + 2) % 8) % 8) /* words to the block's last line end */
struct nsw_ctr {
	uint64_t pkts, bytes;
};
struct nsw_stats_blk {
	struct nsw_ctr cls[NSW_STAT_CLASSES]; /* index: nsw_stat_class() */
	uint64_t drop[NSW_DROP_MAX];
	uint64_t flood_copies;  /* copies made for broadcast and multicast */
	uint64_t mirror_copies; /* SPAN and ACL mirror copies */
	uint64_t pad[NSW_STAT_PAD];
};
_Static_assert(sizeof(struct nsw_stats_blk) % 64 == 0, "stats block: whole cache lines");
_Static_assert(sizeof(struct nsw_stats_blk) ==
		       16 * NSW_STAT_CLASSES + 8 * (NSW_DROP_MAX + 2 + NSW_STAT_PAD),
	       "stats block layout");

static inline uint32_t nsw_stat_class(uint8_t action, uint8_t ncase, uint8_t prio,
				      uint8_t inter_pf)
{
	return (uint32_t)(action & 3) << 6 | (uint32_t)(ncase & 3) << 4 |
	       (uint32_t)(prio & 7) << 1 | (inter_pf & 1);
}

/* The totals, as user space shows them (folded from every CPU's struct nsw_stats_blk). */
struct nsw_stats {
	uint64_t case_pkts[NSW_CASE_MAX];
	uint64_t case_bytes[NSW_CASE_MAX];
	uint64_t action_pkts[4]; /* by enum nsw_action */
	uint64_t drop[NSW_DROP_MAX];
	uint64_t inter_pf_pkts;   /* crossed between PFs (Fig. 4 paths 1 and 2) */
	uint64_t flood_copies;    /* copies made for broadcast and multicast */
	uint64_t prio_pkts[8];    /* by 802.1p class */
	uint64_t mirror_copies;   /* SPAN and ACL mirror copies */
};

/* "from" is what the device handed to the NIC (a VM's transmit, or the wire's receive); "to"
 * is what the NIC delivered to it. Two cache lines per record: the first is all a unicast
 * frame touches; the second, the group counters, only floods touch (every broadcast and
 * multicast frame takes the flood path, in every mode). Broadcast is not counted in
 * multicast. */
struct nsw_dev_stats {
	uint64_t from_pkts, from_bytes;
	uint64_t to_pkts, to_bytes;
	uint64_t drops;    /* frames from this device that were dropped */
	uint64_t to_drops; /* frames to this device (a VF) dropped on the way: its link state,
			    * its ACL or policer, no device, a flood copy not made, or the
			    * device's own drop (nsw_rxdrop.bpf.c) */
	uint64_t pad[2];
	uint64_t from_bcast, from_mcast; /* of from_pkts: group frames the NIC took */
	uint64_t to_bcast, to_mcast;     /* of to_pkts: group frames delivered */
	uint64_t pad2[4];
};
_Static_assert(sizeof(struct nsw_dev_stats) == 128, "dev stats layout");


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
	uint32_t netns_id; /* low 32 bits of netns's cookie at nic add (0: unknown): a namespace
			    * deleted and made again under the same name is not the NIC's */
};
_Static_assert(sizeof(struct nsw_meta) == 80, "meta layout");

#define NSW_FEAT_ACL (1u << 0)
#define NSW_FEAT_MIRROR (1u << 1)
#define NSW_FEAT_CAPTURE (1u << 2)
#define NSW_FEAT_QOS (1u << 3)

/* nsw_acl_active word: bit 31 a set is live, bit 30 which of its two buffers, bits 0..29 its
 * generation. A replace fills the other buffer under a new generation, then flips this word
 * with one store: a frame reads it once, so it is judged by the old set or the new, never by
 * half of each. */
#define NSW_ACL_LIVE (1u << 31)
#define NSW_ACL_BUF (1u << 30)
#define NSW_ACL_GEN_MASK 0x3fffffffu

struct nsw_acl_hit {
	uint64_t pkts, bytes;
};

/* nsw_mirror word: 0 none; else the monitor's VF slot + 1 in bits 0..15, and which frames. */
#define NSW_MIRROR_IN (1u << 16)  /* frames the VF (or PF group) sends */
#define NSW_MIRROR_OUT (1u << 17) /* frames delivered to it */
static inline uint32_t nsw_mirror_word(uint32_t monitor_slot, uint32_t dirs)
{
	return ((monitor_slot & (NSW_NVF_SLOTS - 1)) + 1) | dirs;
}
static inline uint32_t nsw_mirror_monitor(uint32_t word) /* the monitor's VF slot */
{
	return (word & 0xffff) - 1;
}

#define NSW_ANY8 0xffu
#define NSW_ANY16 0xffffu
#define NSW_ANY32 0xffffffffu
struct nsw_capture_cfg {
	uint32_t enabled;
	uint32_t snaplen;
	uint32_t oui; /* source or destination OUI, or NSW_ANY32 */
	uint16_t vf;  /* or NSW_ANY16 */
	uint8_t pf;   /* or NSW_ANY8 (and then an uplink port matches too) */
	uint8_t ncase; /* or NSW_ANY8 */
	uint8_t dir;  /* NSW_MIRROR_IN >> 16 | NSW_MIRROR_OUT >> 16 */
	uint8_t pad[3];
};
_Static_assert(sizeof(struct nsw_capture_cfg) == 20, "capture cfg layout");

/* What precedes each captured frame in the perf buffer. */
struct nsw_capture_meta {
	uint64_t ts_ns; /* CLOCK_MONOTONIC */
	uint32_t len;   /* on the wire, tag included */
	uint16_t vlan_tci;
	uint16_t vlan_proto; /* network order; 0: the tag (if any) is in the data */
	uint8_t dir;
	uint8_t ncase;
	uint8_t pf;
	uint8_t pvlan;      /* 0, or the port VLAN tag the frame travels in inside the NIC but does
			     * not carry (1: 802.1Q, 2: 802.1ad): it goes outermost */
	uint16_t vf;
	uint16_t pvlan_tci; /* that tag's TCI */
};
_Static_assert(sizeof(struct nsw_capture_meta) == 24, "capture meta layout");

struct nsw_capture_stats {
	uint64_t captured, failed;
};

/* What nsw_tc leaves in skb->cb (struct __sk_buff cb[0..2]) of a unicast frame it redirects to
 * a VF in mode tc: how it counted the frame, so that nsw_rx_drop (bpf/nsw_rxdrop.bpf.c), seeing
 * the kernel drop that frame at the VF's device (the VM's end down, or its MTU smaller than the
 * frame), moves it from delivered to dropped with the reason. */
#define NSW_RXD_MAGIC 0x4e535244u /* cb[0] */
/* cb[0] of a frame handed into the VM's end by bpf_redirect_peer (NSW_VF_DEV_PEER): the only
 * drop of it the NIC's namespace can see is the redirect's own, at the device it came in on
 * (the VM's end down or gone). */
#define NSW_RXD_MAGIC_PEER 0x4e535250u
static inline uint32_t nsw_rxd_where(uint32_t to_slot, uint32_t from_ix) /* cb[1] */
{
	return (to_slot & 0xffff) | from_ix << 16;
}
/* cb[2]: the frame's class (nsw_stat_class) */

/* Packet-rate policer of frames to a VF. Tokens are in nano-packets; under pressure a frame of
 * 802.1p class c needs (7 - c) / 8 of the burst left in the bucket, so lower classes lose
 * first and class 7 keeps its rate (a colour-blind strict-priority policer). */
struct nsw_qos {
	struct bpf_spin_lock lock;
	uint32_t rate_ifindex; /* the device given nswitch's bit-rate qdisc, 0: none (CLI only) */
	uint64_t pps;        /* 0: no limit */
	uint64_t burst;      /* packets */
	uint64_t tokens;     /* nano-packets */
	uint64_t last_ns;
	uint64_t rate_bytes;   /* the bit-rate limit set, bytes/s, 0: none (CLI only): put on the
				* VF's device again when it is given one (a VF follows its device) */
};
_Static_assert(sizeof(struct nsw_qos) == 48, "qos layout");

#endif
