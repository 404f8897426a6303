/* nsw_cmd_capture.c - the `capture` command, and the capture state a dead capture leaves.
 * The data path hands matching frames, with a small header (struct nsw_capture_meta),
 * to a perf buffer while a capture runs (one at a time per NIC; with none, the data path reads
 * one word and moves on). This command writes them as pcap through libpcap, putting back the
 * VLAN tag the kernel kept out of band and the port VLAN's tag the frame travels in, and reports at the end every frame it could not keep.
 * A running capture holds an exclusive flock on the NIC's pin folder from before it turns the
 * data path's capture on until after it turns it off: the kernel drops the lock when the
 * process dies, however it dies, so capture state with the lock free is a dead capture's, and
 * the next command that opens the NIC clears it (nsw_capture_stale_clear). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#define PCAP_DONT_INCLUDE_PCAP_BPF_H /* linux/bpf.h has struct bpf_insn too */
#include <pcap/pcap.h>

#include "nsw_cli.h"
#include "nsw_cli_words.h"
#include "nsw_cmd.h"

/* ---- capture ---- */

struct nsw_cap {
	pcap_dumper_t *out;
	uint32_t snaplen;
	uint64_t count, want, lost;
	int64_t mono_to_real_ns;
};

/* Takes the capture lock of the NIC whose pin folder is dir without waiting: the folder's fd,
 * or -1 when a running capture holds it. */
static int nsw_capture_lock(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -2;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Ends the capture state of a capture that died without ending it (kill -9, a crash): the
 * data path's filter off, no perf event left in the map, the features word recomputed. */
static void nsw_capture_off(struct nsw_cli_nic *n, int fd_cfg)
{
	uint32_t zero = 0;
	struct nsw_capture_cfg off = {0};
	bpf_map_update_elem(fd_cfg, &zero, &off, 0);
	int fd_ev = nsw_nic_map(n, "nsw_capture_events");
	for (int cpu = 0; cpu < libbpf_num_possible_cpus(); cpu++) {
		uint32_t k = (uint32_t)cpu;
		bpf_map_delete_elem(fd_ev, &k);
	}
	close(fd_ev);
	nsw_features_refresh(n);
}

bool nsw_capture_stale_clear(struct nsw_cli_nic *n)
{
	char path[192];
	uint32_t zero = 0;
	struct nsw_capture_cfg cur = {0};
	/* A damaged NIC (a pin missing) is left alone: nic del removes it whole. */
	static const char *const need[] = {"nsw_capture_events", "nsw_features", "nsw_acl_active",
					   "nsw_mirror", "nsw_qos"};
	for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
		snprintf(path, sizeof path, "%s/%s", n->dir, need[i]);
		if (access(path, F_OK))
			return false;
	}
	snprintf(path, sizeof path, "%s/nsw_capture_cfg", n->dir);
	int fd_cfg = bpf_obj_get(path);
	if (fd_cfg < 0)
		return false;
	bool cleared = false;
	if (!bpf_map_lookup_elem(fd_cfg, &zero, &cur) && cur.enabled) {
		int lk = nsw_capture_lock(n->dir);
		if (lk >= 0) {
			nsw_capture_off(n, fd_cfg);
			cleared = true;
			close(lk);
		}
	}
	close(fd_cfg);
	return cleared;
}

static volatile sig_atomic_t nsw_stop;
static void nsw_on_signal(int sig)
{
	(void)sig;
	nsw_stop = 1;
}

static void nsw_cap_sample(void *ctx, int cpu, void *data, uint32_t size)
{
	struct nsw_cap *c = ctx;
	(void)cpu;
	if (size < sizeof(struct nsw_capture_meta) || (c->want && c->count >= c->want))
		return;
	const struct nsw_capture_meta *m = data;
	const uint8_t *pkt = (const uint8_t *)data + sizeof *m;
	uint32_t caplen = size - (uint32_t)sizeof *m;
	uint32_t on_wire = m->len;
	uint8_t frame[65536 + 8];
	uint32_t tags = (m->vlan_proto ? 4 : 0) + (m->pvlan ? 4 : 0);
	if (caplen > on_wire)
		caplen = on_wire - tags; /* perf pads samples to 8 bytes */
	if (caplen > 65536)
		caplen = 65536;
	uint32_t n = 0;
	if (tags && caplen >= 12) {
		/* The tags go where they are on the wire: the port VLAN's the frame travels in
		 * inside the NIC outermost, then the one the kernel kept aside. */
		memcpy(frame, pkt, 12);
		n = 12;
		if (m->pvlan) {
			uint16_t proto = m->pvlan == 2 ? 0x88a8 : 0x8100;
			uint8_t t[4] = {(uint8_t)(proto >> 8), (uint8_t)proto,
					(uint8_t)(m->pvlan_tci >> 8), (uint8_t)m->pvlan_tci};
			memcpy(frame + n, t, 4);
			n += 4;
		}
		if (m->vlan_proto) {
			uint16_t proto = ntohs(m->vlan_proto);
			uint8_t t[4] = {(uint8_t)(proto >> 8), (uint8_t)proto,
					(uint8_t)(m->vlan_tci >> 8), (uint8_t)m->vlan_tci};
			memcpy(frame + n, t, 4);
			n += 4;
		}
		memcpy(frame + n, pkt + 12, caplen - 12);
		n += caplen - 12;
	} else {
		memcpy(frame, pkt, caplen);
		n = caplen;
	}
	if (n > c->snaplen)
		n = c->snaplen;
	int64_t t = (int64_t)m->ts_ns + c->mono_to_real_ns;
	struct pcap_pkthdr h = {.caplen = n, .len = on_wire};
	h.ts.tv_sec = t / 1000000000;
	h.ts.tv_usec = (t % 1000000000) / 1000;
	pcap_dump((u_char *)c->out, &h, frame);
	pcap_dump_flush(c->out);
	c->count++;
}

