/* test_probe.c - the BPF test tier for the core: loads nsw_probe.bpf.o (the decision compiled by
 * clang -target bpf and accepted by the verifier), configures the NIC through the mmapped state
 * map with the core's own control functions, and runs crafted frames through
 * BPF_PROG_TEST_RUN. Every verdict must equal, byte for byte, the native decision on the same
 * frame. Needs root (CAP_BPF); without it every test says skip. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../../core/nsw_decide.h"
#include "../../lib/nsw_fixture.h"
#include "../../lib/nsw_frames.h"
#include "../unit/nsw_test.h"
#include "nsw_probe.skel.h"

static struct nsw_probe *skel;
static struct nsw_nic *nic; /* the kernel's map, mmapped */
static int skip;

static int setup(void)
{
	if (skel || skip)
		return !skip;
	libbpf_set_print(NULL);
	skel = nsw_probe__open_and_load();
	if (!skel) {
		skip = 1;
		return 0;
	}
	size_t sz = (sizeof(struct nsw_nic) + 4095) & ~4095ul;
	nic = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(skel->maps.nsw_state),
		   0);
	if (nic == MAP_FAILED) {
		skip = 1;
		return 0;
	}
	return 1;
}

#define NEED_BPF()                                                                        \
	do {                                                                              \
		if (!setup()) {                                                           \
			printf("skip %s: BPF not available (run as root)\n", __func__ + 6); \
			nsw_test_skipped = 1;                                             \
			return;                                                           \
		}                                                                         \
	} while (0)

/* Runs frame through the kernel; fills *kv. Returns 0, or -errno from BPF_PROG_TEST_RUN. */
static int kernel_decide(struct nsw_port in, const uint8_t *frame, unsigned len,
			 struct nsw_verdict *kv)
{
	struct __sk_buff ctx = {0};
	uint8_t out[256];
	ctx.cb[0] = (uint32_t)in.kind << 16 | (uint32_t)in.pf << 8 | (in.vf & 0xff);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof out, .ctx_in = &ctx,
		    .ctx_size_in = sizeof ctx, .repeat = 1);
	int err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.nsw_probe), &opts);
	if (err)
		return err;
	uint32_t zero = 0;
	return bpf_map_lookup_elem(bpf_map__fd(skel->maps.probe_out), &zero, kv);
}

/* 0 when the kernel and the native decision agree on this frame. */
static int same_verdict(struct nsw_port in, const uint8_t *frame, unsigned len)
{
	struct nsw_verdict kv, nv;
	struct nsw_frame f;
	if (kernel_decide(in, frame, len, &kv))
		return -1;
	nsw_process(nic, in, frame, len, &f, &nv);
	if (memcmp(&kv, &nv, sizeof kv)) {
		fprintf(stderr, "kernel %s/%s/%s vs native %s/%s/%s\n", nsw_action_name(kv.action),
			nsw_case_name(kv.ncase), nsw_drop_name(kv.reason), nsw_action_name(nv.action),
			nsw_case_name(nv.ncase), nsw_drop_name(nv.reason));
		return 1;
	}
	return 0;
}

NSW_TEST(bpf_probe_verifies)
{
	NEED_BPF();
	CHECK(bpf_program__fd(skel->progs.nsw_probe) >= 0);
}

NSW_TEST(bpf_cases_as_expected)
{
	NEED_BPF();
	nsw_fixture_lab(nic);
	uint8_t buf[128];
	struct nsw_verdict v;
	struct nsw_port vf01 = {NSW_PORT_VF, 0, 1}, port0 = {NSW_PORT_UPLINK, 0, 0};
	unsigned len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1),
				       NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(kernel_decide(vf01, buf, len, &v), 0);
	CHECK_EQ(v.action, NSW_ACT_VF);
	CHECK_EQ(v.ncase, 0);
	CHECK_EQ(v.vf, 2);
	len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(1, 1), nsw_fix_vmac(0, 1),
			      NSW_CTAG(6, 5), NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(kernel_decide(vf01, buf, len, &v), 0);
	CHECK_EQ(v.action, NSW_ACT_VF);
	CHECK_EQ(v.ncase, 1);
	CHECK_EQ(v.inter_pf, 1);
	CHECK_EQ(v.prio, 6);
	len = nsw_frame_build(buf, sizeof buf, EXT_MAC, nsw_fix_vmac(0, 1), NSW_NOTAG, NSW_NOTAG,
			      0x0800, 46);
	CHECK_EQ(kernel_decide(vf01, buf, len, &v), 0);
	CHECK_EQ(v.action, NSW_ACT_UPLINK);
	len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 2), EXT_MAC, NSW_NOTAG, NSW_NOTAG,
			      0x0800, 46);
	CHECK_EQ(kernel_decide(port0, buf, len, &v), 0);
	CHECK_EQ(v.action, NSW_ACT_VF);
	CHECK_EQ(v.ncase, 2);
	/* A change through the mmapped state is seen by the very next frame. */
	CHECK_EQ(nsw_vf_del(nic, 0, 2), NSW_OK);
	CHECK_EQ(kernel_decide(port0, buf, len, &v), 0);
	CHECK_EQ(v.reason, NSW_DROP_RX_MISS);
}

