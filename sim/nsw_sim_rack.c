/* nsw_sim_rack.c - the rack model of nswitch-sim (see nsw_sim_rack.h for what it owns and its
 * invariants; docs/sim.md, "The rack", for what it leaves out).
 *
 * A frame's path is a list of stages, each a FIFO server of the engine (nsw_sim_engine.h) fed in
 * time order, followed by a fixed latency, as in the single-host model:
 *   a host:   PCIe host-to-device and device-to-host (the other direction charged too), the NIC
 *             pipeline, the vSwitch thread(s), and per PF a port to the ToR (up and down; with
 *             802.1Qbh the port extender's link too);
 *   the rack: the ToR, which forwards by destination MAC from its own table (every vMAC of the
 *             rack, entered at build time: a switch that has learned them), and its uplink
 *             (out and in).
 * Decisions: the nSwitch NIC decides with the core (nsw_process) from a VF and from its port;
 * the VEPA NIC (802.1Qbg/Qbh) sends every frame to the ToR, which hairpins (reflective relay)
 * and receives by MAC; the vSwitch delivers to its own VMs and sends everything else to its
 * PF, as a bridge with a learned uplink does.
 * PCIe limits: each host's read tags and flow-control credits are the single-host model's
 * (nsw_sim_credits_take on the same parameters): a frame's fetch takes tags, completion and
 * non-posted credits (and, on an SR-IOV host, a doorbell's NIC posted credits per batch
 * frames), its write to a VM posted credits (and an MSI-X's per irq_frames frames), waiting
 * for them as the single-host model's frames do.
 * Not modelled (docs/sim.md): the NIC's packet buffers and TX rings (backpressure), the wait
 * for a moderated interrupt (its CPU is counted per irq_frames frames received: irq_ns, irq_exits
 * VM exits and the NAPI polls of irq_frames frames; a kick's exits per batch frames sent, a
 * vSwitch guest's only when its switching thread is idle), ACK
 * flows, broadcasts.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nsw_sim_rack.h"
#include "nsw_sim_model.h"

#include "nsw_ctl.h"
#include "nsw_decide.h"
#include "nsw_fdb.h"

#include "../lib/nsw_frames.h"

#define RACK_EXT UINT32_MAX           /* the outside of the rack, as a source or a destination */
#define RACK_EXT_MAC 0x001122334455ull /* a host outside: a vendor OUI no PF owns */
#define RACK_PF0_OUI 0xf0f0f0u         /* the paper's OUI of PF 0, on every host */
#define RACK_UPLINK_PORT 0xffffu       /* the ToR's ingress port for frames from the uplink */

/* Stages (the event's route). */
enum {
	ST_SRC = 0, /* a source about to emit; flow: the VM, or nvm for the outside */
	ST_VSW,     /* the vSwitch of host ev.dst */
	ST_TX,      /* PCIe, a VF (or the vSwitch's PF) to the NIC of host ev.dst */
	ST_NICP_TX, /* the NIC pipeline of host ev.dst, a frame from a VF */
	ST_UP,      /* port ev.dst to the ToR */
	ST_PE_UP,   /* 802.1Qbh: port extender to the ToR, port ev.dst */
	ST_UPL_IN,  /* the uplink, outside to ToR */
	ST_UPL_OUT, /* the uplink, ToR to outside */
	ST_PE_DN,   /* 802.1Qbh: ToR to the port extender, port ev.dst */
	ST_DN,      /* ToR to port ev.dst */
	ST_NICP_RX, /* the NIC pipeline of the host of port ev.dst, a frame from the port */
	ST_RX,      /* PCIe, NIC of host ev.dst to a VF (or the vSwitch's PF) */
};

#define FL_KIND 3u     /* flags: enum nsw_rack_kind */
#define FL_WIRE 4u     /* came from the wire (the vSwitch: do not send it back) */

struct rack_host {
	struct nsw_nic nic;
	struct nsw_fdb vsw_fdb;
	uint16_t h2d, d2h, nicp, vsw[NSW_SIM_MAX_VSW];
	double io_ns; /* drivers and interrupts inside the window */
	struct nsw_sim_credit fc[NSW_SIM_FC_MAX]; /* PCIe limits, indexed by NSW_SIM_FC_* */
	unsigned desc_left, kick_left, irq_left;  /* frames until the next descriptor read,
						    * doorbell, MSI-X */
	unsigned tx_kick_left; /* frames the host's VMs send until the next kick's CPU */
};

struct rack {
	const struct nsw_rack_scenario *rs;
	const struct nsw_sim_params *p;
	struct nsw_rack_result *r;
	int arch;
	unsigned H, V, P, nvm, nports;
	struct rack_host *host;
	struct nsw_fdb tor; /* vMAC -> ToR port, in the slot's VF field */
	uint64_t *mac;      /* per VM of the rack */
	uint16_t *vm_pf, *vm_vf;
	struct nsw_sim_res *res;
	unsigned nres, cap_res;
	uint16_t *up, *dn, *peup, *pedn, upl_out, upl_in;
	struct nsw_sim_heap h;
	struct nsw_sim_rng rng;
	uint64_t tab_tx_h2d[NSW_SIM_MAX_FRAME + 1], tab_tx_d2h[NSW_SIM_MAX_FRAME + 1];
	uint64_t tab_rx_d2h[NSW_SIM_MAX_FRAME + 1], tab_rx_h2d[NSW_SIM_MAX_FRAME + 1];
	uint64_t wire_a, wire_b, upl_a, upl_b, etag; /* fixed point */
	uint64_t prop, swl, pel, dma, lat, nic_lat, vsw_lat;
	double irq_cost; /* host CPU of one interrupt of irq_frames frames: handler, exits, polls */
	double kick_cost; /* host CPU of one transmit kick (its exits) */
	/* PCIe units of one frame (all frames are rack_size long): read requests, completion
	 * credits (and a descriptor batch's), posted headers and data */
	uint64_t rd_req, rd_cpl, desc_cpl, wr_ph, wr_pd;
	unsigned batch_n;
	uint64_t nic_svc, vsw_a, vsw_b;
	uint64_t warmup, dur, gen_total, max_frames;
	double gap_vm, gap_ext, cross_frac, out_frac;
	uint64_t tor_bytes_win;
};

/* ---- scenario ---- */

void nsw_rack_defaults(struct nsw_rack_scenario *r)
{
	memset(r, 0, sizeof *r);
	nsw_sim_defaults(&r->sc);
	r->sc.p.duration_ns = 2000000; /* 2 ms: a rack has many sources */
	r->sc.p.vms = 8;
	r->sc.p.vfs = 8;
	r->hosts = 16;
	r->local_frac = 0.5;
	r->ext_frac = 0;
	r->vm_rate = 500e6;
	r->uplink_gbps = 40;
	r->size = 1518;
}

