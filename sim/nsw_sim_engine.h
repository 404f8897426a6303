/* nsw_sim_engine.h - the discrete-event engine of nswitch-sim: event heap, PRNG, FIFO servers,
 * latency histogram.
 *
 * Owns: simulated time (integer nanoseconds, uint64_t), the order in which events run, the
 * random stream, and the queueing arithmetic of a single FIFO server.
 * Invariants:
 *  - The heap is a 4-ary min-heap on t in one growable array of fixed-size events: push and
 *    pop are O(log n), and nothing is allocated per event (the array only grows, by doubling).
 *  - Equal times pop in an order fixed by the sequence of pushes: the same seed and scenario
 *    give the same run, bit for bit.
 *  - A server (struct nsw_sim_res) is fed in non-decreasing arrival time (the caller processes
 *    events in time order), so the Lindley recursion start = max(arrival, free) is exact FIFO.
 *    The server keeps its clock in 1/65536 ns so that long-run rates are exact even when a
 *    service lasts a fraction of a nanosecond (a 64-byte TLP on PCIe Gen5 x16); a frame leaves
 *    at the next whole nanosecond after its service ends.
 *  - The PRNG is xoshiro256** seeded through splitmix64; rand() is never used.
 * Who may touch it: the model (nsw_sim_routes.c, nsw_sim_model.c), the tests and the
 * benchmark. Header-only so the hot path inlines.
 */
#ifndef NSW_SIM_ENGINE_H
#define NSW_SIM_ENGINE_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers ---- */

struct nsw_sim_rng {
	uint64_t s[4];
};

static inline uint64_t nsw_sim_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline void nsw_sim_rng_seed(struct nsw_sim_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = nsw_sim_splitmix64(&seed);
}

static inline uint64_t nsw_sim_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t nsw_sim_rng_u64(struct nsw_sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = nsw_sim_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = nsw_sim_rotl(s[3], 45);
	return out;
}

