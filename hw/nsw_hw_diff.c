/* nsw_hw_diff.c - the differential test of the RTL (hw/nsw_hw_decide.v, via Verilator) against
 * the core (nsw_process_hdr over struct nsw_nic).
 *
 * Owns: feeding both the same NIC words and the same frames and comparing every verdict field.
 * The control functions of core/nsw_ctl.c change a NIC struct; every word they changed is then
 * written, in address order, to the RTL's register port and to a mirror struct, the words the
 * RTL holds. A frame's expected verdict is the core's on the mirror at the clock the RTL took
 * the frame: frames and writes interleave freely, the RTL stalls a write until the frames ahead
 * of it have read the state. Any difference prints the frame, the port, the configuration as it
 * was for that frame, and exits 1.
 * Every field is compared, the drop reason and the port VLAN (verdict.vlan: with prio, the tag
 * pushed toward the port or popped toward a VF) included.
 * Phases: crafted frames over the unit tier's lab NIC (every ingress x destination x source x
 * tag shape; then again with port VLANs and link states set), the fuzz corpus over the
 * fuzzer's NIC, a throughput check (one decision per clock), then N random frames over random
 * configurations (port VLANs 802.1Q and 802.1ad, link states, carriers, raw words of any bits)
 * with random backpressure; untagged, tagged and QinQ frames, the outer tag often in the
 * destination's VLAN. The random phase fails unless every drop reason of the decision and
 * every action in a port VLAN was reached.
 * Built with NSW_HW_STREAM (nsw_hw_diff_stream) the frames enter as 64-bit beats through the
 * byte-stream front end (hw/nsw_hw_stream.v), junk past each frame's end in its last beat.
 * Built with NSW_HW_SEQ (nsw_hw_diff_seq) the RTL is the iCE40 variant nsw_hw_decide_seq (the
 * same ports; a decision every NSW_HW_II clocks, checked exactly by the throughput phase).
 * Usage: nsw_hw_diff [-n FRAMES] [-s SEED] [-c CORPUS_DIR]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/nsw_ctl.h"
#include "../core/nsw_decide.h"
#include "../lib/nsw_fixture.h"
#include "../lib/nsw_frames.h"
#include "nsw_hw_model.h"

#ifdef NSW_HW_STREAM
#define NSW_HW_T "hw_stream" /* test names */
#elif defined NSW_HW_SEQ
#define NSW_HW_T "hw_seq"
#else
#define NSW_HW_T "hw_diff"
#endif
#ifdef NSW_HW_SEQ /* nsw_hw_decide_seq: one hash unit, one Table A copy */
#define NSW_HW_LAT 9 /* clocks from the header taken to the verdict offered */
#define NSW_HW_II 4  /* clocks per decision back to back */
#else
#define NSW_HW_LAT 4
#define NSW_HW_II 1
#endif
/* every 64-bit word of the NIC, the port VLAN keys included; Table A's count (and its pad)
 * is the control side's alone: never written to the RTL */
#define NSW_HW_WORDS (sizeof(struct nsw_nic) / 8)
#define NSW_HW_COUNT_WORD (offsetof(struct nsw_nic, fdb.count) / 8)
_Static_assert(sizeof(struct nsw_nic) % 8 == 0 && offsetof(struct nsw_nic, vlan) / 8 == 10249,
	       "the RTL's register map (hw/nsw_hw_regs.v) has the VLAN keys at word 10249");
/* the drop reasons the RTL emits by number (hw/nsw_hw_verdict.v) */
_Static_assert(NSW_DROP_LOOP == 14 && NSW_DROP_VF_STATE == 23 && NSW_DROP_VLAN_VIOLATION == 24 &&
		       NSW_DROP_VLAN_UNKNOWN == 25,
	       "hw/nsw_hw_verdict.v numbers the drop reasons as enum nsw_drop");

static struct nsw_nic ctl, sent, mir; /* the control side's, the words queued, the RTL's */
static uint64_t seed = 0x9e3779b97f4a7c15ull, seed0;
static int backpressure;
static unsigned long long cycles, ndecided, nwrites;
static unsigned long long nact[4], nreason[NSW_DROP_MAX], ncase[NSW_CASE_MAX]; /* coverage */
/* verdicts in a port VLAN, by action; deliveries from the wire with the tag popped; frames of
 * a VM's own 802.1Q tag sent on in an 802.1ad port VLAN (QinQ) */
static unsigned long long nvlan[4], npop, nqinq;

struct nsw_hw_frame {
	struct nsw_port in;
	uint8_t hdr[NSW_HDR_MAX];
	uint16_t len;
};

/* the write log: lets a failure print the configuration a frame was decided on */
struct nsw_hw_wlog {
	uint16_t addr;
	uint64_t old;
};
static struct nsw_hw_wlog *wlog;
static size_t wlog_n, wlog_cap;

