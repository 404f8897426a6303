/* nsw_sim_pcie.c - the simulator's parameters and the PCIe arithmetic: link rates by
 * generation and width, the bytes a frame moves in each direction (TLPs, descriptors,
 * completions, doorbells), nSwitch's zero-load times, and the names of architectures, phases
 * and drop reasons. Defaults are documented in docs/sim.md. Pure functions of the parameters.
 * The PCIe arithmetic follows the model of pcie-bench (Neugebauer et al., SIGCOMM 2018,
 * github.com/pcie-bench/pcie-model): the link's usable TLP bandwidth is its raw rate less the
 * ACK and UpdateFC DLLPs at the PCIe Base Specification's recommended intervals and the SKIP
 * ordered sets; writes are split at MPS, read requests at MRRS, read completions at MPS (or at
 * RCB, as some older root complexes do: rcb_split 1). tests/sim/test_sim_pcie.c holds the DMA
 * bandwidths computed here against values of that model. */
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
	for (unsigned i = 0; i < NSW_SIM_MAX_VMS; i++)
		p->vm_state[i] = NSW_VF_STATE_ENABLE; /* a new VF's, as nsw_vf_add sets it */
	/* vSwitch: the Linux bridge as this machine's datapath benchmark measured it
	 * (sim/vsw_from_bench.sh results/bench/datapath-20261125-0410.csv): what it adds per
	 * frame to the cheapest kernel path, an upper bound per byte from its TCP stream, half its
	 * ping RTT; all of its service is CPU time. Not the paper's Xen: the fit to the paper's
	 * Fig. 5 is a separate scenario (sim/scenarios/fig5_vswitch_fit.scn). */
	p->vsw_frame_ns = 247.5;
	p->vsw_byte_ns = 0.7045;
	p->vsw_lat_ns = 3000;
	p->vsw_cpu_frac = 1.0;
	p->vsw_threads = 1;
	p->buf_vsw = 256; /* a Xen netif ring's 256 slots (assumed for any vSwitch) */
	/* The VMs' ends (docs/sim.md, "Host CPU"): a kernel receive plus a transmit cost 247 ns
	 * per frame on this machine (the datapath benchmark's bare tc row, median of
	 * results/bench/datapath-20261125-0410.csv), split evenly between the two (assumed);
	 * the driver copies nothing (DMA). Per interrupt: one VM exit of 1 us, 0.5 us of
	 * injection and handler, a NAPI poll of 0.5 us per 64 frames (Linux's NAPI weight),
	 * moderated at 32 frames or 20 us: assumed but the weight (no hypervisor on this
	 * machine to measure them); 2 us per interrupt in all, as the lumped cost was. */
	p->drv_tx_ns = 123.5;
	p->drv_rx_ns = 123.5;
	p->irq_ns = 500;
	p->vm_exit_ns = 1000;
	p->irq_exits = 1;
	p->napi_poll_ns = 500;
	p->napi_budget = 64;
	/* A kick per batch (the first frame of each); a virtio or netfront guest's kick traps
	 * (KVM's ioeventfd on the notify register, Xen's event-channel hypercall): one exit; a
	 * VF's doorbell is in a BAR page mapped into the guest (VFIO): no exit */
	p->kick_exits = 1;
	p->vf_kick_exits = 0;
	p->irq_timer_ns = 20000;
	p->irq_frames = 32;
	/* PCIe: Gen3 x8, the common 10/40 GbE NIC slot; MPS 256, MRRS 512, RCB 64 */
	p->pcie_gen = 3;
	p->pcie_lanes = 8;
	p->mps = 256;
	p->mrrs = 512;
	p->rcb = 64;
	p->rcb_split = 0; /* completions split at MPS; RCB splitting is an older chipsets' habit */
	/* framing 2 + sequence 2 + LCRC 4 = 8, TLP header 4 + 64-bit address 8 (pcie-model) */
	p->tlp_ovh = 24;
	p->cpl_ovh = 20; /* 8 + 4 + completion header 8 */
	p->desc_bytes = 16;
	p->batch = 1;
	p->dma_rd_ns = 550; /* pcie-bench, 64-byte DMA read on Gen3 */
	p->pcie_lat_ns = 275; /* one way: half a read round trip */
	/* Read tags: 256, the 8-bit Tag field (PCIe Base Spec. 2.2.6.2) that Linux enables on
	 * every device supporting Extended Tags (since 4.13); the 5-bit default allows 32.
	 * Completion credits: infinite, as the specification requires of an Endpoint
	 * (2.6.1.1). The root port's posted and non-posted credits and their return time:
	 * assumed (twice pcie_lat_ns; 256 headers and 64 KB of posted data, enough for a Gen5
	 * x16 link's full rate of MPS writes and MRRS reads over that time) - vendors do not
	 * publish them. */
	p->rd_tags = 256;
	p->fc_cpld = 0;
	p->fc_ph = 256;
	p->fc_pd = 4096;
	p->fc_nph = 256;
	p->fc_rtt_ns = 550;
	/* The NIC's posted credits for doorbells: infinite (assumed: not published, and a NIC
	 * that stalled its own doorbells would be a design error) */
	p->fc_dev_ph = 0;
	p->fc_dev_pd = 0;
	p->tx_ring = 512; /* a TX descriptor ring of ixgbe's default size */
	/* NIC */
	/* The decision pipeline as built in RTL (hw/, docs/hw.md): one decision per clock, four
	 * clocks from header to verdict, at an assumed ASIC clock of 250 MHz. */
	p->nic_frame_ns = 4;
	p->nic_acl_ns = 0; /* a TCAM lookup inside the pipeline's per-frame time (assumed) */
	p->nic_lat_ns = 16;
	p->nic_buf = 512 * 1024;   /* the Intel 82599's RX packet buffer, 512 KB */
	p->nic_txbuf = 160 * 1024; /* and its TX packet buffer, 160 KB */
	p->nic_tcs = 1;            /* DCB off: one TX buffer for all classes */
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

