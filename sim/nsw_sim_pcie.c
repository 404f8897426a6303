/* nsw_sim_pcie.c - the simulator's parameters and the PCIe arithmetic: link rates by
 * generation and width, the bytes a frame moves in each direction (TLPs, descriptors,
 * completions, doorbells), nSwitch's zero-load times, and the names of architectures, phases
 * and drop reasons. Defaults are documented in docs/sim.md. Pure functions of the parameters. */
#include <math.h>
#include <string.h>

#include "nsw_sim_model.h"

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
	p->tx_ring = 512; /* a TX descriptor ring of ixgbe's default size */
	/* NIC */
	p->nic_frame_ns = 5;
	p->nic_lat_ns = 300;
	p->nic_buf = 512 * 1024; /* the Intel 82599's RX packet buffer, 512 KB */
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

uint64_t nsw_sim_round_ns(double ns)
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
	case NSW_SIM_DROP_TX_RING:
		return "tx_ring_full";
	case NSW_SIM_DROP_NIC_BUF:
		return "nic_buffer_full";
	}
	return "unknown";
}

