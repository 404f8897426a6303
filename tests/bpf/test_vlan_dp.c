/* test_vlan_dp.c - the BPF test tier for port VLANs (VST) in the data path (bpf/nsw_tc.bpf.c,
 * bpf/nsw_vlan.bpf.h), no network: the program from its skeleton in a private network
 * namespace whose loopback stands in for every device (lib/nsw_dp_sandbox.h), the reference
 * NIC with port VLANs set through the core's control functions, crafted frames through
 * BPF_PROG_TEST_RUN. Checked per rule: unicast and floods kept inside a VLAN (across PFs), the
 * tag put on toward the port (what a flood's port copy carries, read off the loopback with a
 * packet socket: TPID, VID, PCP), taken off from the port (the frame the program leaves), the
 * VM's own tag dropped (vlan_violation) or carried inside an 802.1ad S-tag (QinQ), frames of a
 * VLAN that is not the destination's dropped (vlan_unknown), vlan 0 restoring the untagged
 * VLAN. Needs root; skips without it. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
static int skip, psock = -1;

static int setup(void)
{
	if (skel || skip)
		return !skip;
	skip = nsw_dp_setup(&skel, &nic) != 0;
	if (!skip) {
		/* Every copy the program sends (bpf_clone_redirect to the loopback), as it leaves. */
		psock = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
		struct sockaddr_ll a = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
					.sll_ifindex = LO};
		int one = 1;
		if (psock < 0 || bind(psock, (struct sockaddr *)&a, sizeof a) ||
		    setsockopt(psock, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one))
			skip = 1;
	}
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

/* The fixture with port VLANs: VF 0,1 and VF 1,1 in VLAN 10 (proto ad10 for 0,1 if asked),
 * VF 0,2 in VLAN 20, VF 0,3 untagged; lo is port `in`. */
static void configure(struct nsw_port in, bool ad)
{
	nsw_dp_configure(skel, nic, in);
	CHECK_EQ(nsw_vf_set_vlan(nic, 0, 1, 10, ad), 0);
	CHECK_EQ(nsw_vf_set_vlan(nic, 1, 1, 10, ad), 0);
	CHECK_EQ(nsw_vf_set_vlan(nic, 0, 2, 20, false), 0);
}

static int run(uint8_t *frame, unsigned len, unsigned *out_len)
{
	struct __sk_buff ctx = {0}, out;
	uint8_t data[256];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .data_out = data, .data_size_out = sizeof data, .ctx_in = &ctx,
		    .ctx_size_in = sizeof ctx, .ctx_out = &out, .ctx_size_out = sizeof out,
		    .repeat = 1);
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.nsw_tc), &opts))
		return -1000 - errno;
	if (out_len) { /* the frame as the program left it */
		memcpy(frame, data, opts.data_size_out < 256 ? opts.data_size_out : 256);
		*out_len = opts.data_size_out;
	}
	return (int)opts.retval;
}

static void stats(struct nsw_stats *s)
{
	nsw_stats_read(bpf_map__fd(skel->maps.nsw_stats), s);
}

static uint64_t to_pkts(unsigned pf, unsigned vf)
{
	struct nsw_dev_stats d;
	nsw_counter_sum(bpf_map__fd(skel->maps.nsw_dev_stats), nsw_vf_slot(pf, vf), NSW_NDEV,
			(uint64_t *)&d, sizeof d / 8);
	return d.to_pkts;
}

/* One frame the program sent out of the loopback, as on the wire (a tag the kernel kept out
 * of band put back in place; the loopback has no tag offload, so it is usually inline). */
struct sent {
	unsigned len;
	uint8_t data[256];
};

/* Tag i (0: outer) of sent frame s: its TPID (0: none) and TCI. */
static uint16_t tag_tpid(const struct sent *s, unsigned i)
{
	unsigned o = 12 + 4 * i;
	uint16_t t = (uint16_t)(s->data[o] << 8 | s->data[o + 1]);
	if (s->len < o + 4 || (t != 0x8100 && t != 0x88a8) || (i && !tag_tpid(s, i - 1)))
		return 0;
	return t;
}

