/* nsw_qos.h - the shape of a VF's bit-rate limit, shared by the CLI (cli/nsw_cli_qos.c), which
 * builds it, and the classifier (bpf/nsw_qos.bpf.c), which feeds it.
 * On the VF's host-end device, nswitch's root qdisc is htb with handle NSW_QOS_MAJOR: (the
 * same 'NS' as the data path's clsact filters: the mark by which nswitch knows its own qdisc);
 * class NSW_QOS_MAJOR:1 holds the VF's rate; under it one leaf per 802.1p class p,
 * NSW_QOS_CLASSID(p), of htb priority 7 - p, so a higher class borrows the rate first. */
#ifndef NSW_QOS_H
#define NSW_QOS_H

#define NSW_QOS_MAJOR 0x4e53u
#define NSW_QOS_HANDLE (NSW_QOS_MAJOR << 16)   /* the qdisc, 4e53: */
#define NSW_QOS_ROOT_CLASS (NSW_QOS_HANDLE | 1) /* the VF's rate, 4e53:1 */
#define NSW_QOS_LEAF_BASE 0x10u
#define NSW_QOS_CLASSID(pcp) (NSW_QOS_HANDLE | (NSW_QOS_LEAF_BASE + ((pcp) & 7))) /* 4e53:1p */

#endif
