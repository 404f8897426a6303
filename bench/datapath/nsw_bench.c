/* nsw_bench.c - the user-space side of the datapath benchmark (bench/datapath/run).
 *
 * Owns (bench/datapath only; whoever owns the benchmark may touch it):
 *   nsw_bench bare tc|tc-peer|xdp NETNS DEVA DEVB
 *       Attaches the bare redirect-only ceiling (nsw_bench.bpf.c) to DEVA and DEVB in NETNS,
 *       each redirecting to the other, and exits; the attachment lives with the devices.
 *   nsw_bench bare-ahead tc|tc-peer|off NETNS DEV [TO]
 *       Puts the bare tc ceiling on DEV's ingress, redirecting to TO, ahead of whatever runs
 *       there at tc priority 1 (cls_bpf runs the newest filter of a priority first, and the
 *       redirect ends the chain), or takes it off again: the ceiling of the very topology a
 *       datapath is measured on, toggled in place (bench/datapath/run's paired ratios).
 *   nsw_bench pps GEN_NS GEN_DEV SINK_NS SINK_DEV CPU SECONDS WARMUP
 *       Attaches the sink to SINK_DEV, then on CPU runs the live-frames generator on GEN_DEV
 *       (64-byte frames: 60 octets + FCS, UDP to port 9, GEN_DEV's MAC to SINK_DEV's MAC)
 *       for WARMUP + SECONDS, and prints one line: forwarded Mpps measured at the sink over
 *       SECONDS, frames offered, frames counted. Detaches the sink before it exits.
 *   nsw_bench mesh NS_PREFIX N DEV CPU SECONDS WARMUP
 *       N VMs, namespaces NS_PREFIX1..N, each with device DEV: attaches the sink to every DEV,
 *       then on CPU the VMs send in turn (calls of about 0.05 s each, round robin, so that all
 *       of them send within a window of a few seconds), each frame to a random other VM
 *       (nsw_bench_gen_mesh); prints the line of pps, counted at all the sinks together, and
 *       what the window cost the core: the generator thread's and ksoftirqd's run time
 *       (cpu_s), the time the thread waited for the core (wait_s), frames per CPU-second
 *       (mpps_cpu). The generator is held in the XDP dispatcher for the run (see there).
 *   nsw_bench sink SINK_NS SINK_DEV SECONDS WARMUP
 *       The sink alone, counting what another generator (xdp-trafficgen, the cross-check)
 *       sends: prints the forwarded Mpps over SECONDS after WARMUP, then detaches.
 *   nsw_bench progcost HV_NS DEVA DEVB GEN_NS GEN_DEV SINK_NS SINK_DEV PINDIR CPU REPEAT ROUNDS
 *       The programs' own cost per frame (bench/datapath/progcost runs it): nswitch's programs
 *       pinned in PINDIR (a NIC whose VFs are DEVA and DEVB, the VMs' ends GEN_DEV and
 *       SINK_DEV) and the bare ceilings between DEVA and DEVB, each run by BPF_PROG_TEST_RUN
 *       REPEAT times on a Case-0 frame GEN_DEV -> SINK_DEV entering at DEVA (xdp: live frames
 *       into the sink), alternated, ROUNDS rounds; prints medians and paired differences.
 * Invariants: never touches a device outside the namespaces it is given; any setup error is
 * one line on stderr and exit status 1; figures are only what the sink counted.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsw_bench.skel.h"

#define NSW_FRAME_LEN 60 /* + 4 octets of FCS on a wire = a 64-byte frame */
#define NSW_CALL_S 0.25  /* the generator's calls last about this long (seconds) */

static volatile sig_atomic_t nsw_stop;

static void nsw_on_signal(int sig)
{
	(void)sig;
	nsw_stop = 1;
}

static void nsw_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("nsw_bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static int nsw_libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Enters NETNS; returns a descriptor of it to come back later. */
static int nsw_netns_open(const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "/run/netns/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		nsw_die("netns %s: %s", name, strerror(errno));
	return fd;
}

static void nsw_netns_enter(int fd, const char *name)
{
	if (setns(fd, CLONE_NEWNET))
		nsw_die("setns %s: %s", name, strerror(errno));
}

static unsigned nsw_ifindex(const char *dev, const char *ns)
{
	unsigned i = if_nametoindex(dev);
	if (!i)
		nsw_die("no device %s in netns %s", dev, ns);
	return i;
}

static void nsw_mac(const char *dev, uint8_t mac[6])
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		nsw_die("socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", dev);
	if (ioctl(s, SIOCGIFHWADDR, &ifr))
		nsw_die("MAC of %s: %s", dev, strerror(errno));
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
}

static double nsw_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct nsw_bench *nsw_skel_open(void)
{
	struct nsw_bench *sk = nsw_bench__open();
	if (!sk)
		nsw_die("cannot open the BPF object: %s", strerror(errno));
	return sk;
}

