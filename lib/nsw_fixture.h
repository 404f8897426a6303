/* nsw_fixture.h - the reference NIC that the tests of every tier and the benchmarks decide on,
 * so that unit tests, BPF tests and benchmarks judge the same configuration: PF0 (OUI f0:f0:f0, with a port) and PF1 (OUI f4:f4:f4,
 * no port); VFs 0,1 0,2 1,1, and 0,3 with a foreign (vendor) MAC; VF 0,2 has priority 3. */
#ifndef NSW_FIXTURE_H
#define NSW_FIXTURE_H

#include "../core/nsw_ctl.h"

#define OUI0 0xf0f0f0u
#define OUI1 0xf4f4f4u
#define EXT_MAC 0x001122334455ull
#define FOREIGN_VM 0x001b21000009ull

static inline uint64_t nsw_fix_vmac(unsigned pf, unsigned vf)
{
	return nsw_auto_vmac(pf ? OUI1 : OUI0, pf, vf);
}

static inline void nsw_fixture_lab(struct nsw_nic *nic)
{
	nsw_nic_init(nic, 0, 2);
	nsw_pf_set(nic, 0, OUI0, 1);
	nsw_pf_set(nic, 1, OUI1, -1);
	nsw_vf_add(nic, 0, 1, 0, 0, true);
	nsw_vf_add(nic, 0, 2, 0, 3, true);
	nsw_vf_add(nic, 1, 1, 0, 0, true);
	nsw_vf_add(nic, 0, 3, FOREIGN_VM, 0, true);
}

#endif
