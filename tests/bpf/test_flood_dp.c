/* test_flood_dp.c - the BPF test tier for a flood's copies not made (bpf/nsw_flood.bpf.h over
 * the core's nsw_flood_to_vf): a receiver waiting for its device (no device bound: `vf add ...
 * follow NAME`, or its device deleted) and a receiver whose link is held down each get no
 * copy, and each such copy is counted, by reason (no_device, vf_state_down) and in that VF's
 * receive drops, for floods from a VF and from the port; the other receivers still get
 * theirs. An uplink waiting for its device takes no copy either, counted as no_device. No network: the sandbox of lib/nsw_dp_sandbox.h (loopback for every device) and
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

/* A broadcast from src through nsw_tc, entering on port in; the program's return. */
static int bcast(struct nsw_port in, uint64_t src)
{
	nsw_dp_configure_port(skel, in);
	unsigned len = nsw_frame_build(buf, sizeof buf, NSW_MAC_BCAST, src, NSW_NOTAG, NSW_NOTAG,
				       0x0800, 46);
	struct __sk_buff ctx = {0};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .data_size_in = len, .repeat = 1,
		    .ctx_in = &ctx, .ctx_size_in = sizeof ctx);
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.nsw_tc), &opts))
		return -1000 - errno;
	return (int)opts.retval;
}

/* VF (pf, vf) waits for its device: nothing bound to it, as the CLI leaves such a VF. */
static void unbind(uint32_t pf, uint32_t vf)
{
	uint32_t slot = nsw_vf_slot(pf, vf), none = 0;
	CHECK_EQ(bpf_map_update_elem(bpf_map__fd(skel->maps.nsw_vf_dev), &slot, &none, 0), 0);
	CHECK_EQ(bpf_map_update_elem(bpf_map__fd(skel->maps.nsw_vf_path), &slot, &none, 0), 0);
}

static void stats(struct nsw_stats *s)
{
	nsw_stats_read(bpf_map__fd(skel->maps.nsw_stats), s);
}

static struct nsw_dev_stats dev(uint32_t pf, uint32_t vf)
{
	struct nsw_dev_stats d;
	nsw_counter_sum(bpf_map__fd(skel->maps.nsw_dev_stats), nsw_vf_slot(pf, vf), NSW_NDEV,
			(uint64_t *)&d, sizeof d / 8);
	return d;
}

static const struct nsw_port VF01 = {NSW_PORT_VF, 0, 1}, PORT0 = {NSW_PORT_UPLINK, 0, 0};

/* The reference NIC: VFs 0,1 0,2 0,3 and 1,1, PF 0's port. */
NSW_TEST(dp_flood_copy_to_a_waiting_vf_counted_as_no_device)
{
	NEED_BPF();
	nsw_dp_configure(skel, nic, VF01);
	unbind(0, 2);
	struct nsw_stats a, b;
	struct nsw_dev_stats w0 = dev(0, 2), o0 = dev(1, 1);
	stats(&a);
	CHECK_EQ(bcast(VF01, nsw_fix_vmac(0, 1)), TC_ACT_SHOT);
	stats(&b);
	struct nsw_dev_stats w1 = dev(0, 2), o1 = dev(1, 1);
	/* VFs 0,3 and 1,1 and the port; 0,2's copy not made, counted. */
	CHECK_EQ(b.flood_copies - a.flood_copies, 3);
	CHECK_EQ(b.drop[NSW_DROP_NO_DEV] - a.drop[NSW_DROP_NO_DEV], 1);
	CHECK_EQ(b.drop[NSW_DROP_VF_STATE] - a.drop[NSW_DROP_VF_STATE], 0);
	CHECK_EQ(b.drop[NSW_DROP_TX_ERR] - a.drop[NSW_DROP_TX_ERR], 0);
	CHECK_EQ(w1.to_drops - w0.to_drops, 1);
	CHECK_EQ(w1.to_pkts - w0.to_pkts, 0);
	CHECK_EQ(w1.to_bcast - w0.to_bcast, 0);
	CHECK_EQ(o1.to_bcast - o0.to_bcast, 1);
	/* From the wire: 0,1, 0,3 and 1,1 get theirs, 0,2's is counted again. */
	stats(&a);
	CHECK_EQ(bcast(PORT0, EXT_MAC), TC_ACT_SHOT);
	stats(&b);
	CHECK_EQ(b.flood_copies - a.flood_copies, 3);
	CHECK_EQ(b.drop[NSW_DROP_NO_DEV] - a.drop[NSW_DROP_NO_DEV], 1);
	CHECK_EQ(dev(0, 2).to_drops - w0.to_drops, 2);
}

