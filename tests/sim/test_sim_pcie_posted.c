/* test_sim_pcie_posted.c - nswitch-sim's small posted writes as PCIe credit users: a VF's
 * MSI-X takes one posted header and one data credit of the root port, as the DMA writes do,
 * so under a binding fc_ph the frames' write rate falls by the interrupts' share; a VM's
 * doorbell takes the NIC's own posted credits (fc_dev_ph, fc_dev_pd), so those bound the
 * kicks, and the frames, to batch x credits per fc_rtt_ns. One line per test. */
#include <math.h>
#include <stdio.h>

#include "nsw_sim.h"
#include "nsw_sim_test.h"
#include "../unit/nsw_test.h"

/* Delivered Mframes/s of one VM's frames to another through the nSwitch NIC. */
static int posted_run(const char *extra, unsigned size, double rate_mpps, double *mpps,
		      uint64_t waits[NSW_SIM_FC_MAX])
{
	struct nsw_sim_scenario s;
	char text[1024];
	snprintf(text, sizeof text,
		 "arch nswitch\nvms 2\nport_gbps 100\nduration 4ms\nwarmup 1ms\n%s\n"
		 "flow f src=vm0 dst=vm1 rate=%gMpps size=%u\n",
		 extra, rate_mpps, size);
	if (nsw_sim_test_load(&s, text))
		return -1;
	struct nsw_sim_result r;
	if (nsw_sim_run(&s, &r, stderr))
		return -1;
	*mpps = (double)r.group[0].bytes_win / size / (double)r.window_ns * 1e3;
	for (unsigned k = 0; k < NSW_SIM_FC_MAX; k++)
		waits[k] = r.fc_waits[k];
	nsw_sim_result_free(&r);
	return 0;
}

/* 4 posted headers per 1 us bind at 4 Mwrites/s; a 64-byte frame is one MWr. An MSI-X per
 * frame takes as many headers as the frames: 2 Mpps; an MSI-X per 4 frames a quarter: 4 /
 * 1.25 = 3.2 Mpps. */
NSW_TEST(msix_takes_posted_credits_from_dma_writes)
{
	double one, four;
	uint64_t w[NSW_SIM_FC_MAX];
	const char *lim = "fc_ph 4\nfc_pd 0\nfc_rtt_ns 1000\nirq_timer_ns 1000000";
	char a[256], b[256];
	snprintf(a, sizeof a, "%s\nirq_frames 1", lim);
	snprintf(b, sizeof b, "%s\nirq_frames 4", lim);
	CHECK(!posted_run(a, 64, 6, &one, w));
	CHECK(w[NSW_SIM_FC_PH] > 0);
	CHECK(!posted_run(b, 64, 6, &four, w));
	printf("# 4 posted headers per us, 64-byte frames offered at 6 Mpps: %.3f Mpps with an "
	       "MSI-X per frame (bound 2), %.3f per 4 frames (bound 3.2)\n", one, four);
	CHECK(fabs(one / 2.0 - 1) < 0.03);
	CHECK(fabs(four / 3.2 - 1) < 0.03);
}

/* One NIC posted header per 1 us: a doorbell per frame (batch 1) lets 1 Mpps through of 3
 * offered; a doorbell per 4 frames 4 Mpps, above the offer: all 3 go. */
NSW_TEST(doorbells_take_the_nics_posted_credits)
{
	double b1, b4;
	uint64_t w1[NSW_SIM_FC_MAX], w4[NSW_SIM_FC_MAX];
	CHECK(!posted_run("fc_dev_ph 1\nfc_rtt_ns 1000\nbatch 1", 128, 3, &b1, w1));
	CHECK(!posted_run("fc_dev_ph 1\nfc_rtt_ns 1000\nbatch 4", 128, 3, &b4, w4));
	printf("# 1 NIC posted header per us, 3 Mpps offered: %.3f Mpps at a doorbell per frame "
	       "(bound 1), %.3f per 4 frames (bound 4)\n", b1, b4);
	CHECK(fabs(b1 / 1.0 - 1) < 0.03);
	CHECK(w1[NSW_SIM_FC_DEV_PH] > 0);
	CHECK(fabs(b4 / 3.0 - 1) < 0.02);
}