/* The PCIe Base Specification's intervals, in symbol times, between ACK DLLPs (rev 5.0,
 * Tables 3-7 to 3-9, "Ack Transmission Latency Limit") and between UpdateFC DLLPs (Tables 2-46
 * to 2-48), by generation (1, 2, 3 and later), width (x1..x32) and MPS (128..4096). The two
 * tables are equal but for two entries at x32. */
static const unsigned short nsw_sim_ack_limit[3][6][6] = {
	{{237, 416, 559, 1071, 2095, 4143}, {128, 217, 289, 545, 1057, 2081},
	 {73, 118, 154, 282, 538, 1050},    {67, 107, 86, 150, 278, 534},
	 {48, 72, 86, 150, 278, 534},       {33, 45, 52, 84, 148, 276}},
	{{288, 467, 610, 1122, 2146, 4194}, {179, 268, 340, 596, 1108, 2132},
	 {124, 169, 205, 333, 589, 1101},   {118, 158, 137, 201, 329, 585},
	 {99, 123, 137, 201, 329, 585},     {84, 96, 103, 135, 199, 237}},
	{{333, 512, 655, 1167, 2191, 4239}, {224, 313, 385, 641, 1153, 2177},
	 {169, 214, 250, 378, 634, 1146},   {163, 203, 182, 246, 374, 630},
	 {144, 168, 182, 246, 374, 630},    {129, 141, 148, 180, 244, 372}},
};

static unsigned nsw_sim_log2_exact(unsigned v)
{
	unsigned k = 0;
	while (v > 1 && !(v & 1) && k < 32) {
		v >>= 1;
		k++;
	}
	return v == 1 ? k : 99;
}

double nsw_sim_pcie_tlp_rate(const struct nsw_sim_params *p)
{
	unsigned w = nsw_sim_log2_exact(p->pcie_lanes), m = nsw_sim_log2_exact(p->mps);
	double raw = nsw_sim_pcie_rate(p->pcie_gen, p->pcie_lanes);
	if (!raw || w > 5 || m < 7 || m > 12)
		return 0;
	unsigned g = p->pcie_gen >= 3 ? 2 : p->pcie_gen - 1;
	double ack = 8.0 / nsw_sim_ack_limit[g][w][m - 7];
	double fc = 8.0 / nsw_sim_ack_limit[g][w][m - 7];
	if (w == 5 && g == 0 && m == 11)
		fc = 8.0 / 248; /* UpdateFC differs from ACK here (Table 2-46) */
	if (w == 5 && g == 1 && m == 12)
		fc = 8.0 / 327; /* and here (Table 2-47) */
	/* a 4-symbol SKIP ordered set every 1538 symbols (pcie-model's SKIP_Interval) */
	return raw * (1 - ack - fc - 4.0 / 1538);
}

static double nsw_sim_ceil_div(double a, double b)
{
	return ceil(a / b);
}

