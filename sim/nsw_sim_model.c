/* nsw_sim_model.c - the run loop of nswitch-sim (the model is built by nsw_sim_routes.c).
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
 *  - A frame ends delivered or dropped, never lost: gen == out + drop once the event queue drains.
 *  - Backpressure: the NIC has a TX packet buffer (nic_txbuf bytes) and an RX one (nic_buf),
 *    as real NICs do. A frame takes TX bytes before the NIC fetches it from a VM, RX bytes
 *    when it arrives from the wire, and gives them back when its DMA write to a VM, or its
 *    transmission on the port, ends (separate buffers: frames waiting to go out can never
 *    starve the frames coming in). The NIC fetches only what it can hold: a VM's frame that
 *    finds the TX buffer full waits in the VM's TX ring (host memory, no bus used) and is
 *    refused by the guest driver when that ring is full (tx_ring_full); a frame from the
 *    wire that finds the RX buffer full is dropped on entry (nic_buffer_full). So a frame
 *    never spends PCIe bandwidth on a crossing it will not finish, and overload cannot make
 *    delivered throughput fall below what the bus carries.
 *    Waiting frames are fetched as bytes come back: 802.1p class 7 first (strict priority),
 *    each class in arrival order.
 * Who may touch it: the simulator's owners; parameters come from the scenario, never from
 * constants here (defaults are in nsw_sim_defaults and documented in docs/sim.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nsw_sim_model.h"

#include "../lib/nsw_frames.h"

/* ---- the run ---- */

/* A source's time (a non-negative real) to whole ns, to nearest: cheaper than llround, and
 * the same on every compiler (IEEE double addition). */
static inline uint64_t nsw_sim_t_of(double t)
{
	return (uint64_t)(t + 0.5);
}

/* A duration d (ns: d < 2^63, some 292 years) as a double, for the sums of waits: through
 * int64_t, one conversion instruction where uint64_t's takes a test of the top bit and a
 * branch (x86-64 without AVX-512); below 2^63 both are the same value, rounded alike. */
static inline double nsw_sim_ns_d(uint64_t d)
{
	return (double)(int64_t)d;
}

static inline bool nsw_sim_in_window(const struct nsw_sim *s, uint64_t t0)
{
	return t0 >= s->warmup && t0 <= s->dur;
}

/* The traffic class whose TX buffer a frame uses: its 802.1p class, folded onto nic_tcs. */
static inline unsigned nsw_sim_tc_of(const struct nsw_sim *s, unsigned prio)
{
	return s->tc_of[prio];
}

static inline void nsw_sim_release_at(struct nsw_sim *s, struct nsw_sim_ev *e, uint64_t t)
{
	unsigned pool = (e->flags & NSW_SIM_EV_HOLD_RX) ? NSW_SIM_POOL_RX
							 : nsw_sim_tc_of(s, s->flow[e->flow].prio);
	struct nsw_sim_ev rel = {.t = t, .len = e->len, .route = ROUTE_RELEASE,
				 .stage = (uint8_t)pool};
	e->flags &= (uint16_t) ~(NSW_SIM_EV_HOLD_TX | NSW_SIM_EV_HOLD_RX);
	nsw_sim_evq_push(&s->h, &rel);
}

static void nsw_sim_tcp_done(struct nsw_sim *s, uint32_t fi, uint32_t n, bool lost, uint64_t t);

/* A frame dropped at time t; if it held bytes of the NIC's buffer they come back then. */
static inline void nsw_sim_drop(struct nsw_sim *s, struct nsw_sim_ev *e, unsigned reason,
				uint64_t t)
{
	struct nsw_sim_flow *f = &s->flow[e->flow];
	s->r->drops[reason]++;
	s->r->group[f->group].drop++;
	if (e->flags & (NSW_SIM_EV_HOLD_TX | NSW_SIM_EV_HOLD_RX))
		nsw_sim_release_at(s, e, t);
	if (f->process == NSW_SIM_TCP) /* the sender learns of the loss (fast retransmit) */
		nsw_sim_tcp_done(s, e->flow, 1, true, t);
	else if (f->data_flow != UINT32_MAX && s->flow[f->data_flow].process == NSW_SIM_TCP)
		nsw_sim_tcp_done(s, f->data_flow, s->flow[f->data_flow].ack_every, true, t);
}

static inline uint64_t nsw_sim_dst_mac(const struct nsw_sim *s, uint16_t dst)
{
	if (dst < s->vms) /* a VM, nearly always: one test */
		return s->vm_mac[dst];
	if (dst == NSW_SIM_EXT)
		return EXT_MAC;
	if (dst == NSW_SIM_MISS)
		return s->miss_mac;
	if (dst == NSW_SIM_BCAST)
		return 0xffffffffffffull;
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
	nsw_sim_evq_push(&s->h, e);
}

/* ---- process=tcp: a window-limited source ---- */

/* The window has room again at time t: a blocked source resumes (its next frame at t, or at
 * its pacing time if that is later). */
static void nsw_sim_tcp_kick(struct nsw_sim *s, uint32_t fi, uint64_t t)
{
	struct nsw_sim_flow *f = &s->flow[fi];
	if (!f->blocked || f->inflight >= (uint32_t)f->cwnd)
		return;
	f->blocked = 0;
	if (f->tnext < (double)t)
		f->tnext = (double)t;
	struct nsw_sim_ev g = {.t = nsw_sim_t_of(f->tnext), .flow = fi};
	if (g.t <= s->dur)
		nsw_sim_evq_push(&s->h, &g);
}

/* n of flow fi's frames left the network at time t: acknowledged, or lost. */
static void nsw_sim_tcp_done(struct nsw_sim *s, uint32_t fi, uint32_t n, bool lost, uint64_t t)
{
	struct nsw_sim_flow *f = &s->flow[fi];
	f->inflight -= n < f->inflight ? n : f->inflight;
	double floor = f->ack_every > 2 ? f->ack_every : 2; /* the receiver must get to ACK */
	if (lost) {
		if (f->sent > f->recover) { /* once per window: the frames sent since the last */
			f->ssthresh = f->cwnd / 2 > floor ? f->cwnd / 2 : floor;
			f->cwnd = f->ssthresh;
			f->recover = f->sent + f->inflight;
		}
	} else {
		f->cwnd += f->cwnd < f->ssthresh ? n : (double)n / f->cwnd;
		if (f->cwnd > f->wmax)
			f->cwnd = f->wmax;
	}
	nsw_sim_tcp_kick(s, fi, t);
}

/* CPU time spent at time t counts when t is inside the window. */
static inline void nsw_sim_cpu(struct nsw_sim *s, uint64_t t, double ns)
{
	if (t >= s->warmup && t <= s->dur)
		s->io_cpu_ns += ns;
}

/* VM vm's driver sends a frame at time t: the driver's cost, and a kick if the frame opens a
 * batch. The first frame of every `batch` frames kicks (notifies the device); the next
 * batch - 1 ride on it (Linux's xmit_more defers the notification to a batch): so an SR-IOV
 * VF's driver rings frames / batch doorbells. A vSwitch guest's virtio ring also has
 * EVENT_IDX: the backend asks for no notification while it works and re-enables it when it
 * has emptied the ring, so the guest kicks only when the backend (its switching thread) is
 * idle: frames x (1 - its utilization) / batch. A kick costs VM exits (kick_exits for a
 * paravirtual vSwitch guest, whose notification traps; vf_kick_exits for an SR-IOV VF, whose
 * doorbell page is mapped into the guest). */
static inline void nsw_sim_doorbell(struct nsw_sim *s, uint32_t vm, uint64_t t);

static inline void nsw_sim_tx(struct nsw_sim *s, uint32_t vm, uint16_t len, uint64_t t)
{
	const struct nsw_sim_host_cost *p = &s->hc;
	/* read once: for the compiler the store to kick_left (unsigned) may change arch (int) */
	const bool vsw = s->arch == NSW_SIM_VSWITCH;
	double ns = p->drv_tx_ns + p->drv_tx_byte_ns * len;
	if (s->kick_left[vm]) {
		s->kick_left[vm]--;
		return nsw_sim_cpu(s, t, ns);
	}
	if (!vsw)
		nsw_sim_doorbell(s, vm, t);
	s->kick_left[vm] = s->batch_n - 1;
	if (vsw) {
		const struct nsw_sim_route *r = &s->route[nsw_sim_start_route(s, (uint16_t)vm)];
		if (s->res[r->st[0].res].free_fx > nsw_sim_fx(t)) /* busy: it will see the frame */
			return nsw_sim_cpu(s, t, ns);
	}
	unsigned ex = vsw ? p->kick_exits : p->vf_kick_exits;
	double exit_ns = p->vm_exit_ns * ex;
	if (t >= s->warmup && t <= s->dur) {
		s->r->kicks++;
		s->r->exits += ex;
		s->exit_cpu_ns += exit_ns;
	}
	nsw_sim_cpu(s, t, ns + exit_ns);
}

