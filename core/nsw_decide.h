/* nsw_decide.h - the nSwitch decision of the paper's Fig. 3, extended to several PFs (Fig. 4).
 *
 * Owns: what happens to a parsed frame that enters the NIC at a VF or at a PF's port. This is
 * the one implementation: the BPF data path, the simulator and the tests all call it.
 *
 * The rules (docs/design.md has the reasoning):
 *  - From a VF: the VF must be enabled and, with spoof check on, send with its own vMAC.
 *    Priority is the outer tag's PCP, else the VF's default 802.1p priority.
 *      Case 0 (source OUI == destination OUI): look the destination up in Table A and deliver
 *        to its VF.
 *      Case 1 (OUIs differ): a destination in Table A is delivered inside the NIC, through the
 *        inter-PF path when it sits on another PF (Fig. 4, paths 1 and 2).
 *      A miss leaves through the port, as a VEB sends unknown unicast to its uplink: hosts
 *        share the paper's OUIs, so a vMAC of our OUI that no VF here has may be a VM of
 *        another host. The sending PF's policy NSW_PF_MISS_DROP instead drops a miss in an OUI
 *        this NIC owns (FDB_MISS), as does a NIC with no port at all; a miss in a foreign OUI
 *        (a VM that chose a vendor MAC) always leaves through the port.
 *      The port is the VF's PF's own, or, for a PF without one, the first PF that has one
 *      (Fig. 4, path 3 leaves through PF 0).
 *      Broadcast and multicast go to every enabled VF of the NIC except the sender, and once
 *      out of the port: ARP works between any two VMs, whatever their PFs. Which VF gets a
 *      copy, and why one does not, is nsw_flood_to_vf's: a VF whose link is held down, or
 *      that has no device, gets none, and that copy is counted as a drop (VF_STATE, NO_DEV).
 *  - From a port (Case 2): SR-IOV receive. A source MAC that is one of our VFs' is a frame we
 *    sent coming back (a hairpinning or looped segment): dropped (LOOP), so nothing is ever
 *    delivered twice. Unicast goes to the VF with that MAC if this port serves its PF, else
 *    RX_MISS; broadcast and multicast go to every VF this port serves.
 *  - A frame is never delivered back to its sender (SELF).
 *  - Port VLANs (a VEB in VST mode): a VF with a port VLAN is in that VLAN, the VFs without one
 *    in the untagged VLAN. A frame from a VF is in its VF's VLAN: a Table A hit on a VF of
 *    another VLAN is a miss in this one (it takes the miss's way: the port, tagged, or
 *    FDB_MISS); floods copy only to the VLAN's VFs, on every PF (nsw_vlan_member), and once to
 *    the port. A VM's own tag on a VF with an 802.1Q port VLAN is VLAN_VIOLATION; with an
 *    802.1ad one, a single 802.1Q tag of the VM rides inside the S-tag (QinQ), anything else
 *    is VLAN_VIOLATION. From the port, the outer tag (VID not 0) names the VLAN: a VF with a
 *    port VLAN takes only frames of its VLAN, tag removed (else VLAN_UNKNOWN); floods reach
 *    only the VLAN's VFs. A VF without a port VLAN stays what it was before VLANs (VGT: its
 *    VM tags what it likes), and takes unicast from the port as it comes.
 * BPF-safe: static inline, bounded loops over NSW_MAX_PFS, reads NIC words once each.
 */
#ifndef NSW_DECIDE_H
#define NSW_DECIDE_H

#include "nsw_fdb.h"
#include "nsw_parse.h"

NSW_INLINE uint32_t nsw_mac_oui(uint64_t mac)
{
	return (uint32_t)(mac >> 24) & 0xffffff;
}

NSW_INLINE bool nsw_mac_is_group(uint64_t mac)
{
	return (mac & NSW_MAC_GROUP_BIT) != 0;
}

NSW_INLINE uint64_t nsw_pf_word(const struct nsw_nic *nic, uint32_t pf)
{
	NSW_BARRIER_VAR(pf);
	return NSW_READ_ONCE(nic->pf[pf % NSW_MAX_PFS]);
}

