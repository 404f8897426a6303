/* nsw_sim_model.h - what the parts of the simulator's model share, and nobody else: the model's
 * state (servers, routes, flows, statistics) and the functions that build it. The public face
 * is nsw_sim.h.
 *
 * The model is in four files: nsw_sim_pcie.c (parameters and the PCIe arithmetic: what a frame
 * costs on the bus), nsw_sim_routes.c (the servers and routes of each architecture of Fig. 1,
 * and the flows of a scenario), nsw_sim_model.c (the run: events through stages and
 * decisions), nsw_sim_report.c (the report and CSV rows). Invariants are stated where they are
 * kept: the FIFO order and conservation of frames in nsw_sim_model.c, the routes' shapes in
 * nsw_sim_routes.c. Who may touch it: the simulator's files only. */
#ifndef NSW_SIM_MODEL_H
#define NSW_SIM_MODEL_H

#include <stdio.h>

#include "nsw_sim.h"

#include "nsw_ctl.h"
#include "nsw_decide.h"
#include "nsw_fdb.h"


#define NONE16 0xffffu
#define MAX_ROUTES 64
#define MAX_STAGES 3
#define TAB_LEN (NSW_SIM_MAX_FRAME + 1)
#define EXT_PORT 0xffu
#define EXT_MAC 0x001122334455ull /* the outside host: a vendor OUI no PF owns */
#define ROUTE_RELEASE 0xffu /* an event that gives a frame's bytes back to the NIC's buffer */
#define ROUTE_IRQ 0xfeu     /* a VM's interrupt timer (stage 0) or NAPI repoll (stage 1);
			     * aux: the VM, flow: the batch */
#define ROUTE_DELIVER 0xfdu /* a flood copy delivered at once (the vSwitch's) */
#define NSW_SIM_POOL_RX 8u  /* the RX buffer's index among the NIC's buffers */
#define NSW_SIM_EV_HOLD_TX 1u /* the frame holds len bytes of the NIC's TX packet buffer */
#define NSW_SIM_EV_HOLD_RX 2u /* ... of its RX packet buffer */

/* What a stage does with the NIC's packet buffers (the NIC's backpressure, see
 * nsw_sim_model.c): a frame takes its bytes before a stage that moves it into the NIC and
 * gives them back when the stage that moves it out ends. */
enum nsw_sim_pool {
	POOL_NONE = 0,
	POOL_WAIT,    /* take TX buffer, or wait in the VM's TX ring (refused when it is full) */
	POOL_DROP,    /* take RX buffer, or drop: a frame from the wire cannot be held back */
	POOL_RELEASE, /* give back when this stage's service ends */
};

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

/* The PCIe limits a stage's DMA takes (nsw_sim_model.c, nsw_sim_fc_take). */
enum nsw_sim_fc_op {
	FC_NONE = 0,
	FC_READ,  /* the NIC fetches the frame: read requests (tags, completion and NP credits) */
	FC_WRITE, /* the NIC writes the frame to a VM: posted header and data credits */
};

/* A PCIe limit: cap units, each taken for `hold` ns. All holds of one limit are equally long
 * and taken in time order, so they come back in the order taken: a FIFO of (when, units).
 * Two limits that are always taken together, at the same time, for equally long holds (a
 * TLP's posted header and data credits; read tags and non-posted credits when their holds
 * are equal) may share one FIFO: the second is this one's lane 1 (cap2 > 0, its units u[1]),
 * so a DMA pushes and gives back one hold for both (nsw_sim_fc_pair). */
struct nsw_sim_credit {
	uint64_t cap, used, hold; /* cap 0: infinite */
	uint64_t cap2, used2;     /* lane 1: the paired limit's; cap2 0: no pair */
	struct nsw_sim_credit_hold {
		uint64_t t;
		uint32_t u[2]; /* units of each lane (a hold's units never exceed its cap) */
	} *ring;
	size_t head, n, rcap;
#ifdef NSW_SIM_SAN
	uint64_t san_now; /* the latest current time it was checked or taken at */
#endif
};