static const struct {
	const char *key, *unit, *help;
} nsw_rack_keys[] = {
	{"rack_hosts", "", "hosts under the ToR (1..64), each with the single-host model's vms"},
	{"rack_local_frac", "", "of a VM's frames, the part to another VM of its host (0..1)"},
	{"rack_ext_frac", "", "of the rest, the part to outside the rack by the uplink (0..1); "
			      "as much comes in"},
	{"rack_vm_rate", "bits/s", "frames each VM sends, Poisson (suffix k, M, G allowed)"},
	{"rack_uplink_gbps", "Gb/s", "the ToR's uplink to the rest of the data center"},
	{"rack_size", "bytes", "frame length, FCS included (64..1518)"},
	{"rack_miss_drop", "", "1: every PF drops a Table A miss in its NIC's OUIs (core policy)"},
};

void nsw_rack_help(FILE *f)
{
	struct nsw_rack_scenario d;
	nsw_rack_defaults(&d);
	double def[] = {d.hosts, d.local_frac, d.ext_frac, d.vm_rate, d.uplink_gbps, d.size,
			d.miss_drop};
	for (unsigned i = 0; i < sizeof nsw_rack_keys / sizeof nsw_rack_keys[0]; i++)
		fprintf(f, "  %-18s %-10.10g %-7s %s\n", nsw_rack_keys[i].key, def[i],
			nsw_rack_keys[i].unit, nsw_rack_keys[i].help);
	fprintf(f, "  (rack mode also changes these host defaults: duration 2ms, vms 8, vfs 8)\n");
}

/* A number with an optional k/M/G suffix (and an optional "bps"). */
static int nsw_rack_num(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || !isfinite(v))
		return -1;
	if (*end == 'k' || *end == 'K')
		v *= 1e3, end++;
	else if (*end == 'M')
		v *= 1e6, end++;
	else if (*end == 'G')
		v *= 1e9, end++;
	if (!strcmp(end, "bps"))
		end += 3;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* 1 if key is a rack key (set, or an error printed: -1), 0 if it is not one. */
static int nsw_rack_key(struct nsw_rack_scenario *r, const char *key, const char *val,
			const char *where, FILE *err)
{
	double v;
	unsigned i, n = sizeof nsw_rack_keys / sizeof nsw_rack_keys[0];
	for (i = 0; i < n; i++)
		if (!strcmp(key, nsw_rack_keys[i].key))
			break;
	if (i == n)
		return 0;
	if (!val || nsw_rack_num(val, &v)) {
		fprintf(err, "%s: %s: '%s' is not a number\n", where, key, val ? val : "");
		return -1;
	}
	static const double lo[] = {1, 0, 0, 0, 0.001, NSW_SIM_MIN_FRAME, 0};
	static const double hi[] = {NSW_RACK_MAX_HOSTS, 1, 1, 1e12, 1600, NSW_SIM_MAX_FRAME, 1};
	if (v < lo[i] || v > hi[i]) {
		fprintf(err, "%s: %s: %g is out of range [%g, %g]\n", where, key, v, lo[i], hi[i]);
		return -1;
	}
	switch (i) {
	case 0: r->hosts = (unsigned)v; break;
	case 1: r->local_frac = v; break;
	case 2: r->ext_frac = v; break;
	case 3: r->vm_rate = v; break;
	case 4: r->uplink_gbps = v; break;
	case 5: r->size = (unsigned)v; break;
	case 6: r->miss_drop = (unsigned)v; break;
	}
	if ((i == 0 || i == 5 || i == 6) && v != floor(v)) {
		fprintf(err, "%s: %s: %g is not a whole number\n", where, key, v);
		return -1;
	}
	return 1;
}

int nsw_rack_set(struct nsw_rack_scenario *r, const char *kv, FILE *err)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", kv);
	char *eq = strchr(buf, '=');
	if (eq) {
		*eq = 0;
		int k = nsw_rack_key(r, buf, eq + 1, "command line", err);
		if (k)
			return k < 0 ? -1 : 0;
	}
	if (!strncmp(kv, "flow.", 5)) {
		fprintf(err, "command line: %s: the rack has no flows (its traffic matrix replaces "
			     "them)\n", kv);
		return -1;
	}
	return nsw_sim_scn_set(&r->sc, kv, err);
}

int nsw_rack_load(struct nsw_rack_scenario *r, const char *path, FILE *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(err, "nswitch-sim: %s: cannot open\n", path);
		return -1;
	}
	char line[1024], where[300];
	int lineno = 0, rc = 0;
	while (!rc && fgets(line, sizeof line, f)) {
		lineno++;
		snprintf(where, sizeof where, "%s:%d", path, lineno);
		char buf[1024];
		snprintf(buf, sizeof buf, "%s", line);
		char *hash = strchr(buf, '#');
		if (hash)
			*hash = 0;
		char *save, *key = strtok_r(buf, " \t\r\n", &save);
		if (!key)
			continue;
		if (!strcmp(key, "flow")) {
			fprintf(err, "%s: the rack has no flows (its traffic matrix replaces them)\n",
				where);
			rc = -1;
			break;
		}
		char *val = strtok_r(NULL, " \t\r\n", &save);
		int k = nsw_rack_key(r, key, val, where, err);
		if (k < 0)
			rc = -1;
		else if (k == 0 && nsw_sim_scn_line(&r->sc, line, path, lineno, err))
			rc = -1;
	}
	fclose(f);
	return rc;
}

int nsw_rack_check(const struct nsw_rack_scenario *r, FILE *err)
{
	const struct nsw_sim_params *p = &r->sc.p;
	if (p->vms > p->pfs * p->vfs) {
		fprintf(err, "nswitch-sim: rack: vms %u > pfs %u x vfs %u\n", p->vms, p->pfs,
			p->vfs);
		return -1;
	}
	if ((unsigned long)r->hosts * p->vms > NSW_RACK_MAX_VMS) {
		fprintf(err, "nswitch-sim: rack: %u hosts x %u VMs is more than %d VMs\n",
			r->hosts, p->vms, NSW_RACK_MAX_VMS);
		return -1;
	}
	if (p->vfs > 4096 || p->pfs > 16) {
		fprintf(err, "nswitch-sim: rack: at most 16 PFs and 4096 VFs (the vMAC plan)\n");
		return -1;
	}
	if (p->vms < 2 && r->local_frac > 0) {
		fprintf(err, "nswitch-sim: rack: rack_local_frac > 0 needs 2 VMs per host\n");
		return -1;
	}
	if (r->hosts < 2 && r->local_frac < 1 && r->ext_frac < 1) {
		fprintf(err, "nswitch-sim: rack: traffic to other hosts needs 2 hosts\n");
		return -1;
	}
	return 0;
}

