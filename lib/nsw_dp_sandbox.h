/* nsw_dp_sandbox.h - the data path without a network, for the BPF tests and the benchmarks:
 * the nsw_tc skeleton loaded (not pinned) inside a private network namespace whose loopback
 * stands in for every device, so no frame (a flood's clones included) reaches a real one, and
 * the reference NIC (nsw_fixture.h) configured through the mmapped registers. Needs root; the
 * caller's process stays in that namespace. */
#ifndef NSW_DP_SANDBOX_H
#define NSW_DP_SANDBOX_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsw_maps.h"
#include "nsw_fixture.h"
#include "nsw_tc.skel.h"

#define LO 1 /* ifindex of lo: the device every frame "enters" on */

static inline int nsw_dp_setup(struct nsw_tc **skel, struct nsw_nic **nic)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	ifr.ifr_flags = IFF_UP;
	if (s < 0 || ioctl(s, SIOCSIFFLAGS, &ifr))
		return -1;
	close(s);
	libbpf_set_print(NULL);
	*skel = nsw_tc__open();
	if (!*skel || nsw_size_maps((*skel)->maps.nsw_stats, (*skel)->maps.nsw_dev_stats,
				   (*skel)->maps.nsw_scratch, (*skel)->maps.nsw_acl_hits) ||
	    nsw_tc__load(*skel))
		return -1;
	*nic = mmap(NULL, (sizeof(struct nsw_nic) + 4095) & ~4095ul, PROT_READ | PROT_WRITE,
		    MAP_SHARED, bpf_map__fd((*skel)->maps.nsw_state), 0);
	return *nic == MAP_FAILED ? -1 : 0;
}

/* lo becomes port `in` (the configuration otherwise unchanged). */
static inline void nsw_dp_configure_port(struct nsw_tc *skel, struct nsw_port in)
{
	struct nsw_port_info pi = {.port = in};
	nsw_port_write(bpf_map__fd(skel->maps.nsw_ports), bpf_map__fd(skel->maps.nsw_port_ix), LO,
		       &pi);
}

/* The fixture's NIC; lo is port `in`; every VF and PF 0's port are bound to lo. */
static inline void nsw_dp_configure(struct nsw_tc *skel, struct nsw_nic *nic, struct nsw_port in)
{
	uint32_t ifi = LO, zero = 0;
	struct nsw_port_info pi = {.port = in};
	nsw_fixture_lab(nic);
	nsw_port_write(bpf_map__fd(skel->maps.nsw_ports), bpf_map__fd(skel->maps.nsw_port_ix), ifi,
		       &pi);
	for (uint32_t slot = 0; slot < NSW_NVF_SLOTS; slot++) {
		uint32_t v = (nic->vf[slot / NSW_MAX_VFS][slot % NSW_MAX_VFS] & NSW_VF_EN) ? LO : 0;
		bpf_map_update_elem(bpf_map__fd(skel->maps.nsw_vf_dev), &slot, &v, 0);
		bpf_map_update_elem(bpf_map__fd(skel->maps.nsw_vf_path), &slot, &v, 0);
	}
	bpf_map_update_elem(bpf_map__fd(skel->maps.nsw_pf_dev), &zero, &ifi, 0);
}

#endif
