/* nsw_sim.h - nswitch-sim: a discrete-event model of host, PCIe and NIC for the four inter-VM
 * switching architectures of the paper's Fig. 1 (vSwitch, 802.1Qbg, 802.1Qbh, nSwitch).
 *
 * Owns: the scenario (parameters + flows), the run, and its results. docs/sim.md documents
 * every parameter, its default and where the default comes from; the scenario file format is
 * in docs/sim.md too and parsed by nsw_sim_scn.c.
 * Invariants: a run is a pure function of its scenario (seed included); every frame created is
 * at the end either delivered or dropped with a reason; the NIC of the nSwitch architecture
 * decides with the core (core/nsw_decide.h) on a real header, configured with core/nsw_ctl.h.
 * Who may touch it: nsw_sim_*.c, the tests in tests/sim and bench/bench_sim.c.
 */
#ifndef NSW_SIM_H
#define NSW_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nsw_sim_engine.h"
#include "nsw_types.h"

enum nsw_sim_arch {
	NSW_SIM_VSWITCH = 0, /* Fig. 1(a): software switch in the hypervisor */
	NSW_SIM_QBG = 1,     /* Fig. 1(b): VEPA NIC, reflective relay (hairpin) at the switch */
	NSW_SIM_QBH = 2,     /* Fig. 1(c): as (b) with an 802.1Qbh/802.1BR port extender hop */
	NSW_SIM_NSWITCH = 3, /* Fig. 1(d): the switch in the NIC, the core's decision */
	NSW_SIM_ARCH_MAX
};

enum nsw_sim_process {
	NSW_SIM_CONST = 0,
	NSW_SIM_POISSON,
	NSW_SIM_ONOFF,
	NSW_SIM_ACKS, /* a receiver's ACKs */
	NSW_SIM_TCP   /* closed loop: a window opened by ACKs */
};

/* Special endpoints of a flow. VMs are 0..vms-1. */
#define NSW_SIM_EXT 0xffffu    /* a host outside, behind the external switch */
#define NSW_SIM_MISS 0xfffeu   /* a vMAC of the NIC's OUI that no VF has */
#define NSW_SIM_RANDOM 0xfffdu /* a VM drawn per frame, not the sender */
#define NSW_SIM_NEXT 0xfffcu   /* VM i sends to VM i+1 (mod vms) */
#define NSW_SIM_PAIR 0xfffbu   /* VM i sends to VM i^1 */
#define NSW_SIM_ALL 0xfffau    /* src: one flow per VM */
#define NSW_SIM_BCAST 0xfff9u  /* dst: the broadcast address, flooded */

#define NSW_SIM_MAX_VMS (NSW_MAX_PFS * NSW_MAX_VFS)
#define NSW_SIM_MAX_SIZES 8
#define NSW_SIM_MAX_GROUPS 32
#define NSW_SIM_MAX_VSW 16
#define NSW_SIM_MIN_FRAME 64
#define NSW_SIM_MAX_FRAME 1518

/* One `flow` line of a scenario. */
struct nsw_sim_flow_spec {
	char name[32];
	uint16_t src, dst;
	uint8_t process;
	double rate;     /* bits/s of Ethernet frames (FCS included), or frames/s when pps */
	bool rate_pps;
	double on_ns, off_ns; /* on/off: mean on and off periods (exponential) */
	unsigned nsizes;
	uint16_t size[NSW_SIM_MAX_SIZES];
	double weight[NSW_SIM_MAX_SIZES];
	unsigned ack_every; /* the receiver returns a 64-byte frame every N frames (0: none) */
	unsigned wmax;      /* process=tcp: the receiver's window, in frames */
	bool spoof;         /* sends with a source MAC that is not its vMAC */
	uint8_t prio;       /* 802.1p class 0..7 of its frames (7 first in the NIC) */
	uint64_t start_ns;
};