/* Uniform in (0, 1]: never 0, so -log(u) is finite. */
static inline double nsw_sim_rng_unit(struct nsw_sim_rng *r)
{
	return ((double)(nsw_sim_rng_u64(r) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; bias < n / 2^64). */
static inline uint32_t nsw_sim_rng_below(struct nsw_sim_rng *r, uint32_t n)
{
	return (uint32_t)(((unsigned __int128)nsw_sim_rng_u64(r) * n) >> 64);
}

static inline double nsw_sim_rng_exp(struct nsw_sim_rng *r, double mean)
{
	return -mean * log(nsw_sim_rng_unit(r));
}

/* ---- events ---- */

/* One event: a frame arriving at stage `stage` of route `route`, or (route 0) a source about to
 * emit. 32 bytes so two fit a cache line and the 4 children of a heap node span two. */
struct nsw_sim_ev {
	uint64_t t;    /* when, ns */
	uint64_t t0;   /* when the frame was created, ns */
	uint32_t flow; /* index of the flow (source) */
	uint32_t aux;  /* per-route scratch (the ingress port of a switch stage) */
	uint16_t len;  /* frame length on the wire, FCS included */
	uint16_t dst;  /* destination VM, or one of NSW_SIM_DST_* */
	uint8_t route;
	uint8_t stage;
	uint16_t flags; /* NSW_SIM_EV_*: what the frame holds */
};
_Static_assert(sizeof(struct nsw_sim_ev) == 32, "event layout");

/* Copies an event field by field, not as one 32-byte block: callers copy events whose fields
 * they have just written one at a time, and a wide load of narrower recent stores cannot be
 * forwarded from the store buffer (it waits for them to reach the cache: a dozen cycles). The
 * pop too: the event it takes was often pushed a few dozen instructions before (a frame's next
 * stage, due first), and copying it as one block cost 3.7% of the run's CPU time. */
static inline void nsw_sim_ev_copy(struct nsw_sim_ev *d, const struct nsw_sim_ev *e)
{
	d->t = e->t;
	d->t0 = e->t0;
	d->flow = e->flow;
	d->aux = e->aux;
	d->len = e->len;
	d->dst = e->dst;
	d->route = e->route;
	d->stage = e->stage;
	d->flags = e->flags;
}

struct nsw_sim_heap {
	struct nsw_sim_ev *a;
	size_t n, cap;
	uint64_t pushes, pops;
};

static inline int nsw_sim_heap_init(struct nsw_sim_heap *h, size_t cap)
{
	h->n = 0;
	h->pushes = h->pops = 0;
	h->cap = cap < 16 ? 16 : cap;
	h->a = malloc(h->cap * sizeof *h->a);
	return h->a ? 0 : -1;
}

static inline void nsw_sim_heap_free(struct nsw_sim_heap *h)
{
	free(h->a);
	h->a = NULL;
	h->n = h->cap = 0;
}

static inline void nsw_sim_heap_grow(struct nsw_sim_heap *h)
{
	size_t cap = h->cap * 2;
	struct nsw_sim_ev *a = realloc(h->a, cap * sizeof *a);
	if (!a) {
		fprintf(stderr, "nswitch-sim: out of memory for %zu events\n", cap);
		exit(3);
	}
	h->a = a;
	h->cap = cap;
}

static inline void nsw_sim_heap_push(struct nsw_sim_heap *h, const struct nsw_sim_ev *e)
{
	if (h->n == h->cap)
		nsw_sim_heap_grow(h);
	size_t i = h->n++;
	uint64_t t = e->t;
	while (i > 0) {
		size_t p = (i - 1) >> 2;
		if (h->a[p].t <= t)
			break;
		h->a[i] = h->a[p];
		i = p;
	}
	h->a[i] = *e;
	h->pushes++;
}

/* The least of the four times t0..t3 of the children c..c+3 of a 4-ary heap's node: its index
 * and its time; the first of equal ones. Branch-free (cmov): which child is least is a coin
 * toss, and a branch on it mispredicts half the time. */
struct nsw_sim_least {
	size_t i;
	uint64_t t;
};
static inline struct nsw_sim_least nsw_sim_min4(size_t c, uint64_t t0, uint64_t t1, uint64_t t2,
						uint64_t t3)
{
	size_t m01 = t1 < t0 ? c + 1 : c, m23 = t3 < t2 ? c + 3 : c + 2;
	uint64_t v01 = t1 < t0 ? t1 : t0, v23 = t3 < t2 ? t3 : t2;
	return (struct nsw_sim_least){v23 < v01 ? m23 : m01, v23 < v01 ? v23 : v01};
}

/* Moves the last element down from the root after the root was taken or replaced. */
static inline void nsw_sim_heap_sift_down(struct nsw_sim_heap *h, struct nsw_sim_ev e)
{
	size_t n = h->n, i = 0;
	struct nsw_sim_ev *a = h->a;
	for (;;) {
		size_t c = (i << 2) + 1;
		if (c >= n)
			break;
		size_t m;
		uint64_t mt;
		if (c + 4 <= n) {
			/* a full node: a branch-free tournament (cmov), the hot case */
			struct nsw_sim_least l =
				nsw_sim_min4(c, a[c].t, a[c + 1].t, a[c + 2].t, a[c + 3].t);
			m = l.i;
			mt = l.t;
		} else {
			m = c;
			for (size_t k = c + 1; k < n; k++)
				if (a[k].t < a[m].t)
					m = k;
			mt = a[m].t;
		}
		if (mt >= e.t)
			break;
		a[i] = a[m];
		i = m;
	}
	a[i] = e;
}

/* Takes the earliest event into *out; false when the heap is empty. */
static inline bool nsw_sim_heap_pop(struct nsw_sim_heap *h, struct nsw_sim_ev *out)
{
	if (!h->n)
		return false;
	*out = h->a[0];
	h->pops++;
	if (--h->n)
		nsw_sim_heap_sift_down(h, h->a[h->n]);
	return true;
}

/* ---- the event queue of the model: a calendar of buckets over a heap ----
 * The model's events are mostly a few ns to a few us ahead of now (a frame's next hop, a
 * buffer release, an interrupt timer); a heap spends O(log n) moves on each. The queue keeps
 * events due within NSW_SIM_CAL_SPAN ns of now in a calendar of buckets of NSW_SIM_CAL_W ns
 * (each keeps its first NSW_SIM_CAL_BQ events as (key, node) in an array of its own, a burst
 * beyond in a list through the nodes; its count says whether it is in use); the current bucket is
 * sorted once into an array when time reaches it, and an event pushed into it is inserted in
 * place. Events due later wait in an overflow heap and move into their bucket as it comes
 * within the span. Entering a bucket reads its array, not its nodes (the list walk was a chain
 * of dependent loads of lines written long before); the counts and current array fit in L1,
 * the buckets' arrays (768 KiB) do not and are read one bucket at a time.
 * Its order (pinned by tests/sim/test_sim_heap.c, documented in docs/sim.md):
 *  - events pop in time order; events of equal time pop in the order they were pushed (FIFO):
 *    every event carries its push number and is ordered by (time, push number) in the sort of
 *    its bucket (the overflow heap orders by time alone: its events only move into buckets);
 *  - an event pushed for a time already past (t < now) runs now, after those already queued
 *    for now (its order key is now); its t is kept.
 * Integer arithmetic only: the order is the same on every compiler and -O level. */
/* Buckets of 512 ns: vm1000 enters one every 17 events or so (every 8.7 with 256 ns) and
 * the same instructions run faster (CPU, 40 alternated pairs of 10^6 frames against 256 ns,
 * 4096 buckets and arrays of 16: 1.021, faster in 36 of 40; with arrays of 32, 1.017; 1024
 * ns, arrays of 32, 1.015; of 64, 0.996; 128 ns was slower, 0.955-0.971). */
#define NSW_SIM_CAL_SHIFT 9 /* <= 64 - 40: see nsw_sim_cur_key */
#define NSW_SIM_CAL_W (1u << NSW_SIM_CAL_SHIFT)  /* ns per bucket */
/* buckets: a span of 1 ms, so that a source's next frame (a Poisson gap, 140 us on average in
 * vm1000) nearly always goes straight into its bucket; with a span of 262 us 15% of them went
 * through the overflow heap, 8 instructions an event more. Their arrays (768 KiB) stay in L2,
 * and a bucket's array is touched only when an event goes into it. */
#define NSW_SIM_CAL_NB 2048u
#define NSW_SIM_CAL_SPAN ((uint64_t)NSW_SIM_CAL_W * NSW_SIM_CAL_NB)
#define NSW_SIM_NIL UINT32_MAX
/* entries a bucket keeps in its own array; more go to its list (vm1000 puts about 11 into a
 * bucket of 512 ns besides those pushed while it is the current one) */
#define NSW_SIM_CAL_BQ 24u
#define NSW_SIM_CUR_CAP0 256u /* the current array's first capacity */
_Static_assert(NSW_SIM_CAL_BQ <= NSW_SIM_CUR_CAP0, "a bucket's array fits the current array");

/* A node is one cache line (64 bytes, aligned): 56 bytes at a 56-byte stride put three nodes
 * in four across two lines, and a node is read when it is popped, long after it was written.
 * It holds the event only: its order key travels beside its index (in a bucket's array, the
 * current array or the overflow heap), so that pushing writes no key into the node and entering
 * a bucket or moving an event out of the overflow heap reads none. */
struct nsw_sim_evn {
	_Alignas(64) struct nsw_sim_ev e;
	uint64_t kt;   /* order time: t, or now if t was past when pushed */
	uint64_t key;  /* its current-bucket key, kept only while it waits in a bucket's list */
	uint32_t next; /* the next node of its bucket's list, or of the free list */
};
_Static_assert(sizeof(struct nsw_sim_evn) == 64, "a node is a cache line");

/* An entry of the current bucket: (kt within the bucket, push number) in one key: 9 bits of
 * time (NSW_SIM_CAL_SHIFT) over 55 of push number, 3.6 x 10^16 pushes before it could wrap.
 * The event's order time is (current bucket << NSW_SIM_CAL_SHIFT) | key >> (64 - SHIFT). */
struct nsw_sim_cur {
	uint64_t key;
	uint32_t node;
};
_Static_assert(sizeof(struct nsw_sim_cur) == 16, "an entry is two words");
/* An entry is written as one 16-byte store, never as its two fields: the sort of a bucket and
 * a push into the current bucket move entries as 16-byte loads, and a load that spans two
 * recent narrower stores waits for them to reach the cache instead of being forwarded (an
 * entry is often moved a few instructions after it was written: a frame's next stage is put in
 * the next bucket, which is entered soon after). CPU, 20 alternated pairs: 1.007 for the sort,
 * 1.017 for the put and the push. */
typedef uint64_t nsw_sim_u64x2 __attribute__((vector_size(16)));
_Static_assert(__builtin_offsetof(struct nsw_sim_cur, node) == 8 &&
		       __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "nsw_sim_cur_set: the node is the low half of the second word");
static inline void nsw_sim_cur_set(struct nsw_sim_cur *p, uint64_t key, uint32_t node)
{
	nsw_sim_u64x2 x = {key, node}; /* node in the low half of the second word: little endian */
	memcpy(p, &x, sizeof x);
}

/* An entry of the overflow heap, ordered by kt alone: its events only move to their buckets,
 * whose sort orders them by (kt, push number), so the order among equal kt here does not
 * matter (and one 64-bit compare is cheaper than a 128-bit one). */
struct nsw_sim_ovf {
	uint64_t kt;
	uint64_t seq;
	uint32_t node;
};

struct nsw_sim_evq {
	uint64_t now;   /* the order time of the last event popped */
	uint64_t cur_b; /* the current bucket (absolute number: kt >> NSW_SIM_CAL_SHIFT) */
	uint64_t pops;
	uint64_t seq;   /* push number of the next push (so also the count of pushes): the events
			 * queued are seq - pops, kept in no counter of their own */
	struct nsw_sim_evn *pool; /* nodes, a free list through next */
	uint32_t pool_n, pool_cap, free;
	/* a bucket's events: the first NSW_SIM_CAL_BQ as (key, node) in its row of bq, read
	 * in one pass when the bucket is entered (no node is touched: a list through the nodes
	 * would be a chain of dependent loads of lines written long before); the rest, a burst,
	 * in a list through the nodes from head to tail */
	uint8_t bn[NSW_SIM_CAL_NB]; /* events in the bucket's array: 0 when it is not in use */
	struct nsw_sim_cur (*bq)[NSW_SIM_CAL_BQ];
	uint32_t head[NSW_SIM_CAL_NB], tail[NSW_SIM_CAL_NB];
	/* the current bucket's events not yet popped, from cur to cur_end (cur_lim: the end of
	 * its allocation), sorted by DEcreasing key: the pop takes the last. A push into it is
	 * mostly a frame's next stage, due before the bucket's other events (from its end, it
	 * passed none in 56% of pushes in vm1000 and 0.66 on average with buckets of 256 ns, where
	 * from the front it passed 2.4 and none in 20%: fewer moves, and a loop exit the core
	 * predicts; 0.67 on average with 512 ns). Pointers,
	 * not indices: the pop and the push then take an entry with no index arithmetic. cur[-1]
	 * and cur[-2] are sentinels of the largest key (node 0), so the insertion loops need no
	 * bound test and the pop prefetches the next two nodes without testing that there are
	 * (for a sentinel, a harmless prefetch of node 0) */
	struct nsw_sim_cur *cur, *cur_end, *cur_lim;
	struct nsw_sim_ovf *o; /* the overflow heap, 4-ary on kt */
	size_t on, ocap;
};

static inline int nsw_sim_evq_init(struct nsw_sim_evq *q, size_t cap)
{
	memset(q, 0, sizeof *q);
	q->pool_cap = cap < 1024 ? 1024 : (uint32_t)cap;
	q->pool = aligned_alloc(64, q->pool_cap * sizeof *q->pool);
	if (q->pool) /* node 0: the sentinels name it, nsw_sim_evq_peek may read it */
		memset(&q->pool[0], 0, sizeof *q->pool);
	q->cur = calloc(NSW_SIM_CUR_CAP0 + 2, sizeof *q->cur);
	if (q->cur) {
		q->cur[0].key = q->cur[1].key = UINT64_MAX; /* the sentinels: node 0 */
		q->cur += 2;
		q->cur_end = q->cur;
		q->cur_lim = q->cur + NSW_SIM_CUR_CAP0;
	}
	q->ocap = cap < 64 ? 64 : cap;
	q->o = malloc(q->ocap * sizeof *q->o);
	q->bq = aligned_alloc(64, NSW_SIM_CAL_NB * sizeof *q->bq);
	q->free = NSW_SIM_NIL;
	memset(q->head, 0xff, sizeof q->head);
	memset(q->tail, 0xff, sizeof q->tail);
	return q->pool && q->cur && q->o && q->bq ? 0 : -1;
}

static inline void nsw_sim_evq_free(struct nsw_sim_evq *q)
{
	free(q->pool);
	free(q->cur ? q->cur - 2 : NULL);
	free(q->o);
	free(q->bq);
	q->pool = NULL;
	q->cur = NULL;
	q->o = NULL;
	q->bq = NULL;
}

static inline void *nsw_sim_grow(void *a, size_t *cap, size_t size)
{
	size_t c = *cap * 2;
	void *b = realloc(a, c * size);
	if (!b) {
		fprintf(stderr, "nswitch-sim: out of memory for %zu events\n", c);
		exit(3);
	}
	*cap = c;
	return b;
}

/* Doubles the current array, keeping its sentinels. */
static inline void nsw_sim_cur_grow(struct nsw_sim_evq *q)
{
	size_t c = (size_t)(q->cur_lim - q->cur) * 2, end = (size_t)(q->cur_end - q->cur);
	struct nsw_sim_cur *b = realloc(q->cur - 2, (c + 2) * sizeof *b);
	if (!b) {
		fprintf(stderr, "nswitch-sim: out of memory for %zu events\n", c);
		exit(3);
	}
	q->cur = b + 2;
	q->cur_end = q->cur + end;
	q->cur_lim = q->cur + c;
}

static inline void nsw_sim_ovf_push(struct nsw_sim_evq *q, uint32_t k, uint64_t kt, uint64_t seq)
{
	if (q->on == q->ocap)
		q->o = nsw_sim_grow(q->o, &q->ocap, sizeof *q->o);
	struct nsw_sim_ovf x = {kt, seq, k};
	size_t i = q->on++;
	while (i > 0) {
		size_t p = (i - 1) >> 2;
		if (x.kt >= q->o[p].kt)
			break;
		q->o[i] = q->o[p];
		i = p;
	}
	q->o[i] = x;
}

/* Removes the overflow heap's top (the caller has read it). The least of four children is
 * found by a branch-free tournament (cmov): which child is least is a coin toss, and the
 * compare-and-branch loop it replaces mispredicted about 3.5 times a pop in the hold model. */
static inline void nsw_sim_ovf_pop(struct nsw_sim_evq *q)
{
	struct nsw_sim_ovf *a = q->o;
	struct nsw_sim_ovf x = a[--q->on];
	size_t n = q->on, i = 0;
	for (;;) {
		size_t c = (i << 2) + 1, m;
		if (c >= n)
			break;
		uint64_t mt;
		if (c + 4 <= n) {
			struct nsw_sim_least l =
				nsw_sim_min4(c, a[c].kt, a[c + 1].kt, a[c + 2].kt, a[c + 3].kt);
			m = l.i;
			mt = l.t;
		} else {
			m = c;
			for (size_t k = c + 1; k < n; k++)
				if (a[k].kt < a[m].kt)
					m = k;
			mt = a[m].kt;
		}
		if (mt >= x.kt)
			break;
		a[i] = a[m];
		i = m;
	}
	if (n)
		a[i] = x;
}

/* The key of an event of order time kt and push number seq within its bucket. */
_Static_assert(NSW_SIM_CAL_SHIFT <= 64 - 40, "a key keeps at least 2^40 push numbers");
static inline uint64_t nsw_sim_cur_key(uint64_t kt, uint64_t seq)
{
	return (kt & (NSW_SIM_CAL_W - 1)) << (64 - NSW_SIM_CAL_SHIFT) | seq;
}

/* Adds node k of key `key` to its bucket b (within the span of the current one). */
static inline void nsw_sim_cal_put(struct nsw_sim_evq *q, uint32_t k, uint64_t b, uint64_t key)
{
	uint32_t sl = (uint32_t)b & (NSW_SIM_CAL_NB - 1);
	unsigned n = q->bn[sl];
	if (n < NSW_SIM_CAL_BQ) {
		nsw_sim_cur_set(&q->bq[sl][n], key, k);
		q->bn[sl] = (uint8_t)(n + 1);
		return;
	}
	q->pool[k].key = key;
	q->pool[k].next = NSW_SIM_NIL;
	if (q->tail[sl] == NSW_SIM_NIL)
		q->head[sl] = k;
	else
		q->pool[q->tail[sl]].next = k;
	q->tail[sl] = k;
}

static inline void nsw_sim_evq_push(struct nsw_sim_evq *q, const struct nsw_sim_ev *e)
{
	uint32_t k = q->free;
	if (k != NSW_SIM_NIL) {
		q->free = q->pool[k].next;
	} else {
		if (q->pool_n == q->pool_cap) { /* realloc would not keep the alignment */
			struct nsw_sim_evn *a = aligned_alloc(64, 2 * (size_t)q->pool_cap * sizeof *a);
			if (!a) {
				fprintf(stderr, "nswitch-sim: out of memory for %u events\n",
					2 * q->pool_cap);
				exit(3);
			}
			memcpy(a, q->pool, q->pool_cap * sizeof *a);
			free(q->pool);
			q->pool = a;
			q->pool_cap *= 2;
		}
		k = q->pool_n++;
	}
	nsw_sim_ev_copy(&q->pool[k].e, e);
	uint64_t kt = e->t < q->now ? q->now : e->t;
	q->pool[k].kt = kt;
	uint64_t seq = q->seq++;
	uint64_t b = kt >> NSW_SIM_CAL_SHIFT;
	uint64_t key = nsw_sim_cur_key(kt, seq);
	if (b == q->cur_b) {
		/* into the sorted current bucket: nearer its end (popped sooner) than every entry
		 * of a larger key, behind every one of a smaller key; no key is equal (push numbers
		 * differ). The loop stops at the sentinel at the latest. */
		if (q->cur_end == q->cur_lim)
			nsw_sim_cur_grow(q);
		struct nsw_sim_cur *p = q->cur_end++;
		while (p[-1].key < key) {
			p[0] = p[-1];
			p--;
		}
		nsw_sim_cur_set(p, key, k);
	} else if (b - q->cur_b < NSW_SIM_CAL_NB) {
		nsw_sim_cal_put(q, k, b, key);
	} else {
		nsw_sim_ovf_push(q, k, kt, seq);
	}
}

/* Events queued. */
static inline uint64_t nsw_sim_evq_len(const struct nsw_sim_evq *q)
{
	return q->seq - q->pops;
}

/* The first bucket in use after the current one, going round (one must be in use): a scan of
 * the counts 8 at a time (a bucket in use has a count: its list is used only once its array is
 * full), so that putting an event into a bucket keeps no bitmap. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the scan reads 8 counts as one word");
static inline uint64_t nsw_sim_cal_next(const struct nsw_sim_evq *q)
{
	uint32_t c = (uint32_t)q->cur_b & (NSW_SIM_CAL_NB - 1);
	for (uint32_t d = 1; d < NSW_SIM_CAL_NB;) {
		uint32_t sl = (c + d) & (NSW_SIM_CAL_NB - 1);
		uint64_t m;
		memcpy(&m, q->bn + (sl & ~7u), sizeof m);
		m >>= 8 * (sl & 7);
		if (m) {
			d += (uint32_t)__builtin_ctzll(m) >> 3;
			if (d >= NSW_SIM_CAL_NB) /* wrapped back past the current bucket */
				break;
			return q->cur_b + d;
		}
		d += 8 - (sl & 7);
	}
	return UINT64_MAX;
}