/* What the receiver needs of a frame's flow, taken when the frame is delivered (its flow's
 * line is read then) and kept with the frame while it waits in a VM's ring, where its route
 * and stage mean nothing more: the group, and whether the flow has ACKs or acknowledges a TCP
 * flow (plain: neither). The receiver, an interrupt later, then does not load the line again
 * (a random source's, out of L1 by then: 2.5% of the run's CPU samples). */
static inline bool nsw_sim_flow_plain(const struct nsw_sim_flow *f)
{
	return f->data_flow == UINT32_MAX && !f->ack_every;
}

/* The receiver sees the frame at time t (it was delivered at e->t): latency, the time spent
 * waiting for the interrupt, and the receiver's ACK. grp and plain: of the frame's flow. */
static void nsw_sim_seen(struct nsw_sim *s, const struct nsw_sim_ev *e, uint64_t t, unsigned grp,
			 bool plain)
{
	struct nsw_sim_group *g = &s->r->group[grp];
	if (nsw_sim_in_window(s, e->t0)) {
		nsw_sim_hist_add(g->lat, t - e->t0);
		/* every group's latency is also all groups': that histogram's counts, buckets and
		 * extremes are the groups' summed once at the end (nsw_sim_lat_fold), only its sum
		 * is kept here, in frame order, as a sum of doubles is rounded in its order */
		s->r->lat_all->sum += (double)(t - e->t0);
		s->phase_sum[NSW_SIM_PH_IRQ] += nsw_sim_ns_d(t - e->t);
	}
	if (plain)
		return;
	struct nsw_sim_flow *f = &s->flow[e->flow];
	if (f->data_flow != UINT32_MAX && s->flow[f->data_flow].process == NSW_SIM_TCP)
		nsw_sim_tcp_done(s, f->data_flow, s->flow[f->data_flow].ack_every, false, t);
	if (f->ack_every && ++f->ack_cnt == f->ack_every) {
		f->ack_cnt = 0;
		struct nsw_sim_flow *a = &s->flow[f->ack_flow];
		/* the receiver: a VM, or else the outside host (a broadcast's or a miss's copy
		 * that left by the port still carries that address as its destination) */
		uint32_t rcv = e->dst < s->vms ? e->dst : NSW_SIM_EXT;
		struct nsw_sim_ev ack = {.t = t, .t0 = t, .flow = f->ack_flow, .aux = rcv,
					 .len = NSW_SIM_MIN_FRAME, .dst = (uint16_t)e->aux};
		s->r->group[a->group].gen++;
		if (nsw_sim_in_window(s, t)) {
			s->r->group[a->group].gen_bytes_win += ack.len;
			s->gen_win++;
		}
		uint64_t ta = t;
		if (ack.aux != NSW_SIM_EXT) {
			nsw_sim_tx(s, ack.aux, ack.len, t);
			if (s->kick_ready[ack.aux] > ta)
				ta = s->kick_ready[ack.aux];
		}
		nsw_sim_next(s, &ack, nsw_sim_start_route(s, ack.aux), ta);
	}
}

/* Appends a frame to VM q's waiting ring (grown by doubling from irq_frames' power of two).
 * An empty ring starts again at slot 0: a VM's frames usually wait alone (an interrupt each),
 * so each VM then reuses one slot, one cache line, instead of cycling through its ring's
 * lines, which for 1000 VMs do not stay in cache. */
static struct nsw_sim_ev *nsw_sim_irq_push(struct nsw_sim_irq *q, const struct nsw_sim_ev *e,
					   unsigned min)
{
	if (!q->n)
		q->head = 0;
	if (q->n == q->cap) {
		uint32_t cap = q->cap ? 2 * q->cap : 1;
		while (cap < min)
			cap *= 2;
		struct nsw_sim_ev *a = malloc((size_t)cap * sizeof *a);
		if (!a) {
			fprintf(stderr, "nswitch-sim: out of memory for %u waiting frames\n", cap);
			exit(3);
		}
		for (uint32_t i = 0; i < q->n; i++)
			a[i] = q->w[(q->head + i) & (q->cap - 1)];
		free(q->w);
		q->w = a;
		q->head = 0;
		q->cap = cap;
	}
	struct nsw_sim_ev *w = &q->w[(q->head + q->n++) & (q->cap - 1)];
	nsw_sim_ev_copy(w, e);
	return w;
}

/* A NAPI poll of VM vm at time t (win: t is inside the window; interrupts are off while it
 * polls): napi_poll_ns of CPU, and the VM sees up to napi_budget of its waiting frames. A
 * poll that used its whole budget is scheduled again napi_poll_ns later without an interrupt
 * (Linux's napi_poll: a driver returning its budget stays on the poll list), and takes what
 * arrived meanwhile; a poll that did not (the ring is empty) completes, and interrupts are on
 * again: the next frame waits for a moderated interrupt. */
static inline void nsw_sim_napi_poll_at(struct nsw_sim *s, uint32_t vm, uint64_t t, bool win)
{
	const struct nsw_sim_host_cost *p = &s->hc;
	struct nsw_sim_irq *q = &s->irq[vm];
	uint32_t k = q->n < p->napi_budget ? q->n : p->napi_budget;
	if (win) {
		s->r->polls++;
		s->napi_cpu_ns += p->napi_poll_ns;
		s->io_cpu_ns += p->napi_poll_ns;
	}
	for (uint32_t i = 0; i < k; i++) {
		/* seen in its slot, not copied out: nothing the receiver does writes a VM's ring
		 * (its ACK is an event), so the slot stays as it is while seen reads it */
		const struct nsw_sim_ev *w = &q->w[q->head];
		q->head = (q->head + 1) & (q->cap - 1);
		q->n--;
		nsw_sim_seen(s, w, w->t > t ? w->t : t, w->route, w->stage);
	}
	if (k < p->napi_budget) {
		q->napi = 0;
		return;
	}
	struct nsw_sim_ev ev = {.t = t + s->napi_ns, .flow = q->seq, .aux = vm,
				.route = ROUTE_IRQ, .stage = 1};
	nsw_sim_evq_push(&s->h, &ev);
}

/* A repoll (the run loop's NAPI event): the same, its time's window tested here. */
static void nsw_sim_napi_poll(struct nsw_sim *s, uint32_t vm, uint64_t t)
{
	nsw_sim_napi_poll_at(s, vm, t, nsw_sim_in_window(s, t));
}

static inline uint64_t nsw_sim_msix(struct nsw_sim *s, uint64_t t);

/* VM vm's interrupt fires at time t (a VF's: when its MSI-X got its credits): its injection, handler and exits, and NAPI polls until
 * the VM's ring is empty. */
static void nsw_sim_irq_fire(struct nsw_sim *s, uint32_t vm, uint64_t t)
{
	struct nsw_sim_irq *q = &s->irq[vm];
	const struct nsw_sim_host_cost *p = &s->hc;
	if (s->arch != NSW_SIM_VSWITCH)
		t = nsw_sim_msix(s, t);
	q->seq++;
	/* the interrupt and the poll it starts are at one time: one test of the window */
	const bool win = nsw_sim_in_window(s, t);
	if (win) {
		double exit_ns = p->vm_exit_ns * p->irq_exits;
		s->r->irqs++;
		s->r->exits += p->irq_exits;
		s->exit_cpu_ns += exit_ns;
		s->io_cpu_ns += p->irq_ns + exit_ns;
	}
	q->napi = 1;
	nsw_sim_napi_poll_at(s, vm, t, win);
}

/* A frame is in VM vm's memory at time t: the driver's receive cost, and it waits for the
 * interrupt (the timer's, or the one the irq_frames-th frame raises), or, while the VM polls,
 * for the next poll. Deliveries to one VM come in time order (one FIFO path), and a timer
 * still pending here has not fired yet, so every time used below is at or after the event
 * being processed. */
