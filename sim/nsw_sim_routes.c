/* nsw_sim_routes.c - builds the model of one architecture of the paper's Fig. 1: its servers
 * (PCIe directions, the NIC pipeline, wires, the external switch, vSwitch threads) and routes
 * (short lists of stages ending in an operation), and the flows of a scenario. Invariant: every
 * route ends in an operation that picks the next route or delivers, so a frame always ends
 * delivered or dropped. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nsw_sim_model.h"

#include "../lib/nsw_frames.h"

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
	static const uint64_t zero[1];
	return (struct nsw_sim_stage){.res = res, .side = NONE16, .phase = phase, .tab = zero,
				      .tab_mask = 0, .a = nsw_sim_fx_of(a_ns),
				      .b = nsw_sim_fx_of(b_ns), .post = post};
}

static struct nsw_sim_stage nsw_sim_tab(uint16_t res, const uint64_t *tab, uint16_t side,
					const uint64_t *stab, uint8_t phase, uint64_t post)
{
	return (struct nsw_sim_stage){.res = res, .side = side, .phase = phase, .tab = tab,
				      .tab_mask = UINT32_MAX, .stab = stab, .post = post};
}

static uint8_t nsw_sim_add_route(struct nsw_sim *s, uint8_t op, uint8_t arg, unsigned n,
				 const struct nsw_sim_stage *st)
{
	uint8_t i = (uint8_t)s->nroutes++;
	s->route[i].n = (uint8_t)n;
	s->route[i].op = op;
	s->route[i].arg = arg;
	for (unsigned k = 0; k < n; k++) {
		struct nsw_sim_stage *d = &s->route[i].st[k];
		unsigned todo = 0;
		*d = st[k];
		if (d->pool == POOL_WAIT || d->pool == POOL_DROP)
			todo |= NSW_SIM_DO_TAKE;
		if (d->pool == POOL_RELEASE)
			todo |= NSW_SIM_DO_RELEASE;
		if (d->side != NONE16)
			todo |= NSW_SIM_DO_SIDE;
		if (d->fc != FC_NONE)
			todo |= NSW_SIM_DO_FC;
		if (k + 1 == n)
			todo |= NSW_SIM_DO_LAST;
		d->todo = (uint8_t)todo;
		d->srv = &s->res[d->res];
	}
	return i;
}

int nsw_sim_build(struct nsw_sim *s, FILE *err)
{
	const struct nsw_sim_params *p = s->p;
	int arch = s->arch;
	unsigned P = p->pfs;
	char nm[24];

	/* The NIC, through the core's control functions only. */
	int rc = nsw_nic_init(&s->nic, 0, P);
	for (unsigned q = 0; !rc && q < P; q++)
		rc = nsw_pf_set(&s->nic, q, -1, arch == NSW_SIM_VSWITCH ? q == 0 : 1);
	for (unsigned q = 0; !rc && q < P; q++)
		rc = nsw_pf_set_miss_drop(&s->nic, q, p->miss_drop != 0);
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
		s->vm_port[i] = (struct nsw_port){NSW_PORT_VF, (uint8_t)pf, (uint16_t)vf};
		s->vm_at[pf][vf] = (uint16_t)i;
		if (arch == NSW_SIM_VSWITCH) {
			/* No VFs: the VMs are the vSwitch's ports, with the same vMAC scheme. */
			s->vm_mac[i] = nsw_auto_vmac(oui, pf, vf);
			rc = nsw_fdb_add(&s->vsw_fdb, s->vm_mac[i], pf, vf);
		} else {
			rc = nsw_vf_add(&s->nic, pf, vf, 0, 0, true);
			if (!rc && arch == NSW_SIM_NSWITCH && p->vm_state[i] != NSW_VF_STATE_ENABLE)
				rc = nsw_vf_set_state(&s->nic, pf, vf, p->vm_state[i]);
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
	double rate = nsw_sim_pcie_tlp_rate(p);
	for (unsigned len = 0; len < TAB_LEN; len++) {
		double th, td, rd, rh;
		nsw_sim_pcie_bytes(p, len < NSW_SIM_MIN_FRAME ? NSW_SIM_MIN_FRAME : len, &th, &td,
				   &rd, &rh);
		s->tab_tx_h2d[len] = nsw_sim_fx_of(th / rate);
		s->tab_tx_d2h[len] = nsw_sim_fx_of(td / rate);
		s->tab_rx_d2h[len] = nsw_sim_fx_of(rd / rate);
		s->tab_rx_h2d[len] = nsw_sim_fx_of(rh / rate);
	}
	/* The PCIe directions, the NIC pipeline and the port's transmit side only ever hold frames
	 * that hold bytes of the NIC's packet buffer, which bounds them: no cap of their own. */
	s->h2d = nsw_sim_add_res(s, "pcie_h2d", 0);
	s->d2h = nsw_sim_add_res(s, "pcie_d2h", 0);
	s->nicp = nsw_sim_add_res(s, "nic_pipeline", 0);
	/* with DCB the TX buffer is split evenly between the traffic classes */
	for (unsigned tc = 0; tc < p->nic_tcs; tc++)
		s->pool_cap[tc] = p->nic_txbuf / p->nic_tcs;
	s->pool_cap[NSW_SIM_POOL_RX] = p->nic_buf;
	double wire_b = 8.0 / p->port_gbps; /* ns per byte */
	double wire_a = 20 * wire_b;        /* preamble + SFD 8, inter-frame gap 12 */
	uint64_t prop = nsw_sim_round_ns(p->cable_m * p->prop_ns_m);
	uint64_t dma = nsw_sim_round_ns(p->dma_rd_ns), lat = nsw_sim_round_ns(p->pcie_lat_ns);
	uint64_t swl = nsw_sim_round_ns(p->sw_lat_ns), pel = nsw_sim_round_ns(p->pe_lat_ns);
	bool qbh = arch == NSW_SIM_QBH;
	/* the NIC pipeline per frame; the nSwitch NIC also looks its ACLs up */
	double nic_svc = p->nic_frame_ns + (arch == NSW_SIM_NSWITCH ? p->nic_acl_ns : 0);
	uint8_t nic_rx_op = arch == NSW_SIM_NSWITCH ? OP_NSW_PORT : OP_NIC_RX;
	uint8_t nic_tx_op = arch == NSW_SIM_NSWITCH ? OP_NSW_VF : OP_VEPA_TX;
	unsigned nports = arch == NSW_SIM_VSWITCH ? 1 : P;
	struct nsw_sim_stage st[MAX_STAGES];

	s->nroutes = 1; /* route 0 marks a source's own event */
	for (unsigned q = 0; q < nports; q++) {
		snprintf(nm, sizeof nm, "port%u_up", q);
		s->wup[q] = nsw_sim_add_res(s, nm, 0);
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
		st[0].pool = POOL_RELEASE; /* out of the NIC once on the wire */
		s->r_up[q] = nsw_sim_add_route(s, OP_SWITCH, (uint8_t)q, n, st);
		n = 0;
		if (qbh)
			st[n++] = nsw_sim_lin(s->pedn[q], NSW_SIM_PH_WIRE,
					      wire_a + p->etag_bytes * wire_b, wire_b, prop + pel);
		st[n++] = nsw_sim_lin(s->wdn[q], NSW_SIM_PH_WIRE, wire_a, wire_b, prop);
		st[n] = nsw_sim_lin(s->nicp, NSW_SIM_PH_TP, nic_svc, 0,
				    nsw_sim_round_ns(p->nic_lat_ns));
		st[n++].pool = POOL_DROP;
		s->r_dn[q] = nsw_sim_add_route(s, nic_rx_op, (uint8_t)q, n, st);
	}
	if (arch != NSW_SIM_VSWITCH) {
		for (unsigned q = 0; q < P; q++) {
			st[0] = nsw_sim_tab(s->h2d, s->tab_tx_h2d, s->d2h, s->tab_tx_d2h,
					    NSW_SIM_PH_T1, lat + 2 * dma);
			st[0].pool = POOL_WAIT;
			st[0].fc = FC_READ;
			st[1] = nsw_sim_lin(s->nicp, NSW_SIM_PH_TP, nic_svc, 0,
					    nsw_sim_round_ns(p->nic_lat_ns));
			s->r_vf_tx[q] = nsw_sim_add_route(s, nic_tx_op, (uint8_t)q, 2, st);
			st[0] = nsw_sim_tab(s->d2h, s->tab_rx_d2h, s->h2d, s->tab_rx_h2d,
					    NSW_SIM_PH_T4, lat);
			st[0].pool = POOL_RELEASE;
			st[0].fc = FC_WRITE;
			s->r_vf_rx[q] = nsw_sim_add_route(s, OP_DELIVER_VM, (uint8_t)q, 1, st);
		}
	} else {
		/* The hypervisor's PF: the same DMA work as a VF, then the software switch. */
		st[0] = nsw_sim_tab(s->h2d, s->tab_tx_h2d, s->d2h, s->tab_tx_d2h, NSW_SIM_PH_T1,
				    lat + 2 * dma);
		st[0].pool = POOL_WAIT;
		st[0].fc = FC_READ;
		st[1] = nsw_sim_lin(s->nicp, NSW_SIM_PH_TP, nic_svc, 0,
				    nsw_sim_round_ns(p->nic_lat_ns));
		s->r_pf_tx = nsw_sim_add_route(s, OP_VEPA_TX, 0, 2, st);
		st[0] = nsw_sim_tab(s->d2h, s->tab_rx_d2h, s->h2d, s->tab_rx_h2d, NSW_SIM_PH_T4,
				    lat);
		st[0].pool = POOL_RELEASE;
		st[0].fc = FC_WRITE;
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

uint8_t nsw_sim_start_route(const struct nsw_sim *s, uint16_t src)
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
	f->prio = fs->prio;
	f->start_route = nsw_sim_start_route(s, src);
	double fps = fs->rate_pps ? fs->rate : fs->rate / (8.0 * mean_len);
	f->gap_ns = fps > 0 ? 1e9 / fps : 0;
	f->on_ns = fs->on_ns;
	f->off_ns = fs->off_ns;
	f->ack_flow = UINT32_MAX;
	f->data_flow = UINT32_MAX;
	f->wmax = fs->wmax;
	f->cwnd = 10 < fs->wmax ? 10 : fs->wmax; /* an initial window of 10 (RFC 6928) */
	f->ssthresh = fs->wmax;
}

int nsw_sim_flows(struct nsw_sim *s, const struct nsw_sim_scenario *sc)
{
	unsigned cap = 0;
	for (unsigned g = 0; g < sc->nflows; g++)
		cap += 2 * (sc->flow[g].src == NSW_SIM_ALL ? s->vms : 1);
	size_t fbytes = (cap ? cap : 1) * sizeof *s->flow; /* a multiple of 64 */
	s->flow = aligned_alloc(64, fbytes); /* calloc would not align the flows' lines */
	if (!s->flow)
		return -1;
	memset(s->flow, 0, fbytes);
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
				    d != NSW_SIM_BCAST &&
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
				a->data_flow = i;
				s->flow[i].ack_flow = (uint32_t)(a - s->flow);
				s->flow[i].ack_every = fs->ack_every;
			}
		}
	}
	return 0;
}

