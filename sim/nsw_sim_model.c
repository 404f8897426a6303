/* nsw_sim_model.c - the models of nswitch-sim and the run loop.
 *
 * Owns: how a frame travels in each architecture of Fig. 1, what each hop costs, and the
 * statistics. A hop is a stage: a FIFO server (a PCIe direction, the NIC pipeline, a wire, a
 * hypervisor switch thread) followed by a fixed latency; a route is a short list of stages
 * ending in an operation that picks the next route (a switching decision) or delivers.
 * Invariants:
 *  - Every stage is an event processed at the frame's arrival time, so every server sees its
 *    arrivals in time order and its FIFO arithmetic is exact (see nsw_sim_engine.h).
 *  - The nSwitch NIC decides with nsw_process() of core/nsw_decide.h on a header built by
 *    nsw_frame_build(), from a NIC configured only through core/nsw_ctl.h. The VEPA NIC of
 *    Qbg/Qbh and the vSwitch look MACs up with the core's Table A reader (nsw_fdb_find); the
 *    external switch forwards by the destination VM's port (its own MAC table, not modelled).
 *  - A frame ends delivered or dropped, never lost: gen == out + drop once the heap drains.
 * Who may touch it: the simulator's owners; parameters come from the scenario, never from
 * constants here (defaults are in nsw_sim_defaults and documented in docs/sim.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nsw_sim.h"

#include "nsw_ctl.h"
#include "nsw_decide.h"
#include "../tests/unit/nsw_frames.h"

#define NONE16 0xffffu
#define MAX_ROUTES 64
#define MAX_STAGES 3
#define TAB_LEN (NSW_SIM_MAX_FRAME + 1)
#define EXT_PORT 0xffu
#define EXT_MAC 0x001122334455ull /* the outside host: a vendor OUI no PF owns */

enum nsw_sim_op {
	OP_NSW_VF,   /* the nSwitch NIC decides on a frame from a VF */
	OP_NSW_PORT, /* the nSwitch NIC decides on a frame from its port */
	OP_VEPA_TX,  /* a VEPA NIC (and the PF of the vSwitch host) sends everything out */
	OP_NIC_RX,   /* SR-IOV receive by MAC (Qbg/Qbh), or to the PF (vSwitch) */
	OP_SWITCH,   /* the external switch forwards; arg is the ingress port */
	OP_VSW,      /* the hypervisor switch forwards */
	OP_TO_VSW,   /* from the PF to the hypervisor switch */
	OP_DELIVER_VM,
	OP_DELIVER_EXT,
};

struct nsw_sim_stage {
	uint16_t res, side; /* server; the other-direction server charged, or NONE16 */
	uint8_t phase;
	const uint64_t *tab, *stab; /* service per frame length (PCIe), in fixed point */
	uint64_t a, b;              /* else service = a + b * len, fixed point */
	uint64_t post;              /* ns after the service: propagation, latency */
};

struct nsw_sim_route {
	uint8_t n, op, arg;
	struct nsw_sim_stage st[MAX_STAGES];
};

struct nsw_sim_flow {
	uint16_t src, dst;
	uint8_t process, group, spoof, start_route;
	double gap_ns, on_ns, off_ns;
	double tnext, on_until;
	uint32_t ack_flow, ack_every, ack_cnt;
};

struct nsw_sim_mix {
	unsigned n;
	double cdf[NSW_SIM_MAX_SIZES];
	uint16_t size[NSW_SIM_MAX_SIZES];
};

struct nsw_sim {
	const struct nsw_sim_params *p;
	struct nsw_sim_result *r;
	int arch;
	struct nsw_nic nic;
	struct nsw_fdb vsw_fdb;
	struct nsw_sim_heap h;
	struct nsw_sim_rng rng;
	unsigned nres, nroutes;
	struct nsw_sim_res res[NSW_SIM_MAX_RES];
	struct nsw_sim_route route[MAX_ROUTES];
	/* servers */
	uint16_t h2d, d2h, nicp, ext_tx, ext_rx;
	uint16_t wup[NSW_MAX_PFS], wdn[NSW_MAX_PFS], peup[NSW_MAX_PFS], pedn[NSW_MAX_PFS];
	uint16_t vsw[NSW_SIM_MAX_VSW];
	/* routes */
	uint8_t r_vf_tx[NSW_MAX_PFS], r_vf_rx[NSW_MAX_PFS], r_up[NSW_MAX_PFS], r_dn[NSW_MAX_PFS];
	uint8_t r_ext_out, r_ext_in, r_pf_tx, r_pf_rx, r_vsw[NSW_SIM_MAX_VSW];
	uint64_t tab_tx_h2d[TAB_LEN], tab_tx_d2h[TAB_LEN], tab_rx_d2h[TAB_LEN], tab_rx_h2d[TAB_LEN];
	/* VMs */
	unsigned vms;
	uint64_t vm_mac[NSW_SIM_MAX_VMS];
	uint8_t vm_pf[NSW_SIM_MAX_VMS];
	uint16_t vm_vf[NSW_SIM_MAX_VMS];
	uint16_t vm_at[NSW_MAX_PFS][NSW_MAX_VFS];
	uint64_t miss_mac;
	/* flows */
	unsigned nflows;
	struct nsw_sim_flow *flow;
	struct nsw_sim_mix mix[NSW_SIM_MAX_GROUPS];
	/* run control and statistics */
	uint64_t warmup, dur, gen_total, max_frames;
	double phase_sum[NSW_SIM_PH_MAX];
	uint64_t gen_win; /* frames created inside the window: the phases' denominator */
};

/* ---- parameters ---- */