/* Inserts x into the current array, sorted by decreasing key (the insertion sort of a bucket:
 * short; the sentinel at cur[-1] ends the loop). */
static inline void nsw_sim_cur_insert(struct nsw_sim_evq *q, struct nsw_sim_cur x)
{
	if (q->cur_end == q->cur_lim)
		nsw_sim_cur_grow(q);
	struct nsw_sim_cur *p = q->cur_end++;
	while (p[-1].key < x.key) {
		p[0] = p[-1];
		p--;
	}
	*p = x;
}

/* Moves to bucket b: what the overflow heap holds within the span goes to its bucket, then
 * b's list is sorted into the current array. */
static inline void nsw_sim_cal_enter(struct nsw_sim_evq *q, uint64_t b)
{
	q->cur_b = b;
	while (q->on) {
		uint64_t kt = q->o[0].kt, seq = q->o[0].seq;
		uint32_t k = q->o[0].node;
		if ((kt >> NSW_SIM_CAL_SHIFT) - b >= NSW_SIM_CAL_NB)
			break;
		nsw_sim_ovf_pop(q);
		nsw_sim_cal_put(q, k, kt >> NSW_SIM_CAL_SHIFT, nsw_sim_cur_key(kt, seq));
	}
	uint32_t sl = (uint32_t)b & (NSW_SIM_CAL_NB - 1);
	/* the array first: it fits the current array (NSW_SIM_CAL_BQ <= its least capacity), so
	 * its loop tests no capacity and keeps its count in a register */
	struct nsw_sim_cur *cur = q->cur, *row = q->bq[sl];
	unsigned nb = q->bn[sl];
	for (unsigned j = 0; j < nb; j++) {
		nsw_sim_u64x2 x; /* moved whole (see nsw_sim_cur_set) */
		memcpy(&x, &row[j], sizeof x);
		uint64_t xk = row[j].key;
		struct nsw_sim_cur *p = cur + j;
		while (p[-1].key < xk) {
			p[0] = p[-1];
			p--;
		}
		memcpy(p, &x, sizeof x);
	}
	q->cur_end = cur + nb;
	q->bn[sl] = 0;
	/* a list only when the array overflowed (a burst: 51 of 592,570 puts in vm1000's 2 x 10^5
	 * frames) */
	if (q->head[sl] != NSW_SIM_NIL) {
		for (uint32_t k = q->head[sl]; k != NSW_SIM_NIL; k = q->pool[k].next)
			nsw_sim_cur_insert(q, (struct nsw_sim_cur){q->pool[k].key, k});
		q->head[sl] = q->tail[sl] = NSW_SIM_NIL;
	}
}