static void nsw_sim_to_vm(struct nsw_sim *s, struct nsw_sim_ev *e, uint32_t vm, uint64_t t,
			  const struct nsw_sim_flow *f)
{
	const struct nsw_sim_host_cost *p = &s->hc;
	struct nsw_sim_irq *q = &s->irq[vm];
	nsw_sim_cpu(s, t, p->drv_rx_ns + p->drv_rx_byte_ns * e->len);
	if (!q->napi && q->n && t > q->deadline)
		nsw_sim_irq_fire(s, vm, q->deadline);
	e->t = t;
	struct nsw_sim_ev *w = nsw_sim_irq_push(q, e, p->irq_frames);
	w->route = f->group; /* for the receiver (nsw_sim_flow_plain) */
	w->stage = nsw_sim_flow_plain(f);
	if (q->napi) /* a poll is due and will take it: no interrupt */
		return;
	/* with several vSwitch threads a VM's deliveries may come slightly out of order: the
	 * interrupt never fires before a frame it reports */
	q->last = q->n == 1 || t > q->last ? t : q->last;
	if (q->n >= p->irq_frames)
		return nsw_sim_irq_fire(s, vm, q->last);
	if (q->n == 1) {
		q->deadline = t + s->irq_timer;
		struct nsw_sim_ev tm = {.t = q->deadline, .flow = q->seq, .aux = vm,
					.route = ROUTE_IRQ};
		nsw_sim_evq_push(&s->h, &tm);
	}
}

/* Inlined where a frame is delivered (a route's last operation, a flood's copy): the count
 * is made there, and the VM's receive (nsw_sim_to_vm) is the one call left (gcc keeps it out
 * of line, clang inlines it). As a function of its own it cost 7 instructions an event more
 * with gcc, 4.5 with clang (callgrind, vm1000). */
static inline __attribute__((always_inline)) void nsw_sim_deliver(struct nsw_sim *s,
								   struct nsw_sim_ev *e,
								   uint64_t t, bool to_vm)
{
	struct nsw_sim_flow *f = &s->flow[e->flow];
	struct nsw_sim_group *g = &s->r->group[f->group];
	g->out++;
	/* Throughput counts what leaves inside the window, whenever it was created: a backlog
	 * drained after the window is not throughput. */
	if (t >= s->warmup && t <= s->dur)
		g->bytes_win += e->len;
	if (t > s->r->end_ns)
		s->r->end_ns = t;
	if (to_vm)
		return nsw_sim_to_vm(s, e, e->dst, t, f);
	e->t = t;
	nsw_sim_seen(s, e, t, f->group, nsw_sim_flow_plain(f));
}

/* ---- floods: a broadcast becomes copies, each a frame of its own from there on ----
 * The copies replace the frame: its flow counts the extra copies as created (so created =
 * delivered + dropped still holds, and delivered counts every copy), a flood that reaches
 * nobody is dropped (flood_no_receiver). Copies made in the NIC take RX-buffer bytes each (a
 * copy that finds the buffer full is dropped, nic_buffer_full); the original gives its bytes
 * back when it is replicated. A receiver the core gives no copy (nsw_flood_to_vf: its VF's
 * link held down) is a copy dropped by the core's reason, as the data path counts it. */
struct nsw_sim_flood {
	struct nsw_sim_ev orig;
	unsigned n;
};

static void nsw_sim_flood_begin(struct nsw_sim_flood *fl, const struct nsw_sim_ev *e)
{
	fl->orig = *e;
	fl->orig.flags = 0;
	fl->n = 0;
}

/* The flood's next copy, to dst: every copy after the first is one frame more. */
static struct nsw_sim_ev nsw_sim_flood_next(struct nsw_sim *s, struct nsw_sim_flood *fl,
					   uint16_t dst)
{
	struct nsw_sim_ev c = fl->orig;
	c.dst = dst;
	if (fl->n++) {
		s->r->group[s->flow[c.flow].group].gen++;
		if (nsw_sim_in_window(s, c.t0))
			s->gen_win++;
	}
	return c;
}

static void nsw_sim_flood_copy(struct nsw_sim *s, struct nsw_sim_flood *fl, uint16_t dst,
			       uint8_t route, uint64_t t, bool in_nic)
{
	struct nsw_sim_ev c = nsw_sim_flood_next(s, fl, dst);
	if (in_nic) {
		if (s->pool_used[NSW_SIM_POOL_RX] + c.len > s->pool_cap[NSW_SIM_POOL_RX])
			return nsw_sim_drop(s, &c, NSW_SIM_DROP_NIC_BUF, t);
		s->pool_used[NSW_SIM_POOL_RX] += c.len;
		c.flags |= NSW_SIM_EV_HOLD_RX;
	}
	if (route == ROUTE_DELIVER) /* the vSwitch's copy into a VM */
		return nsw_sim_deliver(s, &c, t, true);
	nsw_sim_next(s, &c, route, t);
}

/* A receiver of the flood that gets no copy (the core's reason): a copy made and dropped at
 * once, so that the data path's count of it, by reason, is the simulator's too. */
static void nsw_sim_flood_refuse(struct nsw_sim *s, struct nsw_sim_flood *fl, uint16_t dst,
				 unsigned reason, uint64_t t)
{
	struct nsw_sim_ev c = nsw_sim_flood_next(s, fl, dst);
	nsw_sim_drop(s, &c, reason, t);
}

/* Ends a flood: the original frame is replaced by its copies (or dropped if there are none). */
static void nsw_sim_flood_end(struct nsw_sim *s, struct nsw_sim_flood *fl, struct nsw_sim_ev *e,
			      uint64_t t)
{
	if (!fl->n)
		return nsw_sim_drop(s, e, NSW_SIM_DROP_FLOOD, t);
	if (e->flags & (NSW_SIM_EV_HOLD_TX | NSW_SIM_EV_HOLD_RX))
		nsw_sim_release_at(s, e, t);
}

/* Copies to every VM on PF pf but the sender: the VEPA NIC's SR-IOV receive (the nSwitch
 * NIC's floods follow the core, nsw_flood_to_vf). */
static void nsw_sim_flood_pf(struct nsw_sim *s, struct nsw_sim_flood *fl, unsigned pf,
			     uint32_t sender, uint8_t route, uint64_t t, bool in_nic)
{
	for (unsigned vf = 0; vf < NSW_MAX_VFS; vf++) {
		uint16_t vm = s->vm_at[pf][vf];
		if (vm != NONE16 && vm != sender)
			nsw_sim_flood_copy(s, fl, vm, route, t, in_nic);
	}
}

/* The header words of the frame the NIC decides on: nsw_frame_build's untagged IPv4 frame
 * from dst to src, as nsw_hdr_words packs its first NSW_HDR_MAX octets (big-endian, 8 a word).
 * That packing puts dst in octets 0-5 and src in 6-11, the rest not depending on either, so
 * the words are dst and src shifted into place plus the constant tail (hdr_c1, hdr_c2);
 * nsw_sim_hdr_check compares the two ways before the run and keeps the fast one only if they
 * agree. The fast one spares a byte-by-byte build and pack per decision. */
static inline void nsw_sim_hdr_words(const struct nsw_sim *s, uint64_t dst, uint64_t src,
				     uint32_t len, bool fast, uint64_t w[NSW_HDR_WORDS])
{
	if (fast && len >= NSW_HDR_MAX) {
		dst &= NSW_MAC_MASK;
		src &= NSW_MAC_MASK;
		w[0] = dst << 16 | src >> 32;
		w[1] = src << 32 | s->hdr_c1;
		w[2] = s->hdr_c2;
		return;
	}
	/* zeroed: the header words take NSW_HDR_MAX octets, the build writes the first 14 */
	uint8_t buf[NSW_SIM_MIN_FRAME] = {0};
	nsw_frame_build(buf, sizeof buf, dst, src, NSW_NOTAG, NSW_NOTAG, 0x0800, 0);
	nsw_hdr_words(buf, len, w);
}

_Static_assert(NSW_HDR_WORDS == 3 && NSW_HDR_MAX > 12 && NSW_HDR_MAX <= 24,
	       "nsw_sim_hdr_words: the header is three words, the MACs in the first 12 octets");

/* Whether the fast header words equal nsw_hdr_words on nsw_frame_build's frame for the
 * addresses the run uses (every VM's, spoofed too, the outside host's, the miss and
 * broadcast ones) and a stream of random ones. */
static bool nsw_sim_hdr_check(struct nsw_sim *s)
{
	uint64_t w[NSW_HDR_WORDS], c[NSW_HDR_WORDS];
	nsw_sim_hdr_words(s, 0, 0, NSW_SIM_MIN_FRAME - 4, false, c);
	if (c[0] || c[1] >> 32)
		return false;
	s->hdr_c1 = c[1];
	s->hdr_c2 = c[2];
	struct nsw_sim_rng r;
	nsw_sim_rng_seed(&r, 1);
	for (uint32_t i = 0; i < s->vms + 4096; i++) {
		uint64_t m[4] = {EXT_MAC, s->miss_mac, 0xffffffffffffull,
				 nsw_sim_rng_u64(&r) & NSW_MAC_MASK};
		uint64_t a = i < s->vms ? s->vm_mac[i] : m[i % 4];
		uint64_t b = i < s->vms ? s->vm_mac[(i * 7 + 1) % s->vms] ^ (i & 1 ? 0x80 : 0)
					: nsw_sim_rng_u64(&r) & NSW_MAC_MASK;
		for (unsigned k = 0; k < 2; k++) {
			uint64_t d = k ? b : a, sr = k ? a : b;
			nsw_sim_hdr_words(s, d, sr, NSW_SIM_MIN_FRAME - 4, false, c);
			nsw_sim_hdr_words(s, d, sr, NSW_SIM_MIN_FRAME - 4, true, w);
			if (memcmp(c, w, sizeof w))
				return false;
		}
	}
	return true;
}