void nsw_sim_defaults(struct nsw_sim_scenario *s)
{
	memset(s, 0, sizeof *s);
	struct nsw_sim_params *p = &s->p;
	p->seed = 1;
	p->duration_ns = 100000000; /* 100 ms */
	p->warmup_ns = 0;
	p->arch = NSW_SIM_NSWITCH;
	p->pfs = 1;
	p->vfs = 2;
	p->vms = 2;
	p->cpus = 4;
	/* vSwitch: calibrated to the paper's Fig. 5 (docs/sim.md, "Calibration"): 1514-byte frames
	 * take 13250 + 2 * 1514 = 16278 ns, so the maximum is 1514 B / 16278 ns = 93.0 MB/s; with
	 * a 20 us notification latency the mean latency doubles at ~76 MB/s (the knee). */
	p->vsw_frame_ns = 13250;
	p->vsw_byte_ns = 2.0;
	p->vsw_lat_ns = 20000;
	p->vsw_cpu_frac = 0.9;
	p->vsw_threads = 1;
	p->buf_vsw = 256; /* Xen netif ring: 256 slots */
	/* PCIe: Gen3 x8, the common 10/40 GbE NIC slot; MPS 256, MRRS 512, RCB 64 */
	p->pcie_gen = 3;
	p->pcie_lanes = 8;
	p->mps = 256;
	p->mrrs = 512;
	p->rcb = 64;
	p->tlp_ovh = 24; /* 4-DW header 16 + sequence 2 + LCRC 4 + framing 2 */
	p->cpl_ovh = 20; /* 3-DW completion header */
	p->dllp_bytes = 8;
	p->dllp_per_tlp = 0.5; /* an ACK per 4 TLPs and an UpdateFC per 4 TLPs */
	p->desc_bytes = 16;
	p->batch = 1;
	p->dma_rd_ns = 550; /* pcie-bench, 64-byte DMA read on Gen3 */
	p->pcie_lat_ns = 275; /* one way: half a read round trip */
	p->buf_pcie = 512; /* a descriptor ring of ixgbe's default size */
	/* NIC */
	p->nic_frame_ns = 5;
	p->nic_lat_ns = 300;
	p->buf_nic = 4096;
	/* port and outside */
	p->port_gbps = 10;
	p->cable_m = 3;
	p->prop_ns_m = 5;
	p->sw_lat_ns = 1000;
	p->pe_lat_ns = 500;
	p->etag_bytes = 8; /* 802.1BR E-TAG */
	p->buf_port = 512;
}

double nsw_sim_pcie_rate(unsigned gen, unsigned lanes)
{
	static const double gts[6] = {0, 2.5, 5.0, 8.0, 16.0, 32.0};
	if (gen < 1 || gen > 5)
		return 0;
	double enc = gen <= 2 ? 8.0 / 10.0 : 128.0 / 130.0;
	return gts[gen] * enc / 8.0 * lanes; /* GT/s per lane -> bytes per ns */
}

static double nsw_sim_ceil_div(double a, double b)
{
	return ceil(a / b);
}

void nsw_sim_pcie_bytes(const struct nsw_sim_params *p, unsigned len, double *tx_h2d,
			double *tx_d2h, double *rx_d2h, double *rx_h2d)
{
	double pl = len > 4 ? len - 4 : 0; /* the NIC adds and strips the FCS */
	double b = p->batch, dl = p->dllp_bytes * p->dllp_per_tlp;
	double n_rcb = nsw_sim_ceil_div(pl, p->rcb), n_mrrs = nsw_sim_ceil_div(pl, p->mrrs);
	double n_mps = nsw_sim_ceil_div(pl, p->mps);

	/* A VF sends: doorbell (MWr 4 B), descriptor read (MRd, CplD), data read (MRds of at most
	 * MRRS, completions split at RCB), descriptor write-back (MWr). ACK/FC DLLPs for the TLPs
	 * of one direction travel in the other. */
	*tx_h2d = pl + p->cpl_ovh * n_rcb + (p->cpl_ovh + p->desc_bytes) / b + (p->tlp_ovh + 4) / b +
		  dl * (n_mrrs + 2 / b);
	*tx_d2h = p->tlp_ovh * n_mrrs + p->tlp_ovh / b + (p->tlp_ovh + p->desc_bytes) / b +
		  dl * (n_rcb + 2 / b);
	/* A VF receives: data write (MWrs of at most MPS), descriptor write-back, MSI-X, and the
	 * prefetch of the next RX descriptor (MRd, CplD) after the driver's tail doorbell. */
	*rx_d2h = pl + p->tlp_ovh * n_mps + (p->tlp_ovh + p->desc_bytes) / b + (p->tlp_ovh + 4) / b +
		  p->tlp_ovh / b + dl * (2 / b);
	*rx_h2d = (p->cpl_ovh + p->desc_bytes) / b + (p->tlp_ovh + 4) / b + dl * (n_mps + 3 / b);
}

static uint64_t nsw_sim_round_ns(double ns)
{
	return ns <= 0 ? 0 : (uint64_t)llround(ns);
}

void nsw_sim_nswitch_zero_load(const struct nsw_sim_params *p, unsigned len, uint64_t *t1,
			       uint64_t *tp, uint64_t *t4)
{
	double th, td, rd, rh, rate = nsw_sim_pcie_rate(p->pcie_gen, p->pcie_lanes);
	nsw_sim_pcie_bytes(p, len, &th, &td, &rd, &rh);
	*t1 = nsw_sim_fx_ceil(nsw_sim_fx_of(th / rate)) + nsw_sim_round_ns(p->pcie_lat_ns) +
	      2 * nsw_sim_round_ns(p->dma_rd_ns);
	*tp = nsw_sim_fx_ceil(nsw_sim_fx_of(p->nic_frame_ns)) + nsw_sim_round_ns(p->nic_lat_ns);
	*t4 = nsw_sim_fx_ceil(nsw_sim_fx_of(rd / rate)) + nsw_sim_round_ns(p->pcie_lat_ns);
}

const char *nsw_sim_arch_name(int arch)
{
	static const char *const n[NSW_SIM_ARCH_MAX] = {"vswitch", "qbg", "qbh", "nswitch"};
	return arch >= 0 && arch < NSW_SIM_ARCH_MAX ? n[arch] : "unknown";
}

const char *nsw_sim_phase_name(int ph)
{
	static const char *const n[NSW_SIM_PH_MAX] = {"vswitch", "t1", "tp", "wire", "switch",
						      "t4"};
	return ph >= 0 && ph < NSW_SIM_PH_MAX ? n[ph] : "unknown";
}

const char *nsw_sim_drop_name(unsigned reason)
{
	if (reason < NSW_DROP_MAX)
		return nsw_drop_name(reason);
	switch (reason) {
	case NSW_SIM_DROP_NO_RELAY:
		return "switch_no_reflective_relay";
	case NSW_SIM_DROP_SW_UNKNOWN:
		return "switch_unknown_dst";
	case NSW_SIM_DROP_VSW_UNKNOWN:
		return "vswitch_unknown_dst";
	case NSW_SIM_DROP_FULL:
		return "buffer_full";
	case NSW_SIM_DROP_FLOOD:
		return "flood_not_modelled";
	}
	return "unknown";
}

/* ---- building the model ---- */