/* The current bucket is spent: enters the next one that holds events; false when the queue is
 * empty (1 pop in 17 in vm1000). */
static inline bool nsw_sim_evq_refill(struct nsw_sim_evq *q)
{
	while (q->cur_end == q->cur) {
		if (q->seq == q->pops)
			return false;
		uint64_t b = nsw_sim_cal_next(q);
		if (q->on) {
			uint64_t ob = q->o[0].kt >> NSW_SIM_CAL_SHIFT;
			if (ob < b)
				b = ob;
		}
		nsw_sim_cal_enter(q, b);
	}
	return true;
}

/* The event the next pop would take as the queue stands, or, when the current bucket is
 * spent, the sentinel's node 0 (zeroed at init, or an event already taken): for a prefetch
 * hint only, never to decide anything. */
static inline const struct nsw_sim_ev *nsw_sim_evq_peek(const struct nsw_sim_evq *q)
{
	return &q->pool[q->cur_end[-1].node].e;
}

/* Takes the next event into *out; false when the queue is empty. */
static inline bool nsw_sim_evq_pop(struct nsw_sim_evq *q, struct nsw_sim_ev *out)
{
	if (q->cur_end == q->cur && !nsw_sim_evq_refill(q))
		return false;
	struct nsw_sim_cur c = *--q->cur_end;
	/* the next event's node: its line was written long ago, load it while this one runs */
	__builtin_prefetch(&q->pool[q->cur_end[-1].node]);
	/* and the one after (nsw_sim_evq_peek reads it at the next pop; a second sentinel before
	 * the current array keeps cur_end[-2] inside it) */
	__builtin_prefetch(&q->pool[q->cur_end[-2].node]);
	struct nsw_sim_evn *nd = &q->pool[c.node];
	nsw_sim_ev_copy(out, &nd->e);
	q->now = nd->kt;
	nd->next = q->free;
	q->free = c.node;
	q->pops++;
	return true;
}