static void nsw_skel_load(struct nsw_bench *sk)
{
	int r = nsw_bench__load(sk);
	if (r)
		nsw_die("cannot load the BPF object: %s", strerror(-r));
}

/* The bare programs, loaded to redirect between devices a and b (tc: by redirect_peer if peer). */
static struct nsw_bench *nsw_bare_load(unsigned a, unsigned b, int peer)
{
	struct nsw_bench *sk = nsw_skel_open();
	sk->rodata->nsw_bench_ifa = a;
	sk->rodata->nsw_bench_ifb = b;
	sk->rodata->nsw_bench_peer = (uint32_t)peer;
	nsw_skel_load(sk);
	uint32_t k0 = 0, k1 = 1;
	if (a && b &&
	    (bpf_map_update_elem(bpf_map__fd(sk->maps.nsw_bench_tx), &k0, &a, 0) ||
	     bpf_map_update_elem(bpf_map__fd(sk->maps.nsw_bench_tx), &k1, &b, 0)))
		nsw_die("cannot fill the bare devmap: %s", strerror(errno));
	return sk;
}

/* The bare ceiling: redirect-only, both ways between a and b. */
static int nsw_cmd_bare(int argc, char **argv)
{
	if (argc != 5)
		nsw_die("usage: nsw_bench bare tc|tc-peer|xdp|xdp-map NETNS DEVA DEVB");
	const char *hook = argv[1], *ns = argv[2];
	int map = !strcmp(hook, "xdp-map");
	int xdp = map || !strcmp(hook, "xdp"), peer = !strcmp(hook, "tc-peer");
	if (!xdp && !peer && strcmp(hook, "tc"))
		nsw_die("unknown hook \"%s\": tc, tc-peer, xdp or xdp-map", hook);
	nsw_netns_enter(nsw_netns_open(ns), ns);
	unsigned ifi[2] = {nsw_ifindex(argv[3], ns), nsw_ifindex(argv[4], ns)};
	struct nsw_bench *sk = nsw_bare_load(ifi[0], ifi[1], peer);
	for (int i = 0; i < 2; i++) {
		int r;
		if (xdp) {
			struct bpf_program *pg =
				map ? sk->progs.nsw_bench_bare_xdp_map : sk->progs.nsw_bench_bare_xdp;
			r = bpf_xdp_attach((int)ifi[i], bpf_program__fd(pg), XDP_FLAGS_DRV_MODE, NULL);
			if (r)
				nsw_die("XDP attach on %s: %s", argv[3 + i], strerror(-r));
			continue;
		}
		LIBBPF_OPTS(bpf_tc_hook, hk, .ifindex = (int)ifi[i], .attach_point = BPF_TC_INGRESS);
		LIBBPF_OPTS(bpf_tc_opts, to, .prog_fd = bpf_program__fd(sk->progs.nsw_bench_bare_tc));
		r = bpf_tc_hook_create(&hk);
		if (r && r != -EEXIST)
			nsw_die("clsact on %s: %s", argv[3 + i], strerror(-r));
		r = bpf_tc_attach(&hk, &to);
		if (r)
			nsw_die("tc attach on %s: %s", argv[3 + i], strerror(-r));
	}
	nsw_bench__destroy(sk);
	return 0;
}

#define NSW_BENCH_AHEAD_HANDLE 0x4253 /* 'BS': not nswitch's 0x4e53 */

static int nsw_cmd_bare_ahead(int argc, char **argv)
{
	int off = argc == 4 && !strcmp(argv[1], "off");
	if (!off && argc != 5)
		nsw_die("usage: nsw_bench bare-ahead tc|tc-peer|off NETNS DEV [TO]");
	const char *hook = argv[1], *ns = argv[2];
	int peer = !strcmp(hook, "tc-peer");
	if (!off && !peer && strcmp(hook, "tc"))
		nsw_die("unknown hook \"%s\": tc or tc-peer (XDP runs one program: no ahead)", hook);
	nsw_netns_enter(nsw_netns_open(ns), ns);
	unsigned ifi = nsw_ifindex(argv[3], ns);
	LIBBPF_OPTS(bpf_tc_hook, hk, .ifindex = (int)ifi, .attach_point = BPF_TC_INGRESS);
	if (off) {
		LIBBPF_OPTS(bpf_tc_opts, o, .handle = NSW_BENCH_AHEAD_HANDLE, .priority = 1);
		int r = bpf_tc_detach(&hk, &o);
		if (r)
			nsw_die("tc detach on %s: %s", argv[3], strerror(-r));
		return 0;
	}
	struct nsw_bench *sk = nsw_bare_load(ifi, nsw_ifindex(argv[4], ns), peer);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = NSW_BENCH_AHEAD_HANDLE, .priority = 1,
		    .prog_fd = bpf_program__fd(sk->progs.nsw_bench_bare_tc));
	int r = bpf_tc_attach(&hk, &o); /* the clsact is the datapath's: it must be there */
	if (r)
		nsw_die("tc attach on %s (no clsact qdisc?): %s", argv[3], strerror(-r));
	nsw_bench__destroy(sk);
	return 0;
}