/* The NIC's decision: the core, on a header built the way the tests build theirs. */
static void nsw_sim_nsw_decide(struct nsw_sim *s, struct nsw_sim_ev *e, struct nsw_port in,
			       uint64_t t)
{
	uint64_t w[NSW_HDR_WORDS];
	struct nsw_frame f;
	struct nsw_verdict v;
	nsw_sim_hdr_words(s, nsw_sim_dst_mac(s, e->dst), nsw_sim_src_mac(s, e), e->len - 4u,
			  s->hdr_fast, w);
	nsw_process_hdr(&s->nic, in, w, e->len - 4u, &f, &v);
	s->r->decisions++;
	switch (v.action) {
	case NSW_ACT_VF:
		e->dst = s->vm_at[v.pf][v.vf];
		return nsw_sim_next(s, e, s->r_vf_rx[v.pf], t);
	case NSW_ACT_UPLINK:
		return nsw_sim_next(s, e, s->r_up[v.pf], t);
	case NSW_ACT_DROP:
		return nsw_sim_drop(s, e, v.reason, t);
	case NSW_ACT_FLOOD: {
		/* the core's flood: each VM's VF as nsw_flood_to_vf says (every VF has its
		 * device here: a VM), and port v.pf */
		struct nsw_sim_flood fl;
		nsw_sim_flood_begin(&fl, e);
		for (unsigned q = 0; q < s->p->pfs; q++)
			for (unsigned vf = 0; vf < NSW_MAX_VFS; vf++) {
				uint16_t vm = s->vm_at[q][vf];
				if (vm == NONE16)
					continue;
				uint8_t why = nsw_flood_to_vf(&s->nic, &v, q, vf, true);
				if (why == NSW_DROP_NONE)
					nsw_sim_flood_copy(s, &fl, vm, s->r_vf_rx[q], t, true);
				else if (why != NSW_FLOOD_OUTSIDE)
					nsw_sim_flood_refuse(s, &fl, vm, why, t);
			}
		if (v.pf != NSW_NONE)
			nsw_sim_flood_copy(s, &fl, e->dst, s->r_up[v.pf], t, true);
		return nsw_sim_flood_end(s, &fl, e, t);
	}
	default:
		return nsw_sim_drop(s, e, NSW_SIM_DROP_FLOOD, t);
	}
}

/* The operations that are not a plain call (lookups, floods, a push): out of line, so that
 * nsw_sim_op, which every route ends in, saves no registers for them (it only jumps). */
static __attribute__((noinline)) void nsw_sim_op_more(struct nsw_sim *s,
						      const struct nsw_sim_route *r,
						      struct nsw_sim_ev *e, uint64_t t)
{
	switch (r->op) {
	case OP_VEPA_TX:
		/* 802.1Qbg VEPA: every frame goes to the adjacent bridge. */
		return nsw_sim_next(s, e, s->r_up[r->arg], t);
	case OP_NIC_RX: {
		if (s->arch == NSW_SIM_VSWITCH)
			return nsw_sim_next(s, e, s->r_pf_rx, t);
		if (e->dst == NSW_SIM_BCAST) {
			/* SR-IOV receive of a broadcast: every VF of the PF, but (VEPA) never
			 * the VF that sent it */
			struct nsw_sim_flood fl;
			nsw_sim_flood_begin(&fl, e);
			nsw_sim_flood_pf(s, &fl, r->arg, e->aux, s->r_vf_rx[r->arg], t, true);
			return nsw_sim_flood_end(s, &fl, e, t);
		}
		uint64_t slot = nsw_fdb_find(&s->nic.fdb, nsw_sim_dst_mac(s, e->dst));
		if (!slot || nsw_fdb_slot_pf(slot) != r->arg)
			return nsw_sim_drop(s, e, NSW_DROP_RX_MISS, t);
		e->dst = s->vm_at[nsw_fdb_slot_pf(slot)][nsw_fdb_slot_vf(slot)];
		return nsw_sim_next(s, e, s->r_vf_rx[r->arg], t);
	}
	case OP_SWITCH: {
		if (e->dst == NSW_SIM_EXT)
			return nsw_sim_next(s, e, s->r_ext_out, t);
		if (e->dst == NSW_SIM_BCAST) {
			/* the external switch floods: every port but the ingress one (with
			 * reflective relay, that one too) and the outside host */
			struct nsw_sim_flood fl;
			nsw_sim_flood_begin(&fl, e);
			bool relay = s->arch == NSW_SIM_QBG || s->arch == NSW_SIM_QBH;
			unsigned nports = s->arch == NSW_SIM_VSWITCH ? 1 : s->p->pfs;
			for (unsigned q = 0; q < nports; q++)
				if (q != r->arg || relay)
					nsw_sim_flood_copy(s, &fl, e->dst, s->r_dn[q], t, false);
			if (r->arg != EXT_PORT)
				nsw_sim_flood_copy(s, &fl, e->dst, s->r_ext_out, t, false);
			return nsw_sim_flood_end(s, &fl, e, t);
		}
		if (e->dst >= s->vms)
			return nsw_sim_drop(s, e, NSW_SIM_DROP_SW_UNKNOWN, t);
		unsigned q = s->arch == NSW_SIM_VSWITCH ? 0 : s->vm_pf[e->dst];
		bool relay = s->arch == NSW_SIM_QBG || s->arch == NSW_SIM_QBH;
		if (q == r->arg && !relay)
			return nsw_sim_drop(s, e, NSW_SIM_DROP_NO_RELAY, t);
		return nsw_sim_next(s, e, s->r_dn[q], t);
	}
	case OP_TO_VSW:
		return nsw_sim_next(s, e, s->r_vsw[e->dst % s->p->vsw_threads], t);
	case OP_VSW: {
		if (e->dst == NSW_SIM_BCAST) {
			/* the vSwitch floods: every VM but the sender, and out of the PF unless
			 * the frame came in from it */
			struct nsw_sim_flood fl;
			nsw_sim_flood_begin(&fl, e);
			for (uint16_t vm = 0; vm < s->vms; vm++)
				if (vm != e->aux)
					nsw_sim_flood_copy(s, &fl, vm, ROUTE_DELIVER, t, false);
			if (e->aux != NSW_SIM_EXT)
				nsw_sim_flood_copy(s, &fl, e->dst, s->r_pf_tx, t, false);
			return nsw_sim_flood_end(s, &fl, e, t);
		}
		uint64_t mac = nsw_sim_dst_mac(s, e->dst);
		uint64_t slot = nsw_fdb_find(&s->vsw_fdb, mac);
		if (slot) {
			e->dst = s->vm_at[nsw_fdb_slot_pf(slot)][nsw_fdb_slot_vf(slot)];
			return nsw_sim_deliver(s, e, t, true);
		}
		if (nsw_oui_is_ours(&s->nic, nsw_mac_oui(mac)))
			return nsw_sim_drop(s, e, NSW_SIM_DROP_VSW_UNKNOWN, t);
		return nsw_sim_next(s, e, s->r_pf_tx, t);
	}
	default: /* the decisions and deliveries: nsw_sim_op */
		return;
	}
}

static void nsw_sim_op(struct nsw_sim *s, const struct nsw_sim_route *r, struct nsw_sim_ev *e,
		       uint64_t t)
{
	switch (r->op) {
	case OP_NSW_VF:
		return nsw_sim_nsw_decide(s, e, s->vm_port[e->aux], t);
	case OP_NSW_PORT: {
		struct nsw_port in = {NSW_PORT_UPLINK, r->arg, 0};
		return nsw_sim_nsw_decide(s, e, in, t);
	}
	case OP_DELIVER_VM:
		return nsw_sim_deliver(s, e, t, true);
	case OP_DELIVER_EXT:
		return nsw_sim_deliver(s, e, t, false);
	default:
		return nsw_sim_op_more(s, r, e, t);
	}
}

