/* test_rack_pcie.c - the rack model's PCIe limits: every host's read tags and flow-control
 * credits are the single-host model's, so a rack whose hosts' fetches are tag-bound switches
 * no more than hosts x rd_tags / (read requests per frame) per dma_rd_ns frames, whatever is
 * offered; at the defaults nothing binds. One line per test. */
#include <math.h>
#include <stdio.h>

#include "nsw_sim_rack.h"
#include "../unit/nsw_test.h"

static int rp_run(const char *const *sets, unsigned n, struct nsw_rack_result *r)
{
	static struct nsw_rack_scenario s;
	nsw_rack_defaults(&s);
	static const char *const base[] = {"rack_hosts=4", "rack_local_frac=0", "rack_ext_frac=0",
					   "rack_vm_rate=5Gbps", "rack_size=1518", "port_gbps=100",
					   "warmup=500us", "duration=2500us"};
	for (unsigned i = 0; i < sizeof base / sizeof base[0]; i++)
		if (nsw_rack_set(&s, base[i], stderr))
			return -1;
	for (unsigned i = 0; i < n; i++)
		if (nsw_rack_set(&s, sets[i], stderr))
			return -1;
	return nsw_rack_run(&s, r, stderr);
}

/* 4 hosts x 8 VMs offer 40 Gb/s each of 1518-byte frames, all to other hosts. A frame's fetch
 * is 3 MRRS-512 requests and a descriptor read: 4 tags. With 8 tags held 1 us a host fetches
 * 2 Mframes/s: the ToR gets 4 x 2M x (1518 + 20) x 8 = 98.4 Gb/s, not the 160 offered. */
NSW_TEST(rack_throughput_bounded_by_read_tags)
{
	struct nsw_rack_result r, d;
	const char *lim[] = {"rd_tags=8", "dma_rd_ns=1000"};
	CHECK(!rp_run(lim, 2, &r));
	CHECK(!rp_run(NULL, 0, &d));
	double bound = 4 * (8.0 / 4 / 1000) * (1518 + 20) * 8;
	printf("# rack, 4 hosts offering 40 Gb/s each: ToR %.2f Gb/s with 8 tags of 1 us (bound "
	       "%.2f), %.2f Gb/s at the defaults; %llu DMAs waited\n",
	       r.tor_gbps, bound, d.tor_gbps, (unsigned long long)r.fc_waits);
	CHECK(r.tor_gbps <= bound * 1.005);
	CHECK(r.tor_gbps >= bound * 0.97);
	CHECK(r.fc_waits > 0);
	/* the defaults do not bind: what is offered gets through */
	CHECK(d.fc_waits == 0);
	CHECK(fabs(d.tor_gbps / (4 * 40.0 * 1538 / 1518) - 1) < 0.03);
	nsw_rack_result_free(&r);
	nsw_rack_result_free(&d);
}

/* The posted side: a 1518-byte frame is 6 writes of MPS 256, and with an interrupt per
 * frame (irq_frames 1) an MSI-X: 7 posted headers. 13 headers held 1 us fit one such frame
 * (two would need 14): a host writes 1 Mframes/s, 4 M in the rack, of the 13.2 M offered;
 * without the MSI-X's header two frames would fit (12), 2 M a host. */
NSW_TEST(rack_writes_bounded_by_posted_credits_msix_included)
{
	struct nsw_rack_result r;
	const char *lim[] = {"fc_ph=13", "fc_pd=0", "fc_rtt_ns=1000", "irq_frames=1"};
	CHECK(!rp_run(lim, 4, &r));
	double mfps = (double)r.out_win / (double)r.window_ns * 1e3;
	printf("# rack, 13 posted headers per us, 7 a frame: %.3f Mframes/s delivered (bound 4), "
	       "%llu DMAs waited\n", mfps, (unsigned long long)r.fc_waits);
	CHECK(r.fc_waits > 0);
	CHECK(fabs(mfps / 4 - 1) < 0.02);
	nsw_rack_result_free(&r);
}