/* ---- FIFO servers ---- */

#define NSW_SIM_FX_SHIFT 16
#define NSW_SIM_FX_ONE (1ull << NSW_SIM_FX_SHIFT)

static inline uint64_t nsw_sim_fx(uint64_t ns)
{
	return ns << NSW_SIM_FX_SHIFT;
}

/* A duration in ns (real) to the server's fixed point, rounded to nearest. */
static inline uint64_t nsw_sim_fx_of(double ns)
{
	return (uint64_t)(ns * (double)NSW_SIM_FX_ONE + 0.5);
}

/* Fixed point to whole ns, rounding up: a frame is out only once its last bit is. */
static inline uint64_t nsw_sim_fx_ceil(uint64_t fx)
{
	return (fx + NSW_SIM_FX_ONE - 1) >> NSW_SIM_FX_SHIFT;
}

struct nsw_sim_res {
	char name[24];
	uint64_t free_fx;   /* when the server finishes all accepted work */
	uint64_t busy_fx;   /* service inside the measuring window [win_lo, win_hi] */
	/* where the busy-time accounting stands (nsw_sim_res_busy): a service that ends by
	 * busy_edge adds its whole length masked by busy_mask (all of it, or nothing); one that
	 * ends later is clipped to the window and moves the edge */
	uint64_t busy_edge, busy_mask;
	uint64_t win_lo, win_hi; /* set before the first service, never changed after it */
	uint64_t *ring;     /* finish times of the frames in the system (cap > 0) */
	uint32_t cap;       /* frames the server holds, in service included; 0: unbounded */
	uint32_t head, n;
	uint64_t drops;     /* frames refused: the buffer was full */
};

