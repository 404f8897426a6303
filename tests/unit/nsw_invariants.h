/* nsw_invariants.h - what must hold for every verdict, whatever the frame: checked by the unit
 * tests' random walk and by the fuzzer. Returns NULL, or the name of the broken rule. */
#ifndef NSW_INVARIANTS_H
#define NSW_INVARIANTS_H

#include "../../core/nsw_decide.h"

static inline const char *nsw_verdict_broken(const struct nsw_nic *nic, struct nsw_port in,
					     const struct nsw_frame *f, const struct nsw_verdict *v)
{
	if (v->action > NSW_ACT_FLOOD)
		return "action out of range";
	if ((v->action == NSW_ACT_DROP) != (v->reason != NSW_DROP_NONE))
		return "a drop without a reason, or a reason without a drop";
	if (v->reason >= NSW_DROP_MAX)
		return "reason out of range";
	if (v->prio > 7)
		return "priority out of range";
	if (v->ncase >= NSW_CASE_MAX)
		return "case out of range";
	if (v->action != NSW_ACT_DROP && v->ncase == NSW_CASE_NONE)
		return "forwarded without a case";
	if (in.kind == NSW_PORT_UPLINK && v->ncase != NSW_CASE_RX && v->ncase != NSW_CASE_NONE)
		return "a frame from the wire outside Case 2";
	if (v->action == NSW_ACT_VF) {
		if (v->pf >= NSW_MAX_PFS || v->vf >= NSW_MAX_VFS)
			return "destination out of range";
		if (!(nic->vf[v->pf][v->vf] & NSW_VF_EN))
			return "delivered to a disabled VF";
		if (in.kind == NSW_PORT_VF && in.pf == v->pf && in.vf == v->vf)
			return "delivered back to its sender";
		if (nsw_mac_is_group(f->dst))
			return "group frame delivered as unicast";
	}
	if (v->action == NSW_ACT_UPLINK) {
		if (in.kind != NSW_PORT_VF)
			return "from the wire back to the wire";
		if (v->pf >= NSW_MAX_PFS || !nsw_pf_has_port(nic->pf[v->pf]))
			return "out of a PF without a port";
	}
	if (v->action == NSW_ACT_FLOOD) {
		if (!nsw_mac_is_group(f->dst))
			return "unicast flooded";
		if (in.kind == NSW_PORT_VF && (v->excl_pf != in.pf || v->vf != in.vf))
			return "flood does not exclude its sender";
		if (in.kind == NSW_PORT_UPLINK && v->pf != NSW_NONE)
			return "flood from the wire sent back to the wire";
	}
	/* A unicast miss from a VM: the sending PF's policy drops it when its OUI is one of this
	 * NIC's (and a NIC without a port must); otherwise it leaves by the port. */
	if (in.kind == NSW_PORT_VF && in.pf < NSW_MAX_PFS &&
	    (v->ncase == NSW_CASE_SAME_OUI || v->ncase == NSW_CASE_DIFF_OUI) &&
	    !nsw_mac_is_group(f->dst) && !nsw_fdb_find(&nic->fdb, f->dst)) {
		bool port = nsw_egress_port(nic, in.pf) != NSW_NONE;
		bool drop = nsw_oui_is_ours(nic, nsw_mac_oui(f->dst)) &&
			    ((nic->pf[in.pf] & NSW_PF_MISS_DROP) || !port);
		if (drop && v->reason != NSW_DROP_FDB_MISS)
			return "a miss the policy drops not dropped as unknown_vmac";
		if (!drop && port && v->action != NSW_ACT_UPLINK)
			return "a miss that may be on another host kept from the port";
	}
	return NULL;
}

#endif
