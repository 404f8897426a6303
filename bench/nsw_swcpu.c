/* nsw_swcpu.c - the CPU a switch spends, apart from the endpoints' stacks and the traffic tools.
 *
 *   nsw_swcpu SECONDS HZ [--switch PAT,...] [--pid PID]... [--bpf NAME,...] [--frames NAME,...]
 *             [--top FILE]
 *
 * For SECONDS it samples every CPU with the software cpu-clock event (this VM has no PMU) at
 * HZ, each sample with its kernel call chain, and counts a sample as the switch's when a frame
 * of its chain matches one of the --switch patterns (fnmatch, e.g. "br_handle_frame",
 * "bpf_prog_*_nsw_*": inclusive, the callees the switch runs are its cost; "!PAT" excludes a
 * frame from ever counting) or when it was taken
 * in a --pid process (a userspace switch: its whole process, kernel calls included). It also
 * reads, over the same window, the run time the kernel accounts to the BPF programs named by
 * --bpf (kernel.bpf_stats_enabled, enabled by this tool only for the window, through
 * BPF_ENABLE_STATS), the runs of the programs named by --frames (a sink that sees each frame
 * once: the frames of the window), the utime+stime of each --pid (/proc/PID/stat) and the host's steal time
 * (/proc/stat). Prints one line of key=value (times in ns, CPU totals over all CPUs):
 *   secs ncpu hz samples idle user kernel switch pid_samples sample_ns switch_ns
 *   bpf_cnt bpf_ns frames pid_ns steal_pct
 * --top FILE writes the leaf symbols of the switch's samples, most frequent first.
 * Invariants: reads only kernel interfaces (perf_event_open, /proc, the BPF syscall); changes
 * nothing but the statistics switch, which it holds by a descriptor that closes when it
 * exits. Any setup error is one line on stderr and exit status 1. Needs root.
 * Owner: whoever owns bench/ (used by bench/datapath/run and eval/).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#define NSW_RB_PAGES 64      /* ring buffer data pages per CPU */
#define NSW_MAX_CPUS 256
#define NSW_MAX_CHAIN 64     /* kernel frames kept per sample */
#define NSW_MAX_PATS 64
#define NSW_MAX_PIDS 16
#define NSW_MAX_PROGS 4096