static uint64_t nsw_sink_count(int map_fd, int ncpu, uint64_t *vals)
{
	uint32_t zero = 0;
	uint64_t sum = 0;
	if (bpf_map_lookup_elem(map_fd, &zero, vals))
		nsw_die("reading the sink counter: %s", strerror(errno));
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

static uint16_t nsw_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Ethernet, IPv4 10.199.0.1 -> 10.199.0.2, UDP 9 -> 9, zero payload: 60 octets. */
static void nsw_frame(uint8_t *f, const uint8_t *src, const uint8_t *dst)
{
	memset(f, 0, NSW_FRAME_LEN);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	ip[3] = NSW_FRAME_LEN - 14; /* total length */
	ip[8] = 64;
	ip[9] = 17;
	const uint8_t a[8] = {10, 199, 0, 1, 10, 199, 0, 2};
	memcpy(ip + 12, a, 8);
	uint16_t c = nsw_csum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	uint8_t *udp = ip + 20;
	udp[1] = 9;
	udp[3] = 9;
	udp[5] = NSW_FRAME_LEN - 34; /* UDP length; checksum 0 = none */
}

/* The sink on SDEV in SNS: XDP for frames that come through the veth's receive queue, tc
 * ingress for those bpf_redirect_peer puts straight into the VM. */
struct nsw_sink {
	int ifindex, own_clsact;
	struct bpf_tc_hook hk;
	struct bpf_tc_opts to;
};

static void nsw_sink_attach(struct nsw_sink *snk, struct nsw_bench *sk, int sfd, const char *sns,
			    const char *sdev, uint8_t smac[6])
{
	nsw_netns_enter(sfd, sns);
	snk->ifindex = (int)nsw_ifindex(sdev, sns);
	nsw_mac(sdev, smac);
	int r = bpf_xdp_attach(snk->ifindex, bpf_program__fd(sk->progs.nsw_bench_sink_xdp),
			       XDP_FLAGS_DRV_MODE, NULL);
	if (r)
		nsw_die("sink XDP attach on %s: %s", sdev, strerror(-r));
	memset(&snk->hk, 0, sizeof snk->hk);
	snk->hk.sz = sizeof snk->hk;
	snk->hk.ifindex = snk->ifindex;
	snk->hk.attach_point = BPF_TC_INGRESS;
	memset(&snk->to, 0, sizeof snk->to);
	snk->to.sz = sizeof snk->to;
	snk->to.prog_fd = bpf_program__fd(sk->progs.nsw_bench_sink_tc);
	r = bpf_tc_hook_create(&snk->hk);
	snk->own_clsact = !r;
	if (r && r != -EEXIST)
		nsw_die("sink clsact on %s: %s", sdev, strerror(-r));
	r = bpf_tc_attach(&snk->hk, &snk->to);
	if (r)
		nsw_die("sink tc attach on %s: %s", sdev, strerror(-r));
}

static void nsw_sink_detach(struct nsw_sink *snk, int sfd, const char *sns)
{
	nsw_netns_enter(sfd, sns);
	bpf_xdp_detach(snk->ifindex, XDP_FLAGS_DRV_MODE, NULL);
	if (snk->own_clsact) {
		snk->hk.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&snk->hk);
	} else {
		snk->to.prog_fd = 0;
		snk->to.prog_id = 0;
		snk->to.flags = 0;
		bpf_tc_detach(&snk->hk, &snk->to);
	}
}

/* nsw_bench sink SINK_NS SINK_DEV SECONDS WARMUP: the sink alone, for another generator
 * (xdp-trafficgen) started by the caller; prints the frames counted per second over SECONDS
 * after WARMUP. */
static int nsw_cmd_sink(int argc, char **argv)
{
	if (argc != 5)
		nsw_die("usage: nsw_bench sink SINK_NS SINK_DEV SECONDS WARMUP");
	const char *sns = argv[1], *sdev = argv[2];
	double secs = atof(argv[3]), warm = atof(argv[4]);
	if (secs <= 0 || warm < 0)
		nsw_die("bad duration");
	int sfd = nsw_netns_open(sns);
	struct nsw_bench *sk = nsw_skel_open();
	nsw_skel_load(sk);
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals = ncpu > 0 ? calloc((size_t)ncpu, sizeof *vals) : NULL;
	if (!vals)
		nsw_die("cannot count CPUs");
	uint8_t smac[6];
	struct nsw_sink snk;
	nsw_sink_attach(&snk, sk, sfd, sns, sdev, smac);
	int map_fd = bpf_map__fd(sk->maps.nsw_bench_cnt);
	signal(SIGINT, nsw_on_signal);
	signal(SIGTERM, nsw_on_signal);
	struct timespec w = {.tv_sec = (time_t)warm, .tv_nsec = (long)((warm - (double)(time_t)warm) * 1e9)};
	nanosleep(&w, NULL);
	double ts = nsw_now();
	uint64_t c0 = nsw_sink_count(map_fd, ncpu, vals);
	while (!nsw_stop && nsw_now() - ts < secs)
		usleep(10000);
	double te = nsw_now();
	uint64_t c1 = nsw_sink_count(map_fd, ncpu, vals);
	nsw_sink_detach(&snk, sfd, sns);
	if (nsw_stop)
		nsw_die("interrupted");
	printf("mpps=%.4f forwarded=%llu seconds=%.3f\n", (double)(c1 - c0) / (te - ts) / 1e6,
	       (unsigned long long)(c1 - c0), te - ts);
	free(vals);
	nsw_bench__destroy(sk);
	return 0;
}