/* The TX ring a frame waits in: its VM's, or the PF's for the vSwitch host's own traffic. */
static inline uint32_t nsw_sim_ring(const struct nsw_sim *s, const struct nsw_sim_ev *e)
{
	return s->arch == NSW_SIM_VSWITCH || e->aux >= s->vms ? s->vms : e->aux;
}

static void nsw_sim_wait(struct nsw_sim *s, struct nsw_sim_ev *e)
{
	unsigned c = s->flow[e->flow].prio;
	uint32_t ring = nsw_sim_ring(s, e) * 8 + c;
	if (s->ring_n[ring] >= s->p->tx_ring) {
		/* the driver refuses it at once: its send cost was not spent */
		if (e->aux < s->vms)
			nsw_sim_cpu(s, e->t0, -(s->p->drv_tx_ns + s->p->drv_tx_byte_ns * e->len));
		return nsw_sim_drop(s, e, NSW_SIM_DROP_TX_RING, e->t);
	}
	struct nsw_sim_wq *q = &s->wq[c];
	if (q->n == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : 1024;
		struct nsw_sim_ev *a = malloc(cap * sizeof *a);
		if (!a) {
			fprintf(stderr, "nswitch-sim: out of memory for %zu waiting frames\n", cap);
			exit(3);
		}
		for (size_t i = 0; i < q->n; i++)
			a[i] = q->a[(q->head + i) % q->cap];
		free(q->a);
		q->a = a;
		q->head = 0;
		q->cap = cap;
	}
	q->a[(q->head + q->n++) % q->cap] = *e;
	s->wq_n++;
	s->ring_n[ring]++;
}

/* Whether a frame of class c must wait behind frames already waiting for the same TX buffer:
 * those of its class (FIFO) and of higher classes (strict priority). */
static inline bool nsw_sim_waits_behind(const struct nsw_sim *s, unsigned c)
{
	if (!s->wq_n)
		return false;
	for (unsigned k = c; k < 8; k++)
		if (s->wq[k].n && nsw_sim_tc_of(s, k) == nsw_sim_tc_of(s, c))
			return true;
	return false;
}

static void nsw_sim_stage_run(struct nsw_sim *s, struct nsw_sim_ev *e);

/* Bytes come back to a NIC buffer at time t; if it is a TX buffer, fetch the waiting frames
 * that now fit: the highest class first (strict priority: a class waits while a higher one
 * sharing its buffer cannot go), each class in the order its frames were queued. */
static void nsw_sim_release(struct nsw_sim *s, uint64_t t, uint16_t len, unsigned pool)
{
	bool blocked[8] = {false};
	s->pool_used[pool] -= len;
	for (int c = 7; pool != NSW_SIM_POOL_RX && s->wq_n && c >= 0; c--) {
		struct nsw_sim_wq *q = &s->wq[c];
		unsigned tc = nsw_sim_tc_of(s, (unsigned)c);
		while (q->n && !blocked[tc]) {
			struct nsw_sim_ev w = q->a[q->head];
			if (s->pool_used[tc] + w.len > s->pool_cap[tc]) {
				blocked[tc] = true;
				break;
			}
			q->head = q->head + 1 == q->cap ? 0 : q->head + 1;
			q->n--;
			s->wq_n--;
			s->ring_n[nsw_sim_ring(s, &w) * 8 + (unsigned)c]--;
			s->pool_used[tc] += w.len;
			w.flags |= NSW_SIM_EV_HOLD_TX;
			if (nsw_sim_in_window(s, w.t0))
				s->phase_sum[s->route[w.route].st[w.stage].phase] +=
					nsw_sim_ns_d(t - w.t);
			w.t = t;
			nsw_sim_stage_run(s, &w);
		}
	}
}

/* ---- PCIe read tags and flow-control credits ----
 * A limit's units are taken when a DMA's TLPs go and come back a fixed time later (a tag and
 * completion credits when the read's completions are in, dma_rd_ns; a root port's posted or
 * non-posted credits when it has passed the TLP on, fc_rtt_ns). A frame's TLPs of one DMA are
 * taken together: they go when every limit has room for all of them, and the frame waits for
 * that (the wait adds to its latency, and since frames take their units in time order the
 * limits bound the DMA rate: at most cap units per hold). A frame that needs more units than
 * a limit has takes all of it. */

/* Two limits share one FIFO (nsw_sim_fc_pair) only if that changes nothing: they are taken
 * together, at one time, for equally long holds, so their FIFOs would hold the same times,
 * and what a limit's check answers depends only on those times, the units and the current
 * time, never on when it last gave back, provided the current time at which it is checked and
 * gives back never decreases. That time is the event's (e->t, nsw_sim_fc_take) or the queue's
 * (nsw_sim_posted4); events run in time order, and none pushed into the past (which keeps its
 * own t) reaches a credit take in this model. The sanitizer build checks it at every check
 * and take of a shared FIFO (nsw_sim_credit_now), over the whole sim suite. */
static inline void nsw_sim_credit_now(struct nsw_sim_credit *c, uint64_t t0)
{
#ifdef NSW_SIM_SAN
	if (c->cap2 && t0 < c->san_now) {
		fprintf(stderr, "nswitch-sim: a shared credit FIFO used at %llu ns after %llu ns\n",
			(unsigned long long)t0, (unsigned long long)c->san_now);
		abort();
	}
	if (t0 > c->san_now)
		c->san_now = t0;
#else
	(void)c;
	(void)t0;
#endif
}

/* Gives back, from the FIFO's head, what came back by time t (the current time: later frames
 * take units later). The counters live in locals while it works: through c, every entry
 * read would make the compiler store and reload them. */
static inline void nsw_sim_credit_expire(struct nsw_sim_credit *c, uint64_t t)
{
	const struct nsw_sim_credit_hold *ring = c->ring;
	size_t head = c->head, n = c->n;
	const size_t mask = c->rcap - 1;
	uint64_t used = c->used, used2 = c->used2;
	while (n && ring[head].t <= t) {
		used -= ring[head].u[0];
		used2 -= ring[head].u[1];
		head = (head + 1) & mask;
		n--;
	}
	c->head = head;
	c->n = n;
	c->used = used;
	c->used2 = used2;
}

/* The earliest time at or after t when u units of lane l of c are free (c expired at t). */
static inline uint64_t nsw_sim_credit_when(const struct nsw_sim_credit *c, unsigned l,
					   uint64_t t, uint64_t u)
{
	const uint64_t cap = l ? c->cap2 : c->cap;
	uint64_t used = l ? c->used2 : c->used;
	if (u > cap)
		u = cap;
	for (size_t i = 0; used + u > cap && i < c->n; i++) {
		const struct nsw_sim_credit_hold *h = &c->ring[(c->head + i) & (c->rcap - 1)];
		used -= h->u[l];
		if (h->t > t)
			t = h->t;
	}
	return t;
}

/* Doubles c's ring (full: its size a power of two), keeping the holds in order. */
static void nsw_sim_credit_grow(struct nsw_sim_credit *c)
{
	size_t cap = c->rcap ? 2 * c->rcap : 64;
	struct nsw_sim_credit_hold *a = malloc(cap * sizeof *a);
	if (!a) {
		fprintf(stderr, "nswitch-sim: out of memory for PCIe credits\n");
		exit(3);
	}
	for (size_t i = 0; i < c->n; i++)
		a[i] = c->ring[(c->head + i) & (c->rcap - 1)];
	free(c->ring);
	c->ring = a;
	c->head = 0;
	c->rcap = cap;
}

/* Takes u units of c, and u2 of its lane 1 (0 if it has none), at time t (nsw_sim_credit_when
 * said they are free then). What came back stays in the ring, counted in used, until a check
 * finds no room by that count or the ring is full (t0: the current time): giving back lazily
 * is exact, and cheap when nothing binds. */
static inline void nsw_sim_credit_take(struct nsw_sim_credit *c, uint64_t t, uint64_t u,
				       uint64_t u2, uint64_t t0)
{
	nsw_sim_credit_now(c, t0);
	if (u > c->cap)
		u = c->cap;
	if (u2 > c->cap2)
		u2 = c->cap2;
	if (c->n == c->rcap) { /* full: first give back what came back by now */
		nsw_sim_credit_expire(c, t0);
		if (c->n == c->rcap)
			nsw_sim_credit_grow(c);
	}
	struct nsw_sim_credit_hold *h = &c->ring[(c->head + c->n) & (c->rcap - 1)];
	c->n++;
	c->used += u;
	c->used2 += u2;
	*h = (struct nsw_sim_credit_hold){t + c->hold, {(uint32_t)u, (uint32_t)u2}};
}

/* One limit's part in a frame's wait, lane l of c: the time, at or after t, when it has room
 * for u units (c first gives back what came back by now, t0). */
