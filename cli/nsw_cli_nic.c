/* nsw_cli_nic.c - a NIC's life: creating it (loading the data path and pinning its maps and
 * programs under /sys/fs/bpf/nswitch/NIC/), opening it, attaching its programs to devices,
 * deleting it with everything it made, and `nic` commands.
 * Invariants: a NIC folder holds exactly the pins listed in nsw_pins; all CLIs serialize on a
 * lock of the pin root, so two commands never interleave their changes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "nsw_cli.h"
#include "nsw_cli_words.h"
#include "nsw_tc.skel.h"

/* Opened with every NIC; the ACL, mirror, capture and QoS maps by the commands that use them. */
static const char *const nsw_map_pins[] = {"nsw_state", "nsw_ports", "nsw_vf_dev",
					   "nsw_pf_dev", "nsw_stats", "nsw_dev_stats",
					   "nsw_meta"};

static size_t nsw_state_len(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	return (sizeof(struct nsw_nic) + (size_t)pg - 1) & ~((size_t)pg - 1);
}

void nsw_nic_name_check(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= 16)
		nsw_fail("invalid NIC name \"%s\": 1 to 15 characters", name ? name : "");
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '_' || name[i] == '-'))
			nsw_fail("invalid NIC name \"%s\": letters, digits, - and _ only", name);
}

static int nsw_lock_root(void)
{
	if (mkdir(NSW_PIN_ROOT, 0700) && errno != EEXIST)
		nsw_fail("cannot create %s: %s (is bpffs mounted at /sys/fs/bpf?)", NSW_PIN_ROOT,
			 strerror(errno));
	int fd = open(NSW_PIN_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX))
		nsw_fail("cannot lock %s: %s", NSW_PIN_ROOT, strerror(errno));
	return fd;
}

int nsw_nic_list(char names[][16], int max)
{
	DIR *d = opendir(NSW_PIN_ROOT);
	int n = 0;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < max) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= 16)
			continue;
		snprintf(names[n++], 16, "%s", e->d_name);
	}
	closedir(d);
	/* Sorted, so show lists NICs in a stable order. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char t[16];
			memcpy(t, names[j], 16);
			memcpy(names[j], names[j - 1], 16);
			memcpy(names[j - 1], t, 16);
		}
	return n;
}

static int nsw_pin_get(const char *dir, const char *name)
{
	char path[192];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return bpf_obj_get(path);
}

static bool nsw_read_meta(const char *name, struct nsw_meta *m)
{
	char dir[128];
	uint32_t zero = 0;
	snprintf(dir, sizeof dir, "%s/%.15s", NSW_PIN_ROOT, name);
	int fd = nsw_pin_get(dir, "nsw_meta");
	bool ok = fd >= 0 && bpf_map_lookup_elem(fd, &zero, m) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static void nsw_nic_open_fds(struct nsw_cli_nic *n, const char *name)
{
	int *fds[] = {&n->fd_state,    &n->fd_ports,    &n->fd_vf_dev,   &n->fd_pf_dev,
		      &n->fd_stats,    &n->fd_dev_stats, &n->fd_meta};
	for (size_t i = 0; i < sizeof fds / sizeof *fds; i++) {
		*fds[i] = nsw_pin_get(n->dir, nsw_map_pins[i]);
		if (*fds[i] < 0)
			nsw_fail("NIC \"%s\" is damaged: %s/%s missing; remove it with nic del", name,
				 n->dir, nsw_map_pins[i]);
	}
	n->prog_tc = nsw_pin_get(n->dir, "prog_tc");
	n->prog_xdp = nsw_pin_get(n->dir, "prog_xdp");
	uint32_t zero = 0;
	if (bpf_map_lookup_elem(n->fd_meta, &zero, &n->meta))
		nsw_fail("NIC \"%s\": cannot read its metadata", name);
	n->st = mmap(NULL, nsw_state_len(), PROT_READ | PROT_WRITE, MAP_SHARED, n->fd_state, 0);
	if (n->st == MAP_FAILED)
		nsw_fail("NIC \"%s\": cannot map its state: %s", name, strerror(errno));
}

static void nsw_nic_open_common(struct nsw_cli_nic *n, const char *name, bool need_netns)
{
	struct stat sb;
	nsw_nic_name_check(name);
	memset(n, 0, sizeof *n);
	snprintf(n->name, sizeof n->name, "%s", name);
	snprintf(n->dir, sizeof n->dir, "%s/%s", NSW_PIN_ROOT, name);
	n->lock_fd = nsw_lock_root();
	if (stat(n->dir, &sb))
		nsw_fail("unknown NIC \"%s\"", name);
	nsw_nic_open_fds(n, name);
	/* A capture killed without ending leaves the data path capturing: whoever comes next
	 * ends it (the capture lock tells a dead capture from a running one). */
	nsw_capture_stale_clear(n);
	char path[128];
	snprintf(path, sizeof path, "/run/netns/%s", n->meta.netns);
	if (n->meta.netns[0] && (need_netns || access(path, F_OK) == 0))
		nsw_netns_enter(n->meta.netns);
	if (n->meta.netns[0])
		nsw_netns_opt = n->meta.netns;
}