static void nsw_cap_lost(void *ctx, int cpu, __u64 cnt)
{
	struct nsw_cap *c = ctx;
	(void)cpu;
	c->lost += cnt;
}

static uint64_t nsw_cap_failed(int fd)
{
	int ncpu = libbpf_num_possible_cpus();
	struct nsw_capture_stats *v = calloc((size_t)ncpu, sizeof *v);
	uint32_t zero = 0;
	uint64_t f = 0;
	if (v && !bpf_map_lookup_elem(fd, &zero, v))
		for (int i = 0; i < ncpu; i++)
			f += v[i].failed;
	free(v);
	return f;
}

static void nsw_capture_cmd(const char *nic, const struct nsw_arg_val *v)
{
	struct nsw_cli_nic n;
	struct nsw_capture_cfg cfg = {.enabled = 1, .snaplen = 262144, .oui = NSW_ANY32,
				      .vf = NSW_ANY16, .pf = NSW_ANY8, .ncase = NSW_ANY8, .dir = 3};
	const char *file = NULL;
	uint64_t want = 0;
	double duration = 0;
	nsw_nic_open(&n, nic);
	file = v[NSW_W_CAP_FILE].str;
	if (v[NSW_W_CAP_PF].set)
		cfg.pf = (uint8_t)v[NSW_W_CAP_PF].u;
	if (v[NSW_W_CAP_VF].set)
		cfg.vf = (uint16_t)v[NSW_W_CAP_VF].u;
	if (v[NSW_W_CAP_OUI].set)
		cfg.oui = (uint32_t)v[NSW_W_CAP_OUI].u;
	if (v[NSW_W_CAP_CASE].set)
		cfg.ncase = (uint8_t)v[NSW_W_CAP_CASE].u;
	if (v[NSW_W_CAP_DIR].set)
		cfg.dir = (uint8_t)(v[NSW_W_CAP_DIR].u + 1); /* in 1, out 2, both 3 */
	if (v[NSW_W_CAP_SNAPLEN].set)
		cfg.snaplen = (uint32_t)v[NSW_W_CAP_SNAPLEN].u;
	if (cfg.snaplen < 14)
		nsw_fail("capture: snaplen must be at least 14");
	/* count 0 would be no limit at all, which is what leaving count out says. */
	if (v[NSW_W_CAP_COUNT].set && !v[NSW_W_CAP_COUNT].u)
		nsw_fail("capture: invalid count \"0\": at least 1 (leave it out for no limit)");
	want = v[NSW_W_CAP_COUNT].u;
	duration = v[NSW_W_CAP_DURATION].set ? v[NSW_W_CAP_DURATION].secs : 0;
	if (!file)
		nsw_fail("capture: missing \"-w FILE\" (- for standard output)");
	if (cfg.vf != NSW_ANY16 && cfg.pf == NSW_ANY8)
		nsw_fail("capture: vf needs pf");
	if (cfg.pf != NSW_ANY8 && !(n.st->pf[cfg.pf] & NSW_PF_EN))
		nsw_fail("capture: no PF %u", cfg.pf);
	if (cfg.vf != NSW_ANY16 && !(n.st->vf[cfg.pf][cfg.vf] & NSW_VF_EN))
		nsw_fail("capture: no VF %u,%u", cfg.pf, cfg.vf);
	int fd_cfg = nsw_nic_map(&n, "nsw_capture_cfg"), fd_ev = nsw_nic_map(&n, "nsw_capture_events");
	int fd_st = nsw_nic_map(&n, "nsw_capture_stats");
	uint32_t zero = 0;
	struct nsw_capture_cfg cur = {0};
	/* Ours for the capture's life; a dead capture's state was cleared when the NIC opened. */
	int lock = nsw_capture_lock(n.dir);
	if (lock == -1)
		nsw_fail("capture: a capture is already running on NIC %s", n.name);
	if (lock < 0)
		nsw_fail("capture: cannot open %s: %s", n.dir, strerror(errno));
	bpf_map_lookup_elem(fd_cfg, &zero, &cur);
	if (cur.enabled) /* the lock is ours: whoever turned it on is gone */
		nsw_capture_off(&n, fd_cfg);

	pcap_t *p = pcap_open_dead(1 /* DLT_EN10MB: Ethernet */, (int)cfg.snaplen);
	struct nsw_cap c = {.snaplen = cfg.snaplen, .want = want};
	c.out = p ? pcap_dump_open(p, file) : NULL;
	if (!c.out)
		nsw_fail("capture: cannot write \"%s\": %s", file, p ? pcap_geterr(p) : "libpcap");
	struct timespec rt, mono;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	c.mono_to_real_ns = (rt.tv_sec - mono.tv_sec) * 1000000000ll + (rt.tv_nsec - mono.tv_nsec);
	struct perf_buffer *pb = perf_buffer__new(fd_ev, 256, nsw_cap_sample, nsw_cap_lost, &c, NULL);
	if (!pb)
		nsw_fail("capture: cannot open the perf buffer: %s", strerror(errno));
	/* Each of these ends the capture cleanly: the poll returns EINTR (no SA_RESTART). */
	struct sigaction sa = {.sa_handler = nsw_on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	uint64_t failed0 = nsw_cap_failed(fd_st);
	if (bpf_map_update_elem(fd_cfg, &zero, &cfg, 0))
		nsw_fail("capture: cannot start: %s", strerror(errno));
	nsw_features_refresh(&n);
	nsw_nic_unlock(&n); /* other commands may run during a capture */
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	bool ended = false;
	while (!nsw_stop && !(want && c.count >= want)) {
		int r = perf_buffer__poll(pb, 100);
		if (r < 0 && r != -EINTR)
			break;
		/* Another command ended it (vf del of the VF it follows). */
		if (!bpf_map_lookup_elem(fd_cfg, &zero, &cur) && !cur.enabled) {
			ended = true;
			break;
		}
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (duration > 0 && (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 >= duration)
			break;
	}
	nsw_nic_relock(&n);
	cfg.enabled = 0;
	bpf_map_update_elem(fd_cfg, &zero, &cfg, 0);
	nsw_features_refresh(&n);
	perf_buffer__consume(pb);
	uint64_t failed = nsw_cap_failed(fd_st) - failed0;
	perf_buffer__free(pb);
	/* Leave no perf event behind in the pinned map. */
	for (int cpu = 0; cpu < libbpf_num_possible_cpus(); cpu++) {
		uint32_t k = (uint32_t)cpu;
		bpf_map_delete_elem(fd_ev, &k);
	}
	pcap_dump_close(c.out);
	pcap_close(p);
	close(lock); /* after the data path's capture is off */
	/* The report goes to stderr: stdout may be the pcap itself (-w -). */
	nsw_print_to(stderr);
	nsw_print_obj_open(NULL);
	if (ended) {
		nsw_print_uint(NSW_PR_ANY, "deleted_pf", "nswitch: capture: ended: its VF %llu", cfg.pf);
		nsw_print_uint(NSW_PR_ANY, "deleted_vf", ",%llu was deleted\n", cfg.vf);
	}
	nsw_print_uint(NSW_PR_ANY, "frames_written", "nswitch: capture: %llu frames written,", c.count);
	nsw_print_uint(NSW_PR_ANY, "lost", " %llu lost (buffer full),", c.lost);
	nsw_print_uint(NSW_PR_ANY, "not_handed_over", " %llu not handed over\n", failed);
	nsw_print_obj_close();
	nsw_print_end();
	nsw_print_to(NULL);
	nsw_nic_close(&n);
}

/* No verb: the object is the command. */
const struct nsw_cmd nsw_cmds_capture[] = {
	{NULL, NULL, nsw_capture_cmd, NSW_POS_NIC, nsw_words_capture, NSW_W_CAP_N,
	 "Write matching frames as pcap (FILE - for standard output: | tshark -r -), VLAN\n"
	 "tags and PCP intact. dir in: frames the VF (or port) hands to the NIC; out: frames\n"
	 "delivered to it. A frame is shown as it travels inside the NIC: the frames of a VF\n"
	 "with a port VLAN carry its tag (outermost, PCP the frame's priority), in and out,\n"
	 "although the VM sends and receives them untagged. Ends on count, duration, Ctrl-C, SIGTERM or SIGHUP, or when its\n"
	 "VF is deleted; reports frames lost. A killed capture is cleaned up by the next\n"
	 "command on the NIC."},
	{0},
};