/* What a stage does beyond its server (struct nsw_sim_stage's todo, set by
 * nsw_sim_add_route from its other fields): most stages do none of it, and test one byte. */
enum nsw_sim_stage_do {
	NSW_SIM_DO_TAKE = 1,    /* pool is POOL_WAIT or POOL_DROP */
	NSW_SIM_DO_SIDE = 2,    /* side is a server */
	NSW_SIM_DO_FC = 4,      /* fc is not FC_NONE */
	NSW_SIM_DO_RELEASE = 8, /* pool is POOL_RELEASE */
	NSW_SIM_DO_MORE = NSW_SIM_DO_SIDE | NSW_SIM_DO_FC | NSW_SIM_DO_RELEASE,
	NSW_SIM_DO_LAST = 16,   /* the route's last stage: its operation follows */
};

/* A stage fills one 64-byte line, and a route four (its head in the first): a stage's
 * address is then a shift and an add of the event's route and stage, cheap enough that the
 * compiler's recomputing it around calls costs little. */
struct nsw_sim_stage {
	_Alignas(64) uint16_t res; /* server */
	uint16_t side;             /* the other-direction server charged, or NONE16 */
	uint8_t phase, pool, fc;
	uint8_t todo;       /* NSW_SIM_DO_*: derived from the fields around it */
	/* service = tab[len & tab_mask] + a + b * len, fixed point: a table per frame length
	 * (PCIe; a = b = 0), or a line (tab a single 0, tab_mask 0): no branch on the kind */
	const uint64_t *tab, *stab; /* stab: the side server's service per frame length */
	uint64_t a, b;
	uint32_t tab_mask;
	uint64_t post;              /* ns after the service: propagation, latency */
	struct nsw_sim_res *srv;    /* &s->res[res], so serving takes no index arithmetic */
};

struct nsw_sim_route {
	uint8_t n, op, arg;
	struct nsw_sim_stage st[MAX_STAGES];
};
_Static_assert(sizeof(struct nsw_sim_stage) == 64 && sizeof(struct nsw_sim_route) == 256,
	       "a stage's address is a shift and an add");

/* The fields every frame reads (when its source fires, at each stage, when it is seen) come
 * first, in the flow's first cache line (the array is 64-byte aligned): with 1000 flows the
 * array does not stay in L1, and a frame's flow should cost one line, not two. */