void nsw_nic_open(struct nsw_cli_nic *n, const char *name)
{
	nsw_nic_open_common(n, name, true);
}

int nsw_nic_map(struct nsw_cli_nic *n, const char *name)
{
	int fd = nsw_pin_get(n->dir, name);
	if (fd < 0)
		nsw_fail("NIC \"%s\": map %s missing (created by an older nswitch? nic del and add)",
			 n->name, name);
	return fd;
}

void nsw_features_refresh(struct nsw_cli_nic *n)
{
	int fa = nsw_nic_map(n, "nsw_acl_active"), fm = nsw_nic_map(n, "nsw_mirror");
	int fc = nsw_nic_map(n, "nsw_capture_cfg"), fq = nsw_nic_map(n, "nsw_qos");
	int ff = nsw_nic_map(n, "nsw_features");
	uint32_t feat = 0, zero = 0;
	for (uint32_t k = 0; k < NSW_NVF_SLOTS * 2 && !(feat & NSW_FEAT_ACL); k++) {
		uint32_t w = 0;
		if (!bpf_map_lookup_elem(fa, &k, &w) && (w & NSW_ACL_LIVE))
			feat |= NSW_FEAT_ACL;
	}
	for (uint32_t k = 0; k < NSW_NVF_SLOTS + NSW_MAX_PFS && !(feat & NSW_FEAT_MIRROR); k++) {
		uint32_t w = 0;
		if (!bpf_map_lookup_elem(fm, &k, &w) && w)
			feat |= NSW_FEAT_MIRROR;
	}
	struct nsw_capture_cfg c = {0};
	if (!bpf_map_lookup_elem(fc, &zero, &c) && c.enabled)
		feat |= NSW_FEAT_CAPTURE;
	for (uint32_t k = 0; k < NSW_NVF_SLOTS && !(feat & NSW_FEAT_QOS); k++) {
		struct nsw_qos q;
		if (!bpf_map_lookup_elem(fq, &k, &q) && q.pps)
			feat |= NSW_FEAT_QOS;
	}
	if (bpf_map_update_elem(ff, &zero, &feat, 0))
		nsw_fail("cannot update the NIC's feature word: %s", strerror(errno));
	close(fa);
	close(fm);
	close(fc);
	close(fq);
	close(ff);
}

void nsw_nic_unlock(struct nsw_cli_nic *n)
{
	flock(n->lock_fd, LOCK_UN);
}

void nsw_nic_relock(struct nsw_cli_nic *n)
{
	if (flock(n->lock_fd, LOCK_EX))
		nsw_fail("cannot lock %s: %s", NSW_PIN_ROOT, strerror(errno));
}

void nsw_nic_close(struct nsw_cli_nic *n)
{
	if (n->st && n->st != MAP_FAILED)
		munmap(n->st, nsw_state_len());
	int fds[] = {n->fd_state, n->fd_ports,    n->fd_vf_dev, n->fd_pf_dev, n->fd_stats,
		     n->fd_dev_stats, n->fd_meta, n->prog_tc, n->prog_xdp, n->lock_fd};
	for (size_t i = 0; i < sizeof fds / sizeof *fds; i++)
		if (fds[i] > 0)
			close(fds[i]);
}

const char *nsw_port_owner(const char *netns, uint32_t ifindex, struct nsw_port *port)
{
	static char names[64][16];
	int n = nsw_nic_list(names, 64);
	for (int i = 0; i < n; i++) {
		struct nsw_meta m;
		struct nsw_port_info pi;
		char dir[128];
		if (!nsw_read_meta(names[i], &m) || strcmp(m.netns, netns ? netns : ""))
			continue;
		snprintf(dir, sizeof dir, "%s/%.15s", NSW_PIN_ROOT, names[i]);
		int fd = nsw_pin_get(dir, "nsw_ports");
		bool found = fd >= 0 && bpf_map_lookup_elem(fd, &ifindex, &pi) == 0;
		if (fd >= 0)
			close(fd);
		if (found) {
			*port = pi.port;
			return names[i];
		}
	}
	return NULL;
}