static void nsw_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("nsw_swcpu: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ---- samples: a flat array of kernel IPs, one chain per sample ---- */
struct nsw_sample {
	uint32_t pid;
	uint32_t user; /* the sample was taken in user space */
	uint32_t off, n; /* its chain in nsw_ips */
};
static struct nsw_sample *nsw_samples;
static size_t nsw_nsamples, nsw_capsamples;
static uint64_t *nsw_ips;
static size_t nsw_nips, nsw_capips;

static void nsw_add_sample(uint32_t pid, uint64_t ip, const uint64_t *chain, uint64_t nr)
{
	if (nsw_nsamples == nsw_capsamples) {
		nsw_capsamples = nsw_capsamples ? 2 * nsw_capsamples : 4096;
		nsw_samples = realloc(nsw_samples, nsw_capsamples * sizeof *nsw_samples);
		if (!nsw_samples)
			nsw_die("out of memory");
	}
	if (nsw_nips + NSW_MAX_CHAIN >= nsw_capips) {
		nsw_capips = nsw_capips ? 2 * nsw_capips : 65536;
		nsw_ips = realloc(nsw_ips, nsw_capips * sizeof *nsw_ips);
		if (!nsw_ips)
			nsw_die("out of memory");
	}
	struct nsw_sample *s = &nsw_samples[nsw_nsamples++];
	s->pid = pid;
	s->user = ip < 0xffff800000000000ull;
	s->off = (uint32_t)nsw_nips;
	s->n = 0;
	int kernel = 0;
	for (uint64_t i = 0; i < nr && s->n < NSW_MAX_CHAIN; i++) {
		uint64_t v = chain[i];
		if (v >= (uint64_t)PERF_CONTEXT_MAX) { /* a context marker */
			kernel = v == (uint64_t)PERF_CONTEXT_KERNEL;
			continue;
		}
		if (!kernel)
			continue;
		nsw_ips[nsw_nips++] = v;
		s->n++;
	}
}

/* ---- kernel symbols (/proc/kallsyms, read after the window: JIT images included) ---- */
struct nsw_sym {
	uint64_t addr;
	char *name;
};
static struct nsw_sym *nsw_syms;
static size_t nsw_nsyms;

static int nsw_sym_cmp(const void *a, const void *b)
{
	const struct nsw_sym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void nsw_load_syms(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	if (!f)
		nsw_die("/proc/kallsyms: %s", strerror(errno));
	char line[512];
	size_t cap = 0;
	while (fgets(line, sizeof line, f)) {
		char type, name[256];
		unsigned long long addr;
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (type != 't' && type != 'T')
			continue;
		if (nsw_nsyms == cap) {
			cap = cap ? 2 * cap : 65536;
			nsw_syms = realloc(nsw_syms, cap * sizeof *nsw_syms);
			if (!nsw_syms)
				nsw_die("out of memory");
		}
		nsw_syms[nsw_nsyms].addr = addr;
		nsw_syms[nsw_nsyms].name = strdup(name);
		nsw_nsyms++;
	}
	fclose(f);
	if (!nsw_nsyms || !nsw_syms[0].addr)
		nsw_die("/proc/kallsyms shows no addresses (needs root and kptr_restrict < 2)");
	qsort(nsw_syms, nsw_nsyms, sizeof *nsw_syms, nsw_sym_cmp);
}

static const char *nsw_sym_of(uint64_t ip)
{
	size_t lo = 0, hi = nsw_nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (nsw_syms[mid].addr <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? nsw_syms[lo - 1].name : "?";
}

/* ---- patterns ---- */
static char *nsw_pats[NSW_MAX_PATS];
static int nsw_npats;
static char *nsw_bpf_names[NSW_MAX_PATS];
static int nsw_nbpf;
static char *nsw_frame_names[NSW_MAX_PATS];
static int nsw_nframe;
static int nsw_pids[NSW_MAX_PIDS];
static int nsw_npids;

static int nsw_split(char *list, char **out, int max)
{
	int n = 0;
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		if (n == max)
			nsw_die("too many patterns (at most %d)", max);
		out[n++] = tok;
	}
	return n;
}

static int nsw_match_any(const char *name, char **pats, int n)
{
	for (int i = 0; i < n; i++)
		if (fnmatch(pats[i], name, 0) == 0)
			return 1;
	return 0;
}

/* A switch pattern "!PAT" excludes: a frame matching it is never the switch's (e.g. the
 * benchmark's own sink program beside "bpf_prog_*_nsw_*"). */
static int nsw_match_switch(const char *name)
{
	for (int i = 0; i < nsw_npats; i++)
		if (nsw_pats[i][0] == '!' && fnmatch(nsw_pats[i] + 1, name, 0) == 0)
			return 0;
	for (int i = 0; i < nsw_npats; i++)
		if (nsw_pats[i][0] != '!' && fnmatch(nsw_pats[i], name, 0) == 0)
			return 1;
	return 0;
}

static int nsw_is_idle(const char *leaf)
{
	static const char *idle[] = {"*idle*", "*safe_halt*", "*_halt", "mwait*"};
	for (size_t i = 0; i < sizeof idle / sizeof *idle; i++)
		if (fnmatch(idle[i], leaf, 0) == 0)
			return 1;
	return 0;
}

/* ---- /proc readings ---- */
static void nsw_steal(uint64_t *steal, uint64_t *total)
{
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		nsw_die("/proc/stat: %s", strerror(errno));
	unsigned long long v[10] = {0};
	int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
		       &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
	fclose(f);
	if (n < 8)
		nsw_die("/proc/stat: unexpected first line");
	*total = 0;
	for (int i = 0; i < 8; i++) /* guest time is already inside user */
		*total += v[i];
	*steal = v[7];
}

static uint64_t nsw_pid_ticks(int pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		nsw_die("%s: %s", path, strerror(errno));
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')'); /* the command name may hold spaces */
	unsigned long long ut = 0, st = 0;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		nsw_die("%s: unexpected format", path);
	return ut + st;
}

/* ---- BPF run time of the named programs ---- */
struct nsw_prog {
	uint32_t id;
	uint64_t cnt, ns;
};

static size_t nsw_bpf_snap(struct nsw_prog *out, char **names, int nnames)
{
	size_t n = 0;
	uint32_t id = 0;
	while (n < NSW_MAX_PROGS && bpf_prog_get_next_id(id, &id) == 0) {
		int fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue; /* unloaded meanwhile */
		struct bpf_prog_info info;
		uint32_t len = sizeof info;
		memset(&info, 0, sizeof info);
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    nsw_match_any(info.name, names, nnames)) {
			out[n].id = id;
			out[n].cnt = info.run_cnt;
			out[n].ns = info.run_time_ns;
			n++;
		}
		close(fd);
	}
	return n;
}