static inline int nsw_sim_res_init(struct nsw_sim_res *r, const char *name, uint32_t cap)
{
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->cap = cap;
	r->win_hi = UINT64_MAX;
	/* busy_edge 0: the first service that ends after time 0 sets the accounting up from the
	 * window as it is then (win_lo and win_hi are set after this) */
	if (cap) {
		r->ring = malloc(cap * sizeof *r->ring);
		if (!r->ring)
			return -1;
	}
	return 0;
}

static inline void nsw_sim_res_free(struct nsw_sim_res *r)
{
	free(r->ring);
	r->ring = NULL;
}

/* A service [start, fin] that ends after busy_edge: its part inside the window counts, and
 * the edge moves to what the next services, which start at or after fin, may end by and still
 * count all (the window's end: between its edges) or nothing (its start: before the window;
 * never again: after it). Rare: at most three times a server, as a service crosses an edge;
 * out of line, so that the servers' callers save no registers for it. */
__attribute__((noinline, unused)) static void nsw_sim_res_edge(struct nsw_sim_res *r,
								uint64_t start, uint64_t fin)
{
	uint64_t lo = start > r->win_lo ? start : r->win_lo;
	uint64_t hi = fin < r->win_hi ? fin : r->win_hi;
	if (hi > lo)
		r->busy_fx += hi - lo;
	if (fin >= r->win_hi) {
		r->busy_edge = UINT64_MAX;
		r->busy_mask = 0;
	} else if (fin >= r->win_lo) {
		r->busy_edge = r->win_hi;
		r->busy_mask = UINT64_MAX;
	} else {
		r->busy_edge = r->win_lo;
		r->busy_mask = 0;
	}
}