static uint16_t tag_tci(const struct sent *s, unsigned i)
{
	return (uint16_t)(s->data[14 + 4 * i] << 8 | s->data[15 + 4 * i]);
}

static void drain(void)
{
	uint8_t b[2048];
	while (recv(psock, b, sizeof b, MSG_DONTWAIT) > 0)
		;
}

/* The frames sent since the last drain (each once, as it left), at most max. */
static unsigned sent_frames(struct sent *s, unsigned max)
{
	unsigned n = 0;
	for (;;) {
		uint8_t b[2048];
		char cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		struct sockaddr_ll from;
		struct iovec iov = {b, sizeof b};
		struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov,
				   .msg_iovlen = 1, .msg_control = cbuf,
				   .msg_controllen = sizeof cbuf};
		ssize_t r = recvmsg(psock, &m, MSG_DONTWAIT);
		if (r <= 0)
			return n;
		if (from.sll_pkttype != PACKET_OUTGOING || n == max)
			continue;
		s[n] = (struct sent){.len = (unsigned)r};
		unsigned at = 0;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			struct tpacket_auxdata *a = (struct tpacket_auxdata *)CMSG_DATA(c);
			if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA &&
			    (a->tp_status & TP_STATUS_VLAN_VALID) && r >= 12) {
				uint16_t tpid = (a->tp_status & TP_STATUS_VLAN_TPID_VALID)
							? a->tp_vlan_tpid : 0x8100;
				memcpy(s[n].data, b, 12);
				uint8_t t[4] = {(uint8_t)(tpid >> 8), (uint8_t)tpid,
						(uint8_t)(a->tp_vlan_tci >> 8), (uint8_t)a->tp_vlan_tci};
				memcpy(s[n].data + 12, t, 4);
				at = 16;
				s[n].len += 4;
			}
		}
		if (at)
			memcpy(s[n].data + 16, b + 12, r - 12 < 240 ? (size_t)r - 12 : 240);
		else
			memcpy(s[n].data, b, r < 256 ? (size_t)r : 256);
		n++;
	}
}

static const struct nsw_port VF01 = {NSW_PORT_VF, 0, 1}, PORT0 = {NSW_PORT_UPLINK, 0, 0};

NSW_TEST(dp_vlan_unicast_stays_in_its_vlan)
{
	NEED_BPF();
	configure(VF01, false);
	uint8_t buf[128];
	struct nsw_stats a, b;
	stats(&a);
	uint64_t t11 = to_pkts(1, 1), t02 = to_pkts(0, 2), t03 = to_pkts(0, 3);
	/* VLAN 10 to VLAN 10 on the other PF: delivered, no tag either side. */
	unsigned len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(1, 1), nsw_fix_vmac(0, 1),
				       NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_REDIRECT);
	/* To VLAN 20 and to the untagged VLAN: not theirs; a miss in VLAN 10, out of the port. */
	len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), NSW_NOTAG,
			      NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_REDIRECT);
	len = nsw_frame_build(buf, sizeof buf, FOREIGN_VM, nsw_fix_vmac(0, 1), NSW_NOTAG, NSW_NOTAG,
			      0x0800, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_REDIRECT);
	stats(&b);
	CHECK_EQ(b.action_pkts[NSW_ACT_VF] - a.action_pkts[NSW_ACT_VF], 1);
	CHECK_EQ(b.action_pkts[NSW_ACT_UPLINK] - a.action_pkts[NSW_ACT_UPLINK], 2);
	CHECK_EQ(to_pkts(1, 1) - t11, 1);
	CHECK_EQ(to_pkts(0, 2) - t02, 0);
	CHECK_EQ(to_pkts(0, 3) - t03, 0);
	/* With the policy that keeps misses of our OUIs off the wire, VLAN 20's VM is unknown. */
	CHECK_EQ(nsw_pf_set_miss_drop(nic, 0, true), 0);
	len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), NSW_NOTAG,
			      NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	stats(&a);
	CHECK_EQ(a.drop[NSW_DROP_FDB_MISS] - b.drop[NSW_DROP_FDB_MISS], 1);
	CHECK_EQ(nsw_pf_set_miss_drop(nic, 0, false), 0);
}

