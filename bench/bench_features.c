/* bench_features.c - what ACLs and an idle capture cost the data path program, per frame, on
 * one core: nsw_tc run by BPF_PROG_TEST_RUN (repeat) on a 64-byte UDP frame from VF 0,1 to VF
 * 0,2, with the kernel's own per-run timing. Configurations: no ACL; 100 rules on the sender's
 * ingress (one tuple: host/port denies, the common shape); 100 rules on its ingress plus 100 on
 * the receiver's egress spread over 4 tuples (the hard case: every tuple searched, the frame
 * matches nothing); and, separately, a capture configured but filtering another VF. Median of
 * several runs. The program alone: a frame's full cost adds the kernel's stack (veth, skb),
 * which this does not include, so the ratios here are the pessimistic bound.
 * A benchmark, not a test: it never fails on timing. Needs root. */
#define _GNU_SOURCE
#include <stdlib.h>

#include "../lib/nsw_acl_install.h"
#include "../lib/nsw_dp_sandbox.h"
#include "../lib/nsw_ipframes.h"
#include "nsw_bench.skel.h" /* the bare redirect-only programs of bench/datapath: the floor */

static struct nsw_tc *skel;
static struct nsw_nic *nic;

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median ns per run of program fd (nsw_tc unless told) over `runs` batches of `repeat`. */
static double ns_per_run(int fd, const uint8_t *frame, unsigned len, int runs, unsigned repeat)
{
	double v[32];
	for (int r = 0; r < runs; r++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
			    .repeat = repeat);
		if (bpf_prog_test_run_opts(fd, &o)) {
			perror("bench_features: test run");
			exit(1);
		}
		v[r] = o.duration; /* average ns per run, measured by the kernel */
	}
	qsort(v, (size_t)runs, sizeof *v, cmp);
	return v[runs / 2];
}

static double ns_per_frame(const uint8_t *frame, unsigned len, int runs, unsigned repeat)
{
	return ns_per_run(bpf_program__fd(skel->progs.nsw_tc), frame, len, runs, repeat);
}