static int nsw_cmd_pps(int argc, char **argv)
{
	if (argc != 8)
		nsw_die("usage: nsw_bench pps GEN_NS GEN_DEV SINK_NS SINK_DEV CPU SECONDS WARMUP");
	const char *gns = argv[1], *gdev = argv[2], *sns = argv[3], *sdev = argv[4];
	int cpu = atoi(argv[5]);
	double secs = atof(argv[6]), warm = atof(argv[7]);
	if (secs <= 0 || warm < 0)
		nsw_die("bad duration");
	int gfd = nsw_netns_open(gns), sfd = nsw_netns_open(sns);

	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set))
		nsw_die("cannot pin to CPU %d: %s", cpu, strerror(errno));

	struct nsw_bench *sk = nsw_skel_open();
	nsw_skel_load(sk);
	int ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0)
		nsw_die("cannot count CPUs");
	uint64_t *vals = calloc((size_t)ncpu, sizeof *vals);
	if (!vals)
		nsw_die("out of memory");

	/* The sink, in the receiving VM. */
	uint8_t smac[6], gmac[6];
	struct nsw_sink snk;
	nsw_sink_attach(&snk, sk, sfd, sns, sdev, smac);
	int r;

	/* The generator, in the sending VM. */
	nsw_netns_enter(gfd, gns);
	int gifi = (int)nsw_ifindex(gdev, gns);
	nsw_mac(gdev, gmac);
	uint8_t frame[NSW_FRAME_LEN];
	nsw_frame(frame, gmac, smac);
	struct xdp_md md = {.data_end = NSW_FRAME_LEN, .ingress_ifindex = (uint32_t)gifi};
	/* Each call adds and removes the program from the XDP dispatcher (text poking, RCU
	 * waits: milliseconds, the core idle): calls grow until they last NSW_CALL_S, so that
	 * this gap costs the window less than 2 %. */
	uint32_t rep = 1u << 14;
	LIBBPF_OPTS(bpf_test_run_opts, ro, .data_in = frame, .data_size_in = NSW_FRAME_LEN,
		    .ctx_in = &md, .ctx_size_in = sizeof md, .repeat = rep,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);
	int gen_fd = bpf_program__fd(sk->progs.nsw_bench_gen);
	int map_fd = bpf_map__fd(sk->maps.nsw_bench_cnt);

	signal(SIGINT, nsw_on_signal);
	signal(SIGTERM, nsw_on_signal);
	double t0 = nsw_now(), ts = 0, te = 0;
	uint64_t c0 = 0, c1 = 0, sent = 0;
	int measuring = warm == 0;
	if (measuring) {
		ts = t0;
		c0 = nsw_sink_count(map_fd, ncpu, vals);
	}
	const char *err = NULL;
	while (!nsw_stop) {
		double tc = nsw_now();
		ro.repeat = rep;
		r = bpf_prog_test_run_opts(gen_fd, &ro);
		if (r) {
			if (errno != EINTR || !nsw_stop)
				err = strerror(errno);
			break;
		}
		if (measuring)
			sent += rep;
		double t = nsw_now();
		if (t - tc < NSW_CALL_S / 2 && rep < (1u << 28))
			rep *= 2;
		if (!measuring && t - t0 >= warm) {
			measuring = 1;
			ts = nsw_now();
			c0 = nsw_sink_count(map_fd, ncpu, vals);
		} else if (measuring && t - ts >= secs) {
			te = nsw_now();
			c1 = nsw_sink_count(map_fd, ncpu, vals);
			break;
		}
	}

	/* Detach the sink whatever happened. */
	nsw_sink_detach(&snk, sfd, sns);
	if (err)
		nsw_die("generator (BPF_PROG_TEST_RUN, live frames) on %s: %s", gdev, err);
	if (nsw_stop)
		nsw_die("interrupted");
	double dt = te - ts;
	printf("mpps=%.4f forwarded=%llu offered=%llu seconds=%.3f\n", (double)(c1 - c0) / dt / 1e6,
	       (unsigned long long)(c1 - c0), (unsigned long long)sent, dt);
	free(vals);
	nsw_bench__destroy(sk);
	return 0;
}