NSW_TEST(dp_vlan_flood_confined_across_pfs_port_copy_tagged)
{
	NEED_BPF();
	configure(VF01, false);
	CHECK_EQ(nsw_vf_set(nic, 0, 1, 0, 5, -1), 0); /* qos 5: the PCP of the port's copy */
	uint8_t buf[128];
	struct nsw_stats a, b;
	struct sent s[8];
	uint64_t t11 = to_pkts(1, 1), t02 = to_pkts(0, 2), t03 = to_pkts(0, 3);
	stats(&a);
	drain();
	unsigned len = nsw_frame_build(buf, sizeof buf, NSW_MAC_BCAST, nsw_fix_vmac(0, 1),
				       NSW_NOTAG, NSW_NOTAG, 0x0806, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	stats(&b);
	/* VF 1,1 (VLAN 10, PF 1) and the port: two copies; not VF 0,2 (VLAN 20) nor 0,3. */
	CHECK_EQ(b.flood_copies - a.flood_copies, 2);
	CHECK_EQ(to_pkts(1, 1) - t11, 1);
	CHECK_EQ(to_pkts(0, 2) - t02, 0);
	CHECK_EQ(to_pkts(0, 3) - t03, 0);
	unsigned n = sent_frames(s, 8), tagged = 0, plain = 0;
	CHECK_EQ(n, 2);
	for (unsigned i = 0; i < n; i++) {
		if (tag_tpid(&s[i], 0) == 0x8100 && tag_tci(&s[i], 0) == (5 << 13 | 10) &&
		    !tag_tpid(&s[i], 1) && s[i].len == len + 4)
			tagged++;
		if (!tag_tpid(&s[i], 0) && s[i].len == len)
			plain++;
	}
	CHECK_EQ(tagged, 1); /* the port's: 802.1Q, PCP 5, VID 10 */
	CHECK_EQ(plain, 1);  /* VF 1,1's: as the VM sent it */
}

NSW_TEST(dp_vlan_own_tag_is_a_violation_under_8021q)
{
	NEED_BPF();
	configure(VF01, false);
	uint8_t buf[128];
	struct nsw_stats a, b;
	stats(&a);
	unsigned len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(1, 1), nsw_fix_vmac(0, 1),
				       NSW_CTAG(0, 10), NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	len = nsw_frame_build(buf, sizeof buf, NSW_MAC_BCAST, nsw_fix_vmac(0, 1), NSW_CTAG(3, 77),
			      NSW_NOTAG, 0x0806, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	stats(&b);
	CHECK_EQ(b.drop[NSW_DROP_VLAN_VIOLATION] - a.drop[NSW_DROP_VLAN_VIOLATION], 2);
	CHECK_EQ(b.flood_copies - a.flood_copies, 0);
	/* A VF without a port VLAN (0,3) still tags as it likes. */
	configure((struct nsw_port){NSW_PORT_VF, 0, 3}, false);
	len = nsw_frame_build(buf, sizeof buf, EXT_MAC, FOREIGN_VM, NSW_CTAG(0, 10), NSW_NOTAG,
			      0x0800, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_REDIRECT);
}

NSW_TEST(dp_vlan_8021ad_carries_the_vm_tag_qinq)
{
	NEED_BPF();
	configure(VF01, true);
	CHECK_EQ(nsw_vf_set(nic, 0, 1, 0, 2, -1), 0);
	uint8_t buf[128];
	struct nsw_stats a, b;
	struct sent s[8];
	stats(&a);
	drain();
	/* The VM's C-tag (PCP 6, VID 30) rides inside the S-tag: the port copy has S-tag 10 with
	 * the frame's priority (the C-tag's PCP) outside, the C-tag inside, untouched. */
	unsigned len = nsw_frame_build(buf, sizeof buf, NSW_MAC_BCAST, nsw_fix_vmac(0, 1),
				       NSW_CTAG(6, 30), NSW_NOTAG, 0x0806, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	unsigned n = sent_frames(s, 8), qinq = 0;
	for (unsigned i = 0; i < n; i++)
		qinq += tag_tpid(&s[i], 0) == 0x88a8 && tag_tci(&s[i], 0) == (6 << 13 | 10) &&
			tag_tpid(&s[i], 1) == 0x8100 && tag_tci(&s[i], 1) == (6 << 13 | 30);
	CHECK_EQ(qinq, 1);
	/* An untagged frame gets the S-tag with the VF's qos (2). */
	drain();
	len = nsw_frame_build(buf, sizeof buf, NSW_MAC_BCAST, nsw_fix_vmac(0, 1), NSW_NOTAG,
			      NSW_NOTAG, 0x0806, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	n = sent_frames(s, 8);
	unsigned stag = 0;
	for (unsigned i = 0; i < n; i++)
		stag += tag_tpid(&s[i], 0) == 0x88a8 && tag_tci(&s[i], 0) == (2 << 13 | 10) &&
			!tag_tpid(&s[i], 1);
	CHECK_EQ(stag, 1);
	/* Two tags of the VM, or its own S-tag: not carried. */
	len = nsw_frame_build(buf, sizeof buf, EXT_MAC, nsw_fix_vmac(0, 1), NSW_CTAG(0, 1),
			      NSW_CTAG(0, 2), 0x0800, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	len = nsw_frame_build(buf, sizeof buf, EXT_MAC, nsw_fix_vmac(0, 1), NSW_STAG(0, 1),
			      NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	stats(&b);
	CHECK_EQ(b.drop[NSW_DROP_VLAN_VIOLATION] - a.drop[NSW_DROP_VLAN_VIOLATION], 2);
}

NSW_TEST(dp_vlan_from_port_tag_removed_or_unknown)
{
	NEED_BPF();
	configure(PORT0, false);
	uint8_t buf[128];
	unsigned len, out_len;
	struct nsw_stats a, b;
	stats(&a);
	/* VID 10 to VF 0,1 of VLAN 10: delivered with the tag taken off. */
	len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 1), EXT_MAC, NSW_CTAG(4, 10),
			      NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, &out_len), TC_ACT_REDIRECT);
	CHECK_EQ(out_len, len - 4);
	CHECK_EQ(buf[12] << 8 | buf[13], 0x0800);
	/* Untagged, or VID 30, to VF 0,1: not its VLAN. */
	len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 1), EXT_MAC, NSW_NOTAG, NSW_NOTAG,
			      0x0800, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 1), EXT_MAC, NSW_CTAG(0, 30),
			      NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	/* An S-tag 10 is not 802.1Q VLAN 10. */
	len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 1), EXT_MAC, NSW_STAG(0, 10),
			      NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	stats(&b);
	CHECK_EQ(b.drop[NSW_DROP_VLAN_UNKNOWN] - a.drop[NSW_DROP_VLAN_UNKNOWN], 3);
	/* VF 0,3 has no port VLAN (VGT): takes a tagged frame as it comes. */
	len = nsw_frame_build(buf, sizeof buf, FOREIGN_VM, EXT_MAC, NSW_CTAG(0, 30), NSW_NOTAG,
			      0x0800, 46);
	CHECK_EQ(run(buf, len, &out_len), TC_ACT_REDIRECT);
	CHECK_EQ(out_len, len);
	/* QinQ: S-tag 10 over C-tag 7 to a VF of 802.1ad VLAN 10: the C-tag is what is left. */
	configure(PORT0, true);
	len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 1), EXT_MAC, NSW_STAG(0, 10),
			      NSW_CTAG(1, 7), 0x0800, 46);
	CHECK_EQ(run(buf, len, &out_len), TC_ACT_REDIRECT);
	/* The kernel's pop moves the next tag out of band (skb_vlan_pop): the data lost both. */
	CHECK_EQ(out_len, len - 8);
	CHECK_EQ(buf[12] << 8 | buf[13], 0x0800);
	/* What the VFs of the VLAN get, as sent: the VM's C-tag alone. */
	struct sent s[8];
	drain();
	len = nsw_frame_build(buf, sizeof buf, NSW_MAC_BCAST, EXT_MAC, NSW_STAG(0, 10),
			      NSW_CTAG(1, 7), 0x0806, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	unsigned n = sent_frames(s, 8), ctag = 0;
	for (unsigned i = 0; i < n; i++)
		ctag += tag_tpid(&s[i], 0) == 0x8100 && tag_tci(&s[i], 0) == (1 << 13 | 7) &&
			!tag_tpid(&s[i], 1) && s[i].len == len - 4;
	CHECK_EQ(n, 2); /* VFs 0,1 and 1,1 */
	CHECK_EQ(ctag, 2);
}