int nsw_port_attach(struct nsw_cli_nic *n, uint32_t ifindex, struct nsw_port port, char *err,
		    size_t errlen)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NSW_TC_HANDLE, .priority = NSW_TC_PRIO,
		    .prog_fd = n->prog_tc);
	struct nsw_port_info pi = {.port = port};
	int r = bpf_tc_hook_create(&hook);
	if (r && r != -EEXIST) {
		snprintf(err, errlen, "cannot add a clsact qdisc: %s", strerror(-r));
		return r;
	}
	if (!r)
		pi.flags |= NSW_PORTF_OWN_CLSACT;
	/* The port must be known before the first frame reaches the program. */
	int fd_ix = nsw_nic_map(n, "nsw_port_ix");
	r = nsw_port_write(n->fd_ports, fd_ix, ifindex, &pi);
	if (r) {
		close(fd_ix);
		snprintf(err, errlen, "cannot register the port: %s", strerror(-r));
		goto undo_hook;
	}
	r = bpf_tc_attach(&hook, &opts);
	if (r) {
		snprintf(err, errlen, "cannot attach the tc program: %s", strerror(-r));
		goto undo_port;
	}
	if (n->meta.mode == NSW_MODE_XDP) {
		r = bpf_xdp_attach((int)ifindex, n->prog_xdp, XDP_FLAGS_DRV_MODE, NULL);
		if (r) {
			snprintf(err, errlen, "cannot attach the XDP program: %s", strerror(-r));
			goto undo_tc;
		}
		pi.flags |= NSW_PORTF_OWN_XDP;
		nsw_port_write(n->fd_ports, fd_ix, ifindex, &pi);
	}
	close(fd_ix);
	return 0;
undo_tc:
	opts.prog_fd = 0;
	opts.flags = 0;
	opts.prog_id = 0;
	bpf_tc_detach(&hook, &opts);
undo_port:
	nsw_port_write(n->fd_ports, fd_ix, ifindex, NULL);
	close(fd_ix);
undo_hook:
	if (pi.flags & NSW_PORTF_OWN_CLSACT) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
	return r;
}

/* Best effort: the device may be gone already (its namespace deleted). */
void nsw_port_detach(struct nsw_cli_nic *n, uint32_t ifindex)
{
	struct nsw_port_info pi = {0};
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NSW_TC_HANDLE, .priority = NSW_TC_PRIO);
	bpf_map_lookup_elem(n->fd_ports, &ifindex, &pi);
	if (pi.flags & NSW_PORTF_OWN_XDP)
		bpf_xdp_detach((int)ifindex, XDP_FLAGS_DRV_MODE, NULL);
	bpf_tc_detach(&hook, &opts);
	if (pi.flags & NSW_PORTF_OWN_CLSACT) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
	int fd_ix = nsw_nic_map(n, "nsw_port_ix");
	nsw_port_write(n->fd_ports, fd_ix, ifindex, NULL);
	close(fd_ix);
}