static uint16_t nsw_sim_add_res(struct nsw_sim *s, const char *name, unsigned cap)
{
	uint16_t i = (uint16_t)s->nres++;
	if (nsw_sim_res_init(&s->res[i], name, cap)) {
		fprintf(stderr, "nswitch-sim: out of memory\n");
		exit(3);
	}
	s->res[i].win_lo = nsw_sim_fx(s->p->warmup_ns);
	s->res[i].win_hi = nsw_sim_fx(s->p->duration_ns);
	return i;
}

static struct nsw_sim_stage nsw_sim_lin(uint16_t res, uint8_t phase, double a_ns, double b_ns,
					uint64_t post)
{
	return (struct nsw_sim_stage){.res = res, .side = NONE16, .phase = phase,
				      .a = nsw_sim_fx_of(a_ns), .b = nsw_sim_fx_of(b_ns),
				      .post = post};
}

static struct nsw_sim_stage nsw_sim_tab(uint16_t res, const uint64_t *tab, uint16_t side,
					const uint64_t *stab, uint8_t phase, uint64_t post)
{
	return (struct nsw_sim_stage){.res = res, .side = side, .phase = phase, .tab = tab,
				      .stab = stab, .post = post};
}

static uint8_t nsw_sim_add_route(struct nsw_sim *s, uint8_t op, uint8_t arg, unsigned n,
				 const struct nsw_sim_stage *st)
{
	uint8_t i = (uint8_t)s->nroutes++;
	s->route[i].n = (uint8_t)n;
	s->route[i].op = op;
	s->route[i].arg = arg;
	for (unsigned k = 0; k < n; k++)
		s->route[i].st[k] = st[k];
	return i;
}