static inline uint64_t nsw_sim_fc_when(struct nsw_sim_credit *c, unsigned l, uint64_t t0,
				       uint64_t t, uint64_t u, int k, int *by)
{
	const uint64_t cap = l ? c->cap2 : c->cap;
	if (!cap)
		return t;
	nsw_sim_credit_now(c, t0);
	/* used counts what came back but was not given back yet: room by that count is room
	 * (the common case, nothing to give back); else give back and look again */
	if ((l ? c->used2 : c->used) + u <= cap)
		return t;
	nsw_sim_credit_expire(c, t0);
	if ((l ? c->used2 : c->used) + u <= cap)
		return t;
	uint64_t w = nsw_sim_credit_when(c, l, t, u);
	if (w > t)
		*by = k;
	return w > t ? w : t;
}

static inline void nsw_sim_fc_hold(struct nsw_sim_credit *c, uint64_t t, uint64_t u,
				   uint64_t t0)
{
	if (c->cap)
		nsw_sim_credit_take(c, t, u, 0, t0);
}

/* Limits a and b share a's FIFO, b as its lane 1, when that is exact: both finite, with
 * equally long holds (the caller takes them together, at one time, always). */
static void nsw_sim_fc_pair(struct nsw_sim_credit *a, const struct nsw_sim_credit *b)
{
	if (a->cap && b->cap && a->hold == b->hold)
		a->cap2 = b->cap;
}

/* Limits a and b take units u and u2 together: their waits in this order (a's first, as if
 * they were two limits), then one hold for both if they are paired. */
static inline uint64_t nsw_sim_fc_when2(struct nsw_sim_credit *a, struct nsw_sim_credit *b,
					uint64_t t0, uint64_t t, uint64_t u, uint64_t u2, int ka,
					int kb, int *by)
{
	t = nsw_sim_fc_when(a, 0, t0, t, u, ka, by);
	if (a->cap2)
		return nsw_sim_fc_when(a, 1, t0, t, u2, kb, by);
	return nsw_sim_fc_when(b, 0, t0, t, u2, kb, by);
}

static inline void nsw_sim_fc_hold2(struct nsw_sim_credit *a, struct nsw_sim_credit *b,
				    uint64_t t, uint64_t u, uint64_t u2, uint64_t t0)
{
	if (a->cap2)
		return nsw_sim_credit_take(a, t, u, u2, t0);
	nsw_sim_fc_hold(a, t, u, t0);
	nsw_sim_fc_hold(b, t, u2, t0);
}

/* Whether c lets a frame take u units, and u2 of its lane 1 (0 if it has none), at once and
 * with nothing to give back first: infinite, or room by its count (used counts what came back
 * but was not given back yet) and a free slot in its ring. Then nsw_sim_fc_when answers the
 * current time without giving back, and nsw_sim_credit_take only appends the hold: what
 * nsw_sim_credit_take_now does. */
static inline bool nsw_sim_credit_fits(const struct nsw_sim_credit *c, uint64_t u, uint64_t u2)
{
	return !c->cap || (c->used + u <= c->cap && c->used2 + u2 <= c->cap2 && c->n < c->rcap);
}

/* Takes u units of c, and u2 of its lane 1, at time t, where nsw_sim_credit_fits said they
 * fit (t0: the current time, for the sanitizer build's check). */
static inline void nsw_sim_credit_take_now(struct nsw_sim_credit *c, uint64_t t, uint64_t u,
					   uint64_t u2, uint64_t t0)
{
	if (!c->cap)
		return;
	nsw_sim_credit_now(c, t0);
	struct nsw_sim_credit_hold *h = &c->ring[(c->head + c->n) & (c->rcap - 1)];
	c->n++;
	c->used += u;
	c->used2 += u2;
	*h = (struct nsw_sim_credit_hold){t + c->hold, {(uint32_t)u, (uint32_t)u2}};
}

/* The frame's DMA of this stage when a limit makes it wait, gives back or grows its ring: the
 * waits in their order, then the holds, at e->t or later (req, cpl: a read's requests and
 * completion credits; a write's posted headers and data). Returns how long it waits. Out of
 * line: the stage's usual case, every limit with room, is nsw_sim_fc_take's. */
static __attribute__((noinline)) uint64_t nsw_sim_fc_wait(struct nsw_sim *s,
							  const struct nsw_sim_ev *e, unsigned op,
							  uint64_t req, uint64_t cpl)
{
	uint64_t t = e->t;
	int by = -1;
	if (op == FC_READ) {
		struct nsw_sim_credit *tags = &s->fc[NSW_SIM_FC_TAGS], *nph = &s->fc[NSW_SIM_FC_NPH];
		struct nsw_sim_credit *cpld = &s->fc[NSW_SIM_FC_CPLD];
		/* the waits in the order tags, completion credits, non-posted credits */
		t = nsw_sim_fc_when(tags, 0, e->t, t, req, NSW_SIM_FC_TAGS, &by);
		t = nsw_sim_fc_when(cpld, 0, e->t, t, cpl, NSW_SIM_FC_CPLD, &by);
		if (tags->cap2)
			t = nsw_sim_fc_when(tags, 1, e->t, t, req, NSW_SIM_FC_NPH, &by);
		else
			t = nsw_sim_fc_when(nph, 0, e->t, t, req, NSW_SIM_FC_NPH, &by);
		nsw_sim_fc_hold2(tags, nph, t, req, req, e->t);
		nsw_sim_fc_hold(cpld, t, cpl, e->t);
	} else {
		uint64_t ph = req, pd = cpl;
		struct nsw_sim_credit *cph = &s->fc[NSW_SIM_FC_PH], *cpd = &s->fc[NSW_SIM_FC_PD];
		t = nsw_sim_fc_when2(cph, cpd, e->t, t, ph, pd, NSW_SIM_FC_PH, NSW_SIM_FC_PD, &by);
		nsw_sim_fc_hold2(cph, cpd, t, ph, pd, e->t);
	}
	if (by >= 0 && nsw_sim_in_window(s, e->t0)) {
		s->r->fc_waits[by]++;
		s->r->fc_wait_ns[by] += nsw_sim_ns_d(t - e->t);
	}
	return t - e->t;
}

/* The frame's DMA of this stage takes its units at e->t or later: returns how long it
 * waits. Usually every limit has room at once (nsw_sim_credit_fits), and the DMA only
 * appends its holds: no wait, nothing to give back, no wait to count; else
 * nsw_sim_fc_wait. */
static inline uint64_t nsw_sim_fc_take(struct nsw_sim *s, const struct nsw_sim_ev *e,
				       unsigned op)
{
	if (op == FC_READ) {
		/* the data's read requests (MRRS each); every batch-th frame reads a batch of
		 * descriptors too (one request) */
		uint64_t req = s->fc_rd_req[e->len], cpl = s->fc_rd_cpl[e->len];
		if (!s->desc_left) {
			s->desc_left = s->batch_n;
			req++;
			cpl += s->fc_desc_cpl;
		}
		s->desc_left--;
		struct nsw_sim_credit *tags = &s->fc[NSW_SIM_FC_TAGS], *nph = &s->fc[NSW_SIM_FC_NPH];
		struct nsw_sim_credit *cpld = &s->fc[NSW_SIM_FC_CPLD];
		uint64_t req2 = tags->cap2 ? req : 0; /* the non-posted credits in tags' lane 1 */
		if (!nsw_sim_credit_fits(tags, req, req2) || !nsw_sim_credit_fits(cpld, cpl, 0) ||
		    (!req2 && !nsw_sim_credit_fits(nph, req, 0)))
			return nsw_sim_fc_wait(s, e, op, req, cpl);
		nsw_sim_credit_take_now(tags, e->t, req, req2, e->t);
		if (!req2)
			nsw_sim_credit_take_now(nph, e->t, req, 0, e->t);
		nsw_sim_credit_take_now(cpld, e->t, cpl, 0, e->t);
		return 0;
	}
	uint64_t ph = s->fc_wr_ph[e->len], pd = s->fc_wr_pd[e->len]; /* MWrs of MPS */
	struct nsw_sim_credit *cph = &s->fc[NSW_SIM_FC_PH], *cpd = &s->fc[NSW_SIM_FC_PD];
	uint64_t pd2 = cph->cap2 ? pd : 0; /* the data credits in the headers' lane 1 */
	if (!nsw_sim_credit_fits(cph, ph, pd2) || (!pd2 && !nsw_sim_credit_fits(cpd, pd, 0)))
		return nsw_sim_fc_wait(s, e, op, ph, pd);
	nsw_sim_credit_take_now(cph, e->t, ph, pd2, e->t);
	if (!pd2)
		nsw_sim_credit_take_now(cpd, e->t, pd, 0, e->t);
	return 0;
}