/* ---- building ---- */

static uint16_t nsw_rack_res(struct rack *k, const char *name, unsigned cap)
{
	uint16_t i = (uint16_t)k->nres++;
	if (i >= k->cap_res || nsw_sim_res_init(&k->res[i], name, cap)) {
		fprintf(stderr, "nswitch-sim: out of memory\n");
		exit(3);
	}
	k->res[i].win_lo = nsw_sim_fx(k->warmup);
	k->res[i].win_hi = nsw_sim_fx(k->dur);
	return i;
}

/* The vMAC of PF pf VF vf of host h: the PF's OUI, then the host, the PF and the VF, so that
 * vMACs are unique in the rack while every host's PF 0 has the same OUI. */
static uint64_t nsw_rack_vmac(uint32_t oui, unsigned h, unsigned pf, unsigned vf)
{
	return ((uint64_t)oui << 24) | ((uint64_t)h << 16) | ((uint64_t)pf << 12) | vf;
}

static int nsw_rack_build(struct rack *k, FILE *err)
{
	const struct nsw_sim_params *p = k->p;
	unsigned H = k->H, P = k->P, V = k->V;
	k->host = calloc(H, sizeof *k->host);
	k->mac = calloc(k->nvm, sizeof *k->mac);
	k->vm_pf = calloc(k->nvm, sizeof *k->vm_pf);
	k->vm_vf = calloc(k->nvm, sizeof *k->vm_vf);
	k->nports = H * P;
	k->up = calloc(k->nports, sizeof *k->up);
	k->dn = calloc(k->nports, sizeof *k->dn);
	k->peup = calloc(k->nports, sizeof *k->peup);
	k->pedn = calloc(k->nports, sizeof *k->pedn);
	k->cap_res = H * (3 + p->vsw_threads) + 4 * k->nports + 2;
	k->res = calloc(k->cap_res, sizeof *k->res);
	if (!k->host || !k->mac || !k->vm_pf || !k->vm_vf || !k->up || !k->dn || !k->peup ||
	    !k->pedn || !k->res) {
		fprintf(err, "nswitch-sim: out of memory\n");
		return -1;
	}
	memset(&k->tor, 0, sizeof k->tor);
	char nm[24]; /* the engine's name size; h < 64, q < 16, t < 16 */
	for (unsigned h = 0; h < H; h++) {
		struct rack_host *ho = &k->host[h];
		int rc = nsw_nic_init(&ho->nic, 0, P);
		for (unsigned q = 0; !rc && q < P; q++)
			rc = nsw_pf_set(&ho->nic, q, q == 0 ? (long)RACK_PF0_OUI : -1,
					k->arch == NSW_SIM_VSWITCH ? q == 0 : 1);
		for (unsigned q = 0; !rc && q < P; q++)
			rc = nsw_pf_set_miss_drop(&ho->nic, q, k->rs->miss_drop != 0);
		for (unsigned i = 0; !rc && i < V; i++) {
			unsigned pf = i / p->vfs, vf = i % p->vfs, g = h * V + i;
			uint32_t oui = (uint32_t)(ho->nic.pf[pf] & NSW_PF_OUI_MASK);
			uint64_t m = nsw_rack_vmac(oui, h, pf, vf);
			k->mac[g] = m;
			k->vm_pf[g] = (uint16_t)pf;
			k->vm_vf[g] = (uint16_t)vf;
			if (k->arch == NSW_SIM_VSWITCH)
				rc = nsw_fdb_add(&ho->vsw_fdb, m, pf, vf);
			else
				rc = nsw_vf_add(&ho->nic, pf, vf, m, 0, true);
			/* the ToR's table: the port behind which the VM sits */
			unsigned port = h * P + (k->arch == NSW_SIM_VSWITCH ? 0 : pf);
			if (!rc)
				rc = nsw_fdb_add(&k->tor, m, 0, port);
		}
		if (rc) {
			fprintf(err, "nswitch-sim: rack: host %u: %s\n", h, nsw_strerror(rc));
			return -1;
		}
		snprintf(nm, sizeof nm, "h%u_pcie_h2d", h & 63u);
		ho->h2d = nsw_rack_res(k, nm, 0);
		snprintf(nm, sizeof nm, "h%u_pcie_d2h", h & 63u);
		ho->d2h = nsw_rack_res(k, nm, 0);
		snprintf(nm, sizeof nm, "h%u_nic", h & 63u);
		ho->nicp = nsw_rack_res(k, nm, 0);
		for (unsigned t = 0; k->arch == NSW_SIM_VSWITCH && t < p->vsw_threads; t++) {
			snprintf(nm, sizeof nm, "h%u_vswitch%u", h & 63u, t & 15u);
			ho->vsw[t] = nsw_rack_res(k, nm, p->buf_vsw);
		}
		for (unsigned q = 0; q < P; q++) {
			unsigned port = h * P + q;
			snprintf(nm, sizeof nm, "h%u_port%u_up", h & 63u, q & 15u);
			k->up[port] = nsw_rack_res(k, nm, p->buf_port);
			snprintf(nm, sizeof nm, "h%u_port%u_down", h & 63u, q & 15u);
			k->dn[port] = nsw_rack_res(k, nm, p->buf_port);
			if (k->arch == NSW_SIM_QBH) {
				snprintf(nm, sizeof nm, "h%u_pe%u_up", h & 63u, q & 15u);
				k->peup[port] = nsw_rack_res(k, nm, p->buf_port);
				snprintf(nm, sizeof nm, "h%u_pe%u_down", h & 63u, q & 15u);
				k->pedn[port] = nsw_rack_res(k, nm, p->buf_port);
			}
		}
	}
	k->upl_out = nsw_rack_res(k, "uplink_out", p->buf_port);
	k->upl_in = nsw_rack_res(k, "uplink_in", p->buf_port);
	/* the single-host model's costs (nsw_sim_routes.c) */
	double rate = nsw_sim_pcie_tlp_rate(p);
	for (unsigned len = 0; len <= NSW_SIM_MAX_FRAME; len++) {
		double th, td, rd, rh;
		nsw_sim_pcie_bytes(p, len < NSW_SIM_MIN_FRAME ? NSW_SIM_MIN_FRAME : len, &th, &td,
				   &rd, &rh);
		k->tab_tx_h2d[len] = nsw_sim_fx_of(th / rate);
		k->tab_tx_d2h[len] = nsw_sim_fx_of(td / rate);
		k->tab_rx_d2h[len] = nsw_sim_fx_of(rd / rate);
		k->tab_rx_h2d[len] = nsw_sim_fx_of(rh / rate);
	}
	double wb = 8.0 / p->port_gbps, ub = 8.0 / k->rs->uplink_gbps;
	k->wire_b = nsw_sim_fx_of(wb);
	k->wire_a = nsw_sim_fx_of(20 * wb); /* preamble + SFD 8, inter-frame gap 12 */
	k->etag = nsw_sim_fx_of(p->etag_bytes * wb);
	k->upl_b = nsw_sim_fx_of(ub);
	k->upl_a = nsw_sim_fx_of(20 * ub);
	k->prop = (uint64_t)llround(p->cable_m * p->prop_ns_m);
	k->swl = (uint64_t)llround(p->sw_lat_ns);
	k->pel = (uint64_t)llround(p->pe_lat_ns);
	k->dma = (uint64_t)llround(p->dma_rd_ns);
	k->lat = (uint64_t)llround(p->pcie_lat_ns);
	/* NAPI: an interrupt's irq_frames take floor(n / budget) + 1 polls (a full poll is
	 * repolled), nothing arriving meanwhile */
	k->irq_cost = p->irq_ns + p->vm_exit_ns * p->irq_exits +
		      p->napi_poll_ns * (p->irq_frames / p->napi_budget + 1);
	k->kick_cost = p->vm_exit_ns *
		       (k->arch == NSW_SIM_VSWITCH ? p->kick_exits : p->vf_kick_exits);
	k->batch_n = p->batch >= 1 ? (unsigned)llround(p->batch) : 1;
	unsigned pl = k->rs->size - 4;
	k->rd_req = (pl + p->mrrs - 1) / p->mrrs;
	k->rd_cpl = k->wr_pd = (pl + 15) / 16;
	k->wr_ph = (pl + p->mps - 1) / p->mps;
	k->desc_cpl = (uint64_t)(p->desc_bytes * k->batch_n + 15) / 16;
	const unsigned fc_cap[NSW_SIM_FC_MAX] = {p->rd_tags, p->fc_cpld, p->fc_nph, p->fc_ph,
						 p->fc_pd, p->fc_dev_ph, p->fc_dev_pd};
	for (unsigned h = 0; h < H; h++)
		for (unsigned f = 0; f < NSW_SIM_FC_MAX; f++) {
			k->host[h].fc[f].cap = fc_cap[f];
			k->host[h].fc[f].hold = nsw_sim_round_ns(f <= NSW_SIM_FC_CPLD ? p->dma_rd_ns
										 : p->fc_rtt_ns);
		}
	k->nic_lat = (uint64_t)llround(p->nic_lat_ns);
	k->vsw_lat = (uint64_t)llround(p->vsw_lat_ns);
	k->nic_svc = nsw_sim_fx_of(p->nic_frame_ns +
				   (k->arch == NSW_SIM_NSWITCH ? p->nic_acl_ns : 0));
	k->vsw_a = nsw_sim_fx_of(p->vsw_frame_ns);
	k->vsw_b = nsw_sim_fx_of(p->vsw_byte_ns);
	return 0;
}