/* What the programs of AFTER ran since BEFORE (a program loaded meanwhile counts from 0). */
static void nsw_bpf_delta(const struct nsw_prog *before, size_t nbefore, const struct nsw_prog *after,
			  size_t nafter, uint64_t *cnt, uint64_t *ns)
{
	for (size_t i = 0; i < nafter; i++) {
		uint64_t c0 = 0, n0 = 0;
		for (size_t j = 0; j < nbefore; j++)
			if (before[j].id == after[i].id) {
				c0 = before[j].cnt;
				n0 = before[j].ns;
			}
		*cnt += after[i].cnt - c0;
		*ns += after[i].ns - n0;
	}
}

static double nsw_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads the records of one ring buffer, keeping the samples. */
static void nsw_drain(struct perf_event_mmap_page *meta, size_t data_size)
{
	unsigned char *data = (unsigned char *)meta + meta->data_offset;
	uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = meta->data_tail;
	static unsigned char rec[65536];
	while (tail < head) {
		struct perf_event_header hdr;
		for (size_t i = 0; i < sizeof hdr; i++)
			((unsigned char *)&hdr)[i] = data[(tail + i) % data_size];
		if (hdr.size < sizeof hdr) /* rec holds any u16 size */
			break;
		for (size_t i = 0; i < hdr.size; i++)
			rec[i] = data[(tail + i) % data_size];
		if (hdr.type == PERF_RECORD_SAMPLE) {
			/* PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_CALLCHAIN, in that order */
			uint64_t ip, nr;
			uint32_t pid;
			unsigned char *p = rec + sizeof hdr;
			memcpy(&ip, p, 8);
			memcpy(&pid, p + 8, 4);
			memcpy(&nr, p + 16, 8);
			if (24 + nr * 8 <= hdr.size - sizeof hdr)
				nsw_add_sample(pid, ip, (const uint64_t *)(p + 24), nr);
		}
		tail += hdr.size;
	}
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
}

