/* fuzz_decide.c - libFuzzer target over the parser and the decision.
 * Input: byte 0 picks the ingress (bit 7: a port, else a VF; bits 0..2 the PF), byte 1 the VF,
 * the rest is the frame. The NIC is fixed: 3 PFs, PF 0 and PF 2 with ports (PF 2 drops a Table A
 * miss, the others send it out), a dozen VFs, one with a foreign MAC and one with spoof check
 * off. Every verdict must keep the invariants of
 * tests/unit/nsw_invariants.h; ASan and UBSan watch every read. The ACL key of every frame that
 * parses is built from exactly its octets (the walk along IPv6 extension headers included)
 * and must be coherent: ports only with a found L4 header, an L4 state only for IP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/nsw_acl.h"
#include "../../core/nsw_ctl.h"
#include "../unit/nsw_invariants.h"

static struct nsw_nic nic;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	nsw_nic_init(&nic, 0, 3);
	nsw_pf_set(&nic, 0, 0xf0f0f0, 1);
	nsw_pf_set(&nic, 2, -1, 1);
	for (unsigned p = 0; p < 3; p++)
		for (unsigned v = 0; v < 4; v++)
			nsw_vf_add(&nic, p, v, 0, v, v != 2);
	nsw_vf_add(&nic, 1, 9, 0x001b21000009ull, 0, true);
	nsw_pf_set_miss_drop(&nic, 2, true); /* both miss policies under the fuzzer */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	struct nsw_port in = {
		.kind = (data[0] & 0x80) ? NSW_PORT_UPLINK : NSW_PORT_VF,
		.pf = data[0] & 0x0f, /* PFs 8..15 are out of range on purpose */
		.vf = data[1],
	};
	size -= 2;
	/* A heap copy of exactly the frame, so any read past it is caught. */
	uint8_t *frame = malloc(size ? size : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + 2, size);
	struct nsw_frame f;
	struct nsw_verdict v;
	nsw_process(&nic, in, frame, (uint32_t)size, &f, &v);
	const char *broken = nsw_verdict_broken(&nic, in, &f, &v);
	struct nsw_frame pf;
	if (!broken && nsw_parse(frame, (uint32_t)size, &pf) == 0) {
		uint32_t l3 = (uint32_t)size - pf.l3_off;
		struct nsw_acl_key k;
		nsw_acl_key_build_bytes(&pf, frame + pf.l3_off, l3 < NSW_L3_WINDOW ? l3 : NSW_L3_WINDOW,
					&k);
		bool ip = pf.ethertype == 0x0800 || pf.ethertype == 0x86dd;
		if (k.l4 > NSW_ACL_L4_LOST || (k.l4 == NSW_ACL_L4_NONE) == ip)
			broken = "ACL key: L4 state and ethertype disagree";
		else if (k.l4 != NSW_ACL_L4_FOUND && (k.sport || k.dport))
			broken = "ACL key: ports without an L4 header";
		/* A set with an L4 rule never lets a frame missing its L4 header through. */
		struct nsw_acl_rule r = {.prio = 1, .action = NSW_ACL_DROP};
		r.val.proto = 6, r.mask.proto = 0xff;
		if (!broken && nsw_acl_key_l4_missing(&k) && nsw_acl_eval(&r, 1, &k) != NSW_ACL_L4_DENY)
			broken = "ACL: a frame missing its L4 header not denied";
	}
	free(frame);
	if (broken) {
		fprintf(stderr, "invariant broken: %s\n", broken);
		abort();
	}
	return 0;
}