struct nsw_sim_flow {
	_Alignas(64) uint16_t src;
	uint16_t dst;
	uint8_t process, group, spoof, start_route, prio;
	uint8_t blocked;
	uint32_t data_flow; /* an ACK flow: the flow it acknowledges */
	uint32_t ack_flow, ack_every, ack_cnt;
	/* process=tcp: a window of frames in flight (slow start, then +1 per window; halved on a
	 * loss, once per window), paced at rate; blocked while the window is full */
	uint32_t inflight;
	double gap_ns, tnext, cwnd;
	/* the first line ends here (64 bytes) */
	double on_ns, off_ns, on_until;
	double ssthresh;
	uint32_t wmax;
	uint64_t sent, recover;
};
_Static_assert(__builtin_offsetof(struct nsw_sim_flow, cwnd) + sizeof(double) <= 64,
	       "a flow's hot fields in its first cache line");

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
	struct nsw_sim_evq h; /* the event queue */
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
	struct nsw_port vm_port[NSW_SIM_MAX_VMS]; /* its VF as the core's ingress: one load */
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
	/* the NIC's packet buffer and the TX rings that back up behind it */
	/* bytes of the TX packet buffer of each traffic class (0..nic_tcs-1), then of the RX one */
	uint64_t pool_cap[NSW_SIM_POOL_RX + 1], pool_used[NSW_SIM_POOL_RX + 1];
	uint8_t tc_of[8]; /* the TX buffer of each 802.1p class: prio * nic_tcs / 8 */
	/* frames waiting in TX rings: a FIFO per 802.1p class, fetched class 7 first */
	struct nsw_sim_wq {
		struct nsw_sim_ev *a;
		size_t head, n, cap;
	} wq[8];
	size_t wq_n;      /* waiting in all classes */
	uint32_t *ring_n; /* frames waiting per TX ring: 8 classes per VM, then the PF's 8 */
	/* interrupt moderation and NAPI per receiving VM: frames delivered but not yet seen, in
	 * a ring of delivery order (grown as needed: while NAPI polls, frames wait without
	 * bound but for the run's own) */
	struct nsw_sim_irq {
		uint64_t deadline; /* when the timer fires */
		uint64_t last;     /* the latest delivery waiting */
		uint32_t n, seq;   /* frames waiting; the batch (a stale timer's is older) */
		uint32_t head, cap; /* the ring w: cap a power of two */
		uint32_t napi;     /* 1: polling (interrupts off), a poll event is due */
		struct nsw_sim_ev *w;
	} *irq;
	uint64_t napi_ns;            /* napi_poll_ns, whole ns: when a full poll repolls */
	double io_cpu_ns;            /* drivers and interrupts inside the window */
	double exit_cpu_ns, napi_cpu_ns; /* the parts of io_cpu_ns that are exits and polls */
	uint64_t irq_timer;          /* irq_timer_ns, whole ns */
	/* the parameters every frame's driver, interrupt and poll read, copied from s->p: read
	 * through s, without first loading p */
	struct nsw_sim_host_cost {
		double drv_tx_ns, drv_tx_byte_ns, drv_rx_ns, drv_rx_byte_ns;
		double irq_ns, vm_exit_ns, napi_poll_ns;
		unsigned irq_frames, napi_budget, irq_exits, kick_exits, vf_kick_exits;
	} hc;
	struct nsw_sim_credit fc[NSW_SIM_FC_MAX]; /* indexed by NSW_SIM_FC_* */
	unsigned desc_left;          /* frames to fetch before the next descriptor batch's read */
	uint64_t fc_desc_cpl;        /* completion credits of a batch of descriptors */
	/* per frame length: read requests, completion credits, posted headers and data */
	uint16_t fc_rd_req[TAB_LEN], fc_rd_cpl[TAB_LEN], fc_wr_ph[TAB_LEN], fc_wr_pd[TAB_LEN];
	unsigned batch_n;            /* batch, whole frames */
	uint32_t *kick_left;         /* per VM: frames still riding on its last kick */
	uint64_t *kick_ready;        /* per VM: when its last doorbell got the NIC's credits */
	/* the header words nsw_process would take from nsw_frame_build's frame, put together
	 * from the MACs (see nsw_sim_hdr_words); hdr_fast once checked against the real path */
	bool hdr_fast;
	uint64_t hdr_c1, hdr_c2;
};

/* nsw_sim_model.c: takes u[i] units of each of n limits c[i] at time t, or later when all
 * have room (now: the current time, up to which what came back may be given back); returns
 * when. *by is set to i when limit i made it wait (else left alone). The rack's hosts use it. */
uint64_t nsw_sim_credits_take(struct nsw_sim_credit *const *c, const uint64_t *u, unsigned n,
			      uint64_t now, uint64_t t, int *by);

/* nsw_sim_pcie.c */
uint64_t nsw_sim_round_ns(double ns);
/* nsw_sim_routes.c: the servers and routes of s->arch; the flows of sc. 0, or -1 with a reason
 * written to err. */
int nsw_sim_build(struct nsw_sim *s, FILE *err);
int nsw_sim_flows(struct nsw_sim *s, const struct nsw_sim_scenario *sc);
uint8_t nsw_sim_start_route(const struct nsw_sim *s, uint16_t src);

#endif
