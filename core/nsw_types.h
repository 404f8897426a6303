/* nsw_types.h - the NIC's state and the frame/verdict types of the nSwitch core.
 *
 * Owns: the layout of everything the decision reads (PF words, VF words, Table A) and of what
 * it produces (struct nsw_verdict), the limits of the model, and the drop reasons.
 *
 * Shared by BPF and user space: only freestanding headers and fixed-width types, and every
 * struct that crosses the kernel boundary has a _Static_assert on its size.
 *
 * Why 64-bit words: the NIC state is one struct of 64-bit words, like a register file. The BPF
 * program reads it from a single mmap-able array map element; the CLI (and the simulator, and
 * the tests) change it with one aligned 64-bit store per PF, VF or Table A slot. A reader never
 * sees half of an entry, so there is no lock on the data path and no torn configuration.
 *
 * Who may touch it: only core/ functions write these words; everyone else calls them.
 */
#ifndef NSW_TYPES_H
#define NSW_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits of the model. The paper numbers PFs with a single digit; 256 VFs per PF is what the
 * larger SR-IOV NICs expose (the 82599 has 64, ConnectX parts up to 127 and more). */
#define NSW_MAX_PFS 8
#define NSW_MAX_VFS 256
/* Table A: 2-choice hashing into 4-way buckets. Two bucket reads bound every lookup (O(1),
 * constant time, as a hardware hash table); capacity is capped at half the slots so that an
 * insert practically never finds both of its buckets full. */
#define NSW_FDB_BUCKET_BITS 11
#define NSW_FDB_BUCKETS (1u << NSW_FDB_BUCKET_BITS)
#define NSW_FDB_WAYS 4
#define NSW_FDB_MAX 4096

#define NSW_NONE 0xff /* no PF / no port */

/* Data-path functions are always inlined: BPF passes at most five arguments and no struct by
 * value, and the decision is small enough to inline everywhere. */
#define NSW_INLINE static inline __attribute__((always_inline))

/* Keeps the compiler from folding a bounds mask into neighbouring arithmetic, where the BPF
 * verifier could no longer see the bound. Only BPF needs it. */
#if defined(__bpf__)
#define NSW_BARRIER_VAR(x) __asm__ volatile("" : "+r"(x))
#else
#define NSW_BARRIER_VAR(x) ((void)0)
#endif

/* Branch hints for what a NIC sees rarely (drops, tags, group addresses): they only move the
 * rare paths out of the way, so that a unicast frame's instructions sit in few cache lines. */
#define NSW_LIKELY(x) __builtin_expect(!!(x), 1)
#define NSW_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Loops in the data path have constant bounds; unrolling them keeps BPF verification cheap. */
#if defined(__clang__)
#define NSW_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define NSW_UNROLL _Pragma("GCC unroll 8")
#else
#define NSW_UNROLL
#endif

/* A MAC address is held as a 48-bit integer, first octet in bits 40..47, so the OUI is
 * mac >> 24 and comparisons are single integer compares. */
#define NSW_MAC_MASK 0x0000ffffffffffffull
#define NSW_MAC_BCAST NSW_MAC_MASK
#define NSW_MAC_GROUP_BIT (1ull << 40) /* I/G bit of the first octet */
#define NSW_MAC_LOCAL_BIT (1ull << 41) /* U/L bit of the first octet */

/* PF word: bits 0..23 OUI, bit 24 has an OUI, bit 25 has an uplink port, bit 26 a Table A miss
 * in an OUI of this NIC is dropped (else it leaves by the port, as a VEB's unknown unicast),
 * bit 27 the uplink has lost its carrier (as last seen by the control side; see
 * nsw_pf_set_carrier), bit 63 enabled. */
#define NSW_PF_OUI_MASK 0xffffffull
#define NSW_PF_HAS_OUI (1ull << 24)
#define NSW_PF_UPLINK (1ull << 25)
#define NSW_PF_MISS_DROP (1ull << 26)
#define NSW_PF_NO_CARRIER (1ull << 27)
#define NSW_PF_EN (1ull << 63)

/* VF word: bits 0..47 vMAC, 48..50 default 802.1p priority, bit 51 spoof check, bits 52..53
 * the link state set by the admin (enum nsw_vf_state), bit 54 the link is down now (what the
 * data path reads: the state, and in auto the carrier of the PF's uplink, folded into one bit
 * by the control side, nsw_vf_link_eval), bit 62 the VF has a port VLAN (its key is in
 * nic->vlan: the word has no room for it, and the bit spares a NIC without VLANs that second
 * read), bit 63 enabled. */