static void rules_of_shape(struct nsw_acl_rule *rs, unsigned n, unsigned shapes, uint32_t base)
{
	for (unsigned i = 0; i < n; i++) {
		struct nsw_acl_rule r = {.prio = base + i, .action = NSW_ACL_DROP};
		switch (i % shapes) {
		case 0: /* deny host:port */
			r.mask.sip[0] = ~0u; r.val.sip[0] = 0xc0a80000 | i;
			r.mask.proto = 0xff; r.val.proto = 17;
			r.mask.dport = 0xffff; r.val.dport = (uint16_t)(1000 + i);
			r.mask.ethertype = 0xffff; r.val.ethertype = 0x0800;
			break;
		case 1: /* deny a /24 */
			r.mask.dip[0] = 0xffffff00; r.val.dip[0] = 0xac100000 | i << 8;
			r.mask.ethertype = 0xffff; r.val.ethertype = 0x0800;
			break;
		case 2: /* deny a MAC */
			r.mask.src = NSW_MAC_MASK; r.val.src = 0x020000000000ull | i;
			break;
		default: /* deny a VLAN */
			r.mask.vid = 0xfff | NSW_ACL_TAGGED; r.val.vid = (uint16_t)((i % 4000) | NSW_ACL_TAGGED);
			break;
		}
		rs[i] = r;
	}
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 7;
	unsigned repeat = argc > 2 ? (unsigned)atoi(argv[2]) : 2000000;
	if (runs < 1 || runs > 31)
		runs = 7;
	if (nsw_dp_setup(&skel, &nic)) {
		fprintf(stderr, "bench_features: needs root (BPF and a private netns)\n");
		return 1;
	}
	nsw_dp_configure(skel, nic, (struct nsw_port){NSW_PORT_VF, 0, 1});
	uint8_t frame[128];
	unsigned len = nsw_ipv4_frame(frame, sizeof frame, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1),
				      NSW_NOTAG, 0x0a4d0001, 0x0a4d0002, 17, 4000, 5000, 5, 0);
	len = 64; /* a minimum frame: the UDP header and 10 octets of payload fit */
	struct nsw_acl_maps m = {bpf_map__fd(skel->maps.nsw_acl_active),
				 bpf_map__fd(skel->maps.nsw_acl_sets),
				 bpf_map__fd(skel->maps.nsw_acl_rules),
				 bpf_map__fd(skel->maps.nsw_acl_hits),
				 bpf_map__fd(skel->maps.nsw_features)};
	static struct nsw_acl_rule rs[100];
	char err[256];
	unsigned nt;
	uint32_t in01 = nsw_acl_set_id(nsw_vf_slot(0, 1), NSW_ACL_IN), out02 = nsw_acl_set_id(nsw_vf_slot(0, 2), NSW_ACL_OUT);

	/* The floor: what BPF_PROG_TEST_RUN costs around a program that only redirects. */
	struct nsw_bench *bare = nsw_bench__open();
	if (!bare)
		return fprintf(stderr, "bench_features: cannot open the bare programs\n"), 1;
	bare->rodata->nsw_bench_ifa = LO;
	bare->rodata->nsw_bench_ifb = LO;
	if (nsw_bench__load(bare))
		return fprintf(stderr, "bench_features: cannot load the bare programs\n"), 1;
	double bare_tc = ns_per_run(bpf_program__fd(bare->progs.nsw_bench_bare_tc), frame, len,
				    runs, repeat);
	double bare_xdp = ns_per_run(bpf_program__fd(bare->progs.nsw_bench_bare_xdp), frame, len,
				     runs, repeat);
	double xdp = ns_per_run(bpf_program__fd(skel->progs.nsw_xdp), frame, len, runs, repeat);
	nsw_bench__destroy(bare);

	double none = ns_per_frame(frame, len, runs, repeat);
	rules_of_shape(rs, 100, 1, 1000);
	if (nsw_acl_install(&m, in01, rs, 100, &nt, err, sizeof err))
		return fprintf(stderr, "bench_features: %s\n", err), 1;
	double one = ns_per_frame(frame, len, runs, repeat);
	unsigned nt1 = nt;
	rules_of_shape(rs, 100, 4, 1000);
	if (nsw_acl_install(&m, in01, rs, 100, &nt, err, sizeof err))
		return fprintf(stderr, "bench_features: %s\n", err), 1;
	rules_of_shape(rs, 100, 4, 5000);
	if (nsw_acl_install(&m, out02, rs, 100, &nt, err, sizeof err))
		return fprintf(stderr, "bench_features: %s\n", err), 1;
	double four = ns_per_frame(frame, len, runs, repeat);
	nsw_acl_install(&m, in01, rs, 0, &nt, err, sizeof err);
	nsw_acl_install(&m, out02, rs, 0, &nt, err, sizeof err);
	uint32_t nofeat = 0, z = 0;
	bpf_map_update_elem(bpf_map__fd(skel->maps.nsw_features), &z, &nofeat, 0);
	double none2 = ns_per_frame(frame, len, runs, repeat);
	/* A capture running for another VF: the frame is checked against its filter, not taken. */
	uint32_t zero = 0;
	struct nsw_capture_cfg cfg = {.enabled = 1, .snaplen = 128, .oui = NSW_ANY32, .vf = 3,
				      .pf = 0, .ncase = NSW_ANY8, .dir = 3};
	bpf_map_update_elem(bpf_map__fd(skel->maps.nsw_capture_cfg), &zero, &cfg, 0);
	uint32_t feat = NSW_FEAT_CAPTURE;
	bpf_map_update_elem(bpf_map__fd(skel->maps.nsw_features), &zero, &feat, 0);
	double cap_other = ns_per_frame(frame, len, runs, repeat);
	cfg.enabled = 0;
	bpf_map_update_elem(bpf_map__fd(skel->maps.nsw_capture_cfg), &zero, &cfg, 0);

	double base = (none + none2) / 2;
	printf("nsw_tc per 64-byte frame on one core (BPF_PROG_TEST_RUN, median of %d x %u runs)\n",
	       runs, repeat);
	printf("%-52s %9s %10s %9s\n", "configuration", "ns/frame", "Mframes/s", "vs none");
	printf("%-52s %9.1f %10.2f %9s\n", "no ACL, no capture (before/after: see note)", base,
	       1e3 / base, "1.00");
	printf("%-52s %9.1f %10.2f %9.2f\n", "100 rules on the sender's ingress (1 tuple)", one,
	       1e3 / one, base / one);
	(void)nt1;
	printf("%-52s %9.1f %10.2f %9.2f\n", "100 in + 100 out, 4 tuples each, no match", four,
	       1e3 / four, base / four);
	printf("%-52s %9.1f %10.2f %9.2f\n", "a capture running, filtering another VF", cap_other,
	       1e3 / cap_other, base / cap_other);
	printf("note: no-ACL runs before and after: %.1f and %.1f ns\n", none, none2);
	printf("\nthe program above the bare redirect-only program of its hook (same harness)\n");
	printf("%-52s %9s %10s %9s\n", "program", "ns/frame", "bare ns", "above");
	printf("%-52s %9.1f %10.1f %9.1f\n", "nsw_tc (modes tc, tc-peer), no ACL", base, bare_tc,
	       base - bare_tc);
	printf("%-52s %9.1f %10.1f %9.1f\n", "nsw_xdp (mode xdp)", xdp, bare_xdp, xdp - bare_xdp);
	return 0;
}