struct nsw_top {
	const char *name;
	uint64_t n;
};
static int nsw_top_cmp(const void *a, const void *b)
{
	const struct nsw_top *x = a, *y = b;
	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->name, y->name);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		nsw_die("usage: nsw_swcpu SECONDS HZ [--switch PAT,...] [--pid PID]... [--bpf NAME,...] "
			"[--frames NAME,...] [--top FILE]");
	double secs = atof(argv[1]);
	long hz = atol(argv[2]);
	if (!(secs > 0 && secs <= 600) || hz < 10 || hz > 20000)
		nsw_die("SECONDS in (0, 600] and HZ in [10, 20000], not \"%s\" \"%s\"", argv[1], argv[2]);
	const char *top = NULL;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--switch") && i + 1 < argc)
			nsw_npats += nsw_split(argv[++i], nsw_pats + nsw_npats, NSW_MAX_PATS - nsw_npats);
		else if (!strcmp(argv[i], "--bpf") && i + 1 < argc)
			nsw_nbpf += nsw_split(argv[++i], nsw_bpf_names + nsw_nbpf, NSW_MAX_PATS - nsw_nbpf);
		else if (!strcmp(argv[i], "--frames") && i + 1 < argc)
			nsw_nframe += nsw_split(argv[++i], nsw_frame_names + nsw_nframe, NSW_MAX_PATS - nsw_nframe);
		else if (!strcmp(argv[i], "--pid") && i + 1 < argc) {
			if (nsw_npids == NSW_MAX_PIDS)
				nsw_die("too many --pid");
			nsw_pids[nsw_npids++] = atoi(argv[++i]);
			if (nsw_pids[nsw_npids - 1] <= 0)
				nsw_die("--pid: a process id, not \"%s\"", argv[i]);
		} else if (!strcmp(argv[i], "--top") && i + 1 < argc)
			top = argv[++i];
		else
			nsw_die("unknown argument \"%s\"", argv[i]);
	}

	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 1 || ncpu > NSW_MAX_CPUS)
		nsw_die("%d CPUs: unsupported", ncpu);
	uint64_t period = 1000000000ull / (uint64_t)hz;
	long page = sysconf(_SC_PAGESIZE);
	size_t data_size = (size_t)NSW_RB_PAGES * (size_t)page;
	int fds[NSW_MAX_CPUS];
	struct perf_event_mmap_page *rbs[NSW_MAX_CPUS];
	for (int c = 0; c < ncpu; c++) {
		struct perf_event_attr a;
		memset(&a, 0, sizeof a);
		a.size = sizeof a;
		a.type = PERF_TYPE_SOFTWARE;
		a.config = PERF_COUNT_SW_CPU_CLOCK;
		a.sample_period = period;
		a.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_CALLCHAIN;
		a.exclude_callchain_user = 1;
		a.disabled = 1;
		a.wakeup_events = 64;
		fds[c] = (int)syscall(SYS_perf_event_open, &a, -1, c, -1, PERF_FLAG_FD_CLOEXEC);
		if (fds[c] < 0)
			nsw_die("perf_event_open on CPU %d: %s", c, strerror(errno));
		rbs[c] = mmap(NULL, (size_t)page + data_size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[c], 0);
		if (rbs[c] == MAP_FAILED)
			nsw_die("mmap of the perf buffer of CPU %d: %s", c, strerror(errno));
	}

	int stats_fd = -1;
	static struct nsw_prog before[NSW_MAX_PROGS], after[NSW_MAX_PROGS];
	static struct nsw_prog fbefore[NSW_MAX_PROGS], fafter[NSW_MAX_PROGS];
	size_t nbefore = 0, nfbefore = 0;
	if (nsw_nbpf || nsw_nframe) {
		stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (stats_fd < 0)
			nsw_die("BPF_ENABLE_STATS: %s", strerror(errno));
		nbefore = nsw_bpf_snap(before, nsw_bpf_names, nsw_nbpf);
		nfbefore = nsw_bpf_snap(fbefore, nsw_frame_names, nsw_nframe);
	}
	uint64_t pid0[NSW_MAX_PIDS], steal0, total0;
	for (int i = 0; i < nsw_npids; i++)
		pid0[i] = nsw_pid_ticks(nsw_pids[i]);
	nsw_steal(&steal0, &total0);
	double t0 = nsw_now();
	for (int c = 0; c < ncpu; c++)
		ioctl(fds[c], PERF_EVENT_IOC_ENABLE, 0);

	struct pollfd pfd[NSW_MAX_CPUS];
	for (int c = 0; c < ncpu; c++)
		pfd[c] = (struct pollfd){.fd = fds[c], .events = POLLIN};
	for (;;) {
		double left = t0 + secs - nsw_now();
		if (left <= 0)
			break;
		int ms = (int)(left * 1000) + 1;
		poll(pfd, (nfds_t)ncpu, ms < 100 ? ms : 100);
		for (int c = 0; c < ncpu; c++)
			nsw_drain(rbs[c], data_size);
	}
	for (int c = 0; c < ncpu; c++)
		ioctl(fds[c], PERF_EVENT_IOC_DISABLE, 0);
	double t1 = nsw_now();
	uint64_t steal1, total1;
	nsw_steal(&steal1, &total1);
	uint64_t pid_ticks = 0;
	for (int i = 0; i < nsw_npids; i++)
		pid_ticks += nsw_pid_ticks(nsw_pids[i]) - pid0[i];
	uint64_t bpf_cnt = 0, bpf_ns = 0, frames = 0, frames_ns = 0;
	if (stats_fd >= 0) {
		size_t nafter = nsw_bpf_snap(after, nsw_bpf_names, nsw_nbpf);
		nsw_bpf_delta(before, nbefore, after, nafter, &bpf_cnt, &bpf_ns);
		nafter = nsw_bpf_snap(fafter, nsw_frame_names, nsw_nframe);
		nsw_bpf_delta(fbefore, nfbefore, fafter, nafter, &frames, &frames_ns);
		close(stats_fd);
	}
	for (int c = 0; c < ncpu; c++) {
		nsw_drain(rbs[c], data_size);
		munmap(rbs[c], (size_t)page + data_size);
		close(fds[c]);
	}

	nsw_load_syms();
	uint64_t idle = 0, user = 0, kernel = 0, sw = 0, pids = 0;
	struct nsw_top *tops = calloc(nsw_nsyms + 1, sizeof *tops);
	size_t ntops = 0;
	for (size_t i = 0; i < nsw_nsamples; i++) {
		struct nsw_sample *s = &nsw_samples[i];
		const char *leaf = s->n ? nsw_sym_of(nsw_ips[s->off]) : "?";
		int mine = 0;
		for (int k = 0; k < nsw_npids; k++)
			if ((int)s->pid == nsw_pids[k])
				mine = 1;
		pids += mine;
		int in_sw = mine;
		for (uint32_t k = 0; k < s->n && !in_sw && nsw_npats; k++)
			in_sw = nsw_match_switch(nsw_sym_of(nsw_ips[s->off + k]));
		if (s->pid == 0 && !s->user && nsw_is_idle(leaf))
			idle++;
		else if (s->user)
			user++;
		else
			kernel++;
		if (!in_sw)
			continue;
		sw++;
		if (top && tops) {
			const char *name = s->user ? "[user]" : leaf;
			size_t k;
			for (k = 0; k < ntops && strcmp(tops[k].name, name); k++)
				;
			if (k == ntops && ntops <= nsw_nsyms)
				tops[ntops++] = (struct nsw_top){.name = name};
			if (k < ntops)
				tops[k].n++;
		}
	}
	if (top && tops) {
		FILE *f = fopen(top, "w");
		if (!f)
			nsw_die("%s: %s", top, strerror(errno));
		qsort(tops, ntops, sizeof *tops, nsw_top_cmp);
		for (size_t k = 0; k < ntops; k++)
			fprintf(f, "%" PRIu64 " %.1f%% %s\n", tops[k].n, sw ? 100.0 * tops[k].n / sw : 0.0,
				tops[k].name);
		fclose(f);
	}
	long tck = sysconf(_SC_CLK_TCK);
	double steal_pct = total1 > total0 ? 100.0 * (double)(steal1 - steal0) / (double)(total1 - total0) : 0;
	printf("secs=%.3f ncpu=%d hz=%ld samples=%zu idle=%" PRIu64 " user=%" PRIu64 " kernel=%" PRIu64
	       " switch=%" PRIu64 " pid_samples=%" PRIu64 " sample_ns=%" PRIu64 " switch_ns=%" PRIu64
	       " bpf_cnt=%" PRIu64 " bpf_ns=%" PRIu64 " frames=%" PRIu64 " pid_ns=%" PRIu64 " steal_pct=%.2f\n",
	       t1 - t0, ncpu, hz, nsw_nsamples, idle, user, kernel, sw, pids, period, sw * period,
	       bpf_cnt, bpf_ns, frames, (uint64_t)((double)pid_ticks * 1e9 / (double)tck), steal_pct);
	return 0;
}