/* Every pin in the folder goes, whatever made it, so no version of nswitch leaves one. */
static void nsw_unpin_all(const char *dir)
{
	char path[512];
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void nsw_nic_add(const char *name, unsigned npfs, const char *netns, unsigned mode)
{
	char dir[128], path[192], names[64][16];
	struct stat sb;
	uint32_t zero = 0;
	bool used[32] = {false};

	nsw_nic_name_check(name);
	if (netns && *netns) {
		snprintf(path, sizeof path, "/run/netns/%s", netns);
		if (access(path, F_OK))
			nsw_fail("unknown network namespace \"%s\"", netns);
		if (strlen(netns) >= sizeof((struct nsw_meta){0}).netns)
			nsw_fail("network namespace name \"%s\" too long", netns);
	}
	int lock = nsw_lock_root();
	snprintf(dir, sizeof dir, "%s/%.15s", NSW_PIN_ROOT, name);
	if (!stat(dir, &sb))
		nsw_fail("NIC \"%s\" exists", name);
	int nn = nsw_nic_list(names, 64);
	for (int i = 0; i < nn; i++) {
		struct nsw_meta m;
		if (nsw_read_meta(names[i], &m) && m.nic_id < 32)
			used[m.nic_id] = true;
	}
	unsigned id = 0;
	while (id < 32 && used[id])
		id++;
	if (id == 32)
		nsw_fail("too many NICs (32)");

	struct nsw_tc *skel = nsw_tc__open();
	if (!skel)
		nsw_fail("cannot open the BPF object: %s", strerror(errno));
	skel->rodata->nsw_mode = mode;
	if (nsw_size_maps(skel->maps.nsw_stats, skel->maps.nsw_dev_stats, skel->maps.nsw_scratch,
			  skel->maps.nsw_acl_hits))
		nsw_fail("cannot size the counters for %d CPUs", libbpf_num_possible_cpus());
	if (mkdir(dir, 0700))
		nsw_fail("cannot create %s: %s", dir, strerror(errno));
	struct bpf_map *map;
	bpf_object__for_each_map(map, skel->obj) {
		const char *mn = bpf_map__name(map);
		if (strncmp(mn, "nsw_", 4) || strchr(mn, '.'))
			continue; /* .rodata and friends stay unpinned */
		snprintf(path, sizeof path, "%s/%s", dir, mn);
		bpf_map__set_pin_path(map, path);
	}
	int err = nsw_tc__load(skel);
	if (err) {
		nsw_tc__destroy(skel);
		nsw_unpin_all(dir);
		nsw_fail("cannot load the data path: %s (NSW_DEBUG=1 shows the verifier log)",
			 strerror(-err));
	}
	snprintf(path, sizeof path, "%s/prog_tc", dir);
	err = bpf_program__pin(skel->progs.nsw_tc, path);
	snprintf(path, sizeof path, "%s/prog_xdp", dir);
	if (!err)
		err = bpf_program__pin(skel->progs.nsw_xdp, path);
	struct nsw_nic *st = mmap(NULL, nsw_state_len(), PROT_READ | PROT_WRITE, MAP_SHARED,
				  bpf_map__fd(skel->maps.nsw_state), 0);
	struct nsw_meta meta = {.nic_id = id, .mode = mode, .npfs = npfs};
	snprintf(meta.name, sizeof meta.name, "%s", name);
	snprintf(meta.netns, sizeof meta.netns, "%s", netns ? netns : "");
	if (err || st == MAP_FAILED || nsw_nic_init(st, id, npfs) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.nsw_meta), &zero, &meta, 0)) {
		nsw_tc__destroy(skel);
		nsw_unpin_all(dir);
		nsw_fail("cannot set up NIC \"%s\": %s", name, strerror(errno));
	}
	munmap(st, nsw_state_len());
	nsw_tc__destroy(skel);
	close(lock);
	nsw_text("nic %s: %u PF%s, mode %s%s%s\n", name, npfs, npfs > 1 ? "s" : "",
		 mode == NSW_MODE_TC ? "tc" : mode == NSW_MODE_TC_PEER ? "tc-peer" : "xdp",
		 netns && *netns ? ", netns " : "", netns && *netns ? netns : "");
	if (mode == NSW_MODE_XDP)
		nsw_text("note: mode xdp needs, in every VM, tx checksum offload off and GRO (or an "
			 "XDP program) on its interface, set while the link is up: ethtool -K eth0 tx off gro on\n");
}

static void nsw_nic_del(const char *name)
{
	struct nsw_cli_nic n;
	nsw_nic_open_common(&n, name, false);
	uint32_t key, next, *prev = NULL;
	/* Stop forwarding first, then take the programs off every device. */
	while (bpf_map_get_next_key(n.fd_ports, prev, &next) == 0) {
		key = next;
		prev = &key;
		struct nsw_port_info pi = {0};
		bpf_map_lookup_elem(n.fd_ports, &key, &pi);
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)key, .attach_point = BPF_TC_INGRESS);
		LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NSW_TC_HANDLE, .priority = NSW_TC_PRIO);
		if (pi.flags & NSW_PORTF_OWN_XDP)
			bpf_xdp_detach((int)key, XDP_FLAGS_DRV_MODE, NULL);
		bpf_tc_detach(&hook, &opts);
		if (pi.flags & NSW_PORTF_OWN_CLSACT) {
			hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&hook);
		}
	}
	nsw_unpin_all(n.dir);
	rmdir(NSW_PIN_ROOT); /* the last NIC takes the folder with it; fails while others remain */
	nsw_nic_close(&n);
	nsw_text("nic %s deleted\n", name);
}