#define QCAP 64
static struct nsw_hw_frame fq[QCAP]; /* frames to send */
static unsigned fq_h, fq_n;
static struct {
	struct nsw_hw_frame f;
	struct nsw_verdict v;
	size_t wlog_at;
} xq[QCAP]; /* frames taken: the core's verdict for each, in order */
static unsigned xq_h, xq_n;
#ifdef NSW_HW_STREAM
static struct nsw_hw_frame dq[QCAP]; /* frames streamed whole, not yet taken by the decision */
static unsigned dq_h, dq_n, sbeat; /* sbeat: the next beat of fq's head */
#endif
static uint16_t *wq; /* word addresses to write */
static size_t wq_h, wq_n, wq_cap;

static uint64_t *words(struct nsw_nic *n)
{
	return (uint64_t *)n;
}

static uint64_t rnd(void)
{
	return nsw_rnd(&seed);
}

static void print_config(size_t wlog_at)
{
	static struct nsw_nic old;
	old = mir;
	for (size_t i = wlog_n; i > wlog_at; i--)
		words(&old)[wlog[i - 1].addr] = wlog[i - 1].old;
	fprintf(stderr, "configuration (non-zero words: address = value):\n");
	for (size_t a = 0; a < NSW_HW_WORDS; a++)
		if (words(&old)[a])
			fprintf(stderr, "  %5zu = %016llx\n", a, (unsigned long long)words(&old)[a]);
}

static void fail_frame(const struct nsw_hw_frame *f, const struct nsw_verdict *want,
		       const struct nsw_hw_io *io, size_t wlog_at)
{
	fprintf(stderr, "RTL and core differ after %llu decisions (run with -s %llu)\n", ndecided,
		(unsigned long long)seed0);
	fprintf(stderr, "port kind %u pf %u vf %u, len %u, header:", f->in.kind, f->in.pf, f->in.vf,
		f->len);
	for (int i = 0; i < NSW_HDR_MAX; i++)
		fprintf(stderr, " %02x", f->hdr[i]);
	fprintf(stderr, "\n%-5s action case reason prio pf flood excl inter vf vlan (tag)\n", "");
	fprintf(stderr, "core  %6u %4u %6u %4u %3u %5u %4u %5u %u %#x (%04x %04x)\n", want->action,
		want->ncase, want->reason, want->prio, want->pf, want->flood_mask, want->excl_pf,
		want->inter_pf, want->vf, want->vlan, nsw_vlan_tpid(want->vlan),
		nsw_vlan_tci(want->vlan, want->prio));
	fprintf(stderr, "rtl   %6u %4u %6u %4u %3u %5u %4u %5u %u %#x (%04x %04x)\n", io->action,
		io->ncase, io->reason, io->prio, io->pf, io->flood_mask, io->excl_pf, io->inter_pf,
		io->vf, io->vlan, nsw_vlan_tpid(io->vlan), nsw_vlan_tci(io->vlan, io->prio));
	print_config(wlog_at);
	printf("FAIL " NSW_HW_T ": verdicts differ (frame and configuration above)\n");
	exit(1);
}

