/* test_rack.c - the rack model of nswitch-sim (nswitch-sim rack): what can be checked exactly.
 * Frames are conserved in every architecture, overloaded or not; with all traffic host-local no
 * frame crosses the ToR for nSwitch and the vSwitch and every frame does for 802.1Qbg/Qbh
 * (reflective relay); the share of frames through the ToR is 1 - local_frac within the binomial
 * noise of the run; a frame to a VM of the same OUI on another host is a Table A miss that the
 * core sends out of the port (or drops under the PF's miss policy). One line per test; each run
 * takes milliseconds. */
#define _GNU_SOURCE
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsw_sim_rack.h"
#include "../unit/nsw_test.h"

/* 4 hosts of 6 VMs on 2 PFs (so 8 ToR ports), 1518-byte frames, nothing near saturation. */
static void rk_small(struct nsw_rack_scenario *r, int arch, double lf, double ext)
{
	nsw_rack_defaults(r);
	r->sc.p.arch = arch;
	r->sc.p.pfs = 2;
	r->sc.p.vfs = 3;
	r->sc.p.vms = 6;
	r->sc.p.duration_ns = 2000000;
	r->hosts = 4;
	r->local_frac = lf;
	r->ext_frac = ext;
	r->vm_rate = 500e6;
}

static bool rk_conserved(const struct nsw_rack_result *r)
{
	uint64_t out = 0, gen = 0, drops = 0;
	for (unsigned k = 0; k < NSW_RACK_KINDS; k++) {
		out += r->out_kind[k];
		gen += r->gen_kind[k];
	}
	for (unsigned k = 0; k < NSW_SIM_DROP_MAX; k++)
		drops += r->drops[k];
	return r->gen == r->out + r->drop && gen == r->gen && out == r->out && drops == r->drop;
}

/* created = delivered + dropped, per kind and in all, for every architecture at three local
 * fractions, and once overloaded (10 Gb/s per VM: the vSwitch thread and the ports saturate, the
 * pSwitch hairpins fill the ports): the drops are counted, by reason. */
NSW_TEST(rack_frames_conserved)
{
	for (int a = 0; a < NSW_SIM_ARCH_MAX; a++) {
		for (double lf = 0; lf <= 1.0; lf += 0.5) {
			struct nsw_rack_scenario s;
			struct nsw_rack_result r;
			rk_small(&s, a, lf, 0.25);
			CHECK(!nsw_rack_run(&s, &r, stderr));
			CHECK(r.gen > 1000);
			CHECK(rk_conserved(&r));
			CHECK_EQ(r.misdelivered, 0);
			CHECK_EQ(r.drop, 0); /* nothing is lost at this load */
			nsw_rack_result_free(&r);
		}
		struct nsw_rack_scenario s;
		struct nsw_rack_result r;
		rk_small(&s, a, 0.5, 0.25);
		s.vm_rate = 10e9;
		CHECK(!nsw_rack_run(&s, &r, stderr));
		CHECK(rk_conserved(&r));
		CHECK(r.drops[NSW_SIM_DROP_FULL] > 0);
		nsw_rack_result_free(&r);
	}
}

/* All traffic host-local: nSwitch and the vSwitch switch it in the host, so the ToR, its ports
 * and its uplink see nothing; 802.1Qbg/Qbh send every frame to the ToR and back down the same
 * port (reflective relay). */
NSW_TEST(rack_local_traffic_stays_off_the_tor)
{
	for (int a = 0; a < NSW_SIM_ARCH_MAX; a++) {
		struct nsw_rack_scenario s;
		struct nsw_rack_result r;
		rk_small(&s, a, 1.0, 0.25);
		CHECK(!nsw_rack_run(&s, &r, stderr));
		CHECK(r.gen > 1000);
		CHECK_EQ(r.gen_kind[NSW_RACK_LOCAL], r.gen);
		CHECK_EQ(r.out, r.gen);
		bool pswitch = a == NSW_SIM_QBG || a == NSW_SIM_QBH;
		if (pswitch) {
			CHECK_EQ(r.tor_frames, r.gen);
			CHECK(r.port_up_mean > 0.1 && r.port_dn_mean > 0.1);
		} else {
			CHECK_EQ(r.tor_frames, 0);
			CHECK(r.port_up_max == 0 && r.port_dn_max == 0 && r.tor_gbps == 0);
		}
		CHECK(r.uplink_out == 0 && r.uplink_in == 0);
		nsw_rack_result_free(&r);
	}
}

/* The share of frames through the ToR is 1 - local_frac for nSwitch and the vSwitch (each frame
 * is local with probability local_frac, so the count is binomial: held within 4 standard
 * errors), and 1 for 802.1Qbg; the ToR's Gb/s fall on the straight line through the end points
 * within 4 standard errors of a Poisson count. */