/* ---- the run ---- */

static inline bool nsw_rack_in_window(const struct rack *k, uint64_t t)
{
	return t >= k->warmup && t <= k->dur;
}

static inline unsigned nsw_rack_kind(const struct nsw_sim_ev *e)
{
	return e->flags & FL_KIND;
}

static void nsw_rack_drop(struct rack *k, struct nsw_sim_ev *e, unsigned reason)
{
	(void)e;
	k->r->drops[reason]++;
	k->r->drop++;
}

/* The frame reaches its destination at time t. */
static void nsw_rack_deliver(struct rack *k, struct nsw_sim_ev *e, uint64_t t, uint32_t vm)
{
	const struct nsw_sim_params *p = k->p;
	unsigned kind = nsw_rack_kind(e);
	k->r->out++;
	k->r->out_kind[kind]++;
	if (nsw_rack_in_window(k, t))
		k->r->out_win++;
	if (vm != RACK_EXT) {
		if (vm != e->aux)
			k->r->misdelivered++;
		/* the receiver's driver, and its share of a moderated interrupt */
		if (nsw_rack_in_window(k, t))
			k->host[vm / k->V].io_ns += p->drv_rx_ns + p->drv_rx_byte_ns * e->len +
						    k->irq_cost / p->irq_frames;
	}
	if (nsw_rack_in_window(k, e->t0)) {
		nsw_sim_hist_add(k->r->lat, t - e->t0);
		nsw_sim_hist_add(k->r->lat_kind[kind], t - e->t0);
	}
}

static inline void nsw_rack_next(struct rack *k, struct nsw_sim_ev *e, uint8_t st, uint16_t where,
				 uint64_t t)
{
	e->route = st;
	e->dst = where;
	e->t = t;
	nsw_sim_heap_push(&k->h, e);
}

static inline uint64_t nsw_rack_dst_mac(const struct rack *k, const struct nsw_sim_ev *e)
{
	return e->aux == RACK_EXT ? RACK_EXT_MAC : k->mac[e->aux];
}

/* The core decides on the frame in host h's NIC, from port `in`. */
static void nsw_rack_decide(struct rack *k, struct nsw_sim_ev *e, unsigned h, struct nsw_port in,
			    uint64_t t)
{
	struct rack_host *ho = &k->host[h];
	uint8_t buf[NSW_SIM_MIN_FRAME];
	struct nsw_frame f;
	struct nsw_verdict v;
	uint64_t dst = nsw_rack_dst_mac(k, e);
	uint64_t src = e->flow == RACK_EXT ? RACK_EXT_MAC : k->mac[e->flow];
	nsw_frame_build(buf, sizeof buf, dst, src, NSW_NOTAG, NSW_NOTAG, 0x0800, 0);
	nsw_process(&ho->nic, in, buf, e->len - 4u, &f, &v);
	k->r->decisions++;
	switch (v.action) {
	case NSW_ACT_VF: {
		/* VM i of a host sits on PF i / vfs, VF i % vfs */
		uint32_t vm = h * k->V + v.pf * k->p->vfs + v.vf;
		if (vm != e->aux)
			k->r->misdelivered++;
		e->aux = vm;
		return nsw_rack_next(k, e, ST_RX, (uint16_t)h, t);
	}
	case NSW_ACT_UPLINK:
		if (in.kind == NSW_PORT_VF && nsw_oui_is_ours(&ho->nic, nsw_mac_oui(dst)))
			k->r->miss_to_port++;
		return nsw_rack_next(k, e, ST_UP, (uint16_t)(h * k->P + v.pf), t);
	case NSW_ACT_DROP:
		return nsw_rack_drop(k, e, v.reason);
	default: /* unicast only: a flood here is a model bug, counted */
		return nsw_rack_drop(k, e, NSW_SIM_DROP_FLOOD);
	}
}