/* One clock: offer the head of each queue, account for what the RTL took and gave. */
static void clock1(void)
{
	struct nsw_hw_io io = {0};
#ifdef NSW_HW_STREAM
	/* the head frame as 64-bit beats: the header, then octets past the window as a pattern;
	 * the last beat carries junk past the frame's end, which the RTL must not see */
	if (fq_n && dq_n < QCAP && xq_n + dq_n < QCAP - 2) {
		const struct nsw_hw_frame *f = &fq[fq_h];
		unsigned nbeats = (f->len + 7u) / 8u;
		io.s_valid = 1;
		io.in_kind = f->in.kind;
		io.in_pf = f->in.pf;
		io.in_vf = f->in.vf;
		for (unsigned b = 0; b < 8; b++) {
			unsigned o = 8 * sbeat + b;
			uint8_t x = o >= f->len ? (uint8_t)(0xa5 ^ o) : o < NSW_HDR_MAX ? f->hdr[o] : (uint8_t)(o * 7);
			io.s_data |= (uint64_t)x << (56 - 8 * b);
		}
		io.s_last = sbeat + 1 == nbeats;
		io.s_keep = io.s_last ? (uint8_t)(f->len - 8 * sbeat) : 8;
	}
#else
	if (fq_n && xq_n < QCAP) {
		const struct nsw_hw_frame *f = &fq[fq_h];
		io.in_valid = 1;
		io.in_kind = f->in.kind;
		io.in_pf = f->in.pf;
		io.in_vf = f->in.vf;
		memcpy(io.hdr, f->hdr, sizeof io.hdr);
		io.len = f->len;
	}
#endif
	if (wq_n) {
		io.wr_valid = 1;
		io.wr_addr = wq[wq_h];
		io.wr_data = words(&sent)[io.wr_addr];
	}
	io.out_ready = backpressure ? (rnd() & 3) != 0 : 1;
	nsw_hw_model_step(&io);
	cycles++;
	if (io.out_valid && io.out_ready) {
		if (!xq_n) {
			printf("FAIL " NSW_HW_T ": a verdict nobody asked for\n");
			exit(1);
		}
		unsigned i = xq_h;
		const struct nsw_verdict *w = &xq[i].v;
		if (io.action != w->action || io.ncase != w->ncase || io.reason != w->reason ||
		    io.prio != w->prio || io.pf != w->pf || io.flood_mask != w->flood_mask ||
		    io.excl_pf != w->excl_pf || io.inter_pf != w->inter_pf || io.vf != w->vf ||
		    io.vlan != w->vlan)
			fail_frame(&xq[i].f, w, &io, xq[i].wlog_at);
		nact[w->action & 3]++;
		if (w->vlan) {
			struct nsw_frame pf;
			nvlan[w->action & 3]++;
			nsw_parse(xq[i].f.hdr, xq[i].f.len, &pf);
			npop += w->action == NSW_ACT_VF && w->ncase == NSW_CASE_RX;
			nqinq += w->action != NSW_ACT_DROP && xq[i].f.in.kind == NSW_PORT_VF && pf.ntags;
		}
		nreason[w->reason % NSW_DROP_MAX]++;
		ncase[w->ncase % NSW_CASE_MAX]++;
		xq_h = (xq_h + 1) % QCAP;
		xq_n--;
		ndecided++;
	}
#ifdef NSW_HW_STREAM
	if (io.s_valid && io.s_ready) {
		if (io.s_last) {
			dq[(dq_h + dq_n) % QCAP] = fq[fq_h];
			dq_n++;
			fq_h = (fq_h + 1) % QCAP;
			fq_n--;
			sbeat = 0;
		} else {
			sbeat++;
		}
	}
	io.in_valid = io.in_ready = io.take;
	if (io.take) {
		if (!dq_n) {
			printf("FAIL " NSW_HW_T "_stream: a header taken that was never streamed\n");
			exit(1);
		}
		const struct nsw_hw_frame *f = &dq[dq_h];
		dq_h = (dq_h + 1) % QCAP;
		dq_n--;
#else
	if (io.in_valid && io.in_ready) {
		const struct nsw_hw_frame *f = &fq[fq_h];
#endif
		unsigned i = (xq_h + xq_n) % QCAP;
		uint64_t w[NSW_HDR_WORDS];
		struct nsw_frame pf;
		nsw_hdr_words(f->hdr, f->len, w);
		nsw_process_hdr(&mir, f->in, w, f->len, &pf, &xq[i].v);
		xq[i].f = *f;
		xq[i].wlog_at = wlog_n;
		xq_n++;
#ifndef NSW_HW_STREAM
		fq_h = (fq_h + 1) % QCAP;
		fq_n--;
#endif
	}
	if (io.wr_valid && io.wr_ready) {
		if (io.in_valid && io.in_ready) {
			printf("FAIL " NSW_HW_T ": a frame and a write taken in one clock\n");
			exit(1);
		}
		if (wlog_n == wlog_cap) {
			wlog_cap = wlog_cap ? 2 * wlog_cap : 4096;
			wlog = realloc(wlog, wlog_cap * sizeof *wlog);
			if (!wlog)
				abort();
		}
		wlog[wlog_n++] = (struct nsw_hw_wlog){io.wr_addr, words(&mir)[io.wr_addr]};
		words(&mir)[io.wr_addr] = io.wr_data;
		wq_h++;
		wq_n--;
		nwrites++;
	}
}

/* Queues every word the control side changed since the last sync, in address order. */
static void sync_words(void)
{
	if (wq_n == 0)
		wq_h = 0;
	for (size_t a = 0; a < NSW_HW_WORDS; a++) {
		if (words(&ctl)[a] == words(&sent)[a] || a == NSW_HW_COUNT_WORD)
			continue;
		if (wq_h + wq_n == wq_cap) {
			wq_cap = wq_cap ? 2 * wq_cap : 16384;
			wq = realloc(wq, wq_cap * sizeof *wq);
			if (!wq)
				abort();
		}
		wq[wq_h + wq_n++] = (uint16_t)a;
		words(&sent)[a] = words(&ctl)[a];
	}
}

static void send(const struct nsw_hw_frame *f)
{
	while (fq_n == QCAP)
		clock1();
	fq[(fq_h + fq_n) % QCAP] = *f;
#ifdef NSW_HW_STREAM
	/* a stream has no empty frame, and long frames only cost beats: bound them */
	struct nsw_hw_frame *g = &fq[(fq_h + fq_n) % QCAP];
	if (g->len == 0)
		g->len = 1;
	if (g->len > 2048)
		g->len = (uint16_t)(1024 + g->len % 1024);
#endif
	fq_n++;
}

static void drain(void)
{
#ifdef NSW_HW_STREAM
	/* the last frame may finish streaming after every other queue emptied: wait for its
	 * verdict too, or it would be counted in the next phase */
	while (fq_n || dq_n || xq_n || wq_n)
		clock1();
#else
	while (fq_n || xq_n || wq_n)
		clock1();
#endif
}

static void frame_from_bytes(struct nsw_hw_frame *f, struct nsw_port in, const uint8_t *b,
			     unsigned len)
{
	memset(f, 0, sizeof *f);
	f->in = in;
	f->len = (uint16_t)(len > 0xffff ? 0xffff : len);
	memcpy(f->hdr, b, f->len < NSW_HDR_MAX ? f->len : NSW_HDR_MAX);
}

/* ---- crafted frames over the unit tier's lab NIC ---- */
static unsigned crafted(void)
{
	static const uint64_t macs[] = {
		0, NSW_MAC_BCAST, 0x01005e000001ull, 0x333300000001ull, EXT_MAC, FOREIGN_VM,
		0xf0f0f0000001ull, 0xf0f0f0000002ull, 0xf0f0f0000009ull, 0xf4f4f4010001ull,
		0xf4f4f4010007ull, 0x024e00000000ull,
	};
	struct nsw_tag_spec tags[][2] = {
		{NSW_NOTAG, NSW_NOTAG},     {NSW_CTAG(5, 10), NSW_NOTAG}, {NSW_STAG(3, 20), NSW_CTAG(6, 5)},
		{NSW_CTAG(1, 7), NSW_CTAG(2, 8)}, {NSW_CTAG(4, 4095), NSW_NOTAG},
		{NSW_CTAG(7, 1), NSW_STAG(1, 1)},
	};
	struct nsw_port ins[16];
	unsigned nin = 0, n = 0;
	for (unsigned p = 0; p < 3; p++) {
		for (unsigned v = 0; v < 4; v++)
			ins[nin++] = (struct nsw_port){NSW_PORT_VF, (uint8_t)p, (uint16_t)v};
		ins[nin++] = (struct nsw_port){NSW_PORT_UPLINK, (uint8_t)p, 0};
	}
	ins[nin++] = (struct nsw_port){NSW_PORT_VF, 9, 1};
	nsw_fixture_lab(&ctl);
	sync_words();
	uint8_t buf[256];
	for (unsigned i = 0; i < nin; i++)
		for (unsigned d = 0; d < sizeof macs / sizeof macs[0]; d++)
			for (unsigned s = 0; s < sizeof macs / sizeof macs[0]; s++)
				for (unsigned t = 0; t < sizeof tags / sizeof tags[0]; t++) {
					unsigned len = nsw_frame_build(buf, sizeof buf, macs[d], macs[s],
								       tags[t][0], tags[t][1], 0x0800, 46);
					struct nsw_hw_frame f;
					frame_from_bytes(&f, ins[i], buf, len);
					send(&f);
					n++;
				}
	/* the same with the miss policy and the port changed under the traffic */
	nsw_pf_set_miss_drop(&ctl, 0, true);
	nsw_pf_set(&ctl, 0, -1, 0);
	sync_words();
	for (unsigned i = 0; i < nin; i++)
		for (unsigned d = 0; d < sizeof macs / sizeof macs[0]; d++) {
			unsigned len = nsw_frame_build(buf, sizeof buf, macs[d], 0xf0f0f0000001ull,
						       NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
			struct nsw_hw_frame f;
			frame_from_bytes(&f, ins[i], buf, len);
			send(&f);
			n++;
		}
	/* port VLANs (802.1Q 10 on two PFs, 802.1ad 20) and link states (one VF disabled, one
	 * following a port that lost its carrier) under untagged, tagged, QinQ and priority-tagged
	 * frames, from the VFs and from the wire */
	struct nsw_tag_spec vtags[][2] = {
		{NSW_NOTAG, NSW_NOTAG},          {NSW_CTAG(5, 10), NSW_NOTAG},
		{NSW_STAG(3, 20), NSW_NOTAG},    {NSW_STAG(3, 20), NSW_CTAG(6, 5)},
		{NSW_CTAG(2, 5), NSW_NOTAG},     {NSW_CTAG(1, 0), NSW_NOTAG},
		{NSW_STAG(4, 10), NSW_NOTAG},    {NSW_CTAG(7, 20), NSW_CTAG(0, 10)},
	};
	nsw_pf_set_miss_drop(&ctl, 0, false);
	nsw_pf_set(&ctl, 0, -1, 1);
	nsw_vf_set_vlan(&ctl, 0, 1, 10, false);
	nsw_vf_set_vlan(&ctl, 0, 2, 20, true);
	nsw_vf_set_vlan(&ctl, 1, 1, 10, false);
	nsw_vf_set_state(&ctl, 0, 3, NSW_VF_STATE_DISABLE);
	for (unsigned pass = 0; pass < 2; pass++) {
		if (pass) {
			nsw_vf_set_state(&ctl, 0, 2, NSW_VF_STATE_AUTO);
			nsw_pf_set_carrier(&ctl, 0, false);
		}
		sync_words();
		for (unsigned i = 0; i < nin; i++)
			for (unsigned d = 0; d < sizeof macs / sizeof macs[0]; d++)
				for (unsigned s = 0; s < sizeof macs / sizeof macs[0]; s++)
					for (unsigned t = 0; t < sizeof vtags / sizeof vtags[0]; t++) {
						unsigned len = nsw_frame_build(buf, sizeof buf, macs[d], macs[s],
									       vtags[t][0], vtags[t][1],
									       0x0800, 46);
						struct nsw_hw_frame f;
						frame_from_bytes(&f, ins[i], buf, len);
						send(&f);
						n++;
					}
	}
	drain();
	return n;
}

/* ---- the fuzz corpus over the fuzzer's NIC (tests/fuzz/fuzz_decide.c) ---- */
static int corpus(const char *dir, unsigned *n)
{
	memset(&ctl, 0, sizeof ctl);
	nsw_nic_init(&ctl, 0, 3);
	nsw_pf_set(&ctl, 0, 0xf0f0f0, 1);
	nsw_pf_set(&ctl, 2, -1, 1);
	for (unsigned p = 0; p < 3; p++)
		for (unsigned v = 0; v < 4; v++)
			nsw_vf_add(&ctl, p, v, 0, v, v != 2);
	nsw_vf_add(&ctl, 1, 9, 0x001b21000009ull, 0, true);
	nsw_pf_set_miss_drop(&ctl, 2, true);
	sync_words();
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	*n = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *fp = fopen(path, "rb");
		if (!fp)
			continue;
		uint8_t data[4096];
		size_t size = fread(data, 1, sizeof data, fp);
		fclose(fp);
		if (size < 2)
			continue;
		struct nsw_port in = {(data[0] & 0x80) ? NSW_PORT_UPLINK : NSW_PORT_VF, data[0] & 0x0f,
				      data[1]};
		struct nsw_hw_frame f;
		frame_from_bytes(&f, in, data + 2, (unsigned)(size - 2));
		send(&f);
		(*n)++;
	}
	closedir(d);
	drain();
	return 0;
}

/* ---- random frames over random configurations ---- */
static uint64_t pool_mac(void)
{
	unsigned k = rnd() % 16;
	unsigned p = rnd() % NSW_MAX_PFS, v = rnd() % 6;
	switch (k) {
	case 0: return NSW_MAC_BCAST;
	case 1: return 0x01005e000000ull | (rnd() & 0xff);
	case 2: return 0;
	case 3: return EXT_MAC;
	case 4: return FOREIGN_VM;
	case 5: return rnd() & NSW_MAC_MASK;
	case 6: /* an automatic vMAC, maybe of no VF */
		return nsw_auto_vmac((uint32_t)(ctl.pf[p] & NSW_PF_OUI_MASK), p, v);
	default: { /* a MAC Table A holds */
		for (int t = 0; t < 8; t++) {
			uint64_t bk = rnd() % NSW_FDB_BUCKETS;
			uint64_t e = ctl.fdb.slot[bk][rnd() % NSW_FDB_WAYS];
			if (e & NSW_FDB_VALID)
				return e & NSW_MAC_MASK;
		}
		uint64_t w = ctl.vf[p][v];
		return w ? w & NSW_MAC_MASK : nsw_auto_vmac(nsw_default_oui(0, p), p, v);
	}
	}
}

/* VIDs the port VLANs are drawn from: few, so that VLANs are shared and frames hit them */
static const unsigned vids[] = {0, 1, 5, 100, 4094, 5};

static unsigned random_vid(void)
{
	return rnd() % 8 ? vids[rnd() % (sizeof vids / sizeof vids[0])] : (unsigned)(rnd() % 4096);
}

static void random_config_op(void)
{
	unsigned p = rnd() % NSW_MAX_PFS, v = (rnd() & 1) ? rnd() % 6 : rnd() % NSW_MAX_VFS;
	static const long ouis[] = {0xf0f0f0, 0xf4f4f4, 0x024e01, 0x001b21, 0x024e05};
	switch (rnd() % 17) {
	case 0:
		if (rnd() % 8 == 0) {
			unsigned id = (unsigned)(rnd() % 32);
			nsw_nic_init(&ctl, id, 1 + (unsigned)(rnd() % NSW_MAX_PFS));
		}
		break;
	case 1: {
		long oui = (rnd() & 1) ? ouis[rnd() % 5] : -1;
		nsw_pf_set(&ctl, p, oui, (int)(rnd() % 3) - 1);
		break;
	}
	case 2:
		nsw_pf_set_miss_drop(&ctl, p, rnd() & 1);
		break;
	case 3: case 4: case 5: { /* a VF, with a port VLAN (802.1Q or 802.1ad) or without */
		uint64_t mac = (rnd() & 3) ? 0 : pool_mac();
		unsigned prio = (unsigned)(rnd() % 8);
		bool spoof = rnd() & 1;
		unsigned vid = rnd() % 2 ? 0 : random_vid();
		nsw_vf_add_vlan(&ctl, p, v, mac, prio, spoof, vid, rnd() & 1);
		break;
	}
	case 6: {
		uint64_t mac = (rnd() & 1) ? pool_mac() : 0;
		int prio = (int)(rnd() % 9) - 1;
		nsw_vf_set(&ctl, p, v, mac, prio, (int)(rnd() % 3) - 1);
		break;
	}
	case 7:
		nsw_vf_del(&ctl, p, v);
		break;
	case 8:
		nsw_fdb_add(&ctl.fdb, pool_mac(), p, v);
		break;
	case 9:
		nsw_fdb_del(&ctl.fdb, pool_mac());
		break;
	case 10: { /* a raw slot word in one of the MAC's buckets: duplicates test the way order */
		uint64_t m = pool_mac();
		uint32_t b = (rnd() & 1) ? nsw_fdb_hash1(m) : nsw_fdb_hash2(m);
		ctl.fdb.slot[b][rnd() % NSW_FDB_WAYS] =
			(rnd() % 4) ? nsw_fdb_slot_make(m, (uint8_t)p, (uint16_t)v) : 0;
		break;
	}
	case 11: case 12: /* a port VLAN set, changed or removed (VID 0), 4095 refused */
	{
		unsigned vid = random_vid();
		nsw_vf_set_vlan(&ctl, p, v, vid, rnd() & 1);
		break;
	}
	case 13: /* a link state: auto, enable, disable (3: refused) */
		nsw_vf_set_state(&ctl, p, v, (unsigned)(rnd() % 4));
		break;
	case 14: /* the uplink's carrier, which VFs in state auto follow */
		nsw_pf_set_carrier(&ctl, p, rnd() % 3 != 0);
		break;
	case 15: /* a raw VLAN key: any of the 13 bits nsw_vlan_key can set (VID 0 with 802.1ad
		  * and 4095 included, which it never sets), read only behind a VF word's bit */
		if (rnd() % 2) {
			unsigned vid = random_vid() % 4095;
			ctl.vlan[p][v] = (uint16_t)nsw_vlan_key(vid, rnd() & 1);
		} else {
			ctl.vlan[p][v] = (uint16_t)(rnd() & (NSW_VLAN_AD | NSW_VLAN_VID_MASK));
		}
		break;
	default: /* a raw PF or VF word: any bits, the link state's and the VLAN bit included */
		if (rnd() & 1)
			ctl.pf[p] = rnd() & (NSW_PF_EN | NSW_PF_UPLINK | NSW_PF_MISS_DROP |
					     NSW_PF_NO_CARRIER | NSW_PF_HAS_OUI | 0xffffff);
		else /* held down only one time in four: a VF down takes nothing */
		{
			uint64_t w = rnd();
			ctl.vf[p][v] = w & (rnd() % 4 ? ~NSW_VF_LINK_DOWN : ~0ull);
		}
		break;
	}
	sync_words();
}

/* What the random frames aim at: the enabled VFs and the MACs Table A holds, rescanned after
 * each batch of configuration changes (most random frames should reach a decision). */
static struct nsw_port live_vf[NSW_MAX_PFS * NSW_MAX_VFS];
static uint64_t live_mac[NSW_FDB_BUCKETS * NSW_FDB_WAYS];
static uint16_t live_vlan[NSW_MAX_PFS * NSW_MAX_VFS]; /* the port VLANs VFs are in */
static unsigned nlive_vf, nlive_mac, nlive_vlan;

static void rescan(void)
{
	nlive_vf = nlive_mac = nlive_vlan = 0;
	for (unsigned p = 0; p < NSW_MAX_PFS; p++)
		for (unsigned v = 0; v < NSW_MAX_VFS; v++) {
			if (ctl.vf[p][v] & NSW_VF_EN)
				live_vf[nlive_vf++] = (struct nsw_port){NSW_PORT_VF, (uint8_t)p, (uint16_t)v};
			if ((ctl.vf[p][v] & NSW_VF_VLAN) && ctl.vlan[p][v])
				live_vlan[nlive_vlan++] = ctl.vlan[p][v];
		}
	for (unsigned b = 0; b < NSW_FDB_BUCKETS; b++)
		for (unsigned w = 0; w < NSW_FDB_WAYS; w++)
			if (ctl.fdb.slot[b][w] & NSW_FDB_VALID)
				live_mac[nlive_mac++] = ctl.fdb.slot[b][w] & NSW_MAC_MASK;
}

static uint64_t unicast_mac(void)
{
	unsigned k = rnd() % 10;
	if (k < 6 && nlive_mac)
		return live_mac[rnd() % nlive_mac];
	if (k < 8) { /* an automatic vMAC, maybe of no VF: a miss in an OUI of ours */
		uint32_t oui = (uint32_t)(ctl.pf[rnd() % NSW_MAX_PFS] & NSW_PF_OUI_MASK);
		unsigned pf = (unsigned)(rnd() % NSW_MAX_PFS);
		return nsw_auto_vmac(oui, pf, (unsigned)(rnd() % 8));
	}
	return k == 8 ? EXT_MAC : (rnd() & NSW_MAC_MASK & ~NSW_MAC_GROUP_BIT);
}

static void random_frame(struct nsw_hw_frame *f)
{
	uint8_t b[NSW_HDR_MAX] = {0};
	struct nsw_port in;
	unsigned k = rnd() % 10;
	if (k < 6 && nlive_vf)
		in = live_vf[rnd() % nlive_vf];
	else if (k < 7) {
		uint8_t pf = (uint8_t)(rnd() % 16 ? rnd() % NSW_MAX_PFS : rnd());
		in = (struct nsw_port){NSW_PORT_VF, pf,
				       (uint16_t)(rnd() % 16 ? rnd() % 8 : rnd() % 512)};
	} else {
		uint8_t kind = (uint8_t)(rnd() % 16 ? NSW_PORT_UPLINK : rnd() | 1);
		uint8_t pf = (uint8_t)(rnd() % 16 ? rnd() % NSW_MAX_PFS : rnd());
		in = (struct nsw_port){kind, pf, (uint16_t)rnd()};
	}
	uint64_t dst = rnd() % 6 ? unicast_mac() : pool_mac(), src;
	if (rnd() % 8 == 0)
		dst = (rnd() & 1) ? NSW_MAC_BCAST : 0x333300000000ull | (rnd() & 0xffff);
	if (in.kind == NSW_PORT_VF && in.pf < NSW_MAX_PFS && in.vf < NSW_MAX_VFS && rnd() % 8)
		src = ctl.vf[in.pf][in.vf] & NSW_MAC_MASK; /* the VF's own vMAC */
	else if (in.kind != NSW_PORT_VF && rnd() % 4)
		src = (rnd() % 4) ? EXT_MAC + (rnd() % 4) : unicast_mac();
	else
		src = rnd() % 8 ? unicast_mac() : pool_mac();
	nsw_put_mac(b, dst);
	nsw_put_mac(b + 6, src);
	static const uint16_t types[] = {0x0800, 0x86dd, 0x8100, 0x88a8, 0x0806, 40, 1500,
					 1501, 1535, 1536, 0x05ff, 4};
	/* untagged, one tag (802.1Q or 802.1ad), QinQ, C over C, three tags; the outer tag often
	 * in the destination VF's port VLAN, or in one some VF is in, or in a VID of the pool;
	 * a VM tags one frame in four, the wire one in two */
	unsigned off = 12, ntag = rnd() % (in.kind == NSW_PORT_VF ? 4 : 2) ? 0
				  : 1 + (rnd() % 4 ? rnd() % 2 : 2);
	uint16_t dkey = 0;
	uint64_t de = nsw_fdb_find(&ctl.fdb, dst);
	if (de && (ctl.vf[nsw_fdb_slot_pf(de)][nsw_fdb_slot_vf(de)] & NSW_VF_VLAN))
		dkey = ctl.vlan[nsw_fdb_slot_pf(de)][nsw_fdb_slot_vf(de)];
	for (unsigned t = 0; t < ntag && off < 20; t++) {
		uint16_t tpid = (rnd() % 3) ? 0x8100 : 0x88a8;
		uint16_t tci = (uint16_t)((rnd() % 8 == 0) ? 0xffff : rnd());
		if (t == 0 && rnd() % 3) {
			uint16_t key;
			if (dkey && rnd() % 2) {
				key = dkey;
			} else if (nlive_vlan && rnd() % 4) {
				key = live_vlan[rnd() % nlive_vlan];
			} else {
				unsigned vid = random_vid() % 4095;
				key = (uint16_t)nsw_vlan_key(vid, rnd() & 1);
			}
			tpid = nsw_vlan_tpid(key);
			tci = nsw_vlan_tci(key, (uint8_t)rnd());
		} else if (t == 1 && rnd() % 2) {
			tpid = 0x8100;
			tci = (uint16_t)(rnd() & 0xefff);
		}
		b[off] = (uint8_t)(tpid >> 8), b[off + 1] = (uint8_t)tpid;
		b[off + 2] = (uint8_t)(tci >> 8), b[off + 3] = (uint8_t)tci;
		off += 4;
	}
	uint16_t ty = rnd() % 4 ? 0x0800 : types[rnd() % (sizeof types / sizeof types[0])];
	if (rnd() % 16 == 0)
		ty = (uint16_t)rnd();
	b[off] = (uint8_t)(ty >> 8), b[off + 1] = (uint8_t)ty;
	unsigned len = (rnd() % 10 == 0) ? (unsigned)(rnd() % 30) : 60 + (unsigned)(rnd() % 1500);
	if (rnd() % 50 == 0)
		len = (unsigned)(rnd() % 65536);
	frame_from_bytes(f, in, b, len);
}

static void random_phase(unsigned long long n)
{
	memset(&ctl, 0, sizeof ctl);
	nsw_nic_init(&ctl, 0, 3);
	sync_words();
	rescan();
	for (unsigned long long i = 0; i < n; i++) {
		if (rnd() % 64 == 0)
			backpressure = !backpressure;
		unsigned ops = (rnd() % 6 == 0) ? 1 + rnd() % 3 : 0;
		if (ops) {
			while (ops--)
				random_config_op();
			rescan();
		}
		struct nsw_hw_frame f;
		random_frame(&f);
		send(&f);
	}
	drain();
	backpressure = 0;
}

#ifndef NSW_HW_STREAM
/* One decision per NSW_HW_II clocks: K frames back to back, no writes, output always ready:
 * the last verdict is offered (K - 1) * II + LAT clocks after the first header was taken. */
static int throughput(void)
{
	const unsigned k = 1000;
	drain();
	unsigned long long c0 = cycles, d0 = ndecided;
	struct nsw_hw_frame f;
	for (unsigned i = 0; i < k; i++) {
		random_frame(&f);
		while (fq_n == QCAP)
			clock1();
		fq[(fq_h + fq_n) % QCAP] = f;
		fq_n++;
	}
	drain();
	unsigned long long used = cycles - c0;
	unsigned want = (k - 1) * NSW_HW_II + NSW_HW_LAT + 1;
	const char *t = NSW_HW_II == 1 ? "hw_throughput" : NSW_HW_T "_throughput";
	if (ndecided - d0 != k || used != want) {
		printf("FAIL %s: %u frames took %llu clocks, want %u (one per %d clocks + %d)\n", t, k,
		       used, want, NSW_HW_II, NSW_HW_LAT);
		return -1;
	}
	if (NSW_HW_II == 1)
		printf("ok %s: %u decisions in %llu clocks (one per clock, %d clocks header to verdict)\n",
		       t, k, used, NSW_HW_LAT);
	else
		printf("ok %s: %u decisions in %llu clocks (one per %d clocks, %d clocks header to verdict)\n",
		       t, k, used, NSW_HW_II, NSW_HW_LAT);
	return 0;
}
#endif

int main(int argc, char **argv)
{
	unsigned long long n = 100000;
	const char *dir = "tests/fuzz/corpus";
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-n"))
			n = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "-s"))
			seed = strtoull(argv[i + 1], NULL, 10) ? strtoull(argv[i + 1], NULL, 10) : 1;
		else if (!strcmp(argv[i], "-c"))
			dir = argv[i + 1];
		else {
			fprintf(stderr, "nsw_hw_diff: unknown option %s\n", argv[i]);
			return 1;
		}
	}
	seed0 = seed;
	if (nsw_hw_model_init()) {
		printf("FAIL " NSW_HW_T ": cannot build the model\n");
		return 1;
	}
	/* the reset sweep: the first frame waits for it */
	unsigned nc = crafted();
	printf("ok " NSW_HW_T "_crafted: %u frames over the lab NIC equal\n", nc);
	unsigned ncorp;
	if (corpus(dir, &ncorp)) {
		printf("FAIL " NSW_HW_T "_corpus: cannot read %s\n", dir);
		return 1;
	}
	printf("ok " NSW_HW_T "_corpus: %u frames of %s equal\n", ncorp, dir);