/* The CPU time the window cost, wherever the kernel ran it: the generator's own thread (its
 * system calls, and the softirqs run on their way out, which the scheduler charges to it) and
 * the CPU's ksoftirqd (the softirqs deferred to it). Both are a thread's sum_exec_runtime
 * (/proc/.../schedstat, first field, ns); its second field is the time the thread waited,
 * runnable, for the CPU: what other work on the same CPU took from the window. */
struct nsw_cpu_use {
	char ksoft[300]; /* /proc/PID/schedstat of ksoftirqd/CPU, "" if not found */
	double run, wait, ksoft_run, ksoft_wait;
};

static void nsw_schedstat(const char *path, double *run, double *wait)
{
	unsigned long long r = 0, w = 0;
	FILE *f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu %llu", &r, &w) != 2)
			r = w = 0;
		fclose(f);
	}
	*run = (double)r * 1e-9;
	*wait = (double)w * 1e-9;
}

static void nsw_cpu_use_init(struct nsw_cpu_use *u, int cpu)
{
	char want[32], path[300], comm[64];
	snprintf(want, sizeof want, "ksoftirqd/%d\n", cpu);
	u->ksoft[0] = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		int hit = fgets(comm, sizeof comm, f) && !strcmp(comm, want);
		fclose(f);
		if (hit) {
			snprintf(u->ksoft, sizeof u->ksoft, "/proc/%s/schedstat", e->d_name);
			break;
		}
	}
	if (d)
		closedir(d);
}

static void nsw_cpu_use_read(struct nsw_cpu_use *u)
{
	nsw_schedstat("/proc/thread-self/schedstat", &u->run, &u->wait);
	u->ksoft_run = u->ksoft_wait = 0;
	if (u->ksoft[0])
		nsw_schedstat(u->ksoft, &u->ksoft_run, &u->ksoft_wait);
}

/* A sink on device ifi of the current namespace: XDP and tc ingress (see nsw_bench.bpf.c). */
struct nsw_mesh_sink {
	int ifi, own_clsact;
};

static void nsw_mesh_sink_attach(struct nsw_bench *sk, struct nsw_mesh_sink *s, const char *dev, const char *ns)
{
	s->ifi = (int)nsw_ifindex(dev, ns);
	int r = bpf_xdp_attach(s->ifi, bpf_program__fd(sk->progs.nsw_bench_sink_xdp),
			       XDP_FLAGS_DRV_MODE, NULL);
	if (r)
		nsw_die("sink XDP attach on %s in %s: %s", dev, ns, strerror(-r));
	LIBBPF_OPTS(bpf_tc_hook, hk, .ifindex = s->ifi, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to, .prog_fd = bpf_program__fd(sk->progs.nsw_bench_sink_tc));
	r = bpf_tc_hook_create(&hk);
	s->own_clsact = !r;
	if (r && r != -EEXIST)
		nsw_die("sink clsact on %s in %s: %s", dev, ns, strerror(-r));
	r = bpf_tc_attach(&hk, &to);
	if (r)
		nsw_die("sink tc attach on %s in %s: %s", dev, ns, strerror(-r));
}

static void nsw_mesh_sink_detach(const struct nsw_mesh_sink *s)
{
	bpf_xdp_detach(s->ifi, XDP_FLAGS_DRV_MODE, NULL);
	LIBBPF_OPTS(bpf_tc_hook, hk, .ifindex = s->ifi, .attach_point = BPF_TC_INGRESS);
	if (s->own_clsact) {
		hk.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hk);
	} else {
		LIBBPF_OPTS(bpf_tc_opts, to);
		bpf_tc_detach(&hk, &to);
	}
}

#define NSW_MESH_MAX 1024
#define NSW_MESH_CALL_S 0.05