/* The ToR forwards a frame that came in on port `in` (RACK_UPLINK_PORT: the uplink). */
static void nsw_rack_tor(struct rack *k, struct nsw_sim_ev *e, unsigned in, uint64_t t)
{
	k->r->tor_frames++;
	k->r->tor_kind[nsw_rack_kind(e)]++;
	if (nsw_rack_in_window(k, t))
		k->tor_bytes_win += e->len + 20u;
	if (e->aux == RACK_EXT)
		return nsw_rack_next(k, e, ST_UPL_OUT, 0, t);
	uint64_t slot = nsw_fdb_find(&k->tor, k->mac[e->aux]);
	if (!slot)
		return nsw_rack_drop(k, e, NSW_SIM_DROP_SW_UNKNOWN);
	unsigned port = nsw_fdb_slot_vf(slot);
	bool relay = k->arch == NSW_SIM_QBG || k->arch == NSW_SIM_QBH;
	if (port == in && !relay)
		return nsw_rack_drop(k, e, NSW_SIM_DROP_NO_RELAY);
	nsw_rack_next(k, e, k->arch == NSW_SIM_QBH ? ST_PE_DN : ST_DN, (uint16_t)port, t);
}

/* A frame from the port reaches the NIC of the port's host. */
static void nsw_rack_nic_rx(struct rack *k, struct nsw_sim_ev *e, unsigned port, uint64_t t)
{
	unsigned h = port / k->P, q = port % k->P;
	e->flags |= FL_WIRE;
	if (k->arch == NSW_SIM_NSWITCH) {
		struct nsw_port in = {NSW_PORT_UPLINK, (uint8_t)q, 0};
		return nsw_rack_decide(k, e, h, in, t);
	}
	if (k->arch == NSW_SIM_VSWITCH) /* to the PF, then the vSwitch */
		return nsw_rack_next(k, e, ST_RX, (uint16_t)h, t);
	/* SR-IOV receive by MAC, on the VFs of this port's PF */
	uint64_t slot = nsw_fdb_find(&k->host[h].nic.fdb, nsw_rack_dst_mac(k, e));
	if (!slot || nsw_fdb_slot_pf(slot) != q)
		return nsw_rack_drop(k, e, NSW_DROP_RX_MISS);
	uint32_t vm = h * k->V + nsw_fdb_slot_pf(slot) * k->p->vfs + nsw_fdb_slot_vf(slot);
	if (vm != e->aux)
		k->r->misdelivered++;
	e->aux = vm;
	nsw_rack_next(k, e, ST_RX, (uint16_t)h, t);
}

/* The vSwitch of host h has switched the frame. */
static void nsw_rack_vsw(struct rack *k, struct nsw_sim_ev *e, unsigned h, uint64_t t)
{
	uint64_t slot = nsw_fdb_find(&k->host[h].vsw_fdb, nsw_rack_dst_mac(k, e));
	if (slot) {
		uint32_t vm = h * k->V + nsw_fdb_slot_pf(slot) * k->p->vfs + nsw_fdb_slot_vf(slot);
		return nsw_rack_deliver(k, e, t, vm);
	}
	if (e->flags & FL_WIRE) /* never back to the wire it came from */
		return nsw_rack_drop(k, e, NSW_SIM_DROP_VSW_UNKNOWN);
	nsw_rack_next(k, e, ST_TX, (uint16_t)h, t);
}

/* A frame's DMA on host ho at time t: the PCIe limits it takes (the single-host model's:
 * a fetch's read requests, completion and non-posted credits, and on an SR-IOV host a
 * doorbell every batch-th frame; a write's posted credits, and an MSI-X every irq_frames-th
 * frame); returns how long it waits for them. */
static uint64_t nsw_rack_fc(struct rack *k, struct rack_host *ho, bool read, uint64_t t)
{
	struct nsw_sim_credit *c[5];
	uint64_t u[5];
	unsigned n = 0;
	bool sriov = k->arch != NSW_SIM_VSWITCH;
	if (read) {
		uint64_t req = k->rd_req, cpl = k->rd_cpl;
		if (!ho->desc_left) {
			ho->desc_left = k->batch_n;
			req++;
			cpl += k->desc_cpl;
		}
		ho->desc_left--;
		c[n] = &ho->fc[NSW_SIM_FC_TAGS], u[n++] = req;
		c[n] = &ho->fc[NSW_SIM_FC_CPLD], u[n++] = cpl;
		c[n] = &ho->fc[NSW_SIM_FC_NPH], u[n++] = req;
		if (sriov && !ho->kick_left) {
			ho->kick_left = k->batch_n;
			c[n] = &ho->fc[NSW_SIM_FC_DEV_PH], u[n++] = 1;
			c[n] = &ho->fc[NSW_SIM_FC_DEV_PD], u[n++] = 1;
		}
		if (sriov)
			ho->kick_left--;
	} else {
		uint64_t ph = k->wr_ph, pd = k->wr_pd;
		if (sriov && !ho->irq_left) {
			ho->irq_left = k->p->irq_frames;
			ph++;
			pd++;
		}
		if (sriov)
			ho->irq_left--;
		c[n] = &ho->fc[NSW_SIM_FC_PH], u[n++] = ph;
		c[n] = &ho->fc[NSW_SIM_FC_PD], u[n++] = pd;
	}
	int by = -1;
	uint64_t w = nsw_sim_credits_take(c, u, n, t, t, &by);
	if (by >= 0 && nsw_rack_in_window(k, t))
		k->r->fc_waits++;
	return w - t;
}