#ifndef NSW_HW_STREAM /* streamed, a frame takes one clock per 8 octets */
	if (throughput())
		return 1;
#endif
	unsigned long long d0 = ndecided, w0 = nwrites;
	memset(nact, 0, sizeof nact);
	memset(nreason, 0, sizeof nreason);
	memset(ncase, 0, sizeof ncase);
	random_phase(n);
	printf("ok " NSW_HW_T "_random: %llu random frames equal, %llu register writes interleaved, %llu clocks\n",
	       ndecided - d0, nwrites - w0, cycles);
	printf("   verdicts: drop %llu vf %llu uplink %llu flood %llu; case0 %llu case1 %llu case2 %llu none %llu\n",
	       nact[0], nact[1], nact[2], nact[3], ncase[0], ncase[1], ncase[2], ncase[3]);
	printf("   in a port VLAN: drop %llu vf %llu (tag popped from the wire %llu) uplink %llu flood %llu; a VM's tag carried (QinQ) %llu\n   drops:",
	       nvlan[0], nvlan[1], npop, nvlan[2], nvlan[3], nqinq);
	/* the reasons the decision gives (the others are the environment's) */
	static const unsigned reasons[] = {
		NSW_DROP_RUNT, NSW_DROP_TRUNC_TAG, NSW_DROP_BAD_TAG, NSW_DROP_BAD_TYPE,
		NSW_DROP_BAD_LENGTH, NSW_DROP_BAD_SRC, NSW_DROP_PF_DOWN, NSW_DROP_VF_DOWN,
		NSW_DROP_SPOOF, NSW_DROP_SELF, NSW_DROP_FDB_MISS, NSW_DROP_RX_MISS,
		NSW_DROP_NO_UPLINK, NSW_DROP_LOOP, NSW_DROP_VF_STATE, NSW_DROP_VLAN_VIOLATION,
		NSW_DROP_VLAN_UNKNOWN,
	};
	const unsigned nr = sizeof reasons / sizeof reasons[0];
	for (unsigned i = 0; i < nr; i++)
		printf(" %s %llu", nsw_drop_name(reasons[i]), nreason[reasons[i]]);
	printf("\n");
	/* a random run that never reached a verdict kind proves little */
	for (unsigned a = 0; a < 4 && n >= 10000; a++)
		if (!nvlan[a] || !npop || !nqinq) {
			printf("FAIL " NSW_HW_T "_coverage: no random verdict %s in a port VLAN, or none popped or carried a VM's tag\n",
			       nsw_action_name(a));
			return 1;
		}
	for (unsigned i = 0, r; i < nr && n >= 10000; i++)
		if (!nreason[r = reasons[i]]) {
			printf("FAIL " NSW_HW_T "_coverage: no random frame dropped as %s\n", nsw_drop_name(r));
			return 1;
		}
	for (unsigned a = 0; a < 4 && n >= 10000; a++)
		if (!nact[a]) {
			printf("FAIL " NSW_HW_T "_coverage: no random verdict %s\n", nsw_action_name(a));
			return 1;
		}
	nsw_hw_model_fini();
	free(wq);
	free(wlog);
	return 0;
}