double nsw_sim_pcie_write_bytes(const struct nsw_sim_params *p, double n)
{
	return n + p->tlp_ovh * nsw_sim_ceil_div(n, p->mps);
}

void nsw_sim_pcie_read_bytes(const struct nsw_sim_params *p, double n, double *req,
			     double *cpl)
{
	*req = p->tlp_ovh * nsw_sim_ceil_div(n, p->mrrs);
	*cpl = n + p->cpl_ovh * nsw_sim_ceil_div(n, p->rcb_split ? p->rcb : p->mps);
}

double nsw_sim_pcie_dma_gbps(const struct nsw_sim_params *p, unsigned size, bool write)
{
	double r = nsw_sim_pcie_tlp_rate(p), req, cpl;
	if (write)
		return 8 * size * r / nsw_sim_pcie_write_bytes(p, size);
	/* requests one way, completions the other: the busier direction sets the rate */
	nsw_sim_pcie_read_bytes(p, size, &req, &cpl);
	return 8 * size * r / (cpl > req ? cpl : req);
}

void nsw_sim_pcie_bytes(const struct nsw_sim_params *p, unsigned len, double *tx_h2d,
			double *tx_d2h, double *rx_d2h, double *rx_h2d)
{
	double pl = len > 4 ? len - 4 : 0; /* the NIC adds and strips the FCS */
	double b = p->batch, db = p->desc_bytes * b; /* a batch of descriptors moves as one */
	double data_req, data_cpl, desc_req, desc_cpl;
	nsw_sim_pcie_read_bytes(p, pl, &data_req, &data_cpl);
	nsw_sim_pcie_read_bytes(p, db, &desc_req, &desc_cpl);
	double doorbell = nsw_sim_pcie_write_bytes(p, 4), msix = doorbell;
	double desc_wb = nsw_sim_pcie_write_bytes(p, db);

	/* A VF sends: the driver's doorbell (a 4-byte MWr) per batch; the NIC reads a batch of
	 * descriptors (one MRd, its CplDs), reads the data (MRds of at most MRRS, CplDs split at
	 * MPS or RCB) and writes the batch's descriptors back (MWr). */
	*tx_h2d = data_cpl + (desc_cpl + doorbell) / b;
	*tx_d2h = data_req + (desc_req + desc_wb) / b;
	/* A VF receives: data writes (MWrs of at most MPS), a batch's descriptor write-back and
	 * MSI-X, and the prefetch of the next batch of RX descriptors (MRd, CplD) after the
	 * driver's tail doorbell. */
	*rx_d2h = nsw_sim_pcie_write_bytes(p, pl) + (desc_wb + msix + desc_req) / b;
	*rx_h2d = (desc_cpl + doorbell) / b;
}

uint64_t nsw_sim_round_ns(double ns)
{
	return ns <= 0 ? 0 : (uint64_t)llround(ns);
}

void nsw_sim_nswitch_zero_load(const struct nsw_sim_params *p, unsigned len, uint64_t *t1,
			       uint64_t *tp, uint64_t *t4)
{
	double th, td, rd, rh, rate = nsw_sim_pcie_tlp_rate(p);
	nsw_sim_pcie_bytes(p, len, &th, &td, &rd, &rh);
	*t1 = nsw_sim_fx_ceil(nsw_sim_fx_of(th / rate)) + nsw_sim_round_ns(p->pcie_lat_ns) +
	      2 * nsw_sim_round_ns(p->dma_rd_ns);
	*tp = nsw_sim_fx_ceil(nsw_sim_fx_of(p->nic_frame_ns + p->nic_acl_ns)) +
	      nsw_sim_round_ns(p->nic_lat_ns);
	*t4 = nsw_sim_fx_ceil(nsw_sim_fx_of(rd / rate)) + nsw_sim_round_ns(p->pcie_lat_ns);
}

const char *nsw_sim_arch_name(int arch)
{
	static const char *const n[NSW_SIM_ARCH_MAX] = {"vswitch", "qbg", "qbh", "nswitch"};
	return arch >= 0 && arch < NSW_SIM_ARCH_MAX ? n[arch] : "unknown";
}

const char *nsw_sim_phase_name(int ph)
{
	static const char *const n[NSW_SIM_PH_MAX] = {"vswitch", "t1", "tp",
						      "wire",    "switch", "t4", "irq"};
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
		return "flood_no_receiver";
	case NSW_SIM_DROP_TX_RING:
		return "tx_ring_full";
	case NSW_SIM_DROP_NIC_BUF:
		return "nic_buffer_full";
	}
	return "unknown";
}