static int nsw_sim_build(struct nsw_sim *s, FILE *err)
{
	const struct nsw_sim_params *p = s->p;
	int arch = s->arch;
	unsigned P = p->pfs;
	char nm[24];

	/* The NIC, through the core's control functions only. */
	int rc = nsw_nic_init(&s->nic, 0, P);
	for (unsigned q = 0; !rc && q < P; q++)
		rc = nsw_pf_set(&s->nic, q, -1, arch == NSW_SIM_VSWITCH ? q == 0 : 1);
	if (rc) {
		fprintf(err, "nswitch-sim: NIC setup: %s\n", nsw_strerror(rc));
		return -1;
	}
	memset(&s->vsw_fdb, 0, sizeof s->vsw_fdb);
	memset(s->vm_at, 0xff, sizeof s->vm_at);
	s->vms = p->vms;
	for (unsigned i = 0; i < p->vms; i++) {
		unsigned pf = i / p->vfs, vf = i % p->vfs;
		uint32_t oui = (uint32_t)(s->nic.pf[pf] & NSW_PF_OUI_MASK);
		s->vm_pf[i] = (uint8_t)pf;
		s->vm_vf[i] = (uint16_t)vf;
		s->vm_at[pf][vf] = (uint16_t)i;
		if (arch == NSW_SIM_VSWITCH) {
			/* No VFs: the VMs are the vSwitch's ports, with the same vMAC scheme. */
			s->vm_mac[i] = nsw_auto_vmac(oui, pf, vf);
			rc = nsw_fdb_add(&s->vsw_fdb, s->vm_mac[i], pf, vf);
		} else {
			rc = nsw_vf_add(&s->nic, pf, vf, 0, 0, true);
			s->vm_mac[i] = s->nic.vf[pf][vf] & NSW_MAC_MASK;
		}
		if (rc) {
			fprintf(err, "nswitch-sim: VM %u (PF %u VF %u): %s\n", i, pf, vf,
				nsw_strerror(rc));
			return -1;
		}
	}
	s->miss_mac = nsw_auto_vmac((uint32_t)(s->nic.pf[0] & NSW_PF_OUI_MASK), 0, 0xfff);

	/* PCIe: one link (the NIC's), each direction a server; service per frame length. */
	double rate = nsw_sim_pcie_rate(p->pcie_gen, p->pcie_lanes);
	for (unsigned len = 0; len < TAB_LEN; len++) {
		double th, td, rd, rh;
		nsw_sim_pcie_bytes(p, len < NSW_SIM_MIN_FRAME ? NSW_SIM_MIN_FRAME : len, &th, &td,
				   &rd, &rh);
		s->tab_tx_h2d[len] = nsw_sim_fx_of(th / rate);
		s->tab_tx_d2h[len] = nsw_sim_fx_of(td / rate);
		s->tab_rx_d2h[len] = nsw_sim_fx_of(rd / rate);
		s->tab_rx_h2d[len] = nsw_sim_fx_of(rh / rate);
	}
	s->h2d = nsw_sim_add_res(s, "pcie_h2d", p->buf_pcie);
	s->d2h = nsw_sim_add_res(s, "pcie_d2h", p->buf_pcie);
	s->nicp = nsw_sim_add_res(s, "nic_pipeline", p->buf_nic);
	double wire_b = 8.0 / p->port_gbps; /* ns per byte */
	double wire_a = 20 * wire_b;        /* preamble + SFD 8, inter-frame gap 12 */
	uint64_t prop = nsw_sim_round_ns(p->cable_m * p->prop_ns_m);
	uint64_t dma = nsw_sim_round_ns(p->dma_rd_ns), lat = nsw_sim_round_ns(p->pcie_lat_ns);
	uint64_t swl = nsw_sim_round_ns(p->sw_lat_ns), pel = nsw_sim_round_ns(p->pe_lat_ns);
	bool qbh = arch == NSW_SIM_QBH;
	uint8_t nic_rx_op = arch == NSW_SIM_NSWITCH ? OP_NSW_PORT : OP_NIC_RX;
	uint8_t nic_tx_op = arch == NSW_SIM_NSWITCH ? OP_NSW_VF : OP_VEPA_TX;
	unsigned nports = arch == NSW_SIM_VSWITCH ? 1 : P;
	struct nsw_sim_stage st[MAX_STAGES];

	s->nroutes = 1; /* route 0 marks a source's own event */
	for (unsigned q = 0; q < nports; q++) {
		snprintf(nm, sizeof nm, "port%u_up", q);
		s->wup[q] = nsw_sim_add_res(s, nm, p->buf_port);
		snprintf(nm, sizeof nm, "port%u_down", q);
		s->wdn[q] = nsw_sim_add_res(s, nm, p->buf_port);
		if (qbh) {
			snprintf(nm, sizeof nm, "pe%u_up", q);
			s->peup[q] = nsw_sim_add_res(s, nm, p->buf_port);
			snprintf(nm, sizeof nm, "pe%u_down", q);
			s->pedn[q] = nsw_sim_add_res(s, nm, p->buf_port);
		}
		/* NIC -> switch: with a port extender the frame is stored and forwarded by it,
		 * and the extender-switch link carries the E-TAG. */
		unsigned n = 0;
		if (qbh) {
			st[n++] = nsw_sim_lin(s->wup[q], NSW_SIM_PH_WIRE, wire_a, wire_b, prop + pel);
			st[n++] = nsw_sim_lin(s->peup[q], NSW_SIM_PH_WIRE,
					      wire_a + p->etag_bytes * wire_b, wire_b, prop + swl);
		} else {
			st[n++] = nsw_sim_lin(s->wup[q], NSW_SIM_PH_WIRE, wire_a, wire_b, prop + swl);
		}
		s->r_up[q] = nsw_sim_add_route(s, OP_SWITCH, (uint8_t)q, n, st);
		n = 0;
		if (qbh)
			st[n++] = nsw_sim_lin(s->pedn[q], NSW_SIM_PH_WIRE,
					      wire_a + p->etag_bytes * wire_b, wire_b, prop + pel);
		st[n++] = nsw_sim_lin(s->wdn[q], NSW_SIM_PH_WIRE, wire_a, wire_b, prop);
		st[n++] = nsw_sim_lin(s->nicp, NSW_SIM_PH_TP, p->nic_frame_ns, 0,
				      nsw_sim_round_ns(p->nic_lat_ns));
		s->r_dn[q] = nsw_sim_add_route(s, nic_rx_op, (uint8_t)q, n, st);
	}
	if (arch != NSW_SIM_VSWITCH) {
		for (unsigned q = 0; q < P; q++) {
			st[0] = nsw_sim_tab(s->h2d, s->tab_tx_h2d, s->d2h, s->tab_tx_d2h,
					    NSW_SIM_PH_T1, lat + 2 * dma);
			st[1] = nsw_sim_lin(s->nicp, NSW_SIM_PH_TP, p->nic_frame_ns, 0,
					    nsw_sim_round_ns(p->nic_lat_ns));
			s->r_vf_tx[q] = nsw_sim_add_route(s, nic_tx_op, (uint8_t)q, 2, st);
			st[0] = nsw_sim_tab(s->d2h, s->tab_rx_d2h, s->h2d, s->tab_rx_h2d,
					    NSW_SIM_PH_T4, lat);
			s->r_vf_rx[q] = nsw_sim_add_route(s, OP_DELIVER_VM, (uint8_t)q, 1, st);
		}
	} else {
		/* The hypervisor's PF: the same DMA work as a VF, then the software switch. */
		st[0] = nsw_sim_tab(s->h2d, s->tab_tx_h2d, s->d2h, s->tab_tx_d2h, NSW_SIM_PH_T1,
				    lat + 2 * dma);
		st[1] = nsw_sim_lin(s->nicp, NSW_SIM_PH_TP, p->nic_frame_ns, 0,
				    nsw_sim_round_ns(p->nic_lat_ns));
		s->r_pf_tx = nsw_sim_add_route(s, OP_VEPA_TX, 0, 2, st);
		st[0] = nsw_sim_tab(s->d2h, s->tab_rx_d2h, s->h2d, s->tab_rx_h2d, NSW_SIM_PH_T4,
				    lat);
		s->r_pf_rx = nsw_sim_add_route(s, OP_TO_VSW, 0, 1, st);
		for (unsigned k = 0; k < p->vsw_threads; k++) {
			snprintf(nm, sizeof nm, "vswitch%u", k);
			s->vsw[k] = nsw_sim_add_res(s, nm, p->buf_vsw);
			st[0] = nsw_sim_lin(s->vsw[k], NSW_SIM_PH_VSW, p->vsw_frame_ns,
					    p->vsw_byte_ns, nsw_sim_round_ns(p->vsw_lat_ns));
			s->r_vsw[k] = nsw_sim_add_route(s, OP_VSW, (uint8_t)k, 1, st);
		}
	}
	s->ext_tx = nsw_sim_add_res(s, "ext_tx", p->buf_port);
	s->ext_rx = nsw_sim_add_res(s, "ext_rx", p->buf_port);
	st[0] = nsw_sim_lin(s->ext_tx, NSW_SIM_PH_SWITCH, wire_a, wire_b, prop);
	s->r_ext_out = nsw_sim_add_route(s, OP_DELIVER_EXT, 0, 1, st);
	st[0] = nsw_sim_lin(s->ext_rx, NSW_SIM_PH_SWITCH, wire_a, wire_b, prop + swl);
	s->r_ext_in = nsw_sim_add_route(s, OP_SWITCH, EXT_PORT, 1, st);
	return 0;
}

static uint8_t nsw_sim_start_route(const struct nsw_sim *s, uint16_t src)
{
	if (src == NSW_SIM_EXT)
		return s->r_ext_in;
	if (s->arch == NSW_SIM_VSWITCH)
		return s->r_vsw[src % s->p->vsw_threads];
	return s->r_vf_tx[s->vm_pf[src]];
}

static void nsw_sim_add_flow(struct nsw_sim *s, const struct nsw_sim_flow_spec *fs, unsigned g,
			     uint16_t src, uint16_t dst, double mean_len)
{
	struct nsw_sim_flow *f = &s->flow[s->nflows++];
	memset(f, 0, sizeof *f);
	f->src = src;
	f->dst = dst;
	f->group = (uint8_t)g;
	f->process = fs->process;
	f->spoof = fs->spoof;
	f->start_route = nsw_sim_start_route(s, src);
	double fps = fs->rate_pps ? fs->rate : fs->rate / (8.0 * mean_len);
	f->gap_ns = fps > 0 ? 1e9 / fps : 0;
	f->on_ns = fs->on_ns;
	f->off_ns = fs->off_ns;
	f->ack_flow = UINT32_MAX;
}