struct nsw_sim_params {
	/* run */
	uint64_t seed;
	uint64_t duration_ns; /* sources stop creating frames after this */
	uint64_t warmup_ns;   /* statistics ignore frames created before this */
	uint64_t max_frames;  /* sources stop after this many frames in all (0: no limit) */
	int arch;
	/* topology */
	unsigned pfs, vfs, vms, cpus;
	double vm_load[NSW_SIM_MAX_VMS]; /* base CPU load of each VM, in CPUs */
	/* each VM's VF link state on the nSwitch NIC (enum nsw_vf_state; default enable): a VF
	 * held down sends nothing and is sent nothing, a flood's copy to it counted by the
	 * core's reason. The other architectures have no such state: ignored there */
	uint8_t vm_state[NSW_SIM_MAX_VMS];
	/* hypervisor switch (vSwitch) */
	double vsw_frame_ns, vsw_byte_ns, vsw_lat_ns, vsw_cpu_frac;
	unsigned vsw_threads, buf_vsw;
	/* host CPU spent at the VMs' ends of every path: the guest driver per frame sent and
	 * received (per frame and per byte); per interrupt, its injection and the guest's
	 * handler (irq_ns) and irq_exits VM exits of vm_exit_ns each; per NAPI poll
	 * napi_poll_ns: a poll takes up to napi_budget frames, a full one is repolled
	 * napi_poll_ns later without an interrupt, interrupts come back when a poll empties
	 * the ring.
	 * Interrupts are moderated: one fires when irq_frames frames wait or irq_timer_ns
	 * after the first of them, whichever comes first, and the VM sees its frames then */
	double drv_tx_ns, drv_tx_byte_ns, drv_rx_ns, drv_rx_byte_ns, irq_ns, irq_timer_ns;
	unsigned irq_frames;
	double vm_exit_ns, napi_poll_ns;
	unsigned irq_exits, napi_budget;
	/* the sending side: a VM's driver notifies the device (a kick: the doorbell write of an
	 * SR-IOV VF, the virtio/netfront notification of a vSwitch guest) once per `batch`
	 * frames, the first of each batch (the rest ride on it), and a vSwitch guest only
	 * when its backend is idle (EVENT_IDX); a kick costs kick_exits VM exits (vSwitch)
	 * or vf_kick_exits (a VF's doorbell) */
	unsigned kick_exits, vf_kick_exits;
	/* PCIe */
	unsigned pcie_gen, pcie_lanes, mps, mrrs, rcb, rcb_split;
	double tlp_ovh, cpl_ovh, desc_bytes, batch;
	double dma_rd_ns, pcie_lat_ns;
	/* PCIe flow control and read tags, as limits: the NIC's outstanding reads hold a tag
	 * each (rd_tags) and completion credits (fc_cpld, 16-byte units; 0: infinite) for
	 * dma_rd_ns; its read requests take non-posted header credits (fc_nph) and its writes
	 * posted header and data credits (fc_ph, fc_pd in 16-byte units) of the root port,
	 * which returns them fc_rtt_ns after the TLP left. 0 for a credit: infinite. */
	unsigned rd_tags, fc_ph, fc_pd, fc_nph, fc_cpld;
	double fc_rtt_ns;
	/* the NIC's own posted header and data credits, which a VM's doorbell write (a 4-byte
	 * MWr per kick) takes for fc_rtt_ns (0: infinite). A VF's MSI-X (a 4-byte MWr per
	 * interrupt) takes the root port's fc_ph and fc_pd as the DMA writes do. */
	unsigned fc_dev_ph, fc_dev_pd;
	unsigned tx_ring; /* frames a VM's TX ring holds while the NIC cannot fetch them */
	/* NIC */
	double nic_frame_ns, nic_lat_ns;
	double nic_acl_ns; /* the nSwitch NIC's ACL lookup, per frame, on top of nic_frame_ns */
	unsigned nic_buf, nic_txbuf; /* bytes of the NIC's RX and TX packet buffers */
	unsigned nic_tcs; /* traffic classes the TX buffer is split into (DCB): 1, 2, 4 or 8 */
	unsigned miss_drop; /* every PF drops a Table A miss in its NIC's OUIs (else: the port) */
	/* port, cable, external switch, port extender */
	double port_gbps, cable_m, prop_ns_m, sw_lat_ns, pe_lat_ns, etag_bytes;
	unsigned buf_port;
};

struct nsw_sim_scenario {
	struct nsw_sim_params p;
	unsigned nflows;
	struct nsw_sim_flow_spec flow[NSW_SIM_MAX_GROUPS];
};