#define NSW_VF_QOS_SHIFT 48
#define NSW_VF_QOS_MASK (7ull << NSW_VF_QOS_SHIFT)
#define NSW_VF_SPOOFCHK (1ull << 51)
#define NSW_VF_STATE_SHIFT 52
#define NSW_VF_STATE_MASK (3ull << NSW_VF_STATE_SHIFT)
#define NSW_VF_LINK_DOWN (1ull << 54)
#define NSW_VF_VLAN (1ull << 62)
#define NSW_VF_EN (1ull << 63)

/* A VF's link state, as iproute2's `ip link set dev PF vf N state auto|enable|disable` (the
 * kernel's IFLA_VF_LINK_STATE_* values): auto follows the carrier of the PF's uplink (a PF
 * without one: up), enable (a new VF's) is always up, disable always down. */
enum nsw_vf_state { NSW_VF_STATE_AUTO = 0, NSW_VF_STATE_ENABLE = 1, NSW_VF_STATE_DISABLE = 2 };

/* A port VLAN's key (nic->vlan, verdict.vlan): bits 0..11 the VID, bit 12 the tag is an
 * 802.1ad S-tag (else 802.1Q); 0: no port VLAN (the untagged VLAN). Its PCP is not part of it:
 * the tag carries the frame's priority, which for an untagged frame is the VF's qos. */
#define NSW_VLAN_VID_MASK 0xfffu
#define NSW_VLAN_AD 0x1000u

/* Table A slot: bits 0..47 MAC, 48..55 VF, 56..58 PF, bit 63 valid. */
#define NSW_FDB_VF_SHIFT 48
#define NSW_FDB_PF_SHIFT 56
#define NSW_FDB_VALID (1ull << 63)

struct nsw_fdb {
	uint64_t slot[NSW_FDB_BUCKETS][NSW_FDB_WAYS];
	uint32_t count; /* written by the control side only */
	uint32_t pad;
};

struct nsw_nic {
	uint64_t pf[NSW_MAX_PFS];
	uint64_t vf[NSW_MAX_PFS][NSW_MAX_VFS];
	struct nsw_fdb fdb;
	/* Port VLAN keys, read only for a VF whose word has NSW_VF_VLAN. 16-bit stores. */
	uint16_t vlan[NSW_MAX_PFS][NSW_MAX_VFS];
};

_Static_assert(sizeof(struct nsw_fdb) == NSW_FDB_BUCKETS * NSW_FDB_WAYS * 8 + 8, "fdb layout");
_Static_assert(sizeof(struct nsw_nic) == 8 * NSW_MAX_PFS + 8 * NSW_MAX_PFS * NSW_MAX_VFS +
					       sizeof(struct nsw_fdb) + 2 * NSW_MAX_PFS * NSW_MAX_VFS,
	       "nic layout");

/* Where a frame enters the NIC: from a VF (the VM side) or from a PF's physical port. */
enum nsw_port_kind { NSW_PORT_VF = 0, NSW_PORT_UPLINK = 1 };

struct nsw_port {
	uint8_t kind;
	uint8_t pf;
	uint16_t vf;
};
_Static_assert(sizeof(struct nsw_port) == 4, "port layout");

/* The L2 header as the core sees it. Tags are in wire order: tag 0 is the outer one. */
struct nsw_frame {
	uint64_t dst;
	uint64_t src;
	uint16_t ethertype; /* after the tags */
	uint16_t l3_off;    /* offset of the payload after the tags */
	uint8_t ntags;
	uint8_t pcp; /* of the outer tag */
	uint8_t dei;
	uint8_t pad;
	uint16_t tpid[2];
	uint16_t vid[2];
};
_Static_assert(sizeof(struct nsw_frame) == 32, "frame layout");

/* The longest header the parser reads: Ethernet plus two tags. */
#define NSW_HDR_MAX 22

enum nsw_action {
	NSW_ACT_DROP = 0,
	NSW_ACT_VF = 1,     /* deliver to VF (pf, vf) */
	NSW_ACT_UPLINK = 2, /* send out of PF pf's physical port */
	NSW_ACT_FLOOD = 3,  /* copy to the VFs of flood_mask (not excl_pf/vf) and to port pf */
};

/* The paper's cases (Fig. 3). */
enum nsw_case {
	NSW_CASE_SAME_OUI = 0, /* Case 0: source and destination OUI equal */
	NSW_CASE_DIFF_OUI = 1, /* Case 1: they differ */
	NSW_CASE_RX = 2,       /* Case 2: from the wire, SR-IOV receive */
	NSW_CASE_NONE = 3,     /* dropped before a case applied (bad frame, spoof, down) */
};
#define NSW_CASE_MAX 4

/* Every drop has a reason so the data path can count it; environment reasons (redirect
 * failures, ACLs) live in the same list so there is one table of names. */