static int nsw_cmd_mesh(int argc, char **argv)
{
	if (argc != 7)
		nsw_die("usage: nsw_bench mesh NS_PREFIX N DEV CPU SECONDS WARMUP");
	const char *pfx = argv[1], *dev = argv[3];
	int n = atoi(argv[2]), cpu = atoi(argv[4]);
	double secs = atof(argv[5]), warm = atof(argv[6]);
	if (n < 2 || n > NSW_MESH_MAX || secs <= 0 || warm < 0)
		nsw_die("mesh: 2..%d VMs and a positive duration", NSW_MESH_MAX);
	static int nsfd[NSW_MESH_MAX];
	static struct nsw_mesh_sink sinks[NSW_MESH_MAX];
	static uint8_t macs[NSW_MESH_MAX][6];
	char ns[NSW_MESH_MAX][64];
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set))
		nsw_die("cannot pin to CPU %d: %s", cpu, strerror(errno));
	struct nsw_bench *sk = nsw_skel_open();
	sk->rodata->nsw_bench_nmacs = (uint32_t)n;
	const char *shot = getenv("NSW_BENCH_SINK_SHOT"); /* 1: the tc sink drops, as before */
	sk->rodata->nsw_bench_sink_shot = shot && !strcmp(shot, "1");
	nsw_skel_load(sk);
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals = calloc((size_t)(ncpu > 0 ? ncpu : 1), sizeof *vals);
	if (ncpu <= 0 || !vals)
		nsw_die("cannot count CPUs");
	int macs_fd = bpf_map__fd(sk->maps.nsw_bench_macs);
	for (int i = 0; i < n; i++) {
		snprintf(ns[i], sizeof ns[i], "%s%d", pfx, i + 1);
		nsfd[i] = nsw_netns_open(ns[i]);
		nsw_netns_enter(nsfd[i], ns[i]);
		nsw_mac(dev, macs[i]);
		nsw_mesh_sink_attach(sk, &sinks[i], dev, ns[i]);
		uint64_t v = 0;
		memcpy(&v, macs[i], 6);
		uint32_t k = (uint32_t)i;
		if (bpf_map_update_elem(macs_fd, &k, &v, 0))
			nsw_die("mesh MAC table: %s", strerror(errno));
	}
	int gen_fd = bpf_program__fd(sk->progs.nsw_bench_gen_mesh);
	int map_fd = bpf_map__fd(sk->maps.nsw_bench_cnt);
	/* Each test run puts its program into the kernel's XDP dispatcher and takes it out again
	 * (bpf_prog_change_xdp), each an RCU grace period the call sleeps through, unless the
	 * program is there already: measured, two grace periods per call were about half the
	 * window's wall time, a share set by the rest of the machine, and the calls' length they
	 * inflated set how many frames a call sent. So the generator stays attached for the run,
	 * on the first VM's loopback (generic XDP; no frame of the mesh crosses it), by a BPF link,
	 * which goes with the process however it ends.
	 * NSW_BENCH_NOHOLD=1: not held, as before (to measure what holding it changes). */
	const char *nohold = getenv("NSW_BENCH_NOHOLD");
	int hold = !(nohold && !strcmp(nohold, "1"));
	nsw_netns_enter(nsfd[0], ns[0]);
	struct bpf_link *held = NULL;
	if (hold) {
		unsigned lo = if_nametoindex("lo");
		if (!lo)
			nsw_die("no lo in %s: %s", ns[0], strerror(errno));
		held = bpf_program__attach_xdp(sk->progs.nsw_bench_gen_mesh, (int)lo);
		if (!held)
			nsw_die("generator held on lo in %s: %s", ns[0], strerror(errno));
	}
	signal(SIGINT, nsw_on_signal);
	signal(SIGTERM, nsw_on_signal);
	uint32_t rep = 1u << 12;
	struct nsw_cpu_use u0, u1;
	nsw_cpu_use_init(&u0, cpu);
	memcpy(u1.ksoft, u0.ksoft, sizeof u1.ksoft);
	double t0 = nsw_now(), ts = 0, te = 0;
	uint64_t c0 = 0, c1 = 0, sent = 0;
	int measuring = warm == 0, i = 0;
	if (measuring) {
		ts = t0;
		c0 = nsw_sink_count(map_fd, ncpu, vals);
		nsw_cpu_use_read(&u0);
	}
	const char *err = NULL;
	while (!nsw_stop) {
		/* The next VM sends: from its own namespace and device, with its own source MAC. */
		uint8_t frame[NSW_FRAME_LEN];
		nsw_netns_enter(nsfd[i], ns[i]);
		nsw_frame(frame, macs[i], macs[(i + 1) % n]);
		sk->bss->nsw_bench_self = (uint32_t)i;
		struct xdp_md md = {.data_end = NSW_FRAME_LEN, .ingress_ifindex = (uint32_t)sinks[i].ifi};
		LIBBPF_OPTS(bpf_test_run_opts, ro, .data_in = frame, .data_size_in = NSW_FRAME_LEN,
			    .ctx_in = &md, .ctx_size_in = sizeof md, .repeat = rep,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);
		double tc = nsw_now();
		if (bpf_prog_test_run_opts(gen_fd, &ro)) {
			if (errno != EINTR || !nsw_stop)
				err = strerror(errno);
			break;
		}
		if (measuring)
			sent += rep;
		double t = nsw_now();
		if (t - tc < NSW_MESH_CALL_S / 2 && rep < (1u << 24))
			rep *= 2;
		i = (i + 1) % n;
		if (!measuring && t - t0 >= warm) {
			measuring = 1;
			ts = nsw_now();
			c0 = nsw_sink_count(map_fd, ncpu, vals);
			nsw_cpu_use_read(&u0);
		} else if (measuring && t - ts >= secs) {
			te = nsw_now();
			c1 = nsw_sink_count(map_fd, ncpu, vals);
			nsw_cpu_use_read(&u1);
			break;
		}
	}
	for (int k = 0; k < n; k++) {
		nsw_netns_enter(nsfd[k], ns[k]);
		nsw_mesh_sink_detach(&sinks[k]);
	}
	bpf_link__destroy(held);
	if (err)
		nsw_die("mesh generator: %s", err);
	if (nsw_stop)
		nsw_die("interrupted");
	double dt = te - ts;
	double cpu_s = (u1.run - u0.run) + (u1.ksoft_run - u0.ksoft_run);
	printf("mpps=%.4f forwarded=%llu offered=%llu seconds=%.3f cpu_s=%.3f gen_s=%.3f "
	       "ksoftirqd_s=%.3f wait_s=%.3f mpps_cpu=%.4f rep=%u\n",
	       (double)(c1 - c0) / dt / 1e6, (unsigned long long)(c1 - c0),
	       (unsigned long long)sent, dt, cpu_s, u1.run - u0.run, u1.ksoft_run - u0.ksoft_run,
	       u1.wait - u0.wait, cpu_s > 0 ? (double)(c1 - c0) / cpu_s / 1e6 : 0.0, rep);
	free(vals);
	nsw_bench__destroy(sk);
	return 0;
}