/* Latency components, in the order of a frame's path. */
enum nsw_sim_phase {
	NSW_SIM_PH_VSW = 0, /* hypervisor switch: queue, CPU service, notification */
	NSW_SIM_PH_T1,      /* t1': VM to NIC over PCIe (doorbell, descriptor and data reads) */
	NSW_SIM_PH_TP,      /* tp': the NIC pipeline (decision included) */
	NSW_SIM_PH_WIRE,    /* NIC <-> external switch: serialization, cable, port extender */
	NSW_SIM_PH_SWITCH,  /* the external switch's egress to an outside host */
	NSW_SIM_PH_T4,      /* t4': NIC to VM over PCIe (data and descriptor writes, MSI-X) */
	NSW_SIM_PH_IRQ,     /* waiting in the VM's RX ring for the moderated interrupt */
	NSW_SIM_PH_MAX
};

/* The results of one flow line (all the flows it expanded to). */
struct nsw_sim_group {
	char name[40];
	uint64_t gen, out, drop;
	uint64_t bytes_win;      /* bytes delivered inside the measuring window */
	uint64_t gen_bytes_win;  /* bytes created inside the measuring window */
	struct nsw_sim_hist *lat; /* latency of the frames created inside the window, ns */
};

#define NSW_SIM_DROP_SIM_BASE NSW_DROP_MAX
enum nsw_sim_drop {
	NSW_SIM_DROP_NO_RELAY = NSW_SIM_DROP_SIM_BASE, /* hairpin at a switch without reflective relay */
	NSW_SIM_DROP_SW_UNKNOWN,                       /* the switch does not know the destination */
	NSW_SIM_DROP_VSW_UNKNOWN,                      /* the vSwitch does not know the destination */
	NSW_SIM_DROP_FULL,                             /* a buffer was full (per resource below) */
	NSW_SIM_DROP_FLOOD,                            /* a flood that reaches nobody */
	NSW_SIM_DROP_TX_RING, /* refused by the guest driver: its TX ring was full (the NIC's
				* buffer was full and the ring backed up) */
	NSW_SIM_DROP_NIC_BUF, /* a frame from the wire found the NIC's packet buffer full */
	NSW_SIM_DROP_MAX
};

#define NSW_SIM_MAX_RES 64

struct nsw_sim_result {
	int arch;
	unsigned ngroups;
	struct nsw_sim_group group[2 * NSW_SIM_MAX_GROUPS]; /* flows, then their ACK flows */
	struct nsw_sim_hist *lat_all;
	uint64_t gen, out, drop;
	uint64_t drops[NSW_SIM_DROP_MAX];
	unsigned nres;
	char res_name[NSW_SIM_MAX_RES][24];
	double res_util[NSW_SIM_MAX_RES];
	uint64_t res_drops[NSW_SIM_MAX_RES];
	double cpu_util;      /* host CPUs, 0..1 of all M CPUs */
	double vsw_cpu_util;  /* the part of cpu_util due to switching in the hypervisor */
	double io_cpu_util;   /* the part due to the VMs' drivers and interrupts */
	uint64_t irqs;        /* interrupts raised to VMs inside the window */
	uint64_t exits, polls; /* VM exits (interrupts' and kicks') and NAPI polls, in the window */
	uint64_t kicks;        /* transmit notifications (doorbells, virtio kicks), in the window */
	double exit_cpu_util, napi_cpu_util; /* the parts of io_cpu_util they are */
	double pcie_h2d_util, pcie_d2h_util, port_up_util, port_dn_util;
	/* Time spent in each phase, summed over all hops of that phase and averaged over the frames
	 * created in the window: without drops the phases add up to the mean latency. */
	double phase_mean[NSW_SIM_PH_MAX];
	uint64_t window_ns;
	uint64_t events;
	uint64_t end_ns; /* simulated time when the last frame left */
	uint64_t decisions; /* frames decided by the core */
	/* frames (or interrupts, for their MSI-X) that waited for PCIe read tags or flow-control
	 * credits, and how long in all (ns), by what they waited for: NSW_SIM_FC_* */
	uint64_t fc_waits[7];
	double fc_wait_ns[7];
};

/* The PCIe limits a DMA can wait for (nsw_sim_result.fc_*). */
enum nsw_sim_fc { NSW_SIM_FC_TAGS = 0, NSW_SIM_FC_CPLD, NSW_SIM_FC_NPH, NSW_SIM_FC_PH,
		  NSW_SIM_FC_PD, NSW_SIM_FC_DEV_PH, NSW_SIM_FC_DEV_PD, NSW_SIM_FC_MAX };