uint64_t nsw_sim_credits_take(struct nsw_sim_credit *const *c, const uint64_t *u, unsigned n,
			      uint64_t now, uint64_t t, int *by)
{
	for (unsigned i = 0; i < n; i++)
		t = nsw_sim_fc_when(c[i], 0, now, t, u[i], (int)i, by);
	for (unsigned i = 0; i < n; i++)
		nsw_sim_fc_hold(c[i], t, u[i], now);
	return t;
}

/* A posted 4-byte MWr (one header, one data unit) due at time t through the two credit
 * limits ph and pd (NSW_SIM_FC_*): when it goes, its wait counted in the window. It takes
 * its units at the current event's time (the queue's now, at or before t: t may be a
 * delivery still on its way), so that every limit is taken in time order, which keeps it
 * exact; it goes at t, or when the units are there if that is later. */
static inline uint64_t nsw_sim_posted4(struct nsw_sim *s, unsigned ph, unsigned pd,
				       uint64_t t)
{
	struct nsw_sim_credit *cph = &s->fc[ph], *cpd = &s->fc[pd];
	if (!cph->cap && !cpd->cap)
		return t;
	uint64_t now = s->h.now;
#ifdef NSW_SIM_SAN
	/* the fast path below returns t, the slow one max(t, when the units are there): equal
	 * only while no caller passes a time already past */
	if (t < now) {
		fprintf(stderr, "nswitch-sim: a posted write at %llu ns, before now (%llu ns)\n",
			(unsigned long long)t, (unsigned long long)now);
		abort();
	}
#endif
	/* usually both have room at once: it goes at t (now <= t), nothing to give back */
	uint64_t d2 = cph->cap2 ? 1 : 0; /* the data unit in the header's lane 1 */
	if (nsw_sim_credit_fits(cph, 1, d2) && (d2 || nsw_sim_credit_fits(cpd, 1, 0))) {
		nsw_sim_credit_take_now(cph, now, 1, d2, now);
		if (!d2)
			nsw_sim_credit_take_now(cpd, now, 1, 0, now);
		return t;
	}
	int by = -1;
	uint64_t w = nsw_sim_fc_when2(cph, cpd, now, now, 1, 1, 0, 1, &by);
	nsw_sim_fc_hold2(cph, cpd, w, 1, 1, now);
	if (w <= t)
		return t;
	if (nsw_sim_in_window(s, t)) {
		unsigned k = by ? pd : ph;
		s->r->fc_waits[k]++;
		s->r->fc_wait_ns[k] += nsw_sim_ns_d(w - t);
	}
	return w;
}

/* A VF's interrupt is an MSI-X, a posted write to the root port: it takes the root port's
 * posted credits as the DMA writes do (and waits for them); returns when it goes. */
static inline uint64_t nsw_sim_msix(struct nsw_sim *s, uint64_t t)
{
	return nsw_sim_posted4(s, NSW_SIM_FC_PH, NSW_SIM_FC_PD, t);
}

/* A doorbell's wait for finite NIC posted credits, out of line: the NIC's are infinite by
 * default, and inlined whole this would make nsw_sim_tx too big to inline in its callers. */
__attribute__((noinline)) static uint64_t nsw_sim_doorbell_wait(struct nsw_sim *s, uint64_t t)
{
	return nsw_sim_posted4(s, NSW_SIM_FC_DEV_PH, NSW_SIM_FC_DEV_PD, t);
}

/* VM vm's driver rings its VF's doorbell at time t: a posted write to the NIC, which takes
 * the NIC's posted credits; the VM's frames are not fetched before it gets them. */
static inline void nsw_sim_doorbell(struct nsw_sim *s, uint32_t vm, uint64_t t)
{
	uint64_t w = t;
	if (s->fc[NSW_SIM_FC_DEV_PH].cap || s->fc[NSW_SIM_FC_DEV_PD].cap)
		w = nsw_sim_doorbell_wait(s, t);
	if (w > s->kick_ready[vm])
		s->kick_ready[vm] = w;
}

/* The frame takes its bytes of the NIC's buffer before a stage that moves it into the NIC
 * (st->pool: POOL_WAIT or POOL_DROP), unless it holds them already (fetched by
 * nsw_sim_release); false when it cannot: it waits in its TX ring, or is dropped. */
static bool nsw_sim_take(struct nsw_sim *s, struct nsw_sim_ev *e, unsigned st_pool)
{
	if (st_pool == POOL_WAIT ? (e->flags & NSW_SIM_EV_HOLD_TX)
				 : (e->flags & NSW_SIM_EV_HOLD_RX))
		return true;
	unsigned prio = s->flow[e->flow].prio;
	unsigned pool = st_pool == POOL_DROP ? NSW_SIM_POOL_RX : nsw_sim_tc_of(s, prio);
	/* a frame may not overtake those of its class, or of a higher one, already waiting
	 * for the buffer */
	if (s->pool_used[pool] + e->len > s->pool_cap[pool] ||
	    (pool != NSW_SIM_POOL_RX && nsw_sim_waits_behind(s, prio))) {
		if (pool == NSW_SIM_POOL_RX)
			nsw_sim_drop(s, e, NSW_SIM_DROP_NIC_BUF, e->t);
		else
			nsw_sim_wait(s, e);
		return false;
	}
	s->pool_used[pool] += e->len;
	e->flags |= pool == NSW_SIM_POOL_RX ? NSW_SIM_EV_HOLD_RX : NSW_SIM_EV_HOLD_TX;
	return true;
}

static void nsw_sim_stage_run(struct nsw_sim *s, struct nsw_sim_ev *e)
{
	const struct nsw_sim_stage *st = &s->route[e->route].st[e->stage];
	/* what the stage does beyond its server, in one byte: a stage with nothing more (the
	 * NIC pipeline, a wire) pays one test for it */
	const unsigned todo = st->todo;
	if ((todo & NSW_SIM_DO_TAKE) && !nsw_sim_take(s, e, st->pool))
		return;
	/* read once: the calls below may write through s, so the compiler would otherwise
	 * compute the stage's address again for each field */
	const uint64_t post = st->post;
	const unsigned phase = st->phase;
	uint64_t svc = st->tab[e->len & st->tab_mask] + st->a + st->b * e->len;
	uint64_t fin = nsw_sim_res_serve(st->srv, e->t, svc);
	if (!fin)
		return nsw_sim_drop(s, e, NSW_SIM_DROP_FULL, e->t);
	if (todo & NSW_SIM_DO_MORE) {
		if (todo & NSW_SIM_DO_SIDE)
			nsw_sim_res_charge(&s->res[st->side], e->t, st->stab[e->len]);
		if (todo & NSW_SIM_DO_FC)
			fin += nsw_sim_fc_take(s, e, st->fc);
		if ((todo & NSW_SIM_DO_RELEASE) &&
		    (e->flags & (NSW_SIM_EV_HOLD_TX | NSW_SIM_EV_HOLD_RX)))
			nsw_sim_release_at(s, e, fin);
	}
	uint64_t nt = fin + post;
	if (nsw_sim_in_window(s, e->t0))
		s->phase_sum[phase] += nsw_sim_ns_d(nt - e->t);
	if (!(todo & NSW_SIM_DO_LAST)) {
		e->t = nt;
		e->stage++;
		nsw_sim_evq_push(&s->h, e);
		return;
	}
	nsw_sim_op(s, &s->route[e->route], e, nt);
}

static uint16_t nsw_sim_pick_len(struct nsw_sim *s, const struct nsw_sim_mix *m)
{
	if (m->n == 1)
		return m->size[0];
	/* the first size whose cumulative share reaches u, else the last: the cdf does not
	 * decrease, so that is the count of shares below u (no branch on the random draw) */
	double u = nsw_sim_rng_unit(&s->rng);
	unsigned k = 0;
	for (unsigned i = 0; i + 1 < m->n; i++)
		k += u > m->cdf[i];
	return m->size[k];
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
	*t = nsw_sim_t_of(f->tnext);
	return *t <= s->dur;
}