/* One stage: the frame is served by the stage's server, then goes on. */
static void nsw_rack_stage(struct rack *k, struct nsw_sim_ev *e)
{
	unsigned w = e->dst, len = e->len;
	struct rack_host *ho = NULL;
	uint16_t res, side = UINT16_MAX;
	uint64_t svc, side_svc = 0, post;
	switch (e->route) {
	case ST_VSW:
		ho = &k->host[w];
		/* a thread per sender, or per receiver for frames from the wire, as one host */
		res = ho->vsw[((e->flags & FL_WIRE) ? e->aux : e->flow) % k->V % k->p->vsw_threads];
		svc = k->vsw_a + k->vsw_b * len;
		post = k->vsw_lat;
		break;
	case ST_TX:
		ho = &k->host[w];
		res = ho->h2d;
		svc = k->tab_tx_h2d[len];
		side = ho->d2h;
		side_svc = k->tab_tx_d2h[len];
		post = k->lat + 2 * k->dma;
		break;
	case ST_NICP_TX:
		res = k->host[w].nicp;
		svc = k->nic_svc;
		post = k->nic_lat;
		break;
	case ST_UP:
		res = k->up[w];
		svc = k->wire_a + k->wire_b * len;
		post = k->prop + (k->arch == NSW_SIM_QBH ? k->pel : k->swl);
		break;
	case ST_PE_UP:
		res = k->peup[w];
		svc = k->wire_a + k->etag + k->wire_b * len;
		post = k->prop + k->swl;
		break;
	case ST_UPL_IN:
		res = k->upl_in;
		svc = k->upl_a + k->upl_b * len;
		post = k->prop + k->swl;
		break;
	case ST_UPL_OUT:
		res = k->upl_out;
		svc = k->upl_a + k->upl_b * len;
		post = k->prop;
		break;
	case ST_PE_DN:
		res = k->pedn[w];
		svc = k->wire_a + k->etag + k->wire_b * len;
		post = k->prop + k->pel;
		break;
	case ST_DN:
		res = k->dn[w];
		svc = k->wire_a + k->wire_b * len;
		post = k->prop;
		break;
	case ST_NICP_RX:
		res = k->host[w / k->P].nicp;
		svc = k->nic_svc;
		post = k->nic_lat;
		break;
	case ST_RX:
		ho = &k->host[w];
		res = ho->d2h;
		svc = k->tab_rx_d2h[len];
		side = ho->h2d;
		side_svc = k->tab_rx_h2d[len];
		post = k->lat;
		break;
	default:
		return nsw_rack_drop(k, e, NSW_SIM_DROP_FLOOD);
	}
	uint64_t fin = nsw_sim_res_serve(&k->res[res], e->t, svc);
	if (!fin)
		return nsw_rack_drop(k, e, NSW_SIM_DROP_FULL);
	if (side != UINT16_MAX)
		nsw_sim_res_charge(&k->res[side], e->t, side_svc);
	if (e->route == ST_TX || e->route == ST_RX)
		fin += nsw_rack_fc(k, ho, e->route == ST_TX, e->t);
	uint64_t t = fin + post;
	switch (e->route) {
	case ST_VSW:
		return nsw_rack_vsw(k, e, w, t);
	case ST_TX:
		return nsw_rack_next(k, e, ST_NICP_TX, (uint16_t)w, t);
	case ST_NICP_TX:
		if (k->arch == NSW_SIM_NSWITCH) {
			uint32_t s = e->flow;
			struct nsw_port in = {NSW_PORT_VF, (uint8_t)k->vm_pf[s], k->vm_vf[s]};
			return nsw_rack_decide(k, e, w, in, t);
		}
		/* VEPA sends everything to the ToR; the vSwitch host's PF 0 has the port */
		return nsw_rack_next(k, e, ST_UP,
				     (uint16_t)(w * k->P + (k->arch == NSW_SIM_VSWITCH
								    ? 0
								    : k->vm_pf[e->flow])),
				     t);
	case ST_UP:
		if (k->arch == NSW_SIM_QBH)
			return nsw_rack_next(k, e, ST_PE_UP, (uint16_t)w, t);
		return nsw_rack_tor(k, e, w, t);
	case ST_PE_UP:
		return nsw_rack_tor(k, e, w, t);
	case ST_UPL_IN:
		return nsw_rack_tor(k, e, RACK_UPLINK_PORT, t);
	case ST_UPL_OUT:
		return nsw_rack_deliver(k, e, t, RACK_EXT);
	case ST_PE_DN:
		return nsw_rack_next(k, e, ST_DN, (uint16_t)w, t);
	case ST_DN:
		return nsw_rack_next(k, e, ST_NICP_RX, (uint16_t)w, t);
	case ST_NICP_RX:
		return nsw_rack_nic_rx(k, e, w, t);
	case ST_RX:
		if (k->arch == NSW_SIM_VSWITCH)
			return nsw_rack_next(k, e, ST_VSW, (uint16_t)w, t);
		/* the VM the NIC chose (in aux since its decision) */
		return nsw_rack_deliver(k, e, t, e->aux);
	}
}

/* Source `src` (a VM, or nvm: the outside) emits a frame at time t. */
static void nsw_rack_emit(struct rack *k, uint32_t src, uint64_t t)
{
	const struct nsw_sim_params *p = k->p;
	struct nsw_sim_ev e = {.t = t, .t0 = t, .len = (uint16_t)k->rs->size};
	unsigned kind;
	uint32_t dst;
	if (src == k->nvm) { /* from outside, to any VM */
		kind = NSW_RACK_IN;
		dst = nsw_sim_rng_below(&k->rng, k->nvm);
		e.flow = RACK_EXT;
	} else {
		unsigned h = src / k->V, i = src % k->V;
		double u = nsw_sim_rng_unit(&k->rng);
		e.flow = src;
		if (u <= k->rs->local_frac && k->V > 1) {
			kind = NSW_RACK_LOCAL;
			unsigned j = nsw_sim_rng_below(&k->rng, k->V - 1);
			dst = h * k->V + (j >= i ? j + 1 : j);
		} else if (u <= k->rs->local_frac + k->out_frac || k->H < 2) {
			kind = NSW_RACK_OUT;
			dst = RACK_EXT;
		} else {
			kind = NSW_RACK_CROSS;
			unsigned g = nsw_sim_rng_below(&k->rng, k->H - 1);
			g = g >= h ? g + 1 : g;
			dst = g * k->V + nsw_sim_rng_below(&k->rng, k->V);
		}
		/* the driver, and a kick on the first of every batch frames the host's VMs send;
		 * a vSwitch guest's only if its switching thread is idle (EVENT_IDX) */
		struct rack_host *ho = &k->host[h];
		bool kick = !ho->tx_kick_left;
		ho->tx_kick_left = kick ? k->batch_n - 1 : ho->tx_kick_left - 1;
		if (kick && k->arch == NSW_SIM_VSWITCH)
			kick = k->res[ho->vsw[src % k->V % p->vsw_threads]].free_fx <=
			       nsw_sim_fx(t);
		if (nsw_rack_in_window(k, t))
			ho->io_ns += p->drv_tx_ns + p->drv_tx_byte_ns * e.len +
				     (kick ? k->kick_cost : 0);
	}
	e.aux = dst;
	e.flags = (uint16_t)kind;
	k->r->gen++;
	k->r->gen_kind[kind]++;
	if (src == k->nvm)
		return nsw_rack_next(k, &e, ST_UPL_IN, 0, t);
	unsigned h = src / k->V;
	nsw_rack_next(k, &e, k->arch == NSW_SIM_VSWITCH ? ST_VSW : ST_TX, (uint16_t)h, t);
}