NSW_INLINE uint64_t nsw_vf_word(const struct nsw_nic *nic, uint32_t pf, uint32_t vf)
{
	uint32_t i = (pf % NSW_MAX_PFS) * NSW_MAX_VFS + vf % NSW_MAX_VFS;
	NSW_BARRIER_VAR(i);
	return NSW_READ_ONCE((&nic->vf[0][0])[i % (NSW_MAX_PFS * NSW_MAX_VFS)]);
}

/* The port VLAN key of VF (pf, vf) whose word is w: 0 unless w says it has one. */
NSW_INLINE uint16_t nsw_vf_vlan(const struct nsw_nic *nic, uint32_t pf, uint32_t vf, uint64_t w)
{
	if (NSW_LIKELY(!(w & NSW_VF_VLAN)))
		return 0;
	uint32_t i = (pf % NSW_MAX_PFS) * NSW_MAX_VFS + vf % NSW_MAX_VFS;
	NSW_BARRIER_VAR(i);
	return *(const volatile uint16_t *)&(&nic->vlan[0][0])[i % (NSW_MAX_PFS * NSW_MAX_VFS)];
}

/* Does VF (pf, vf), word w, take a flood copy of a frame of VLAN vlan (a verdict's)? */
NSW_INLINE bool nsw_vlan_member(const struct nsw_nic *nic, uint32_t pf, uint32_t vf, uint64_t w,
				uint16_t vlan)
{
	return nsw_vf_vlan(nic, pf, vf, w) == vlan;
}

/* nsw_flood_to_vf's answer for a VF the flood is not for: no copy, and no drop to count. Not
 * a drop reason (those are below NSW_DROP_MAX). */
#define NSW_FLOOD_OUTSIDE 0xffu

/* The copy of flood v (a verdict of action NSW_ACT_FLOOD) to VF (pf, vf): the one rule for it,
 * which the data path's flood, the simulator's and the tests all call.
 *   NSW_FLOOD_OUTSIDE: the flood is not for that VF: its PF is not in flood_mask, it is the
 *     sender, it is not enabled, or it is not in the frame's VLAN (nsw_vlan_member).
 *   NSW_DROP_NONE: it gets a copy.
 *   Else the VF is one of the flood's receivers but gets no copy, and the answer is the reason
 *     the caller counts that copy under (and in the VF's receive drops), as a unicast to the
 *     VF would be: NSW_DROP_VF_STATE, its link is held down (state disable, or auto while its
 *     PF's uplink has no carrier); NSW_DROP_NO_DEV, no device is bound to it (has_dev false:
 *     a VF waiting for its device). The link state comes first, as for a unicast, where the
 *     core drops before anyone looks for the device.
 * has_dev: whether the caller has a device to hand the copy to (the simulator's VFs always
 * do); the NIC's words do not know it. */
NSW_INLINE uint8_t nsw_flood_to_vf(const struct nsw_nic *nic, const struct nsw_verdict *v,
				   uint32_t pf, uint32_t vf, bool has_dev)
{
	if (pf >= NSW_MAX_PFS || vf >= NSW_MAX_VFS || !(v->flood_mask & (1u << pf)))
		return NSW_FLOOD_OUTSIDE;
	if (pf == v->excl_pf && vf == v->vf)
		return NSW_FLOOD_OUTSIDE;
	uint64_t w = nsw_vf_word(nic, pf, vf);
	if (!(w & NSW_VF_EN) || !nsw_vlan_member(nic, pf, vf, w, v->vlan))
		return NSW_FLOOD_OUTSIDE;
	if (w & NSW_VF_LINK_DOWN)
		return NSW_DROP_VF_STATE;
	if (!has_dev)
		return NSW_DROP_NO_DEV;
	return NSW_DROP_NONE;
}