/* A source's event *top (popped) fires: it emits a frame and is pushed back for the next. */
static void nsw_sim_gen(struct nsw_sim *s, const struct nsw_sim_ev *top)
{
	struct nsw_sim_flow *f = &s->flow[top->flow];
	uint64_t now = top->t;
	if (s->gen_total >= s->max_frames ||
	    (f->process == NSW_SIM_TCP && f->inflight >= (uint32_t)f->cwnd)) {
		f->blocked = f->process == NSW_SIM_TCP; /* resumes when the window opens */
		return;
	}
	if (f->process == NSW_SIM_TCP) {
		f->inflight++;
		f->sent++;
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
	if (fr.aux != NSW_SIM_EXT) { /* the sending VM's driver */
		nsw_sim_tx(s, fr.aux, fr.len, now);
		/* the NIC fetches nothing before the doorbell that announces it */
		if (s->kick_ready[fr.aux] > now)
			fr.t = s->kick_ready[fr.aux];
	}
	uint64_t nt;
	if (++s->gen_total < s->max_frames && nsw_sim_next_gen(s, f, &nt)) {
		struct nsw_sim_ev ne;
		nsw_sim_ev_copy(&ne, top); /* not one block: the pop has just written *top */
		ne.t = nt;
		nsw_sim_evq_push(&s->h, &ne);
	}
	if (fr.t > now) /* waits for its doorbell: the first stage sees it in time order */
		return nsw_sim_evq_push(&s->h, &fr);
	nsw_sim_stage_run(s, &fr);
}

/* Starts loading the flow of the event that is next in the queue (as it stands: this one's
 * handler may push an earlier one), while this one runs: a source's event reads its flow's
 * line first thing, a frame's delivery reads its flow's group, and with 1000 flows their lines
 * are not in L1. The next event's node is already in cache (the pop before prefetched it); for
 * an interrupt or a release, whose flow field is something else, the index is kept in bounds
 * and the line is loaded for nothing. CPU, 16 alternated pairs of 10^6 frames of vm1000: 1.005
 * alone, 1.012 with the pop's prefetch of the node after next. */
static inline void nsw_sim_warm_next(const struct nsw_sim *s)
{
	uint32_t nf = nsw_sim_evq_peek(&s->h)->flow;
	__builtin_prefetch(&s->flow[nf < s->nflows ? nf : 0]);
}

/* The histogram of all groups' latency from the groups' (nsw_sim_seen kept only its sum):
 * counts and buckets add up, the extremes are the groups' extremes, whatever the order. */
static void nsw_sim_lat_fold(struct nsw_sim_result *r)
{
	struct nsw_sim_hist *a = r->lat_all;
	for (unsigned g = 0; g < r->ngroups; g++) {
		const struct nsw_sim_hist *h = r->group[g].lat;
		if (!h || !h->n)
			continue;
		if (!a->n || h->min < a->min)
			a->min = h->min;
		if (h->max > a->max)
			a->max = h->max;
		a->n += h->n;
		for (unsigned i = 0; i < NSW_SIM_HBUCKETS; i++)
			a->b[i] += h->b[i];
	}
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
	r->io_cpu_util = s->io_cpu_ns / ((double)r->window_ns * p->cpus);
	r->exit_cpu_util = s->exit_cpu_ns / ((double)r->window_ns * p->cpus);
	r->napi_cpu_util = s->napi_cpu_ns / ((double)r->window_ns * p->cpus);
	r->cpu_util = r->vsw_cpu_util + r->io_cpu_util + base / p->cpus;
	for (unsigned k = 0; k < NSW_SIM_PH_MAX; k++)
		r->phase_mean[k] = s->gen_win ? s->phase_sum[k] / (double)s->gen_win : 0;
	for (unsigned g = 0; g < r->ngroups; g++) {
		r->gen += r->group[g].gen;
		r->out += r->group[g].out;
		r->drop += r->group[g].drop;
	}
	r->events = s->h.pops;
	nsw_sim_lat_fold(r);
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
	/* its routes are aligned on cache lines (calloc would not keep that alignment) */
	struct nsw_sim *s = aligned_alloc(_Alignof(struct nsw_sim), sizeof *s);
	if (!s)
		return -1;
	memset(s, 0, sizeof *s);
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
	s->ring_n = calloc((p->vms + 1u) * 8, sizeof *s->ring_n);
	s->irq = calloc(p->vms, sizeof *s->irq);
	s->kick_left = calloc(p->vms, sizeof *s->kick_left);
	s->kick_ready = calloc(p->vms, sizeof *s->kick_ready);
	if (!r->lat_all || !s->ring_n || !s->irq || !s->kick_left || !s->kick_ready || nsw_sim_build(s, err) ||
	    nsw_sim_flows(s, sc))
		goto out;
	s->hdr_fast = nsw_sim_hdr_check(s);
	for (unsigned prio = 0; prio < 8; prio++)
		s->tc_of[prio] = (uint8_t)(prio * p->nic_tcs / 8);
	s->irq_timer = nsw_sim_round_ns(p->irq_timer_ns);
	s->hc = (struct nsw_sim_host_cost){
		.drv_tx_ns = p->drv_tx_ns, .drv_tx_byte_ns = p->drv_tx_byte_ns,
		.drv_rx_ns = p->drv_rx_ns, .drv_rx_byte_ns = p->drv_rx_byte_ns,
		.irq_ns = p->irq_ns, .vm_exit_ns = p->vm_exit_ns, .napi_poll_ns = p->napi_poll_ns,
		.irq_frames = p->irq_frames, .napi_budget = p->napi_budget,
		.irq_exits = p->irq_exits, .kick_exits = p->kick_exits,
		.vf_kick_exits = p->vf_kick_exits};
	s->napi_ns = nsw_sim_round_ns(p->napi_poll_ns);
	s->batch_n = p->batch >= 1 ? (unsigned)llround(p->batch) : 1;
	const unsigned fc_cap[NSW_SIM_FC_MAX] = {p->rd_tags, p->fc_cpld, p->fc_nph, p->fc_ph,
						 p->fc_pd, p->fc_dev_ph, p->fc_dev_pd};
	for (unsigned len = 0; len < TAB_LEN; len++) {
		unsigned pl = len > 4 ? len - 4 : 0;
		s->fc_rd_req[len] = (uint16_t)((pl + p->mrrs - 1) / p->mrrs);
		s->fc_rd_cpl[len] = s->fc_wr_pd[len] = (uint16_t)((pl + 15) / 16);
		s->fc_wr_ph[len] = (uint16_t)((pl + p->mps - 1) / p->mps);
	}
	s->fc_desc_cpl = (uint64_t)(p->desc_bytes * s->batch_n + 15) / 16;
	for (unsigned k = 0; k < NSW_SIM_FC_MAX; k++) {
		s->fc[k].cap = fc_cap[k];
		s->fc[k].hold = nsw_sim_round_ns(k <= NSW_SIM_FC_CPLD ? p->dma_rd_ns : p->fc_rtt_ns);
	}
	nsw_sim_fc_pair(&s->fc[NSW_SIM_FC_TAGS], &s->fc[NSW_SIM_FC_NPH]);
	nsw_sim_fc_pair(&s->fc[NSW_SIM_FC_PH], &s->fc[NSW_SIM_FC_PD]);
	nsw_sim_fc_pair(&s->fc[NSW_SIM_FC_DEV_PH], &s->fc[NSW_SIM_FC_DEV_PD]);
	nsw_sim_rng_seed(&s->rng, p->seed);
	if (nsw_sim_evq_init(&s->h, 2 * s->nflows + 1024))
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
		struct nsw_sim_ev e = {.t = nsw_sim_t_of(f->tnext), .flow = i};
		if (e.t <= s->dur)
			nsw_sim_evq_push(&s->h, &e);
	}
	struct nsw_sim_ev e;
	while (nsw_sim_evq_pop(&s->h, &e)) {
		nsw_sim_warm_next(s);
		if (e.route == 0)
			nsw_sim_gen(s, &e);
		else if (e.route == ROUTE_RELEASE)
			nsw_sim_release(s, e.t, e.len, e.stage);
		else if (e.route == ROUTE_IRQ) {
			/* a moderation timer (stage 0), or a NAPI repoll (1), of the current batch */
			const struct nsw_sim_irq *q = &s->irq[e.aux];
			if (q->seq != e.flow)
				continue;
			if (e.stage && q->napi)
				nsw_sim_napi_poll(s, e.aux, e.t);
			else if (!e.stage && !q->napi && q->n)
				nsw_sim_irq_fire(s, e.aux, e.t);
		} else
			nsw_sim_stage_run(s, &e);
	}
	nsw_sim_finish(s);
	rc = 0;
out:
	for (unsigned i = 0; i < s->nres; i++)
		nsw_sim_res_free(&s->res[i]);
	nsw_sim_evq_free(&s->h);
	free(s->flow);
	for (unsigned c = 0; c < 8; c++)
		free(s->wq[c].a);
	free(s->ring_n);
	for (unsigned i = 0; s->irq && i < p->vms; i++)
		free(s->irq[i].w);
	free(s->irq);
	free(s->kick_left);
	free(s->kick_ready);
	for (unsigned k = 0; k < NSW_SIM_FC_MAX; k++)
		free(s->fc[k].ring);
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