/* nsw_bench progcost: the per-frame cost of nswitch's programs against the bare ceilings, by
 * BPF_PROG_TEST_RUN with a large repeat on one crafted Case-0 frame (the kernel times the loop
 * and returns ns per run: no generator, no sink, no scheduler in the figure). tc rows: the skb
 * test run (the redirect is decided, not carried out); xdp rows: live frames, whose redirects
 * really go out through DEVB into the sink, as in the datapath benchmark. Rows alternate
 * round by round; medians of ROUNDS, and the median of the paired differences. */
struct nsw_pc_row {
	const char *name;
	int fd, xdp;
	double ns[64];
};

/* ns per run, as the kernel times the loop: whole ns, and without the time the run was
 * scheduled out (a wall clock around the call counts the other engineers' load in). */
static double nsw_pc_run(const struct nsw_pc_row *row, uint8_t *frame, unsigned ifi,
			   uint32_t rep)
{
	struct __sk_buff sb = {.ifindex = ifi};
	struct xdp_md md = {.data_end = NSW_FRAME_LEN, .ingress_ifindex = ifi};
	LIBBPF_OPTS(bpf_test_run_opts, ro, .data_in = frame, .data_size_in = NSW_FRAME_LEN,
		    .repeat = rep);
	if (row->xdp) {
		ro.ctx_in = &md;
		ro.ctx_size_in = sizeof md;
		ro.flags = BPF_F_TEST_XDP_LIVE_FRAMES;
		ro.batch_size = 64;
	} else {
		ro.ctx_in = &sb;
		ro.ctx_size_in = sizeof sb;
	}
	if (bpf_prog_test_run_opts(row->fd, &ro))
		nsw_die("test run of %s: %s", row->name, strerror(errno));
	if (!row->xdp && ro.retval != TC_ACT_REDIRECT)
		nsw_die("%s returned %u, not a redirect: is the frame Case 0 between two VFs?",
			row->name, ro.retval);
	(void)rep;
	return ro.duration;
}

