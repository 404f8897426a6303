/* nsw_probe.bpf.c - the core's decision compiled for BPF, with nothing around it: a TC program
 * that parses and decides the frame it is given and stores the verdict. The BPF test tier runs
 * it through BPF_PROG_TEST_RUN on crafted frames and checks that the kernel's answer is, byte
 * for byte, the native one: the same source, two compilers, one behaviour.
 * The ingress port comes in cb[0]: kind << 16 | pf << 8 | vf. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "nsw_decide.h"
#include "../../bpf/nsw_skb.h"

#include "../../bpf/nsw_state.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsw_verdict);
} probe_out SEC(".maps");

SEC("tc")
int nsw_probe(struct __sk_buff *skb)
{
	__u32 zero = 0;
	uint64_t w[NSW_HDR_WORDS];
	struct nsw_frame f;
	struct nsw_verdict *v = bpf_map_lookup_elem(&probe_out, &zero);
	const struct nsw_nic *nic = bpf_map_lookup_elem(&nsw_state, &zero);
	if (!v || !nic)
		return TC_ACT_SHOT;
	struct nsw_port in = {
		.kind = (__u8)(skb->cb[0] >> 16),
		.pf = (__u8)(skb->cb[0] >> 8),
		.vf = (__u16)(skb->cb[0] & 0xff),
	};
	__u32 len = nsw_skb_header(skb, w);
	nsw_process_hdr(nic, in, w, len, &f, v);
	return v->action == NSW_ACT_DROP ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