static int nsw_sim_flows(struct nsw_sim *s, const struct nsw_sim_scenario *sc)
{
	unsigned cap = 0;
	for (unsigned g = 0; g < sc->nflows; g++)
		cap += 2 * (sc->flow[g].src == NSW_SIM_ALL ? s->vms : 1);
	s->flow = calloc(cap ? cap : 1, sizeof *s->flow);
	if (!s->flow)
		return -1;
	for (unsigned g = 0; g < sc->nflows; g++) {
		const struct nsw_sim_flow_spec *fs = &sc->flow[g];
		struct nsw_sim_mix *m = &s->mix[g];
		double wsum = 0, mean = 0;
		for (unsigned k = 0; k < fs->nsizes; k++)
			wsum += fs->weight[k];
		double acc = 0;
		m->n = fs->nsizes;
		for (unsigned k = 0; k < fs->nsizes; k++) {
			acc += fs->weight[k] / wsum;
			m->cdf[k] = acc;
			m->size[k] = fs->size[k];
			mean += fs->weight[k] / wsum * fs->size[k];
		}
		m->cdf[m->n - 1] = 1.0;
		unsigned first = s->nflows;
		if (fs->src == NSW_SIM_ALL) {
			for (unsigned i = 0; i < s->vms; i++) {
				uint16_t d = fs->dst;
				if (d == NSW_SIM_NEXT)
					d = (uint16_t)((i + 1) % s->vms);
				else if (d == NSW_SIM_PAIR)
					d = (uint16_t)(i ^ 1u);
				if (d != NSW_SIM_EXT && d != NSW_SIM_MISS && d != NSW_SIM_RANDOM &&
				    d >= s->vms)
					continue; /* the last VM of an odd count has no pair */
				nsw_sim_add_flow(s, fs, g, (uint16_t)i, d, mean);
			}
		} else {
			nsw_sim_add_flow(s, fs, g, fs->src, fs->dst, mean);
		}
		snprintf(s->r->group[g].name, sizeof s->r->group[g].name, "%s", fs->name);
		if (fs->ack_every) {
			unsigned ag = sc->nflows + g;
			snprintf(s->r->group[ag].name, sizeof s->r->group[ag].name, "%.30s.ack",
				 fs->name);
			unsigned last = s->nflows;
			for (unsigned i = first; i < last; i++) {
				struct nsw_sim_flow *a = &s->flow[s->nflows++];
				memset(a, 0, sizeof *a);
				a->process = NSW_SIM_ACKS;
				a->group = (uint8_t)ag;
				a->ack_flow = UINT32_MAX;
				s->flow[i].ack_flow = (uint32_t)(a - s->flow);
				s->flow[i].ack_every = fs->ack_every;
			}
		}
	}
	return 0;
}

/* ---- the run ---- */

static inline bool nsw_sim_in_window(const struct nsw_sim *s, uint64_t t0)
{
	return t0 >= s->warmup && t0 <= s->dur;
}

static inline void nsw_sim_drop(struct nsw_sim *s, const struct nsw_sim_ev *e, unsigned reason)
{
	s->r->drops[reason]++;
	s->r->group[s->flow[e->flow].group].drop++;
}

static inline uint64_t nsw_sim_dst_mac(const struct nsw_sim *s, uint16_t dst)
{
	if (dst == NSW_SIM_EXT)
		return EXT_MAC;
	if (dst == NSW_SIM_MISS)
		return s->miss_mac;
	return s->vm_mac[dst];
}

static inline uint64_t nsw_sim_src_mac(const struct nsw_sim *s, const struct nsw_sim_ev *e)
{
	uint64_t m = e->aux == NSW_SIM_EXT ? EXT_MAC : s->vm_mac[e->aux];
	if (s->flow[e->flow].spoof)
		m ^= 0x80; /* another VM's address: the spoof check must catch it */
	return m;
}

static inline void nsw_sim_next(struct nsw_sim *s, struct nsw_sim_ev *e, uint8_t route,
				uint64_t t)
{
	e->route = route;
	e->stage = 0;
	e->t = t;
	nsw_sim_heap_push(&s->h, e);
}

static void nsw_sim_deliver(struct nsw_sim *s, struct nsw_sim_ev *e, uint64_t t)
{
	struct nsw_sim_flow *f = &s->flow[e->flow];
	struct nsw_sim_group *g = &s->r->group[f->group];
	g->out++;
	if (nsw_sim_in_window(s, e->t0)) {
		nsw_sim_hist_add(g->lat, t - e->t0);
		nsw_sim_hist_add(s->r->lat_all, t - e->t0);
	}
	/* Throughput counts what leaves inside the window, whenever it was created: a backlog
	 * drained after the window is not throughput. */
	if (t >= s->warmup && t <= s->dur)
		g->bytes_win += e->len;
	if (t > s->r->end_ns)
		s->r->end_ns = t;
	if (f->ack_every && ++f->ack_cnt == f->ack_every) {
		f->ack_cnt = 0;
		struct nsw_sim_flow *a = &s->flow[f->ack_flow];
		struct nsw_sim_ev ack = {.t = t, .t0 = t, .flow = f->ack_flow, .aux = e->dst,
					 .len = NSW_SIM_MIN_FRAME, .dst = (uint16_t)e->aux};
		s->r->group[a->group].gen++;
		if (nsw_sim_in_window(s, t)) {
			s->r->group[a->group].gen_bytes_win += ack.len;
			s->gen_win++;
		}
		nsw_sim_next(s, &ack, nsw_sim_start_route(s, ack.aux), t);
	}
}

/* The NIC's decision: the core, on a header built the way the tests build theirs. */
static void nsw_sim_nsw_decide(struct nsw_sim *s, struct nsw_sim_ev *e, struct nsw_port in,
			       uint64_t t)
{
	uint8_t buf[NSW_SIM_MIN_FRAME];
	struct nsw_frame f;
	struct nsw_verdict v;
	nsw_frame_build(buf, sizeof buf, nsw_sim_dst_mac(s, e->dst), nsw_sim_src_mac(s, e),
			NSW_NOTAG, NSW_NOTAG, 0x0800, 0);
	nsw_process(&s->nic, in, buf, e->len - 4u, &f, &v);
	s->r->decisions++;
	switch (v.action) {
	case NSW_ACT_VF:
		e->dst = s->vm_at[v.pf][v.vf];
		return nsw_sim_next(s, e, s->r_vf_rx[v.pf], t);
	case NSW_ACT_UPLINK:
		return nsw_sim_next(s, e, s->r_up[v.pf], t);
	case NSW_ACT_DROP:
		return nsw_sim_drop(s, e, v.reason);
	default:
		return nsw_sim_drop(s, e, NSW_SIM_DROP_FLOOD);
	}
}