static void nsw_nic_show_one(const char *name)
{
	struct nsw_cli_nic n;
	char oui[9], rid[8], dev[IF_NAMESIZE];
	nsw_nic_open(&n, name);
	const char *mode = n.meta.mode == NSW_MODE_TC ? "tc"
			   : n.meta.mode == NSW_MODE_TC_PEER ? "tc-peer" : "xdp";
	unsigned npfs = nsw_nic_num_pfs(n.st);
	nsw_out_begin_obj(NULL);
	nsw_out_str("nic", n.name);
	nsw_out_u64("id", n.meta.nic_id);
	nsw_out_str("mode", mode);
	nsw_out_str("netns", n.meta.netns);
	nsw_out_u64("fdb_entries", n.st->fdb.count);
	nsw_text("nic %s id %u mode %s%s%s fdb %u/%u\n", n.name, n.meta.nic_id, mode,
		 n.meta.netns[0] ? " netns " : "", n.meta.netns, n.st->fdb.count, NSW_FDB_MAX);
	nsw_out_begin_arr("pfs");
	for (unsigned p = 0; p < npfs; p++) {
		uint64_t w = n.st->pf[p];
		uint32_t k = p, ifi = 0;
		bpf_map_lookup_elem(n.fd_pf_dev, &k, &ifi);
		dev[0] = 0;
		if (ifi && !if_indextoname(ifi, dev))
			snprintf(dev, sizeof dev, "ifindex %u", ifi);
		nsw_oui_format((uint32_t)(w & NSW_PF_OUI_MASK), oui);
		nsw_rid_format(nsw_pf_rid(p), rid);
		bool has_oui = w & NSW_PF_HAS_OUI;
		nsw_out_begin_obj(NULL);
		nsw_out_u64("pf", p);
		nsw_out_str("rid", rid);
		nsw_out_str("oui", has_oui ? oui : "");
		nsw_out_str("uplink", dev);
		nsw_out_u64("num_vfs", nsw_pf_num_vfs(n.st, p));
		nsw_out_u64("first_vf_offset", nsw_vf_offset(p, npfs));
		nsw_out_u64("vf_stride", nsw_vf_stride(npfs));
		nsw_out_end_obj();
		nsw_text("    pf %u rid %s oui %s uplink %s vfs %u (first VF offset 0x%x, stride %u)\n",
			 p, rid, has_oui ? oui : "none", dev[0] ? dev : "none",
			 nsw_pf_num_vfs(n.st, p), nsw_vf_offset(p, npfs), nsw_vf_stride(npfs));
	}
	nsw_out_end_arr();
	nsw_out_end_obj();
	nsw_nic_close(&n);
}

static void nsw_nic_show(const char *only)
{
	char names[64][16];
	int nn = nsw_nic_list(names, 64);
	if (only) {
		nsw_nic_name_check(only);
		nsw_out_begin_arr(NULL);
		nsw_nic_show_one(only);
		nsw_out_end_arr();
		nsw_out_finish();
		return;
	}
	nsw_out_begin_arr(NULL);
	for (int i = 0; i < nn; i++) {
		/* Each NIC may live in another netns: show each from a fresh process state. */
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0)
			nsw_fail("fork: %s", strerror(errno));
		if (pid == 0) {
			nsw_nic_show_one(names[i]);
			fflush(stdout);
			_exit(0);
		}
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (nsw_json && i + 1 < nn)
			putchar(','), fflush(stdout);
	}
	nsw_out_end_arr();
	nsw_out_finish();
}

int nsw_cmd_nic(int argc, char **argv)
{
	if (argc < 1 || nsw_matches(argv[0], "show") || nsw_matches(argv[0], "list")) {
		if (argc > 2)
			nsw_fail("nic show: unknown argument \"%s\"", argv[2]);
		nsw_nic_show(argc > 1 ? argv[1] : NULL);
		return 0;
	}
	if (nsw_matches(argv[0], "add")) {
		if (argc < 2)
			nsw_fail("nic add: missing NIC name");
		struct nsw_arg_val v[NSW_W_NIC_N];
		nsw_args_cli(nsw_words_nic_add, NSW_W_NIC_N, argc - 2, argv + 2, v, "nic add");
		static const unsigned modes[] = {NSW_MODE_TC, NSW_MODE_TC_PEER, NSW_MODE_XDP};
		unsigned npfs = v[NSW_W_NIC_PFS].set ? (unsigned)v[NSW_W_NIC_PFS].u : 1;
		unsigned mode = modes[v[NSW_W_NIC_MODE].u]; /* tc when unset */
		const char *netns = v[NSW_W_NIC_NETNS].set ? v[NSW_W_NIC_NETNS].str : nsw_netns_opt;
		if (npfs < 1)
			nsw_fail("nic add: invalid number of PFs \"0\": 1..%d", NSW_MAX_PFS);
		nsw_nic_add(argv[1], npfs, netns, mode);
		return 0;
	}
	if (nsw_matches(argv[0], "del")) {
		if (argc != 2)
			nsw_fail("usage: nswitch nic del NIC");
		nsw_nic_del(argv[1]);
		return 0;
	}
	nsw_fail("nic: unknown command \"%s\": add, del or show", argv[0]);
}