/* Utilization counts only the part of a service inside the window, so that a backlog left at
 * the end of the window is not counted as work done in it. A server's services follow one
 * another (each starts at or after the previous one's end), so only one that ends past an
 * edge of the window can be cut by it: the others, which end by busy_edge, lie wholly inside
 * the window or wholly outside, and count all or nothing without clipping (exact: the same
 * sum as clipping every service). */
static inline void nsw_sim_res_busy(struct nsw_sim_res *r, uint64_t start, uint64_t fin)
{
	if (fin > r->busy_edge)
		return nsw_sim_res_edge(r, start, fin);
	r->busy_fx += (fin - start) & r->busy_mask;
}

/* A frame arrives at time t (ns) needing svc_fx of service. Returns the time (ns) its service
 * ends, or 0 when the buffer is full and it is dropped. */
static inline uint64_t nsw_sim_res_serve(struct nsw_sim_res *r, uint64_t t, uint64_t svc_fx)
{
	uint64_t arr = nsw_sim_fx(t);
	if (r->cap) {
		while (r->n && r->ring[r->head] <= arr) {
			r->head = r->head + 1 == r->cap ? 0 : r->head + 1;
			r->n--;
		}
		if (r->n == r->cap) {
			r->drops++;
			return 0;
		}
	}
	uint64_t start = arr > r->free_fx ? arr : r->free_fx;
	uint64_t fin = start + svc_fx;
	r->free_fx = fin;
	if (r->cap) {
		uint32_t tail = r->head + r->n;
		if (tail >= r->cap)
			tail -= r->cap;
		r->ring[tail] = fin;
		r->n++;
	}
	nsw_sim_res_busy(r, start, fin);
	return nsw_sim_fx_ceil(fin);
}