static void nsw_sim_op(struct nsw_sim *s, const struct nsw_sim_route *r, struct nsw_sim_ev *e,
		       uint64_t t)
{
	switch (r->op) {
	case OP_NSW_VF: {
		struct nsw_port in = {NSW_PORT_VF, s->vm_pf[e->aux], s->vm_vf[e->aux]};
		return nsw_sim_nsw_decide(s, e, in, t);
	}
	case OP_NSW_PORT: {
		struct nsw_port in = {NSW_PORT_UPLINK, r->arg, 0};
		return nsw_sim_nsw_decide(s, e, in, t);
	}
	case OP_VEPA_TX:
		/* 802.1Qbg VEPA: every frame goes to the adjacent bridge. */
		return nsw_sim_next(s, e, s->r_up[r->arg], t);
	case OP_NIC_RX: {
		if (s->arch == NSW_SIM_VSWITCH)
			return nsw_sim_next(s, e, s->r_pf_rx, t);
		uint64_t slot = nsw_fdb_find(&s->nic.fdb, nsw_sim_dst_mac(s, e->dst));
		if (!slot || nsw_fdb_slot_pf(slot) != r->arg)
			return nsw_sim_drop(s, e, NSW_DROP_RX_MISS);
		e->dst = s->vm_at[nsw_fdb_slot_pf(slot)][nsw_fdb_slot_vf(slot)];
		return nsw_sim_next(s, e, s->r_vf_rx[r->arg], t);
	}
	case OP_SWITCH: {
		if (e->dst == NSW_SIM_EXT)
			return nsw_sim_next(s, e, s->r_ext_out, t);
		if (e->dst >= s->vms)
			return nsw_sim_drop(s, e, NSW_SIM_DROP_SW_UNKNOWN);
		unsigned q = s->arch == NSW_SIM_VSWITCH ? 0 : s->vm_pf[e->dst];
		bool relay = s->arch == NSW_SIM_QBG || s->arch == NSW_SIM_QBH;
		if (q == r->arg && !relay)
			return nsw_sim_drop(s, e, NSW_SIM_DROP_NO_RELAY);
		return nsw_sim_next(s, e, s->r_dn[q], t);
	}
	case OP_TO_VSW:
		return nsw_sim_next(s, e, s->r_vsw[e->dst % s->p->vsw_threads], t);
	case OP_VSW: {
		uint64_t mac = nsw_sim_dst_mac(s, e->dst);
		uint64_t slot = nsw_fdb_find(&s->vsw_fdb, mac);
		if (slot) {
			e->dst = s->vm_at[nsw_fdb_slot_pf(slot)][nsw_fdb_slot_vf(slot)];
			return nsw_sim_deliver(s, e, t);
		}
		if (nsw_oui_is_ours(&s->nic, nsw_mac_oui(mac)))
			return nsw_sim_drop(s, e, NSW_SIM_DROP_VSW_UNKNOWN);
		return nsw_sim_next(s, e, s->r_pf_tx, t);
	}
	case OP_DELIVER_VM:
	case OP_DELIVER_EXT:
		return nsw_sim_deliver(s, e, t);
	}
}

static void nsw_sim_stage_run(struct nsw_sim *s, struct nsw_sim_ev *e)
{
	const struct nsw_sim_route *r = &s->route[e->route];
	const struct nsw_sim_stage *st = &r->st[e->stage];
	uint64_t svc = st->tab ? st->tab[e->len] : st->a + st->b * e->len;
	uint64_t fin = nsw_sim_res_serve(&s->res[st->res], e->t, svc);
	if (!fin)
		return nsw_sim_drop(s, e, NSW_SIM_DROP_FULL);
	if (st->side != NONE16)
		nsw_sim_res_charge(&s->res[st->side], e->t, st->stab[e->len]);
	uint64_t nt = fin + st->post;
	if (nsw_sim_in_window(s, e->t0))
		s->phase_sum[st->phase] += (double)(nt - e->t);
	if (e->stage + 1u < r->n) {
		e->t = nt;
		e->stage++;
		nsw_sim_heap_push(&s->h, e);
		return;
	}
	nsw_sim_op(s, r, e, nt);
}

static uint16_t nsw_sim_pick_len(struct nsw_sim *s, const struct nsw_sim_mix *m)
{
	if (m->n == 1)
		return m->size[0];
	double u = nsw_sim_rng_unit(&s->rng);
	for (unsigned k = 0; k + 1 < m->n; k++)
		if (u <= m->cdf[k])
			return m->size[k];
	return m->size[m->n - 1];
}

/* When the flow's next frame leaves the source, or false if it never will. */
static bool nsw_sim_next_gen(struct nsw_sim *s, struct nsw_sim_flow *f, uint64_t *t)
{
	if (f->gap_ns <= 0)
		return false;
	switch (f->process) {
	case NSW_SIM_POISSON:
		f->tnext += nsw_sim_rng_exp(&s->rng, f->gap_ns);
		break;
	case NSW_SIM_ONOFF:
		f->tnext += f->gap_ns;
		if (f->tnext > f->on_until) {
			f->tnext = f->on_until + nsw_sim_rng_exp(&s->rng, f->off_ns);
			f->on_until = f->tnext + nsw_sim_rng_exp(&s->rng, f->on_ns);
		}
		break;
	default:
		f->tnext += f->gap_ns;
	}
	*t = (uint64_t)llround(f->tnext);
	return *t <= s->dur;
}

static void nsw_sim_gen(struct nsw_sim *s)
{
	struct nsw_sim_ev *top = &s->h.a[0];
	struct nsw_sim_flow *f = &s->flow[top->flow];
	uint64_t now = top->t;
	if (s->gen_total >= s->max_frames) {
		struct nsw_sim_ev dead;
		nsw_sim_heap_pop(&s->h, &dead);
		return;
	}
	struct nsw_sim_ev fr = {.t = now, .t0 = now, .flow = top->flow, .aux = f->src,
				.len = nsw_sim_pick_len(s, &s->mix[f->group]), .dst = f->dst,
				.route = f->start_route};
	if (fr.dst == NSW_SIM_RANDOM) {
		uint32_t d = nsw_sim_rng_below(&s->rng, s->vms - 1);
		fr.dst = (uint16_t)(d >= f->src ? d + 1 : d);
	}
	struct nsw_sim_group *g = &s->r->group[f->group];
	g->gen++;
	if (nsw_sim_in_window(s, now)) {
		g->gen_bytes_win += fr.len;
		s->gen_win++;
	}
	uint64_t nt;
	if (++s->gen_total < s->max_frames && nsw_sim_next_gen(s, f, &nt)) {
		struct nsw_sim_ev ne = *top;
		ne.t = nt;
		s->h.pops++;
		s->h.pushes++;
		nsw_sim_heap_sift_down(&s->h, ne); /* replaces the root */
	} else {
		struct nsw_sim_ev dead;
		nsw_sim_heap_pop(&s->h, &dead);
	}
	nsw_sim_stage_run(s, &fr);
}

