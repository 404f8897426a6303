/* test_vf_state_dp.c - the BPF test tier for a VF's link state and the per-VF counters that
 * ip -j link's VF record shows (bpf/nsw_counters.bpf.h, bpf/nsw_flood.bpf.h): drops for a
 * link held down (state disable, auto without the uplink's carrier) counted by reason, in the
 * sender's tx drops and the receiver's rx drops, floods skipping such a VF (a copy not made,
 * counted), and broadcast/multicast counted per VF and direction, in nsw_tc and nsw_xdp. No
 * network: the sandbox of lib/nsw_dp_sandbox.h (loopback for every device) and
 * BPF_PROG_TEST_RUN. Needs root. */
#define _GNU_SOURCE
#include <errno.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "../../lib/nsw_maps.h"
#include "../../lib/nsw_fixture.h"
#include "../../lib/nsw_frames.h"
#include "../unit/nsw_test.h"
#include "../../lib/nsw_dp_sandbox.h"

static struct nsw_tc *skel;
static struct nsw_nic *nic;
static int skip;
static uint8_t buf[128];

static int setup(void)
{
	if (skel || skip)
		return !skip;
	skip = nsw_dp_setup(&skel, &nic) != 0;
	return !skip;
}

#define NEED_BPF()                                                                        \
	do {                                                                              \
		if (!setup()) {                                                           \
			printf("skip %s: BPF or netns not available (run as root)\n",     \
			       __func__ + 6);                                             \
			nsw_test_skipped = 1;                                             \
			return;                                                           \
		}                                                                         \
	} while (0)

/* Frame dst <- src through nsw_tc (xdp: nsw_xdp) entering on port in; its verdict. */
static int xmit(struct nsw_port in, uint64_t dst, uint64_t src, bool xdp)
{
	nsw_dp_configure_port(skel, in);
	unsigned len = nsw_frame_build(buf, sizeof buf, dst, src, NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
	struct __sk_buff ctx = {0};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .data_size_in = len, .repeat = 1);
	if (!xdp) {
		opts.ctx_in = &ctx;
		opts.ctx_size_in = sizeof ctx;
	}
	int fd = bpf_program__fd(xdp ? skel->progs.nsw_xdp : skel->progs.nsw_tc);
	if (bpf_prog_test_run_opts(fd, &opts))
		return -1000 - errno;
	return (int)opts.retval;
}

static void stats(struct nsw_stats *s)
{
	nsw_stats_read(bpf_map__fd(skel->maps.nsw_stats), s);
}

static struct nsw_dev_stats dev(uint32_t key)
{
	struct nsw_dev_stats d;
	nsw_counter_sum(bpf_map__fd(skel->maps.nsw_dev_stats), key, NSW_NDEV, (uint64_t *)&d,
			sizeof d / 8);
	return d;
}

static const struct nsw_port VF01 = {NSW_PORT_VF, 0, 1}, VF02 = {NSW_PORT_VF, 0, 2},
			     PORT0 = {NSW_PORT_UPLINK, 0, 0};
#define MCAST 0x01005e000001ull

NSW_TEST(dp_vf_state_disable_drops_counted_both_ways)
{
	NEED_BPF();
	nsw_dp_configure(skel, nic, VF01);
	struct nsw_stats a, b;
	struct nsw_dev_stats s0 = dev(nsw_vf_slot(0, 1)), r0 = dev(nsw_vf_slot(0, 2));
	stats(&a);
	CHECK_EQ(nsw_vf_set_state(nic, 0, 2, NSW_VF_STATE_DISABLE), NSW_OK);
	CHECK_EQ(xmit(VF01, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), false), TC_ACT_SHOT);
	CHECK_EQ(xmit(PORT0, nsw_fix_vmac(0, 2), EXT_MAC, false), TC_ACT_SHOT);
	CHECK_EQ(xmit(VF02, nsw_fix_vmac(0, 1), nsw_fix_vmac(0, 2), false), TC_ACT_SHOT);
	stats(&b);
	struct nsw_dev_stats s1 = dev(nsw_vf_slot(0, 1)), r1 = dev(nsw_vf_slot(0, 2));
	CHECK_EQ(b.drop[NSW_DROP_VF_STATE] - a.drop[NSW_DROP_VF_STATE], 3);
	CHECK_EQ(b.action_pkts[NSW_ACT_DROP] - a.action_pkts[NSW_ACT_DROP], 3);
	CHECK_EQ(s1.drops - s0.drops, 1);          /* the sender's tx dropped */
	CHECK_EQ(r1.to_drops - r0.to_drops, 2);    /* the disabled VF's rx dropped */
	CHECK_EQ(r1.drops - r0.drops, 1);          /* and its own tx dropped */
	CHECK_EQ(r1.to_pkts - r0.to_pkts, 0);
	CHECK_EQ(s1.to_drops - s0.to_drops, 0);    /* its own send is not 0,1's drop */
	CHECK_EQ(nsw_vf_set_state(nic, 0, 2, NSW_VF_STATE_ENABLE), NSW_OK);
	CHECK_EQ(xmit(VF01, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), false), TC_ACT_REDIRECT);
	CHECK_EQ(xmit(VF02, nsw_fix_vmac(0, 1), nsw_fix_vmac(0, 2), false), TC_ACT_REDIRECT);
}