_Static_assert(NSW_SIM_FC_MAX == 7, "nsw_sim_result.fc_waits has a slot per limit");

/* Parameters. */
void nsw_sim_defaults(struct nsw_sim_scenario *s);
/* Bytes per ns of a PCIe link, line encoding included (gen 1..5). */
double nsw_sim_pcie_rate(unsigned gen, unsigned lanes);
/* Bytes per ns left for TLPs, per direction, once ACK and UpdateFC DLLPs and SKIP ordered sets
 * are taken out (0 for a width or MPS the specification's tables do not have). */
double nsw_sim_pcie_tlp_rate(const struct nsw_sim_params *p);
/* Bytes on the link for a DMA write of n bytes, and for a DMA read of n bytes (requests one
 * way, completions the other). */
double nsw_sim_pcie_write_bytes(const struct nsw_sim_params *p, double n);
void nsw_sim_pcie_read_bytes(const struct nsw_sim_params *p, double n, double *req,
			     double *cpl);
/* Effective Gb/s of back-to-back DMA writes (or reads) of size bytes, as pcie-model's
 * mem_bw.write() and read() compute it. */
double nsw_sim_pcie_dma_gbps(const struct nsw_sim_params *p, unsigned size, bool write);
/* Bytes that cross each direction of the PCIe link per frame of len octets (FCS included,
 * which never crosses PCIe) when a VF sends it (tx) and when a VF receives it (rx). */
void nsw_sim_pcie_bytes(const struct nsw_sim_params *p, unsigned len, double *tx_h2d,
			double *tx_d2h, double *rx_d2h, double *rx_h2d);
/* The nSwitch path at zero load, from the parameters alone (Fig. 8): t1', tp', t4' in ns. */
void nsw_sim_nswitch_zero_load(const struct nsw_sim_params *p, unsigned len, uint64_t *t1,
			       uint64_t *tp, uint64_t *t4);
const char *nsw_sim_arch_name(int arch);
const char *nsw_sim_phase_name(int ph);
const char *nsw_sim_drop_name(unsigned reason);

/* Scenario files (nsw_sim_scn.c). Errors are printed as "file:line: message" to err;
 * the functions return 0 or -1. */
int nsw_sim_scn_load(struct nsw_sim_scenario *s, const char *path, FILE *err);
int nsw_sim_scn_line(struct nsw_sim_scenario *s, const char *line, const char *file, int lineno,
		     FILE *err);
/* KEY=VALUE from the command line; flow keys as flow.NAME.KEY. */
int nsw_sim_scn_set(struct nsw_sim_scenario *s, const char *kv, FILE *err);

/* The options every nswitch-sim command takes: -s KEY=VALUE (up to 256), -c CSV, -l LABEL,
 * -q. Parses argv from optind 1 with getopt; -h calls help (when given). Returns the index of
 * the first operand, or -1 after writing what is wrong to err. */
#define NSW_SIM_MAX_SETS 256
struct nsw_sim_cli {
	const char *csv, *label, *sets[NSW_SIM_MAX_SETS];
	int nsets, quiet;
};
int nsw_sim_cli_parse(int argc, char **argv, struct nsw_sim_cli *o, void (*help)(void),
		      FILE *err);
/* Every parameter key with its default, unit and meaning, one a line (nswitch-sim --help). */
void nsw_sim_scn_help(FILE *f);
/* Whole-scenario checks (flows name VMs that exist, ...). */
int nsw_sim_scn_check(const struct nsw_sim_scenario *s, const char *file, FILE *err);

/* Runs the scenario. Returns 0, or -1 with a message on err (bad topology). The result owns
 * histograms: release with nsw_sim_result_free. */
int nsw_sim_run(const struct nsw_sim_scenario *s, struct nsw_sim_result *r, FILE *err);
void nsw_sim_result_free(struct nsw_sim_result *r);
/* Human-readable report, and CSV (one row per flow group and one "ALL" row). */
void nsw_sim_report(const struct nsw_sim_scenario *s, const struct nsw_sim_result *r, FILE *f);
void nsw_sim_csv_header(FILE *f);
void nsw_sim_csv_rows(const struct nsw_sim_scenario *s, const struct nsw_sim_result *r,
		      const char *label, FILE *f);

#endif