static void nsw_sim_finish(struct nsw_sim *s)
{
	struct nsw_sim_result *r = s->r;
	const struct nsw_sim_params *p = s->p;
	/* Stopped by a frame count, the window ends with the last delivery; else at duration. */
	uint64_t end = s->max_frames != UINT64_MAX && s->gen_total >= s->max_frames
			       ? r->end_ns
			       : s->dur;
	if (end > s->dur)
		end = s->dur;
	r->window_ns = end > s->warmup ? end - s->warmup : 1;
	double win_fx = (double)r->window_ns * NSW_SIM_FX_ONE;
	r->nres = s->nres;
	double vsw_busy = 0;
	for (unsigned i = 0; i < s->nres; i++) {
		snprintf(r->res_name[i], sizeof r->res_name[i], "%s", s->res[i].name);
		r->res_util[i] = (double)s->res[i].busy_fx / win_fx;
		r->res_drops[i] = s->res[i].drops;
		if (!strncmp(s->res[i].name, "vswitch", 7))
			vsw_busy += r->res_util[i];
		if (!strncmp(s->res[i].name, "port", 4)) {
			double *u = strstr(s->res[i].name, "_up") ? &r->port_up_util
								   : &r->port_dn_util;
			if (r->res_util[i] > *u)
				*u = r->res_util[i];
		}
	}
	r->pcie_h2d_util = r->res_util[s->h2d];
	r->pcie_d2h_util = r->res_util[s->d2h];
	double base = 0;
	for (unsigned i = 0; i < p->vms; i++)
		base += p->vm_load[i];
	r->vsw_cpu_util = vsw_busy * p->vsw_cpu_frac / p->cpus;
	r->cpu_util = r->vsw_cpu_util + base / p->cpus;
	for (unsigned k = 0; k < NSW_SIM_PH_MAX; k++)
		r->phase_mean[k] = s->gen_win ? s->phase_sum[k] / (double)s->gen_win : 0;
	for (unsigned g = 0; g < r->ngroups; g++) {
		r->gen += r->group[g].gen;
		r->out += r->group[g].out;
		r->drop += r->group[g].drop;
	}
	r->events = s->h.pops;
}

int nsw_sim_run(const struct nsw_sim_scenario *sc, struct nsw_sim_result *r, FILE *err)
{
	const struct nsw_sim_params *p = &sc->p;
	memset(r, 0, sizeof *r);
	r->arch = p->arch;
	if (p->vms > p->pfs * p->vfs || p->vfs > NSW_MAX_VFS || p->pfs > NSW_MAX_PFS ||
	    !p->vms || !sc->nflows || p->vsw_threads > NSW_SIM_MAX_VSW || !p->vsw_threads) {
		fprintf(err, "nswitch-sim: bad topology (vms %u, pfs %u x vfs %u, %u flows)\n",
			p->vms, p->pfs, p->vfs, sc->nflows);
		return -1;
	}
	struct nsw_sim *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->p = p;
	s->r = r;
	s->arch = p->arch;
	s->warmup = p->warmup_ns;
	s->dur = p->duration_ns;
	s->max_frames = p->max_frames ? p->max_frames : UINT64_MAX;
	r->ngroups = 2 * sc->nflows;
	for (unsigned g = 0; g < r->ngroups; g++)
		r->group[g].lat = calloc(1, sizeof *r->group[g].lat);
	r->lat_all = calloc(1, sizeof *r->lat_all);
	int rc = -1;
	if (!r->lat_all || nsw_sim_build(s, err) || nsw_sim_flows(s, sc))
		goto out;
	nsw_sim_rng_seed(&s->rng, p->seed);
	if (nsw_sim_heap_init(&s->h, 2 * s->nflows + 1024))
		goto out;
	for (unsigned i = 0; i < s->nflows; i++) {
		struct nsw_sim_flow *f = &s->flow[i];
		if (f->process == NSW_SIM_ACKS || f->gap_ns <= 0)
			continue;
		const struct nsw_sim_flow_spec *fs = &sc->flow[f->group];
		/* Sources start at a random phase of their period so that N constant-rate
		 * sources do not all fire in the same nanosecond. */
		f->tnext = (double)fs->start_ns + nsw_sim_rng_unit(&s->rng) * f->gap_ns;
		if (f->process == NSW_SIM_ONOFF)
			f->on_until = f->tnext + nsw_sim_rng_exp(&s->rng, f->on_ns);
		struct nsw_sim_ev e = {.t = (uint64_t)llround(f->tnext), .flow = i};
		if (e.t <= s->dur)
			nsw_sim_heap_push(&s->h, &e);
	}
	struct nsw_sim_ev e;
	while (s->h.n) {
		if (s->h.a[0].route == 0) {
			nsw_sim_gen(s);
			continue;
		}
		nsw_sim_heap_pop(&s->h, &e);
		nsw_sim_stage_run(s, &e);
	}
	nsw_sim_finish(s);
	rc = 0;
out:
	for (unsigned i = 0; i < s->nres; i++)
		nsw_sim_res_free(&s->res[i]);
	nsw_sim_heap_free(&s->h);
	free(s->flow);
	free(s);
	return rc;
}

void nsw_sim_result_free(struct nsw_sim_result *r)
{
	for (unsigned g = 0; g < 2 * NSW_SIM_MAX_GROUPS; g++) {
		free(r->group[g].lat);
		r->group[g].lat = NULL;
	}
	free(r->lat_all);
	r->lat_all = NULL;
}

/* ---- output ---- */

static double nsw_sim_mbps(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes * 8.0 * 1e3 / (double)ns : 0; /* bits per us = Mb/s */
}