static void nsw_rack_finish(struct rack *k)
{
	struct nsw_rack_result *r = k->r;
	const struct nsw_sim_params *p = k->p;
	r->window_ns = k->dur > k->warmup ? k->dur - k->warmup : 1;
	double win = (double)r->window_ns, win_fx = win * NSW_SIM_FX_ONE;
#define UTIL(i) ((double)k->res[i].busy_fx / win_fx)
	for (unsigned q = 0; q < k->nports; q++) {
		double u = UTIL(k->up[q]), d = UTIL(k->dn[q]);
		if (k->arch == NSW_SIM_VSWITCH && q % k->P) /* the vSwitch host uses PF 0's port */
			continue;
		r->port_up_mean += u;
		r->port_dn_mean += d;
		if (u > r->port_up_max)
			r->port_up_max = u;
		if (d > r->port_dn_max)
			r->port_dn_max = d;
	}
	unsigned used = k->arch == NSW_SIM_VSWITCH ? k->H : k->nports;
	r->port_up_mean /= used;
	r->port_dn_mean /= used;
	r->uplink_out = UTIL(k->upl_out);
	r->uplink_in = UTIL(k->upl_in);
	for (unsigned h = 0; h < k->H; h++) {
		struct rack_host *ho = &k->host[h];
		double vsw = 0;
		for (unsigned t = 0; k->arch == NSW_SIM_VSWITCH && t < p->vsw_threads; t++)
			vsw += UTIL(ho->vsw[t]) * p->vsw_cpu_frac / p->cpus;
		double io = ho->io_ns / (win * p->cpus);
		r->vsw_cpu_mean += vsw / k->H;
		r->io_cpu_mean += io / k->H;
		r->cpu_mean += (vsw + io) / k->H;
		if (vsw + io > r->cpu_max)
			r->cpu_max = vsw + io;
		double a = UTIL(ho->h2d), b = UTIL(ho->d2h);
		if (a > r->pcie_max)
			r->pcie_max = a;
		if (b > r->pcie_max)
			r->pcie_max = b;
	}
#undef UTIL
	r->tor_gbps = (double)k->tor_bytes_win * 8 / win;
}

int nsw_rack_run(const struct nsw_rack_scenario *rs, struct nsw_rack_result *r, FILE *err)
{
	memset(r, 0, sizeof *r);
	if (nsw_rack_check(rs, err))
		return -1;
	static struct rack k; /* ~the size of a Table A; one run at a time */
	memset(&k, 0, sizeof k);
	k.rs = rs;
	k.p = &rs->sc.p;
	k.r = r;
	k.arch = rs->sc.p.arch;
	r->arch = k.arch;
	k.H = rs->hosts;
	k.V = rs->sc.p.vms;
	k.P = rs->sc.p.pfs;
	k.nvm = k.H * k.V;
	k.warmup = rs->sc.p.warmup_ns;
	k.dur = rs->sc.p.duration_ns;
	k.max_frames = rs->sc.p.max_frames ? rs->sc.p.max_frames : UINT64_MAX;
	int rc = -1;
	r->lat = calloc(1, sizeof *r->lat);
	for (unsigned i = 0; i < NSW_RACK_KINDS; i++)
		r->lat_kind[i] = calloc(1, sizeof *r->lat_kind[i]);
	for (unsigned i = 0; i < NSW_RACK_KINDS; i++)
		if (!r->lat_kind[i])
			goto out;
	if (!r->lat || nsw_sim_heap_init(&k.h, 4096) || nsw_rack_build(&k, err))
		goto out;
	nsw_sim_rng_seed(&k.rng, rs->sc.p.seed);
	double remote = 1 - rs->local_frac;
	k.out_frac = k.H < 2 ? remote : remote * rs->ext_frac;
	k.gap_vm = rs->vm_rate > 0 ? 8.0 * rs->size * 1e9 / rs->vm_rate : 0;
	/* as much comes in from outside as goes out: nvm x out_frac x vm_rate */
	double in_rate = k.nvm * k.out_frac * rs->vm_rate;
	k.gap_ext = in_rate > 0 ? 8.0 * rs->size * 1e9 / in_rate : 0;
	/* the sources: one event each, its next emission time in t */
	for (uint32_t s = 0; s <= k.nvm; s++) {
		double gap = s == k.nvm ? k.gap_ext : k.gap_vm;
		if (gap <= 0)
			continue;
		struct nsw_sim_ev src = {.t = (uint64_t)llround(nsw_sim_rng_exp(&k.rng, gap)),
					 .flow = s, .route = ST_SRC};
		if (src.t <= k.dur)
			nsw_sim_heap_push(&k.h, &src);
	}
	struct nsw_sim_ev e;
	while (nsw_sim_heap_pop(&k.h, &e)) {
		if (e.route != ST_SRC) {
			nsw_rack_stage(&k, &e);
			continue;
		}
		if (k.gen_total++ >= k.max_frames)
			continue;
		nsw_rack_emit(&k, e.flow, e.t);
		double gap = e.flow == k.nvm ? k.gap_ext : k.gap_vm;
		e.t += (uint64_t)llround(nsw_sim_rng_exp(&k.rng, gap));
		if (e.t <= k.dur)
			nsw_sim_heap_push(&k.h, &e);
	}
	nsw_rack_finish(&k);
	rc = 0;
out:
	for (unsigned i = 0; i < k.nres; i++)
		nsw_sim_res_free(&k.res[i]);
	for (unsigned h = 0; k.host && h < k.H; h++)
		for (unsigned f = 0; f < NSW_SIM_FC_MAX; f++)
			free(k.host[h].fc[f].ring);
	free(k.res);
	free(k.host);
	free(k.mac);
	free(k.vm_pf);
	free(k.vm_vf);
	free(k.up);
	free(k.dn);
	free(k.peup);
	free(k.pedn);
	nsw_sim_heap_free(&k.h);
	if (rc) {
		if (!r->lat)
			fprintf(err, "nswitch-sim: out of memory\n");
		nsw_rack_result_free(r);
	}
	return rc;
}

void nsw_rack_result_free(struct nsw_rack_result *r)
{
	free(r->lat);
	r->lat = NULL;
	for (unsigned i = 0; i < NSW_RACK_KINDS; i++) {
		free(r->lat_kind[i]);
		r->lat_kind[i] = NULL;
	}
}

/* ---- output ---- */

static const char *const nsw_rack_kind_name[NSW_RACK_KINDS] = {"local", "cross-host", "out",
							       "in"};

static double nsw_rack_mean_us(const struct nsw_sim_hist *h)
{
	return h && h->n ? h->sum / (double)h->n / 1e3 : 0;
}

