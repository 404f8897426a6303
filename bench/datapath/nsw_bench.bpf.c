/* nsw_bench.bpf.c - the BPF side of the datapath benchmark (bench/datapath/run): generator,
 * sink and the bare redirect-only ceilings. Nothing here is part of the nSwitch data path.
 *
 * Owns (bench/datapath only; whoever owns the benchmark may touch it):
 *   nsw_bench_gen       XDP program run by BPF_PROG_TEST_RUN in live-frames mode on the sending
 *                       VM's interface: XDP_TX transmits each frame as if the VM had sent it.
 *   nsw_bench_gen_mesh  the same, each frame to a random other VM of a mesh: its destination
 *                       MAC rewritten from nsw_bench_macs (nsw_bench_nmacs of them; the sender
 *                       is nsw_bench_self, never its own destination).
 *   nsw_bench_sink_xdp  the sink, on the receiving VM's interface: counts the generator's
 *   nsw_bench_sink_tc   frames (UDP to NSW_BENCH_PORT) and ends them at the first hook they
 *                       reach: XDP (a drop) for frames that come through the veth's receive
 *                       queue, tc ingress (consumed) for frames bpf_redirect_peer puts
 *                       straight into the VM.
 *   nsw_bench_bare_tc   the ceilings of each hook: redirect-only, between two fixed devices,
 *   nsw_bench_bare_xdp  no lookup, no counter (tc: bpf_redirect or bpf_redirect_peer).
 *   nsw_bench_bare_xdp_map  the XDP ceiling through a devmap (bpf_redirect_map: no device
 *                       lookup by ifindex, the devmap's bulk flush): the other way a bare
 *                       XDP switch could deliver, so that mode xdp is held against the
 *                       faster of the two; nsw_bench_tx holds the two devices (user space
 *                       fills it).
 * Invariant: every generator frame the sink sees is counted exactly once (XDP drops it, so
 * tc never sees it twice); other frames pass untouched.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define NSW_BENCH_PORT 9 /* UDP discard: the generator's destination port */

const volatile __u32 nsw_bench_ifa = 0;  /* bare programs: the two devices they join */
const volatile __u32 nsw_bench_ifb = 0;
const volatile __u32 nsw_bench_peer = 0; /* bare tc: bpf_redirect_peer instead of bpf_redirect */
const volatile __u32 nsw_bench_sink_shot = 0; /* the tc sink drops (TC_ACT_SHOT), not consumes */

#define NSW_BENCH_MESH_MAX 1024
const volatile __u32 nsw_bench_nmacs = 0; /* mesh: how many VMs */
__u32 nsw_bench_self = 0;                 /* mesh: the sending VM now (user space sets it) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_BENCH_MESH_MAX);
	__type(key, __u32);
	__type(value, __u64); /* the MAC in the first six octets */
} nsw_bench_macs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} nsw_bench_cnt SEC(".maps");

/* Ethernet (14) + IPv4 without options (20) + UDP ports (4): is it the generator's frame? */
static __always_inline int nsw_bench_is_gen(const __u8 *p, const __u8 *end)
{
	if (p + 38 > end)
		return 0;
	return p[12] == 0x08 && p[13] == 0x00 && p[14] == 0x45 && p[23] == 17 && p[36] == 0 &&
	       p[37] == NSW_BENCH_PORT;
}

static __always_inline void nsw_bench_count(void)
{
	__u32 zero = 0;
	__u64 *c = bpf_map_lookup_elem(&nsw_bench_cnt, &zero);
	if (c)
		(*c)++;
}

SEC("xdp")
int nsw_bench_gen(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_TX;
}

SEC("xdp")
int nsw_bench_gen_mesh(struct xdp_md *ctx)
{
	__u8 *p = (__u8 *)(long)ctx->data, *end = (__u8 *)(long)ctx->data_end;
	__u32 n = nsw_bench_nmacs;
	if (p + 6 > end || n < 2)
		return XDP_ABORTED;
	__u32 k = (nsw_bench_self + 1 + bpf_get_prandom_u32() % (n - 1)) % n;
	__u64 *mac = bpf_map_lookup_elem(&nsw_bench_macs, &k);
	if (!mac)
		return XDP_ABORTED;
	__builtin_memcpy(p, mac, 6);
	return XDP_TX;
}

SEC("xdp")
int nsw_bench_sink_xdp(struct xdp_md *ctx)
{
	const __u8 *p = (const __u8 *)(long)ctx->data, *end = (const __u8 *)(long)ctx->data_end;
	if (!nsw_bench_is_gen(p, end))
		return XDP_PASS;
	nsw_bench_count();
	return XDP_DROP;
}

SEC("tc")
int nsw_bench_sink_tc(struct __sk_buff *skb)
{
	const __u8 *p = (const __u8 *)(long)skb->data, *end = (const __u8 *)(long)skb->data_end;
	/* A frame a packet socket sent from its mmap ring (trafgen, DPDK's net_af_packet) keeps
	 * only its link-layer header linear, the rest in page fragments; bpf_redirect_peer hands
	 * it to this hook as it is (XDP, on the other path, linearises it). Its first 38 octets
	 * are read by copy then: without it, those frames pass uncounted into the VM's stack. */
	__u8 h[38];
	if (p + sizeof h > end) {
		if (bpf_skb_load_bytes(skb, 0, h, sizeof h))
			return TC_ACT_OK;
		p = h;
		end = h + sizeof h;
	}
	if (!nsw_bench_is_gen(p, end))
		return TC_ACT_OK;
	nsw_bench_count();
	/* Consumed (consume_skb), as a VM's stack consumes what it receives, not dropped: a drop
	 * is a kfree_skb, whose tracepoint runs every tracer on the host, nswitch's nsw_rx_drop
	 * in mode tc among them (measured 42 ns a run, once per frame), a cost no delivered
	 * frame pays outside the benchmark. nsw_bench_sink_shot: dropped, as before. */
	return nsw_bench_sink_shot ? TC_ACT_SHOT : TC_ACT_STOLEN;
}

SEC("tc")
int nsw_bench_bare_tc(struct __sk_buff *skb)
{
	__u32 to = skb->ifindex == nsw_bench_ifa ? nsw_bench_ifb : nsw_bench_ifa;
	if (nsw_bench_peer)
		return bpf_redirect_peer(to, 0);
	return bpf_redirect(to, 0);
}

SEC("xdp")
int nsw_bench_bare_xdp(struct xdp_md *ctx)
{
	__u32 to = ctx->ingress_ifindex == nsw_bench_ifa ? nsw_bench_ifb : nsw_bench_ifa;
	return bpf_redirect(to, 0);
}

/* Key 0: device a, 1: device b. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} nsw_bench_tx SEC(".maps");

SEC("xdp")
int nsw_bench_bare_xdp_map(struct xdp_md *ctx)
{
	return bpf_redirect_map(&nsw_bench_tx, ctx->ingress_ifindex == nsw_bench_ifa ? 1 : 0, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