/* The tag of a port VLAN vlan: its TPID, and its TCI for a frame of priority prio. */
NSW_INLINE uint16_t nsw_vlan_tpid(uint16_t vlan)
{
	return (vlan & NSW_VLAN_AD) ? NSW_ETH_P_8021AD : NSW_ETH_P_8021Q;
}

NSW_INLINE uint16_t nsw_vlan_tci(uint16_t vlan, uint8_t prio)
{
	return (uint16_t)((prio & 7u) << 13 | (vlan & NSW_VLAN_VID_MASK));
}

/* The VLAN a frame from the port is in: its outer tag's, 0 when untagged or priority-tagged. */
NSW_INLINE uint16_t nsw_frame_vlan(const struct nsw_frame *f)
{
	if (!f->ntags || !f->vid[0])
		return 0;
	return (uint16_t)(f->vid[0] | (f->tpid[0] == NSW_ETH_P_8021AD ? NSW_VLAN_AD : 0));
}

/* May a VM send frame f on a VF of port VLAN vlan (not 0)? 802.1Q: untagged only; 802.1ad:
 * untagged, or one 802.1Q tag that the S-tag will carry. */
NSW_INLINE bool nsw_vlan_admits(uint16_t vlan, const struct nsw_frame *f)
{
	if (!f->ntags)
		return true;
	return (vlan & NSW_VLAN_AD) && f->ntags == 1 && f->tpid[0] == NSW_ETH_P_8021Q;
}

NSW_INLINE bool nsw_pf_has_port(uint64_t w)
{
	return (w & (NSW_PF_EN | NSW_PF_UPLINK)) == (NSW_PF_EN | NSW_PF_UPLINK);
}

/* The port through which PF pf's VFs reach the wire, or NSW_NONE. */
NSW_INLINE uint8_t nsw_egress_port(const struct nsw_nic *nic, uint32_t pf)
{
	if (nsw_pf_has_port(nsw_pf_word(nic, pf)))
		return (uint8_t)pf;
NSW_UNROLL
	for (uint32_t q = 0; q < NSW_MAX_PFS; q++)
		if (nsw_pf_has_port(nsw_pf_word(nic, q)))
			return (uint8_t)q;
	return NSW_NONE;
}

/* Is oui the OUI of an enabled PF of this NIC? */
NSW_INLINE bool nsw_oui_is_ours(const struct nsw_nic *nic, uint32_t oui)
{
NSW_UNROLL
	for (uint32_t q = 0; q < NSW_MAX_PFS; q++) {
		uint64_t w = nsw_pf_word(nic, q);
		if ((w & (NSW_PF_EN | NSW_PF_HAS_OUI)) == (NSW_PF_EN | NSW_PF_HAS_OUI) &&
		    (w & NSW_PF_OUI_MASK) == oui)
			return true;
	}
	return false;
}

NSW_INLINE void nsw_drop(struct nsw_verdict *v, uint8_t reason)
{
	v->action = NSW_ACT_DROP;
	v->reason = reason;
}

/* Deliver to the VF of Table A slot e, unless it is down or the sender itself. */
NSW_INLINE void nsw_to_vf(const struct nsw_nic *nic, struct nsw_verdict *v, uint64_t e,
			     struct nsw_port in)
{
	uint8_t pf = nsw_fdb_slot_pf(e);
	uint16_t vf = nsw_fdb_slot_vf(e);

	if (NSW_UNLIKELY(in.kind == NSW_PORT_VF && pf == in.pf && vf == in.vf))
		return nsw_drop(v, NSW_DROP_SELF);
	uint64_t w = nsw_vf_word(nic, pf, vf);
	if (NSW_UNLIKELY(!(w & NSW_VF_EN)))
		return nsw_drop(v, NSW_DROP_VF_DOWN);
	/* The receiver's link is held down: dropped, and the drop names the receiver (pf, vf)
	 * so that the data path counts it in the VF's receive drops. */
	if (NSW_UNLIKELY(w & NSW_VF_LINK_DOWN)) {
		v->pf = pf;
		v->vf = vf;
		return nsw_drop(v, NSW_DROP_VF_STATE);
	}
	v->action = NSW_ACT_VF;
	v->pf = pf;
	v->vf = vf;
	v->inter_pf = pf != in.pf;
}