NSW_TEST(dp_vlan_flood_from_port_reaches_only_its_vlan_untagged)
{
	NEED_BPF();
	configure(PORT0, false);
	uint8_t buf[128];
	struct nsw_stats a, b;
	struct sent s[8];
	uint64_t t01 = to_pkts(0, 1), t11 = to_pkts(1, 1), t02 = to_pkts(0, 2), t03 = to_pkts(0, 3);
	stats(&a);
	drain();
	unsigned len = nsw_frame_build(buf, sizeof buf, NSW_MAC_BCAST, EXT_MAC, NSW_CTAG(0, 10),
				       NSW_NOTAG, 0x0806, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	stats(&b);
	CHECK_EQ(b.flood_copies - a.flood_copies, 2); /* VFs 0,1 and 1,1 */
	CHECK_EQ(to_pkts(0, 1) - t01, 1);
	CHECK_EQ(to_pkts(1, 1) - t11, 1);
	CHECK_EQ(to_pkts(0, 2) - t02, 0);
	CHECK_EQ(to_pkts(0, 3) - t03, 0);
	unsigned n = sent_frames(s, 8), untagged = 0;
	for (unsigned i = 0; i < n; i++)
		untagged += !tag_tpid(&s[i], 0) && s[i].len == len - 4 && s[i].data[12] == 0x08 &&
			    s[i].data[13] == 0x06;
	CHECK_EQ(n, 2);
	CHECK_EQ(untagged, 2);
	/* VLAN 99: no VF of this port is in it. */
	len = nsw_frame_build(buf, sizeof buf, NSW_MAC_BCAST, EXT_MAC, NSW_CTAG(0, 99), NSW_NOTAG,
			      0x0806, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	stats(&a);
	CHECK_EQ(a.drop[NSW_DROP_VLAN_UNKNOWN] - b.drop[NSW_DROP_VLAN_UNKNOWN], 1);
	CHECK_EQ(a.flood_copies - b.flood_copies, 0);
	/* Untagged: the untagged VLAN, VF 0,3 only. */
	len = nsw_frame_build(buf, sizeof buf, NSW_MAC_BCAST, EXT_MAC, NSW_NOTAG, NSW_NOTAG, 0x0806,
			      46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_SHOT);
	stats(&b);
	CHECK_EQ(b.flood_copies - a.flood_copies, 1);
	CHECK_EQ(to_pkts(0, 3) - t03, 1);
}

NSW_TEST(dp_vlan_0_restores_untagged_switching)
{
	NEED_BPF();
	configure(VF01, false);
	uint8_t buf[128];
	struct nsw_stats a, b;
	stats(&a);
	unsigned len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1),
				       NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_REDIRECT); /* VLAN 10 to 20: out of the port */
	CHECK_EQ(nsw_vf_set_vlan(nic, 0, 1, 0, false), 0);
	CHECK_EQ(nsw_vf_set_vlan(nic, 0, 2, 0, false), 0);
	CHECK_EQ(run(buf, len, NULL), TC_ACT_REDIRECT); /* both untagged: Case 0 */
	stats(&b);
	CHECK_EQ(b.action_pkts[NSW_ACT_UPLINK] - a.action_pkts[NSW_ACT_UPLINK], 1);
	CHECK_EQ(b.action_pkts[NSW_ACT_VF] - a.action_pkts[NSW_ACT_VF], 1);
}