void nsw_rack_report(const struct nsw_rack_scenario *rs, const struct nsw_rack_result *r,
		     FILE *f)
{
	const struct nsw_sim_params *p = &rs->sc.p;
	fprintf(f, "rack: %s, %u hosts x %u VMs (%u PFs), host ports %g Gb/s, uplink %g Gb/s\n",
		nsw_sim_arch_name(r->arch), rs->hosts, p->vms, p->pfs, p->port_gbps,
		rs->uplink_gbps);
	fprintf(f, "traffic: %g Mb/s per VM of %u-byte frames, local %.3f, of the rest %.3f out "
		   "of the rack; window %.6f s\n",
		rs->vm_rate / 1e6, rs->size, rs->local_frac, rs->ext_frac, r->window_ns / 1e9);
	fprintf(f, "frames: %llu created, %llu delivered, %llu dropped; %llu through the ToR; "
		   "%llu core decisions, %llu own-OUI misses sent to the port\n",
		(unsigned long long)r->gen, (unsigned long long)r->out,
		(unsigned long long)r->drop, (unsigned long long)r->tor_frames,
		(unsigned long long)r->decisions, (unsigned long long)r->miss_to_port);
	fprintf(f, "%-11s %10s %10s %10s %10s %10s\n", "kind", "created", "delivered", "ToR",
		"mean us", "p99 us");
	for (unsigned i = 0; i < NSW_RACK_KINDS; i++)
		fprintf(f, "%-11s %10llu %10llu %10llu %10.2f %10.2f\n", nsw_rack_kind_name[i],
			(unsigned long long)r->gen_kind[i], (unsigned long long)r->out_kind[i],
			(unsigned long long)r->tor_kind[i], nsw_rack_mean_us(r->lat_kind[i]),
			nsw_sim_hist_q(r->lat_kind[i], 0.99) / 1e3);
	fprintf(f, "%-11s %10llu %10llu %10llu %10.2f %10.2f\n", "all",
		(unsigned long long)r->gen, (unsigned long long)r->out,
		(unsigned long long)r->tor_frames, nsw_rack_mean_us(r->lat),
		nsw_sim_hist_q(r->lat, 0.99) / 1e3);
	for (unsigned k = 0; k < NSW_SIM_DROP_MAX; k++)
		if (r->drops[k])
			fprintf(f, "  drop %-28s %llu\n", nsw_sim_drop_name(k),
				(unsigned long long)r->drops[k]);
	fprintf(f, "ToR: %.3f Gb/s switched; host ports up %.1f%% mean %.1f%% max, down %.1f%% "
		   "mean %.1f%% max; uplink out %.1f%% in %.1f%%\n",
		r->tor_gbps, 100 * r->port_up_mean, 100 * r->port_up_max, 100 * r->port_dn_mean,
		100 * r->port_dn_max, 100 * r->uplink_out, 100 * r->uplink_in);
	fprintf(f, "host CPU for networking: %.2f%% mean (switching %.2f%%, VM drivers and "
		   "interrupts %.2f%%), %.2f%% max; busiest PCIe direction %.1f%%\n",
		100 * r->cpu_mean, 100 * r->vsw_cpu_mean, 100 * r->io_cpu_mean, 100 * r->cpu_max,
		100 * r->pcie_max);
	if (r->fc_waits)
		fprintf(f, "PCIe: %llu DMAs waited for read tags or flow-control credits\n",
			(unsigned long long)r->fc_waits);
	if (r->misdelivered)
		fprintf(f, "  %llu frames delivered to the wrong VM (a model bug)\n",
			(unsigned long long)r->misdelivered);
}

void nsw_rack_csv_header(FILE *f)
{
	fprintf(f, "label,arch,hosts,vms,local_frac,ext_frac,vm_rate_mbps,size,port_gbps,"
		   "uplink_gbps,gen,out,drop,tor_frames,tor_frac,tor_gbps,port_up_mean,"
		   "port_up_max,port_dn_max,uplink_out,uplink_in,cpu_mean,cpu_max,vsw_cpu_mean,"
		   "lat_mean_us,lat_p99_us,lat_local_us,lat_cross_us,miss_to_port\n");
}

void nsw_rack_csv_row(const struct nsw_rack_scenario *rs, const struct nsw_rack_result *r,
		      const char *label, FILE *f)
{
	const struct nsw_sim_params *p = &rs->sc.p;
	fprintf(f, "%s,%s,%u,%u,%.4f,%.4f,%.3f,%u,%g,%g,%llu,%llu,%llu,%llu,%.5f,%.4f,%.5f,%.5f,"
		   "%.5f,%.5f,%.5f,%.6f,%.6f,%.6f,%.3f,%.3f,%.3f,%.3f,%llu\n",
		label, nsw_sim_arch_name(r->arch), rs->hosts, p->vms, rs->local_frac, rs->ext_frac,
		rs->vm_rate / 1e6, rs->size, p->port_gbps, rs->uplink_gbps,
		(unsigned long long)r->gen, (unsigned long long)r->out, (unsigned long long)r->drop,
		(unsigned long long)r->tor_frames,
		r->gen ? (double)r->tor_frames / (double)r->gen : 0, r->tor_gbps, r->port_up_mean,
		r->port_up_max, r->port_dn_max, r->uplink_out, r->uplink_in, r->cpu_mean,
		r->cpu_max, r->vsw_cpu_mean, nsw_rack_mean_us(r->lat),
		nsw_sim_hist_q(r->lat, 0.99) / 1e3, nsw_rack_mean_us(r->lat_kind[NSW_RACK_LOCAL]),
		nsw_rack_mean_us(r->lat_kind[NSW_RACK_CROSS]), (unsigned long long)r->miss_to_port);
}

/* ---- the command ---- */

int nsw_rack_main(int argc, char **argv)
{
	static struct nsw_rack_scenario rs;
	static struct nsw_sim_cli o;
	if (nsw_sim_cli_parse(argc, argv, &o, NULL, stderr) < 0) {
		fprintf(stderr, "usage: nswitch-sim rack [-s KEY=VALUE]... [-c FILE.csv] "
				"[-l LABEL] [-q] [SCENARIO.scn]\n");
		return 1;
	}
	const char *csv = o.csv, *label = o.label, *const *sets = o.sets;
	int nsets = o.nsets, quiet = o.quiet;
	if (argc - optind > 1) {
		fprintf(stderr, "nswitch-sim: rack: one scenario file at most\n");
		return 1;
	}
	nsw_rack_defaults(&rs);
	if (optind < argc && nsw_rack_load(&rs, argv[optind], stderr))
		return 1;
	for (int i = 0; i < nsets; i++)
		if (nsw_rack_set(&rs, sets[i], stderr))
			return 1;
	struct nsw_rack_result r;
	if (nsw_rack_run(&rs, &r, stderr))
		return 1;
	if (!quiet)
		nsw_rack_report(&rs, &r, stdout);
	int rc = 0;
	if (csv) {
		FILE *f = fopen(csv, "a");
		if (!f) {
			fprintf(stderr, "nswitch-sim: %s: cannot open\n", csv);
			rc = 1;
		} else {
			if (ftell(f) == 0)
				nsw_rack_csv_header(f);
			nsw_rack_csv_row(&rs, &r, label, f);
			fclose(f);
		}
	}
	nsw_rack_result_free(&r);
	return rc;
}
