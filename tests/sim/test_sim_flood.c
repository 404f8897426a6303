/* test_sim_flood.c - broadcasts in nswitch-sim: each architecture replicates a frame to the
 * broadcast address the way its switch does (the nSwitch NIC by the core's flood verdict, the
 * external switch and the VEPA NIC of 802.1Qbg/Qbh, the vSwitch), every VM but the sender gets
 * one copy, the outside host one, and frames are still conserved. One line per test. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsw_sim.h"
#include "nsw_sim_test.h"
#include "../unit/nsw_test.h"

/* 8 VMs on 2 PFs (each with its port on the external switch). vm1 broadcasts 100 frames, the
 * outside host 50. Every architecture gives each other VM and the outside host one copy of
 * vm1's frames (7 + 1 per frame) and each VM one copy of the outside host's (8 per frame).
 * nSwitch also hands its port a copy, which the switch floods back into the NIC's other port,
 * where the core drops it (its source is one of the NIC's VFs: looped_source). */
NSW_TEST(broadcast_reaches_every_vm_but_the_sender)
{
	static const char *scn = "pfs 2\nvfs 4\nvms 8\nduration 10ms\nirq_frames 1\n"
				 "flow b src=vm1 dst=bcast rate=10kpps size=64\n"
				 "flow x src=ext dst=bcast rate=5kpps size=128\n";
	for (int a = 0; a < NSW_SIM_ARCH_MAX; a++) {
		struct nsw_sim_scenario s;
		CHECK(!nsw_sim_test_load(&s, scn));
		s.p.arch = a;
		struct nsw_sim_result r;
		CHECK(!nsw_sim_run(&s, &r, stderr));
		uint64_t bout = r.group[0].out, bdrop = r.group[0].drop, bgen = r.group[0].gen;
		uint64_t xout = r.group[1].out, xdrop = r.group[1].drop;
		uint64_t loop = r.drops[NSW_DROP_LOOP], gen = r.gen, out = r.out, drop = r.drop;
		nsw_sim_result_free(&r);
		printf("# %s: vm1's broadcast %llu copies delivered, %llu dropped; the outside "
		       "host's %llu delivered\n",
		       nsw_sim_arch_name(a), (unsigned long long)bout, (unsigned long long)bdrop,
		       (unsigned long long)xout);
		CHECK_EQ(bout, 100 * 8);
		CHECK_EQ(xout, 50 * 8);
		CHECK_EQ(xdrop, 0);
		CHECK_EQ(bgen, bout + bdrop);
		CHECK_EQ(gen, out + drop);
		CHECK_EQ(bdrop, a == NSW_SIM_NSWITCH ? 100 : 0);
		CHECK_EQ(loop, bdrop);
	}
}

/* A broadcast with ACKs: every receiver of a copy answers the sender, the outside host too
 * (its copy left by the port still addressed to the broadcast address, which is no VM). */
NSW_TEST(broadcast_acks_come_from_every_receiver)
{
	static const char *scn = "pfs 2\nvfs 4\nvms 8\nduration 10ms\nirq_frames 1\n"
				 "flow b src=vm1 dst=bcast rate=10kpps size=64 ack=1\n";
	for (int a = 0; a < NSW_SIM_ARCH_MAX; a++) {
		struct nsw_sim_scenario s;
		CHECK(!nsw_sim_test_load(&s, scn));
		s.p.arch = a;
		struct nsw_sim_result r;
		CHECK(!nsw_sim_run(&s, &r, stderr));
		/* group 1 is flow b's ACKs (flow NAME.ack: the groups after the flows') */
		uint64_t bout = r.group[0].out, agen = r.group[1].gen, aout = r.group[1].out;
		uint64_t gen = r.gen, out = r.out, drop = r.drop;
		nsw_sim_result_free(&r);
		printf("# %s: %llu copies delivered, %llu ACKs sent, %llu delivered\n",
		       nsw_sim_arch_name(a), (unsigned long long)bout, (unsigned long long)agen,
		       (unsigned long long)aout);
		CHECK_EQ(bout, 100 * 8);
		CHECK_EQ(agen, bout);
		CHECK_EQ(aout, agen);
		CHECK_EQ(gen, out + drop);
	}
}

/* A lone VM's broadcast reaches only the outside host. With 802.1Qbg/Qbh the switch also
 * reflects a copy back down the port, and the VEPA NIC gives it to no VF (never to the one that
 * sent it): a copy dropped as flood_no_receiver. */
NSW_TEST(broadcast_from_a_lone_vm_reaches_only_the_outside)
{
	for (int a = 0; a < NSW_SIM_ARCH_MAX; a++) {
		struct nsw_sim_scenario s;
		CHECK(!nsw_sim_test_load(&s, "pfs 1\nvfs 1\nvms 1\nduration 10ms\n"
				   "flow b src=vm0 dst=bcast rate=10kpps size=64\n"));
		s.p.arch = a;
		struct nsw_sim_result r;
		CHECK(!nsw_sim_run(&s, &r, stderr));
		uint64_t out = r.group[0].out, drop = r.group[0].drop, gen = r.group[0].gen;
		uint64_t none = r.drops[NSW_SIM_DROP_FLOOD];
		nsw_sim_result_free(&r);
		bool relay = a == NSW_SIM_QBG || a == NSW_SIM_QBH;
		CHECK_EQ(out, 100);
		CHECK_EQ(drop, relay ? 100 : 0);
		CHECK_EQ(none, drop);
		CHECK_EQ(gen, out + drop);
	}
}

/* Floods under overload, with every other kind of traffic: frames are conserved per flow and
 * in all, and drops by reason add up, in every architecture. */
NSW_TEST(floods_conserve_frames_under_overload)
{
	static const char *scn =
		"pfs 2\nvfs 4\nvms 7\nport_gbps 1\nduration 20ms\nbuf_port 64\nbuf_vsw 64\n"
		"nic_buf 65536\n"
		"flow a src=vm1 dst=vm0 rate=20Gbps process=poisson size=imix ack=2\n"
		"flow g src=vm5 dst=bcast rate=300Mbps process=poisson size=imix\n"
		"flow h src=ext dst=bcast rate=600Mbps process=poisson size=1518\n"
		"flow d src=all dst=random rate=20Mbps process=poisson size=64:3,1518:1\n";
	for (int a = 0; a < NSW_SIM_ARCH_MAX; a++) {
		struct nsw_sim_scenario s;
		CHECK(!nsw_sim_test_load(&s, scn));
		s.p.arch = a;
		struct nsw_sim_result r;
		CHECK(!nsw_sim_run(&s, &r, stderr));
		uint64_t reasons = 0;
		for (unsigned k = 0; k < NSW_SIM_DROP_MAX; k++)
			reasons += r.drops[k];
		int per_group_ok = 1;
		for (unsigned g = 0; g < r.ngroups; g++)
			per_group_ok &= r.group[g].gen == r.group[g].out + r.group[g].drop;
		uint64_t gen = r.gen, out = r.out, drop = r.drop;
		nsw_sim_result_free(&r);
		printf("# %s: %llu frames, %llu dropped\n", nsw_sim_arch_name(a),
		       (unsigned long long)gen, (unsigned long long)drop);
		CHECK(drop > 0);
		CHECK_EQ(gen, out + drop);
		CHECK(per_group_ok);
		CHECK_EQ(reasons, drop);
	}
}
