/* test_sim_tcp.c - the closed-loop source (process=tcp): a window of frames in flight, opened
 * by the receiver's ACKs on the reverse path (slow start, then one frame per window) and halved
 * on a loss. One TCP-like flow from a VM through 802.1Qbh's 1 GbE port to the outside host
 * fills the port without loss; with a TX ring too small for its window it loses a frame, backs
 * off and still fills the port, where an open-loop source offered 1.2x the port loses a sixth
 * of its frames. One line per test. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsw_sim.h"
#include "../unit/nsw_test.h"

static int tcp_run(const char *label, const char *extra, double *mbps, uint64_t *gen,
		   uint64_t *drop)
{
	struct nsw_sim_scenario s;
	nsw_sim_defaults(&s);
	char buf[1024];
	snprintf(buf, sizeof buf,
		 "arch qbh\npfs 1\nvfs 3\nvms 3\nport_gbps 1\nduration 200ms\nwarmup 50ms\nseed 7\n%s",
		 extra);
	int n = 0;
	for (char *save, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (nsw_sim_scn_line(&s, l, "test", ++n, stderr))
			return -1;
	if (nsw_sim_scn_check(&s, "test", stderr))
		return -1;
	struct nsw_sim_result r;
	if (nsw_sim_run(&s, &r, stderr))
		return -1;
	*mbps = (double)r.group[0].bytes_win * 8e3 / (double)r.window_ns;
	*gen = r.group[0].gen;
	*drop = r.group[0].drop;
	nsw_sim_result_free(&r);
	printf("# %s: %.1f Mb/s delivered, %llu of %llu frames lost\n", label, *mbps,
	       (unsigned long long)*drop, (unsigned long long)*gen);
	return 0;
}

NSW_TEST(tcp_source_fills_the_port_and_backs_off)
{
	double port = 1000 * 1518.0 / 1538; /* 1 GbE less preamble and gap, in Mb/s of frames */
	double m;
	uint64_t gen, drop;
	CHECK(!tcp_run("tcp", "flow f src=vm1 dst=ext rate=10Gbps process=tcp size=1518 ack=2\n", &m,
		       &gen, &drop));
	CHECK(m > 0.98 * port);
	CHECK_EQ(drop, 0);
	/* a ring of 16 frames: the window overflows it, the source loses and halves */
	CHECK(!tcp_run("tcp, 16-frame TX ring",
		       "tx_ring 16\nflow f src=vm1 dst=ext rate=10Gbps process=tcp size=1518 ack=2 "
		       "wmax=1000\n",
		       &m, &gen, &drop));
	CHECK(drop > 0);
	CHECK(drop * 100 < gen);
	CHECK(m > 0.98 * port);
	/* the same ring under an open-loop source at 1.2x the port */
	CHECK(!tcp_run("open loop at 1.2x, 16-frame TX ring",
		       "tx_ring 16\nflow f src=vm1 dst=ext rate=1200Mbps process=poisson "
		       "size=1518 ack=2\n",
		       &m, &gen, &drop));
	CHECK(drop * 10 > gen);
}