enum nsw_drop {
	NSW_DROP_NONE = 0,
	NSW_DROP_RUNT,        /* shorter than an Ethernet header */
	NSW_DROP_TRUNC_TAG,   /* a VLAN tag cut short */
	NSW_DROP_BAD_TAG,     /* VID 4095, tags in a wrong order, more than two tags */
	NSW_DROP_BAD_TYPE,    /* ethertype in the undefined range 1501..1535 */
	NSW_DROP_BAD_LENGTH,  /* 802.3 length field longer than the frame */
	NSW_DROP_BAD_SRC,     /* multicast or zero source MAC */
	NSW_DROP_PF_DOWN,     /* ingress PF disabled or without a port */
	NSW_DROP_VF_DOWN,     /* ingress or destination VF not enabled */
	NSW_DROP_SPOOF,       /* source MAC is not the VF's vMAC (spoof check) */
	NSW_DROP_SELF,        /* addressed to its own sender */
	NSW_DROP_FDB_MISS,    /* destination OUI is this NIC's, but no VF has that vMAC */
	NSW_DROP_RX_MISS,     /* from the wire, no VF served by this port has that MAC */
	NSW_DROP_NO_UPLINK,   /* must leave the NIC, but no PF has a port */
	NSW_DROP_LOOP,        /* from the wire with one of our VFs' MACs as source */
	NSW_DROP_NO_DEV,      /* environment: no interface bound to the destination */
	NSW_DROP_TX_ERR,      /* environment: the redirect or clone failed */
	NSW_DROP_ACL,         /* environment: denied by an ACL */
	NSW_DROP_RATE,        /* environment: over the VF's packet-rate limit */
	NSW_DROP_VF_LINK,     /* environment: the receiving VF's link (the VM's end) is down */
	NSW_DROP_VF_MTU,      /* environment: longer than the receiving VM's MTU allows */
	NSW_DROP_VF_RX,       /* environment: the receiving VF's device dropped it otherwise */
	NSW_DROP_ACL_L4,      /* environment: an ACL could not find the L4 header to judge */
	NSW_DROP_VF_STATE,    /* the sending or receiving VF's link state holds its link down
			       * (state disable, or auto while its PF's uplink has no carrier) */
	NSW_DROP_VLAN_VIOLATION, /* a VM's own tag on a VF whose port VLAN does not carry it */
	NSW_DROP_VLAN_UNKNOWN,   /* from the wire, in a VLAN that is not its destination VF's */
	NSW_DROP_MAX
};

struct nsw_verdict {
	uint8_t action;
	uint8_t ncase;
	uint8_t reason;
	uint8_t prio;       /* 802.1p class for the scheduler */
	uint8_t pf;         /* VF: its PF; UPLINK: the port; FLOOD: the port or NSW_NONE */
	uint8_t flood_mask; /* FLOOD: PFs whose VFs get a copy */
	uint8_t excl_pf;    /* FLOOD: the sender's PF, or NSW_NONE */
	uint8_t inter_pf;   /* 1 when the frame crosses between PFs (Fig. 4, paths 1 and 2) */
	uint16_t vf;        /* VF: the destination; FLOOD: the sender */
	uint16_t vlan;      /* the port VLAN the frame travels in (NSW_VLAN_*), 0: none. From a
			     * VF: the NIC adds its tag toward the port; from the port: the NIC
			     * takes the tag off toward the VFs. FLOOD: only VFs of this VLAN. */
};
_Static_assert(sizeof(struct nsw_verdict) == 12, "verdict layout");

/* Errors of the control functions (negative). */
enum nsw_err {
	NSW_OK = 0,
	NSW_E_RANGE = -1,   /* PF or VF number out of range */
	NSW_E_MAC = -2,     /* multicast, broadcast or zero MAC */
	NSW_E_EXISTS = -3,  /* the MAC is already in Table A */
	NSW_E_FULL = -4,    /* Table A holds NSW_FDB_MAX entries */
	NSW_E_BUCKET = -5,  /* both buckets of this MAC are full */
	NSW_E_NOENT = -6,   /* no such entry, VF or PF */
	NSW_E_NO_OUI = -7,  /* PF has no OUI */
	NSW_E_BUSY = -8,    /* VF already enabled, or PF still has VFs */
	NSW_E_OUI = -9,     /* OUI is multicast, zero or used by another PF */
	NSW_E_PF_DOWN = -10, /* PF not enabled */
	NSW_E_ACL_PRIO = -11, /* two rules with one priority */
	NSW_E_ACL_SAME = -12, /* two rules with the same match */
	NSW_E_ACL_MASKS = -13, /* more distinct masks than NSW_ACL_MASKS */
	NSW_E_ACL_MANY = -14  /* more than NSW_ACL_RULES rules */
};

#endif