static int nsw_dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double nsw_median_d(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, nsw_dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int nsw_cmd_progcost(int argc, char **argv)
{
	if (argc != 12)
		nsw_die("usage: nsw_bench progcost HV_NS DEVA DEVB GEN_NS GEN_DEV SINK_NS SINK_DEV "
			"PINDIR CPU REPEAT ROUNDS");
	const char *hns = argv[1], *deva = argv[2], *devb = argv[3], *gns = argv[4],
		   *gdev = argv[5], *sns = argv[6], *sdev = argv[7], *pindir = argv[8];
	int cpu = atoi(argv[9]), rounds = atoi(argv[11]);
	long rep = atol(argv[10]);
	if (rep < 1 || rep > 100000000 || rounds < 1 || rounds > 64)
		nsw_die("REPEAT 1..1e8, ROUNDS 1..64");
	int hfd = nsw_netns_open(hns), gfd = nsw_netns_open(gns), sfd = nsw_netns_open(sns);
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set))
		nsw_die("cannot pin to CPU %d: %s", cpu, strerror(errno));

	uint8_t gmac[6], smac[6], frame[NSW_FRAME_LEN];
	nsw_netns_enter(gfd, gns);
	nsw_mac(gdev, gmac);
	struct nsw_bench *sink = nsw_skel_open();
	nsw_skel_load(sink);
	struct nsw_sink snk;
	nsw_sink_attach(&snk, sink, sfd, sns, sdev, smac);
	nsw_frame(frame, gmac, smac);

	nsw_netns_enter(hfd, hns);
	unsigned a = nsw_ifindex(deva, hns), b = nsw_ifindex(devb, hns);
	struct nsw_bench *plain = nsw_bare_load(a, b, 0), *peer = nsw_bare_load(a, b, 1);
	char path[512];
	snprintf(path, sizeof path, "%s/prog_tc", pindir);
	int nsw_tc_fd = bpf_obj_get(path);
	snprintf(path, sizeof path, "%s/prog_xdp", pindir);
	int nsw_xdp_fd = bpf_obj_get(path);
	if (nsw_tc_fd < 0 || nsw_xdp_fd < 0)
		nsw_die("no programs pinned in %s: %s", pindir, strerror(errno));
	struct nsw_pc_row rows[] = {
		{"nsw-tc", nsw_tc_fd, 0, {0}},
		{"bare-tc-peer", bpf_program__fd(peer->progs.nsw_bench_bare_tc), 0, {0}},
		{"bare-tc", bpf_program__fd(plain->progs.nsw_bench_bare_tc), 0, {0}},
		{"nsw-xdp", nsw_xdp_fd, 1, {0}},
		{"bare-xdp", bpf_program__fd(plain->progs.nsw_bench_bare_xdp), 1, {0}},
		{"bare-xdp-map", bpf_program__fd(plain->progs.nsw_bench_bare_xdp_map), 1, {0}},
	};
	enum { NROWS = sizeof rows / sizeof rows[0] };
	for (int i = 0; i < NROWS; i++) /* warm: maps faulted in, caches filled */
		nsw_pc_run(&rows[i], frame, a, (uint32_t)(rep / 10 + 1));
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < NROWS; i++) {
			/* Odd rounds run the rows backwards: neither side always goes first. */
			int k = r % 2 ? NROWS - 1 - i : i;
			rows[k].ns[r] = nsw_pc_run(&rows[k], frame, a, (uint32_t)rep);
		}
	nsw_sink_detach(&snk, sfd, sns);

	printf("progcost: ns per frame, medians of %d rounds of %ld runs on CPU %d\n", rounds, rep,
	       cpu);
	/* The minimum too: load on a shared machine only ever adds time, so the least of the
	 * rounds is the run with the least of it. */
	double med[NROWS], lo[NROWS], v[64];
	for (int i = 0; i < NROWS; i++) {
		for (int r = 0; r < rounds; r++)
			v[r] = rows[i].ns[r];
		med[i] = nsw_median_d(v, rounds);
		lo[i] = v[0];
		printf("%-13s %5.1f ns, min %3.0f  (rounds:", rows[i].name, med[i], lo[i]);
		for (int r = 0; r < rounds; r++)
			printf(" %.0f", rows[i].ns[r]);
		printf(")\n");
	}
	/* Paired: the difference within each round, then its median. */
	const int pairs[][2] = {{0, 1}, {0, 2}, {3, 4}, {3, 5}};
	for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
		int x = pairs[p][0], y = pairs[p][1];
		for (int r = 0; r < rounds; r++)
			v[r] = rows[x].ns[r] - rows[y].ns[r];
		double mean = 0;
		for (int r = 0; r < rounds; r++)
			mean += v[r] / rounds;
		double d = nsw_median_d(v, rounds);
		printf("%s - %s: %+.1f ns per frame (paired median; mean %+.2f; of the minima "
		       "%+.0f); %s/%s = %.3f\n",
		       rows[x].name, rows[y].name, d, mean, lo[x] - lo[y], rows[y].name,
		       rows[x].name, med[y] / med[x]);
	}
	nsw_bench__destroy(plain);
	nsw_bench__destroy(peer);
	nsw_bench__destroy(sink);
	return 0;
}

int main(int argc, char **argv)
{
	libbpf_set_print(nsw_libbpf_log);
	if (argc >= 2 && !strcmp(argv[1], "bare"))
		return nsw_cmd_bare(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "bare-ahead"))
		return nsw_cmd_bare_ahead(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "pps"))
		return nsw_cmd_pps(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "mesh"))
		return nsw_cmd_mesh(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "sink"))
		return nsw_cmd_sink(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "progcost"))
		return nsw_cmd_progcost(argc - 1, argv + 1);
	fprintf(stderr, "usage: nsw_bench bare tc|tc-peer|xdp|xdp-map NETNS DEVA DEVB\n"
			"       nsw_bench bare-ahead tc|tc-peer|off NETNS DEV [TO]\n"
			"       nsw_bench pps GEN_NS GEN_DEV SINK_NS SINK_DEV CPU SECONDS WARMUP\n"
			"       nsw_bench mesh NS_PREFIX N DEV CPU SECONDS WARMUP\n"
			"       nsw_bench sink SINK_NS SINK_DEV SECONDS WARMUP\n"
			"       nsw_bench progcost HV_NS DEVA DEVB GEN_NS GEN_DEV SINK_NS SINK_DEV "
			"PINDIR CPU REPEAT ROUNDS\n");
	return 1;
}