NSW_TEST(rack_tor_load_falls_linearly_with_local_frac)
{
	static const int arch[] = {NSW_SIM_VSWITCH, NSW_SIM_NSWITCH, NSW_SIM_QBG};
	for (unsigned i = 0; i < 3; i++) {
		int a = arch[i];
		double gb[5] = {0}, n[5] = {0};
		for (unsigned j = 0; j < 5; j++) {
			double lf = j / 4.0;
			struct nsw_rack_scenario s;
			struct nsw_rack_result r;
			rk_small(&s, a, lf, 0);
			s.hosts = 8;
			CHECK(!nsw_rack_run(&s, &r, stderr));
			double frac = (double)r.tor_frames / (double)r.gen;
			double want = a == NSW_SIM_QBG ? 1 : 1 - lf;
			double se = sqrt(lf * (1 - lf) / (double)r.gen);
			if (fabs(frac - want) > 4 * se + 1e-12) {
				printf("# %s lf %.2f: %.4f of frames through the ToR, want %.4f +- %.4f\n",
				       nsw_sim_arch_name(a), lf, frac, want, 4 * se);
				CHECK(0);
			}
			gb[j] = r.tor_gbps;
			n[j] = (double)r.tor_frames;
			nsw_rack_result_free(&r);
		}
		for (unsigned j = 1; j < 4; j++) {
			double lf = j / 4.0;
			double line = a == NSW_SIM_QBG ? gb[0] : gb[0] * (1 - lf) + gb[4] * lf;
			double se = gb[j] / sqrt(n[j] > 1 ? n[j] : 1);
			if (fabs(gb[j] - line) > 4 * se + 4 * gb[0] / sqrt(n[0])) {
				printf("# %s lf %.2f: ToR %.3f Gb/s, line %.3f\n",
				       nsw_sim_arch_name(a), lf, gb[j], line);
				CHECK(0);
			}
		}
		if (a != NSW_SIM_QBG)
			CHECK_EQ(gb[4], 0);
	}
}

/* Two hosts, one VM each, every PF 0 with OUI F0-F0-F0: each frame goes to the other host's VM,
 * whose vMAC has the sender's OUI and is in no Table A of the sender's NIC. The core sends it out
 * of the port (a miss in an OUI of this NIC), the ToR forwards it, the other NIC finds it in its
 * Table A: two decisions a frame, one miss. With the PF's policy NSW_PF_MISS_DROP every such
 * frame is dropped as fdb_miss and the ToR sees none. */
NSW_TEST(rack_same_oui_cross_host_miss_leaves_by_port)
{
	struct nsw_rack_scenario s;
	struct nsw_rack_result r;
	nsw_rack_defaults(&s);
	s.sc.p.arch = NSW_SIM_NSWITCH;
	s.sc.p.vms = 1;
	s.sc.p.vfs = 1;
	s.hosts = 2;
	s.local_frac = 0;
	s.ext_frac = 0;
	CHECK(!nsw_rack_run(&s, &r, stderr));
	CHECK(r.gen > 100);
	CHECK_EQ(r.gen_kind[NSW_RACK_CROSS], r.gen);
	CHECK_EQ(r.miss_to_port, r.gen);
	CHECK_EQ(r.decisions, 2 * r.gen);
	CHECK_EQ(r.tor_frames, r.gen);
	CHECK_EQ(r.out, r.gen);
	CHECK_EQ(r.misdelivered, 0);
	nsw_rack_result_free(&r);
	CHECK(!nsw_rack_set(&s, "rack_miss_drop=1", stderr));
	CHECK(!nsw_rack_run(&s, &r, stderr));
	CHECK(r.gen > 100);
	CHECK_EQ(r.drops[NSW_DROP_FDB_MISS], r.gen);
	CHECK_EQ(r.tor_frames, 0);
	CHECK_EQ(r.miss_to_port, 0);
	nsw_rack_result_free(&r);
}

/* Bad rack input is refused with a message, the scenario unchanged. */
NSW_TEST(rack_rejects_bad_keys)
{
	struct nsw_rack_scenario s;
	nsw_rack_defaults(&s);
	FILE *null = fopen("/dev/null", "w");
	CHECK(null);
	CHECK(nsw_rack_set(&s, "rack_hosts=65", null));
	CHECK(nsw_rack_set(&s, "rack_local_frac=1.5", null));
	CHECK(nsw_rack_set(&s, "rack_vm_rate=fast", null));
	CHECK(nsw_rack_set(&s, "flow.x.rate=1", null));
	CHECK_EQ(s.hosts, 16);
	CHECK(s.local_frac == 0.5);
	CHECK(!nsw_rack_set(&s, "rack_vm_rate=2Gbps", null));
	CHECK(s.vm_rate == 2e9);
	s.hosts = 64;
	s.sc.p.vms = 65;
	s.sc.p.vfs = 65;
	struct nsw_rack_result r;
	CHECK(nsw_rack_run(&s, &r, null)); /* 4160 VMs: more than the ToR's table */
	fclose(null);
}