NSW_TEST(dp_vf_state_auto_follows_the_carrier)
{
	NEED_BPF();
	nsw_dp_configure(skel, nic, VF01);
	struct nsw_stats a, b;
	stats(&a);
	for (unsigned v = 1; v <= 3; v++)
		nsw_vf_set_state(nic, 0, v, NSW_VF_STATE_AUTO);
	nsw_vf_set_state(nic, 1, 1, NSW_VF_STATE_AUTO);
	CHECK_EQ(nsw_pf_set_carrier(nic, 0, false), NSW_OK);
	CHECK_EQ(xmit(VF01, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), false), TC_ACT_SHOT);
	CHECK_EQ(xmit(VF01, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), true), XDP_DROP);
	/* PF 1 has no uplink: its VF stays reachable (from 0,1, itself down: dropped first). */
	CHECK_EQ(xmit((struct nsw_port){NSW_PORT_VF, 1, 1}, nsw_fix_vmac(1, 1) ^ 1,
		      nsw_fix_vmac(1, 1), false), TC_ACT_REDIRECT);
	stats(&b);
	CHECK_EQ(b.drop[NSW_DROP_VF_STATE] - a.drop[NSW_DROP_VF_STATE], 2);
	CHECK_EQ(nsw_pf_set_carrier(nic, 0, true), NSW_OK);
	CHECK_EQ(xmit(VF01, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), false), TC_ACT_REDIRECT);
	CHECK_EQ(xmit(VF01, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), true), XDP_REDIRECT);
}

NSW_TEST(dp_xdp_vf_state_drop_counted_for_the_receiver)
{
	NEED_BPF();
	nsw_dp_configure(skel, nic, VF01);
	struct nsw_stats a, b;
	struct nsw_dev_stats r0 = dev(nsw_vf_slot(0, 2));
	stats(&a);
	nsw_vf_set_state(nic, 0, 2, NSW_VF_STATE_DISABLE);
	CHECK_EQ(xmit(VF01, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), true), XDP_DROP);
	stats(&b);
	struct nsw_dev_stats r1 = dev(nsw_vf_slot(0, 2));
	CHECK_EQ(b.drop[NSW_DROP_VF_STATE] - a.drop[NSW_DROP_VF_STATE], 1);
	CHECK_EQ(r1.to_drops - r0.to_drops, 1);
}

NSW_TEST(dp_flood_skips_a_vf_whose_link_is_down)
{
	NEED_BPF();
	nsw_dp_configure(skel, nic, VF01);
	struct nsw_stats a, b;
	struct nsw_dev_stats r0 = dev(nsw_vf_slot(0, 2)), o0 = dev(nsw_vf_slot(1, 1));
	nsw_vf_set_state(nic, 0, 2, NSW_VF_STATE_DISABLE);
	stats(&a);
	CHECK_EQ(xmit(VF01, NSW_MAC_BCAST, nsw_fix_vmac(0, 1), false), TC_ACT_SHOT);
	stats(&b);
	struct nsw_dev_stats r1 = dev(nsw_vf_slot(0, 2)), o1 = dev(nsw_vf_slot(1, 1));
	/* VFs 1,1 and 0,3 and the port; 0,2's copy not made. */
	CHECK_EQ(b.flood_copies - a.flood_copies, 3);
	CHECK_EQ(b.drop[NSW_DROP_VF_STATE] - a.drop[NSW_DROP_VF_STATE], 1);
	CHECK_EQ(r1.to_pkts - r0.to_pkts, 0);
	CHECK_EQ(r1.to_bcast - r0.to_bcast, 0);
	CHECK_EQ(r1.to_drops - r0.to_drops, 1);
	CHECK_EQ(o1.to_bcast - o0.to_bcast, 1);
}

NSW_TEST(dp_group_counters_per_vf_and_direction)
{
	NEED_BPF();
	nsw_dp_configure(skel, nic, VF01);
	struct nsw_dev_stats s0 = dev(nsw_vf_slot(0, 1)), r0 = dev(nsw_vf_slot(0, 2)),
			     p0 = dev(nsw_port_rec(0));
	CHECK_EQ(xmit(VF01, NSW_MAC_BCAST, nsw_fix_vmac(0, 1), false), TC_ACT_SHOT);
	CHECK_EQ(xmit(VF01, MCAST, nsw_fix_vmac(0, 1), false), TC_ACT_SHOT);
	CHECK_EQ(xmit(VF01, MCAST, nsw_fix_vmac(0, 1), false), TC_ACT_SHOT);
	CHECK_EQ(xmit(VF01, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), false), TC_ACT_REDIRECT);
	CHECK_EQ(xmit(VF01, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), true), XDP_REDIRECT);
	/* From the wire: a broadcast counted on the port's "from", the VFs' "to". */
	CHECK_EQ(xmit(PORT0, NSW_MAC_BCAST, EXT_MAC, false), TC_ACT_SHOT);
	struct nsw_dev_stats s1 = dev(nsw_vf_slot(0, 1)), r1 = dev(nsw_vf_slot(0, 2)),
			     p1 = dev(nsw_port_rec(0));
	CHECK_EQ(s1.from_bcast - s0.from_bcast, 1);
	CHECK_EQ(s1.from_mcast - s0.from_mcast, 2);
	CHECK_EQ(s1.from_pkts - s0.from_pkts, 5);
	CHECK_EQ(s1.to_bcast - s0.to_bcast, 1); /* the wire's broadcast */
	CHECK_EQ(s1.to_mcast - s0.to_mcast, 0);
	CHECK_EQ(r1.to_bcast - r0.to_bcast, 2);
	CHECK_EQ(r1.to_mcast - r0.to_mcast, 2);
	CHECK_EQ(r1.to_pkts - r0.to_pkts, 6);
	CHECK_EQ(r1.from_bcast - r0.from_bcast, 0);
	CHECK_EQ(p1.to_bcast - p0.to_bcast, 1);
	CHECK_EQ(p1.to_mcast - p0.to_mcast, 2);
	CHECK_EQ(p1.from_bcast - p0.from_bcast, 1);
}