NSW_TEST(dp_flood_copy_to_a_held_down_vf_counted_as_vf_state_down)
{
	NEED_BPF();
	nsw_dp_configure(skel, nic, VF01);
	CHECK_EQ(nsw_vf_set_state(nic, 0, 3, NSW_VF_STATE_DISABLE), NSW_OK);
	struct nsw_stats a, b;
	struct nsw_dev_stats d0 = dev(0, 3);
	stats(&a);
	CHECK_EQ(bcast(VF01, nsw_fix_vmac(0, 1)), TC_ACT_SHOT);
	CHECK_EQ(bcast(PORT0, EXT_MAC), TC_ACT_SHOT);
	stats(&b);
	struct nsw_dev_stats d1 = dev(0, 3);
	/* From 0,1: 0,2, 1,1 and the port; from the wire: 0,1, 0,2, 1,1. */
	CHECK_EQ(b.flood_copies - a.flood_copies, 6);
	CHECK_EQ(b.drop[NSW_DROP_VF_STATE] - a.drop[NSW_DROP_VF_STATE], 2);
	CHECK_EQ(b.drop[NSW_DROP_NO_DEV] - a.drop[NSW_DROP_NO_DEV], 0);
	CHECK_EQ(d1.to_drops - d0.to_drops, 2);
	CHECK_EQ(d1.to_pkts - d0.to_pkts, 0);
	CHECK_EQ(nsw_vf_set_state(nic, 0, 3, NSW_VF_STATE_ENABLE), NSW_OK);
}

/* A VF both held down and waiting: one copy not made, counted once, by its link state (as a
 * unicast to it is); a second waiting VF in the same flood counts as no_device. */
NSW_TEST(dp_flood_held_down_and_waiting_counted_once)
{
	NEED_BPF();
	nsw_dp_configure(skel, nic, VF01);
	CHECK_EQ(nsw_vf_set_state(nic, 0, 3, NSW_VF_STATE_DISABLE), NSW_OK);
	unbind(0, 3);
	unbind(1, 1);
	struct nsw_stats a, b;
	struct nsw_dev_stats d0 = dev(0, 3), e0 = dev(1, 1);
	stats(&a);
	CHECK_EQ(bcast(VF01, nsw_fix_vmac(0, 1)), TC_ACT_SHOT);
	stats(&b);
	CHECK_EQ(b.flood_copies - a.flood_copies, 2); /* 0,2 and the port */
	CHECK_EQ(b.drop[NSW_DROP_VF_STATE] - a.drop[NSW_DROP_VF_STATE], 1);
	CHECK_EQ(b.drop[NSW_DROP_NO_DEV] - a.drop[NSW_DROP_NO_DEV], 1);
	CHECK_EQ(dev(0, 3).to_drops - d0.to_drops, 1);
	CHECK_EQ(dev(1, 1).to_drops - e0.to_drops, 1);
	CHECK_EQ(nsw_vf_set_state(nic, 0, 3, NSW_VF_STATE_ENABLE), NSW_OK);
}

/* PF 0's uplink waiting for its device (nothing bound, as the CLI leaves a followed uplink
 * that is gone): the port's copy of a flood from a VF is not made and counts as no_device,
 * as a unicast out of that port does, not as a failed clone (tx_error). */
NSW_TEST(dp_flood_copy_to_a_waiting_uplink_counted_as_no_device)
{
	NEED_BPF();
	nsw_dp_configure(skel, nic, VF01);
	uint32_t zero = 0, ifi = 0, old = 0;
	int fd = bpf_map__fd(skel->maps.nsw_pf_dev);
	CHECK_EQ(bpf_map_lookup_elem(fd, &zero, &old), 0);
	CHECK(old != 0);
	CHECK_EQ(bpf_map_update_elem(fd, &zero, &ifi, 0), 0);
	struct nsw_stats a, b;
	stats(&a);
	CHECK_EQ(bcast(VF01, nsw_fix_vmac(0, 1)), TC_ACT_SHOT);
	stats(&b);
	CHECK_EQ(bpf_map_update_elem(fd, &zero, &old, 0), 0);
	CHECK_EQ(b.flood_copies - a.flood_copies, 3); /* 0,2, 0,3 and 1,1 */
	CHECK_EQ(b.drop[NSW_DROP_NO_DEV] - a.drop[NSW_DROP_NO_DEV], 1);
	CHECK_EQ(b.drop[NSW_DROP_TX_ERR] - a.drop[NSW_DROP_TX_ERR], 0);
}