NSW_TEST(bpf_matches_native_on_crafted_frames)
{
	NEED_BPF();
	nsw_fixture_lab(nic);
	uint64_t macs[] = {nsw_fix_vmac(0, 1), nsw_fix_vmac(0, 2), nsw_fix_vmac(1, 1),
			   nsw_fix_vmac(0, 9), nsw_fix_vmac(1, 9), FOREIGN_VM, EXT_MAC,
			   0xffffffffffffull, 0x01005e000001ull};
	struct nsw_tag_spec tags[][2] = {{NSW_NOTAG, NSW_NOTAG},
					 {NSW_CTAG(5, 10), NSW_NOTAG},
					 {NSW_STAG(7, 1), NSW_CTAG(1, 2)},
					 {NSW_CTAG(1, 4095), NSW_NOTAG},
					 {NSW_CTAG(1, 1), NSW_STAG(1, 2)}};
	struct nsw_port ports[] = {{NSW_PORT_VF, 0, 1}, {NSW_PORT_VF, 0, 2}, {NSW_PORT_VF, 1, 1},
				   {NSW_PORT_VF, 0, 7}, {NSW_PORT_VF, 0, 3}, {NSW_PORT_UPLINK, 0, 0},
				   {NSW_PORT_UPLINK, 1, 0}};
	unsigned n = 0, nm = sizeof macs / sizeof *macs;
	uint8_t buf[128];
	for (unsigned p = 0; p < sizeof ports / sizeof *ports; p++)
		for (unsigned d = 0; d < nm; d++)
			for (unsigned s = 0; s < nm; s++)
				for (unsigned t = 0; t < sizeof tags / sizeof *tags; t++) {
					unsigned len = nsw_frame_build(buf, sizeof buf, macs[d],
								       macs[s], tags[t][0],
								       tags[t][1], 0x0800, 46);
					CHECK_EQ(same_verdict(ports[p], buf, len), 0);
					n++;
				}
	CHECK(n > 2000);
}

NSW_TEST(bpf_matches_native_on_fuzz_corpus)
{
	NEED_BPF();
	nsw_fixture_lab(nic);
	DIR *d = opendir("tests/fuzz/corpus");
	CHECK(d);
	struct dirent *e;
	unsigned n = 0;
	while ((e = readdir(d))) {
		char path[512];
		uint8_t buf[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "tests/fuzz/corpus/%s", e->d_name);
		FILE *fp = fopen(path, "rb");
		if (!fp)
			continue;
		size_t len = fread(buf, 1, sizeof buf, fp);
		fclose(fp);
		if (len < 2 + 14)
			continue; /* BPF_PROG_TEST_RUN needs an Ethernet header */
		struct nsw_port in = {(buf[0] & 0x80) ? NSW_PORT_UPLINK : NSW_PORT_VF, buf[0] & 7,
				      buf[1]};
		int r = same_verdict(in, buf + 2, (unsigned)len - 2);
		if (r)
			fprintf(stderr, "corpus file %s\n", e->d_name);
		CHECK_EQ(r, 0);
		n++;
	}
	closedir(d);
	CHECK(n >= 5);
}

NSW_TEST(bpf_matches_native_on_random_frames)
{
	NEED_BPF();
	nsw_fixture_lab(nic);
	uint64_t s = 42;
	uint8_t buf[64];
	for (unsigned i = 0; i < 3000; i++) {
		for (unsigned j = 0; j < sizeof buf; j++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			buf[j] = (uint8_t)(s >> 56);
		}
		/* Mostly our own MACs and tags, so the random frames reach every branch. */
		if (i % 2)
			nsw_put_mac(buf, nsw_fix_vmac((s >> 8) & 1, (s >> 9) % 4));
		if (i % 3)
			nsw_put_mac(buf + 6, nsw_fix_vmac((s >> 12) & 1, (s >> 13) % 4));
		if (i % 5 == 0) {
			buf[12] = (s >> 20) & 1 ? 0x81 : 0x88;
			buf[13] = (s >> 20) & 1 ? 0x00 : 0xa8;
		}
		struct nsw_port in = {(s >> 30) % 4 == 0 ? NSW_PORT_UPLINK : NSW_PORT_VF,
				      (uint8_t)((s >> 33) % 3), (uint16_t)((s >> 36) % 4)};
		CHECK_EQ(same_verdict(in, buf, 14 + (unsigned)((s >> 40) % 50)), 0);
	}
}