NSW_INLINE void nsw_to_port(const struct nsw_nic *nic, struct nsw_verdict *v, uint8_t from_pf)
{
	uint8_t port = nsw_egress_port(nic, from_pf);

	if (port == NSW_NONE)
		return nsw_drop(v, NSW_DROP_NO_UPLINK);
	v->action = NSW_ACT_UPLINK;
	v->pf = port;
	v->inter_pf = port != from_pf;
}

NSW_INLINE void nsw_decide_from_vf(const struct nsw_nic *nic, struct nsw_port in,
				      const struct nsw_frame *f, struct nsw_verdict *v)
{
	if (NSW_UNLIKELY(in.pf >= NSW_MAX_PFS || in.vf >= NSW_MAX_VFS))
		return nsw_drop(v, NSW_DROP_VF_DOWN);
	if (NSW_UNLIKELY(!(nsw_pf_word(nic, in.pf) & NSW_PF_EN)))
		return nsw_drop(v, NSW_DROP_PF_DOWN);
	uint64_t vfw = nsw_vf_word(nic, in.pf, in.vf);
	if (NSW_UNLIKELY(!(vfw & NSW_VF_EN)))
		return nsw_drop(v, NSW_DROP_VF_DOWN);
	/* A VF whose link is held down sends nothing (what a VM still hands over is dropped). */
	if (NSW_UNLIKELY(vfw & NSW_VF_LINK_DOWN))
		return nsw_drop(v, NSW_DROP_VF_STATE);
	v->prio = f->ntags ? f->pcp : (uint8_t)((vfw & NSW_VF_QOS_MASK) >> NSW_VF_QOS_SHIFT);
	if (NSW_UNLIKELY((vfw & NSW_VF_SPOOFCHK) && f->src != (vfw & NSW_MAC_MASK)))
		return nsw_drop(v, NSW_DROP_SPOOF);
	uint16_t vlan = nsw_vf_vlan(nic, in.pf, in.vf, vfw);
	if (NSW_UNLIKELY(vlan && !nsw_vlan_admits(vlan, f)))
		return nsw_drop(v, NSW_DROP_VLAN_VIOLATION);
	v->vlan = vlan;

	uint32_t dst_oui = nsw_mac_oui(f->dst);
	v->ncase = nsw_mac_oui(f->src) == dst_oui ? NSW_CASE_SAME_OUI : NSW_CASE_DIFF_OUI;

	if (NSW_UNLIKELY(nsw_mac_is_group(f->dst))) {
		uint8_t mask = 0;
NSW_UNROLL
		for (uint32_t q = 0; q < NSW_MAX_PFS; q++)
			if (nsw_pf_word(nic, q) & NSW_PF_EN)
				mask |= (uint8_t)(1u << q);
		v->action = NSW_ACT_FLOOD;
		v->flood_mask = mask;
		v->excl_pf = in.pf;
		v->vf = in.vf;
		v->pf = nsw_egress_port(nic, in.pf);
		v->inter_pf = v->pf != NSW_NONE && v->pf != in.pf;
		return;
	}

	uint64_t e = nsw_fdb_find(&nic->fdb, f->dst);
	/* A VF of another VLAN is not in this VLAN's table: a miss here. */
	if (NSW_LIKELY(e) &&
	    NSW_LIKELY(nsw_vf_vlan(nic, nsw_fdb_slot_pf(e), nsw_fdb_slot_vf(e),
				   nsw_vf_word(nic, nsw_fdb_slot_pf(e), nsw_fdb_slot_vf(e))) == vlan))
		return nsw_to_vf(nic, v, e, in);
	if (nsw_oui_is_ours(nic, dst_oui) &&
	    ((nsw_pf_word(nic, in.pf) & NSW_PF_MISS_DROP) || nsw_egress_port(nic, in.pf) == NSW_NONE))
		return nsw_drop(v, NSW_DROP_FDB_MISS);
	nsw_to_port(nic, v, in.pf);
}

