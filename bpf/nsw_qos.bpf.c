/* nsw_qos.bpf.c - the classifier of a VF's rate limit: a cls_bpf filter (not direct-action) on
 * nswitch's htb qdisc that returns the class of a frame's 802.1p priority.
 * Why a filter: the data path (nsw_tc.bpf.c) sets skb->priority to the frame's 802.1p class,
 * 0..7, before it redirects the frame to the VF's device. htb takes skb->priority as a class
 * only when it equals a class id of the qdisc, MAJOR:MINOR with MAJOR the qdisc's handle, never
 * 0 (htb_classify); 0..7 match none. u32 sees only packet bytes, not skb->priority (and an
 * untagged frame's class is the VF's default, found in no byte). This reads the field itself.
 * Owned by `nswitch qos`; the filter holds the only reference, so it goes with the qdisc. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "nsw_qos.h"

SEC("tc")
int nsw_qos_classify(struct __sk_buff *skb)
{
	__u32 p = skb->priority;
	/* Anything the data path did not mark (the host's own frames) goes with class 0. */
	return (int)NSW_QOS_CLASSID(p <= 7 ? p : 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