/* Work that occupies the server without a frame waiting for it (read requests, ACK DLLPs,
 * descriptor traffic in the other direction of a link). Never dropped. */
static inline void nsw_sim_res_charge(struct nsw_sim_res *r, uint64_t t, uint64_t svc_fx)
{
	uint64_t arr = nsw_sim_fx(t);
	uint64_t start = arr > r->free_fx ? arr : r->free_fx;
	r->free_fx = start + svc_fx;
	nsw_sim_res_busy(r, start, r->free_fx);
}

/* ---- latency histogram: log-linear, 64 sub-buckets per power of two (< 1.6% error) ---- */

#define NSW_SIM_HSUB 6
#define NSW_SIM_HBUCKETS ((64 - NSW_SIM_HSUB) << NSW_SIM_HSUB)

struct nsw_sim_hist {
	uint64_t n, max, min;
	double sum;
	uint64_t b[NSW_SIM_HBUCKETS];
};

static inline unsigned nsw_sim_hist_idx(uint64_t v)
{
	if (v < (1u << NSW_SIM_HSUB))
		return (unsigned)v;
	unsigned e = 63 - (unsigned)__builtin_clzll(v); /* >= NSW_SIM_HSUB */
	unsigned sub = (unsigned)(v >> (e - NSW_SIM_HSUB)) & ((1u << NSW_SIM_HSUB) - 1);
	return ((e - NSW_SIM_HSUB + 1) << NSW_SIM_HSUB) + sub;
}

/* The smallest value of bucket i. */
static inline uint64_t nsw_sim_hist_low(unsigned i)
{
	if (i < (1u << NSW_SIM_HSUB))
		return i;
	unsigned e = (i >> NSW_SIM_HSUB) - 1 + NSW_SIM_HSUB;
	uint64_t sub = i & ((1u << NSW_SIM_HSUB) - 1);
	return (1ull << e) | (sub << (e - NSW_SIM_HSUB));
}

static inline void nsw_sim_hist_add(struct nsw_sim_hist *h, uint64_t v)
{
	if (!h->n || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->n++;
	/* through int64_t: one conversion instruction where uint64_t's takes a test of the top
	 * bit and a branch (x86-64 without AVX-512); v is a latency in ns, far below 2^63, where
	 * both give the same double */
	h->sum += (double)(int64_t)v;
	h->b[nsw_sim_hist_idx(v)]++;
}

/* The q-quantile (0..1): the middle of the bucket holding it, clamped to [min, max]. */
static inline uint64_t nsw_sim_hist_q(const struct nsw_sim_hist *h, double q)
{
	if (!h->n)
		return 0;
	uint64_t rank = (uint64_t)ceil(q * (double)h->n), acc = 0;
	if (rank < 1)
		rank = 1;
	for (unsigned i = 0; i < NSW_SIM_HBUCKETS; i++) {
		acc += h->b[i];
		if (acc >= rank) {
			uint64_t lo = nsw_sim_hist_low(i);
			uint64_t hi = i + 1 < NSW_SIM_HBUCKETS ? nsw_sim_hist_low(i + 1) : lo;
			uint64_t mid = lo + (hi - lo) / 2;
			if (mid < h->min)
				mid = h->min;
			if (mid > h->max)
				mid = h->max;
			return mid;
		}
	}
	return h->max;
}

#endif