NSW_INLINE void nsw_decide_from_port(const struct nsw_nic *nic, struct nsw_port in,
					const struct nsw_frame *f, struct nsw_verdict *v)
{
	v->ncase = NSW_CASE_RX;
	v->prio = f->ntags ? f->pcp : 0;
	if (in.pf >= NSW_MAX_PFS || !nsw_pf_has_port(nsw_pf_word(nic, in.pf)))
		return nsw_drop(v, NSW_DROP_PF_DOWN);
	if (nsw_fdb_find(&nic->fdb, f->src))
		return nsw_drop(v, NSW_DROP_LOOP);

	if (nsw_mac_is_group(f->dst)) {
		uint8_t mask = 0;
NSW_UNROLL
		for (uint32_t q = 0; q < NSW_MAX_PFS; q++)
			if ((nsw_pf_word(nic, q) & NSW_PF_EN) && nsw_egress_port(nic, q) == in.pf)
				mask |= (uint8_t)(1u << q);
		v->action = NSW_ACT_FLOOD;
		v->flood_mask = mask;
		v->excl_pf = NSW_NONE;
		v->pf = NSW_NONE;
		v->inter_pf = (mask & ~(1u << in.pf)) != 0;
		v->vlan = nsw_frame_vlan(f);
		return;
	}
	uint64_t e = nsw_fdb_find(&nic->fdb, f->dst);
	if (!e || nsw_egress_port(nic, nsw_fdb_slot_pf(e)) != in.pf)
		return nsw_drop(v, NSW_DROP_RX_MISS);
	uint16_t dv = nsw_vf_vlan(nic, nsw_fdb_slot_pf(e), nsw_fdb_slot_vf(e),
				  nsw_vf_word(nic, nsw_fdb_slot_pf(e), nsw_fdb_slot_vf(e)));
	if (NSW_UNLIKELY(dv)) {
		if (dv != nsw_frame_vlan(f))
			return nsw_drop(v, NSW_DROP_VLAN_UNKNOWN);
		v->vlan = dv;
	}
	nsw_to_vf(nic, v, e, in);
}

/* The decision. in names where the frame entered; f is its parsed header. Never fails: every
 * outcome, a drop included, is a verdict. */
NSW_INLINE void nsw_decide(const struct nsw_nic *nic, struct nsw_port in,
			      const struct nsw_frame *f, struct nsw_verdict *v)
{
	*v = (struct nsw_verdict){.ncase = NSW_CASE_NONE, .pf = NSW_NONE, .excl_pf = NSW_NONE};
	if (in.kind == NSW_PORT_VF)
		nsw_decide_from_vf(nic, in, f, v);
	else
		nsw_decide_from_port(nic, in, f, v);
}

/* Parse, then decide: what every context calls, on header words (see NSW_HDR_WORDS). */
NSW_INLINE void nsw_process_hdr(const struct nsw_nic *nic, struct nsw_port in, const uint64_t *w,
				uint32_t len, struct nsw_frame *f, struct nsw_verdict *v)
{
	int r = nsw_parse_hdr(w, len, f);
	if (r) {
		*v = (struct nsw_verdict){.ncase = NSW_CASE_NONE, .pf = NSW_NONE,
					  .excl_pf = NSW_NONE};
		nsw_drop(v, (uint8_t)r);
		return;
	}
	nsw_decide(nic, in, f, v);
}

/* The same on a byte buffer holding min(len, NSW_HDR_MAX) octets of the frame. */
NSW_INLINE void nsw_process(const struct nsw_nic *nic, struct nsw_port in, const uint8_t *buf,
			    uint32_t len, struct nsw_frame *f, struct nsw_verdict *v)
{
	uint64_t w[NSW_HDR_WORDS];
	nsw_hdr_words(buf, len, w);
	nsw_process_hdr(nic, in, w, len, f, v);
}

#endif