void nsw_sim_report(const struct nsw_sim_scenario *sc, const struct nsw_sim_result *r, FILE *f)
{
	const struct nsw_sim_params *p = &sc->p;
	fprintf(f, "arch %s: %u PFs x %u VFs, %u VMs, %u CPUs; PCIe Gen%u x%u (%.3f GB/s per "
		   "direction); port %.0f GbE\n",
		nsw_sim_arch_name(r->arch), p->pfs, p->vfs, p->vms, p->cpus, p->pcie_gen,
		p->pcie_lanes, nsw_sim_pcie_rate(p->pcie_gen, p->pcie_lanes), p->port_gbps);
	fprintf(f, "window %.6f s, %llu events, %llu core decisions\n", r->window_ns / 1e9,
		(unsigned long long)r->events, (unsigned long long)r->decisions);
	fprintf(f, "%-16s %10s %10s %10s %10s %10s %10s %10s %10s\n", "flow", "offered", "thr",
		"thr", "frames", "dropped", "p50", "p99", "max");
	fprintf(f, "%-16s %10s %10s %10s %10s %10s %10s %10s %10s\n", "", "Mb/s", "Mb/s", "MB/s",
		"", "", "us", "us", "us");
	for (unsigned g = 0; g < r->ngroups; g++) {
		const struct nsw_sim_group *gr = &r->group[g];
		if (!gr->gen)
			continue;
		fprintf(f, "%-16s %10.2f %10.2f %10.3f %10llu %10llu %10.3f %10.3f %10.3f\n",
			gr->name, nsw_sim_mbps(gr->gen_bytes_win, r->window_ns),
			nsw_sim_mbps(gr->bytes_win, r->window_ns),
			nsw_sim_mbps(gr->bytes_win, r->window_ns) / 8,
			(unsigned long long)gr->gen, (unsigned long long)gr->drop,
			nsw_sim_hist_q(gr->lat, 0.5) / 1e3, nsw_sim_hist_q(gr->lat, 0.99) / 1e3,
			gr->lat->max / 1e3);
	}
	fprintf(f, "frames: in %llu = out %llu + dropped %llu\n", (unsigned long long)r->gen,
		(unsigned long long)r->out, (unsigned long long)r->drop);
	for (unsigned k = 0; k < NSW_SIM_DROP_MAX; k++)
		if (r->drops[k] && k != NSW_SIM_DROP_FULL)
			fprintf(f, "  drop %-28s %llu\n", nsw_sim_drop_name(k),
				(unsigned long long)r->drops[k]);
	for (unsigned i = 0; i < r->nres; i++)
		if (r->res_drops[i])
			fprintf(f, "  drop buffer_full:%-16s %llu\n", r->res_name[i],
				(unsigned long long)r->res_drops[i]);
	fprintf(f, "host CPU %.1f%% (switching %.1f%%)\n", 100 * r->cpu_util,
		100 * r->vsw_cpu_util);
	fprintf(f, "utilization:");
	for (unsigned i = 0; i < r->nres; i++)
		if (r->res_util[i] > 0)
			fprintf(f, " %s %.1f%%", r->res_name[i], 100 * r->res_util[i]);
	fprintf(f, "\nlatency breakdown (mean ns per frame):");
	for (unsigned k = 0; k < NSW_SIM_PH_MAX; k++)
		if (r->phase_mean[k] > 0)
			fprintf(f, " %s %.1f", nsw_sim_phase_name((int)k), r->phase_mean[k]);
	fprintf(f, "\n");
}

void nsw_sim_csv_header(FILE *f)
{
	fprintf(f, "label,arch,flow,offered_mbps,thr_mbps,gen,out,drop,lat_mean_ns,lat_p50_ns,"
		   "lat_p99_ns,lat_max_ns,cpu_util,vsw_cpu_util,pcie_h2d_util,pcie_d2h_util,"
		   "port_up_util,port_dn_util,t_vswitch_ns,t1_ns,tp_ns,t_wire_ns,t_switch_ns,t4_ns,"
		   "drops\n");
}

static void nsw_sim_csv_row(const struct nsw_sim_result *r, const char *label, const char *name,
			    uint64_t genb, uint64_t outb, uint64_t gen, uint64_t out,
			    uint64_t drop, const struct nsw_sim_hist *h, FILE *f)
{
	fprintf(f, "%s,%s,%s,%.4f,%.4f,%llu,%llu,%llu,%.1f,%llu,%llu,%llu,%.5f,%.5f,%.5f,%.5f,%.5f,"
		   "%.5f",
		label, nsw_sim_arch_name(r->arch), name, nsw_sim_mbps(genb, r->window_ns),
		nsw_sim_mbps(outb, r->window_ns), (unsigned long long)gen, (unsigned long long)out,
		(unsigned long long)drop, h->n ? h->sum / (double)h->n : 0,
		(unsigned long long)nsw_sim_hist_q(h, 0.5), (unsigned long long)nsw_sim_hist_q(h, 0.99),
		(unsigned long long)h->max, r->cpu_util, r->vsw_cpu_util, r->pcie_h2d_util,
		r->pcie_d2h_util, r->port_up_util, r->port_dn_util);
	for (unsigned k = 0; k < NSW_SIM_PH_MAX; k++)
		fprintf(f, ",%.1f", r->phase_mean[k]);
	fprintf(f, ",");
	const char *sep = "";
	for (unsigned k = 0; k < NSW_SIM_DROP_MAX; k++)
		if (r->drops[k] && k != NSW_SIM_DROP_FULL) {
			fprintf(f, "%s%s:%llu", sep, nsw_sim_drop_name(k),
				(unsigned long long)r->drops[k]);
			sep = ";";
		}
	for (unsigned i = 0; i < r->nres; i++)
		if (r->res_drops[i]) {
			fprintf(f, "%sfull_%s:%llu", sep, r->res_name[i],
				(unsigned long long)r->res_drops[i]);
			sep = ";";
		}
	fprintf(f, "\n");
}

void nsw_sim_csv_rows(const struct nsw_sim_scenario *sc, const struct nsw_sim_result *r,
		      const char *label, FILE *f)
{
	(void)sc;
	uint64_t genb = 0, outb = 0;
	for (unsigned g = 0; g < r->ngroups; g++) {
		const struct nsw_sim_group *gr = &r->group[g];
		genb += gr->gen_bytes_win;
		outb += gr->bytes_win;
		if (!gr->gen)
			continue;
		nsw_sim_csv_row(r, label, gr->name, gr->gen_bytes_win, gr->bytes_win, gr->gen,
				gr->out, gr->drop, gr->lat, f);
	}
	nsw_sim_csv_row(r, label, "ALL", genb, outb, r->gen, r->out, r->drop, r->lat_all, f);
}
