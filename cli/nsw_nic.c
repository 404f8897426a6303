/* nsw_nic.c - a NIC's life: creating it (loading the data path and pinning its maps and
 * programs under /sys/fs/bpf/nswitch/NIC/), opening it, attaching its programs to devices,
 * deleting it with everything it made. The `nic` command (cli/nsw_cmd_nic.c) and every other
 * command reach a NIC only through here.
 * Invariants: all CLIs serialize on a lock of the pin root, so two commands never interleave
 * their changes. A NIC appears and disappears with one rename: nic add builds it in
 * ~add-NIC and renames it into place; nic del renames it to ~del-NIC, then removes its
 * attachments and pins. Whatever a killed command left under a ~ name is finished by the
 * next command that takes the lock (nsw_sweep), and an open NIC is repaired of attachments its
 * registers do not name (nsw_nic_repair), so a kill at any point leaves the NIC as it was
 * before or after the command once the next one has run.
 * nswitch removes from a device only what it can prove is its own: the device must be in the
 * NIC's namespace (same name and, when recorded, same cookie), registered as its port, and the
 * filter must run the NIC's pinned program (by id); a clsact goes only if the NIC recorded
 * that it made it and no filter is left on it. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "nsw_cli_tc.h"
#include "nsw_cli.h"
#include "nsw_vf_link.h"
#include "nsw_tc.skel.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/* Out-of-sight NIC folders: '~' is no NIC name's character (and bpffs forbids '.'). */
#define NSW_STAGE_ADD "~add-" /* a NIC being made: invisible until renamed into place */
#define NSW_STAGE_DEL "~del-" /* a NIC being removed: invisible from the rename on */

static void nsw_sweep(void);
static void nsw_unpin_all(const char *dir);
static bool nsw_own_netns; /* the open NIC's namespace is provably the one it was made in */

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
	nsw_sweep();
	return fd;
}

/* Low 32 bits of the current network namespace's cookie (never reused while the machine is
 * up, unlike names and inode numbers); 0 if the kernel cannot tell. */
static uint32_t nsw_netns_cookie32(void)
{
	uint64_t c = 0;
	socklen_t l = sizeof c;
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 0;
	if (getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, &c, &l))
		c = 0;
	close(s);
	return (uint32_t)c;
}

/* Enters /run/netns/NAME; *self keeps the way back (nsw_netns_leave). False, and nothing
 * entered, if it cannot. */
static bool nsw_netns_visit(const char *name, int *self)
{
	char path[128];
	snprintf(path, sizeof path, "/run/netns/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	*self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	bool in = fd >= 0 && *self >= 0 && !setns(fd, CLONE_NEWNET);
	if (fd >= 0)
		close(fd);
	return in;
}

/* Back from nsw_netns_visit (when back is set), and the way back closed. */
static void nsw_netns_leave(int self, bool back)
{
	if (back && setns(self, CLONE_NEWNET))
		nsw_fail("cannot return to my network namespace: %s", strerror(errno));
	if (self >= 0)
		close(self);
}

/* The cookie of /run/netns/NAME (of the current namespace for ""), 0 if unknown. */
static uint32_t nsw_netns_cookie_of(const char *name)
{
	int self;
	if (!name || !*name)
		return nsw_netns_cookie32();
	bool in = nsw_netns_visit(name, &self);
	uint32_t c = in ? nsw_netns_cookie32() : 0;
	nsw_netns_leave(self, in);
	return c;
}

/* Enters the namespace NIC m was made in, if it provably still is that one: a valid name
 * that exists, and the same cookie when one was recorded. False, and nothing entered, if not:
 * a namespace deleted (its devices went with it or left it) or made again under the name. */
static bool nsw_enter_own_netns(const struct nsw_meta *m)
{
	int self;
	if (!m->netns[0])
		return !m->netns_id || nsw_netns_cookie32() == m->netns_id;
	if (!nsw_netns_name_ok(m->netns))
		return false;
	bool ok = nsw_netns_visit(m->netns, &self);
	bool wrong = ok && m->netns_id && nsw_netns_cookie32() != m->netns_id;
	nsw_netns_leave(self, wrong);
	return ok && !wrong;
}

int nsw_nic_list(char names[][16], int max)
{
	DIR *d = opendir(NSW_PIN_ROOT);
	int n = 0;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < max) {
		if (e->d_name[0] == '.' || e->d_name[0] == '~' || strlen(e->d_name) >= 16)
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
	if (n->meta.netns[0] && !nsw_netns_name_ok(n->meta.netns))
		nsw_fail("NIC \"%s\": invalid network namespace name \"%s\"; remove it with nic del",
			 name, n->meta.netns);
	/* A capture killed without ending leaves the data path capturing: whoever comes next
	 * ends it (the capture lock tells a dead capture from a running one). */
	nsw_capture_stale_clear(n);
	char path[128];
	snprintf(path, sizeof path, "/run/netns/%s", n->meta.netns);
	if (n->meta.netns[0] && (need_netns || access(path, F_OK) == 0))
		nsw_netns_enter(n->meta.netns);
	if (n->meta.netns[0])
		nsw_netns_opt = n->meta.netns;
	nsw_own_netns = !n->meta.netns_id || nsw_netns_cookie32() == n->meta.netns_id;
	if (need_netns)
		nsw_nic_repair(n);
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
	static uint32_t act[NSW_NVF_SLOTS * 2], mir[NSW_NVF_SLOTS + NSW_MAX_PFS];
	static struct nsw_qos qos[NSW_NVF_SLOTS];
	if (nsw_array_read(fa, NSW_NVF_SLOTS * 2, sizeof *act, act) ||
	    nsw_array_read(fm, NSW_NVF_SLOTS + NSW_MAX_PFS, sizeof *mir, mir) ||
	    nsw_array_read(fq, NSW_NVF_SLOTS, sizeof *qos, qos))
		nsw_fail("cannot read the NIC's feature maps: %s", strerror(errno));
	for (uint32_t k = 0; k < NSW_NVF_SLOTS * 2; k++)
		if (act[k] & NSW_ACL_LIVE)
			feat |= NSW_FEAT_ACL;
	for (uint32_t k = 0; k < NSW_NVF_SLOTS + NSW_MAX_PFS; k++)
		if (mir[k])
			feat |= NSW_FEAT_MIRROR;
	struct nsw_capture_cfg c = {0};
	if (!bpf_map_lookup_elem(fc, &zero, &c) && c.enabled)
		feat |= NSW_FEAT_CAPTURE;
	for (uint32_t k = 0; k < NSW_NVF_SLOTS; k++)
		if (qos[k].pps)
			feat |= NSW_FEAT_QOS;
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

/* Whether a pinned names map (nsw_pf_name or nsw_vf_name of the NIC in dir) holds name: its
 * index, or -1. */
static int nsw_names_hold(const char *dir, const char *map, uint32_t count, const char *name)
{
	static char names[NSW_NVF_SLOTS][IF_NAMESIZE];
	int fd = nsw_pin_get(dir, map), found = -1;
	if (fd < 0)
		return -1;
	if (count <= NSW_NVF_SLOTS && !nsw_array_read(fd, count, IF_NAMESIZE, names))
		for (uint32_t i = 0; i < count && found < 0; i++)
			if (names[i][0] && !strncmp(names[i], name, IF_NAMESIZE))
				found = (int)i;
	close(fd);
	return found;
}

const char *nsw_follower_elsewhere(const struct nsw_cli_nic *self, const char *name)
{
	static char names[64][16], buf[160];
	int n = nsw_nic_list(names, 64);
	for (int i = 0; i < n; i++) {
		struct nsw_meta m;
		char dir[128];
		if (!strcmp(names[i], self->name) || !nsw_read_meta(names[i], &m) ||
		    strcmp(m.netns, self->meta.netns))
			continue;
		snprintf(dir, sizeof dir, "%s/%.15s", NSW_PIN_ROOT, names[i]);
		int p = nsw_names_hold(dir, "nsw_pf_name", NSW_MAX_PFS, name);
		if (p >= 0) {
			snprintf(buf, sizeof buf, "the uplink PF %d of NIC %.15s follows (has or waits "
				 "for)", p, names[i]);
			return buf;
		}
		int s = nsw_names_hold(dir, "nsw_vf_name", NSW_NVF_SLOTS, name);
		if (s >= 0) {
			snprintf(buf, sizeof buf, "the device VF %d,%d of NIC %.15s follows (has or waits "
				 "for)", s / NSW_MAX_VFS, s % NSW_MAX_VFS, names[i]);
			return buf;
		}
	}
	return NULL;
}

static uint32_t nsw_prog_id(int fd)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof info;
	memset(&info, 0, sizeof info);
	if (fd <= 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

/* Takes off ifindex what nswitch can prove it put there, in the current namespace (the NIC's:
 * callers check): the XDP program only if it is the NIC's (the kernel compares, atomically),
 * the tc filter at nswitch's handle and priority only if it runs the NIC's program, and the
 * clsact only if the port's record says nswitch made it and no filter is left on it. A device
 * that took the ifindex of one of the NIC's ports keeps everything. Best effort: the device
 * may be gone. */
static void nsw_port_release(const struct nsw_cli_nic *n, uint32_t ifindex, uint32_t flags)
{
	if (n->meta.mode == NSW_MODE_XDP && n->prog_xdp > 0) {
		LIBBPF_OPTS(bpf_xdp_attach_opts, xo, .old_prog_fd = n->prog_xdp);
		bpf_xdp_detach((int)ifindex, XDP_FLAGS_DRV_MODE, &xo);
	}
	struct nsw_tc_view v;
	if (nsw_tc_view(ifindex, &v))
		return;
	uint32_t id = nsw_prog_id(n->prog_tc);
	if (id && v.at_ours_bpf && v.at_ours_id == id && !nsw_tc_filter_del(ifindex))
		v.filters--;
	if ((flags & NSW_PORTF_OWN_CLSACT) && v.clsact && !v.filters)
		nsw_clsact_del(ifindex);
	nsw_qos_dev_release(n->dir, ifindex);
}

int nsw_port_attach(struct nsw_cli_nic *n, uint32_t ifindex, struct nsw_port port, char *err,
		    size_t errlen)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NSW_TC_HANDLE, .priority = NSW_TC_PRIO,
		    .prog_fd = n->prog_tc);
	struct nsw_port_info pi = {.port = port};
	struct nsw_tc_view v;
	int r = nsw_tc_view(ifindex, &v);
	if (r) {
		snprintf(err, errlen, "cannot read its tc setup: %s", strerror(-r));
		return r;
	}
	if (v.at_ours) {
		snprintf(err, errlen, "a tc filter of someone else sits at handle 0x%x prio %d of its "
			 "ingress", NSW_TC_HANDLE, NSW_TC_PRIO);
		return -EEXIST;
	}
	if (v.prio_taken) {
		snprintf(err, errlen, "a tc filter of someone else (%s, protocol 0x%04x) sits at prio "
			 "%d of its ingress, where nswitch's bpf filter for every protocol goes; move "
			 "it to another prio", v.prio_kind, v.prio_proto, NSW_TC_PRIO);
		return -EEXIST;
	}
	if (!v.clsact)
		pi.flags |= NSW_PORTF_OWN_CLSACT;
	/* The record comes first, before anything is made on the device: killed at any later
	 * point, the NIC knows which device to clean and whether the clsact is its own. It is
	 * also what the program needs before the first frame reaches it. */
	int fd_ix = nsw_nic_map(n, "nsw_port_ix");
	r = nsw_port_write(n->fd_ports, fd_ix, ifindex, &pi);
	if (r) {
		close(fd_ix);
		snprintf(err, errlen, "cannot register the port: %s", strerror(-r));
		return r;
	}
	if (!v.clsact) {
		r = bpf_tc_hook_create(&hook);
		if (r == -EEXIST) { /* made by someone else since we looked: theirs */
			pi.flags &= ~NSW_PORTF_OWN_CLSACT;
			r = nsw_port_write(n->fd_ports, fd_ix, ifindex, &pi);
		}
		if (r) {
			snprintf(err, errlen, "cannot add a clsact qdisc: %s", strerror(-r));
			goto undo;
		}
	}
	r = bpf_tc_attach(&hook, &opts);
	if (r) {
		snprintf(err, errlen, "cannot attach the tc program: %s", strerror(-r));
		goto undo;
	}
	if (n->meta.mode == NSW_MODE_XDP) {
		r = bpf_xdp_attach((int)ifindex, n->prog_xdp, XDP_FLAGS_DRV_MODE, NULL);
		if (r) {
			snprintf(err, errlen, "cannot attach the XDP program: %s", strerror(-r));
			goto undo;
		}
		pi.flags |= NSW_PORTF_OWN_XDP;
		nsw_port_write(n->fd_ports, fd_ix, ifindex, &pi);
	}
	close(fd_ix);
	return 0;
undo:
	nsw_port_release(n, ifindex, pi.flags);
	nsw_port_write(n->fd_ports, fd_ix, ifindex, NULL);
	close(fd_ix);
	return r;
}

/* Best effort: the device may be gone already (its namespace deleted). */
void nsw_port_detach(struct nsw_cli_nic *n, uint32_t ifindex)
{
	struct nsw_port_info pi = {0};
	if (bpf_map_lookup_elem(n->fd_ports, &ifindex, &pi) == 0 && nsw_own_netns)
		nsw_port_release(n, ifindex, pi.flags);
	int fd_ix = nsw_nic_map(n, "nsw_port_ix");
	nsw_port_write(n->fd_ports, fd_ix, ifindex, NULL);
	close(fd_ix);
}

/* The ports of a NIC (keys of nsw_ports): at most max, returns the count. */
/* The port records (keys and values) of the NIC, at most max: one batched read (a syscall per
 * few hundred records, not two per record: a NIC of 512 VFs read record by record cost every
 * command a thousand syscalls), else, on a kernel without batched hash reads, record by record.
 * A record deleted meanwhile is simply not returned. */
static int nsw_port_entries(int fd_ports, uint32_t *keys, struct nsw_port_info *vals, int max)
{
	uint32_t batch = 0, count;
	int nk = 0, r;
	bool first = true;
	do {
		count = (uint32_t)(max - nk);
		if (!count)
			break;
		r = bpf_map_lookup_batch(fd_ports, first ? NULL : &batch, &batch, keys + nk, vals + nk,
					 &count, NULL);
		first = false;
		if (r && errno != ENOENT)
			goto one_by_one;
		nk += (int)count;
	} while (!r);
	return nk;
one_by_one:
	nk = 0;
	uint32_t key, next, *prev = NULL;
	while (nk < max && bpf_map_get_next_key(fd_ports, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd_ports, &key, &vals[nk]))
			keys[nk++] = key;
	}
	return nk;
}

/* A vf add writes the VF's device slot, then the port record, clsact and filter, and enables
 * the VF in the registers last (its commit); a vf del disables it first. So a port whose VF
 * is not enabled, or whose VF's or PF's device slot names another device, is what a killed
 * command left: it goes, with what nswitch can prove it put on the device. */
void nsw_nic_repair(struct nsw_cli_nic *n)
{
	static uint32_t vfdev[NSW_NVF_SLOTS], pfdev[NSW_MAX_PFS], keys[NSW_NDEV];
	static struct nsw_port_info vals[NSW_NDEV];
	uint32_t zero = 0;
	if (nsw_array_read(n->fd_vf_dev, NSW_NVF_SLOTS, sizeof *vfdev, vfdev) ||
	    nsw_array_read(n->fd_pf_dev, NSW_MAX_PFS, sizeof *pfdev, pfdev))
		return;
	for (uint32_t slot = 0; slot < NSW_NVF_SLOTS; slot++)
		if (vfdev[slot] && !(n->st->vf[slot / NSW_MAX_VFS][slot % NSW_MAX_VFS] & NSW_VF_EN)) {
			/* A vf del killed half-way: its state, then its device binding. */
			nsw_vf_state_clear(n, slot / NSW_MAX_VFS, slot % NSW_MAX_VFS, "repair");
			nsw_vf_path_bind(n, slot, 0);
			bpf_map_update_elem(n->fd_vf_dev, &slot, &zero, 0);
			vfdev[slot] = 0;
		}
	int nk = nsw_port_entries(n->fd_ports, keys, vals, NSW_NDEV), fd_ix = -1;
	for (int i = 0; i < nk; i++) {
		struct nsw_port_info pi = vals[i];
		bool live = pi.port.kind == NSW_PORT_VF
				    ? pi.port.pf < NSW_MAX_PFS && pi.port.vf < NSW_MAX_VFS &&
					      vfdev[nsw_vf_slot(pi.port.pf, pi.port.vf)] == keys[i]
				    : pi.port.pf < NSW_MAX_PFS && pfdev[pi.port.pf] == keys[i];
		if (live)
			continue;
		if (nsw_own_netns)
			nsw_port_release(n, keys[i], pi.flags);
		if (fd_ix < 0)
			fd_ix = nsw_nic_map(n, "nsw_port_ix");
		nsw_port_write(n->fd_ports, fd_ix, keys[i], NULL);
	}
	if (fd_ix >= 0)
		close(fd_ix);
}

/* Removes a NIC's folder that is out of sight (renamed by nic del, or a nic add that never
 * finished), whatever part of it is left: first what it attached to devices, if it can prove
 * where (its metadata, its ports, its namespace), then every pin. Every step can be redone,
 * so a kill here leaves the folder for the next sweep. Returns false if it had to leave the
 * devices alone (namespace gone or not the NIC's). */
static bool nsw_nic_finish(const char *dir)
{
	struct nsw_cli_nic n;
	uint32_t zero = 0;
	bool devices_ok = true;
	memset(&n, 0, sizeof n);
	snprintf(n.dir, sizeof n.dir, "%s", dir);
	n.fd_ports = nsw_pin_get(dir, "nsw_ports");
	n.fd_meta = nsw_pin_get(dir, "nsw_meta");
	n.prog_tc = nsw_pin_get(dir, "prog_tc");
	n.prog_xdp = nsw_pin_get(dir, "prog_xdp");
	bool meta = n.fd_meta >= 0 && !bpf_map_lookup_elem(n.fd_meta, &zero, &n.meta) &&
		    n.meta.name[0];
	/* A NIC attaches nothing before its metadata is written, and its pins go only after
	 * its attachments: no metadata or no ports, nothing to take off a device. */
	if (meta && n.fd_ports >= 0) {
		static uint32_t keys[NSW_NDEV];
		static struct nsw_port_info vals[NSW_NDEV];
		int nk = nsw_port_entries(n.fd_ports, keys, vals, NSW_NDEV);
		if (nk && nsw_enter_own_netns(&n.meta)) {
			/* The registers, for the VFs whose link nswitch holds down: handed back up. */
			static struct nsw_nic regs;
			int fd_state = nsw_pin_get(dir, "nsw_state");
			bool have_regs = fd_state >= 0 && !bpf_map_lookup_elem(fd_state, &zero, &regs);
			if (fd_state >= 0)
				close(fd_state);
			for (int i = 0; i < nk; i++) {
				struct nsw_port_info pi = vals[i];
				char err[160];
				nsw_port_release(&n, keys[i], pi.flags);
				if (have_regs && pi.port.kind == NSW_PORT_VF &&
				    (regs.vf[pi.port.pf % NSW_MAX_PFS][pi.port.vf % NSW_MAX_VFS] &
				     NSW_VF_LINK_DOWN) &&
				    nsw_vf_dev_link(keys[i], true, err, sizeof err))
					fprintf(stderr, "nswitch: warning: nic del: %s\n", err);
			}
		} else if (nk) {
			devices_ok = false;
		}
	}
	int fds[] = {n.fd_ports, n.fd_meta, n.prog_tc, n.prog_xdp};
	for (size_t i = 0; i < sizeof fds / sizeof *fds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	nsw_unpin_all(dir);
	return devices_ok;
}

/* Finishes, in a child (it may enter other namespaces), every NIC folder a killed nic add or
 * nic del left out of sight. Runs under the root lock, which the child shares. */
static void nsw_sweep(void)
{
	DIR *d = opendir(NSW_PIN_ROOT);
	struct dirent *e;
	bool any = false;
	while (d && !any && (e = readdir(d)))
		any = !strncmp(e->d_name, NSW_STAGE_ADD, strlen(NSW_STAGE_ADD)) ||
		      !strncmp(e->d_name, NSW_STAGE_DEL, strlen(NSW_STAGE_DEL));
	if (d)
		closedir(d);
	if (!any)
		return;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		char path[512];
		d = opendir(NSW_PIN_ROOT);
		while (d && (e = readdir(d))) {
			if (strncmp(e->d_name, NSW_STAGE_ADD, strlen(NSW_STAGE_ADD)) &&
			    strncmp(e->d_name, NSW_STAGE_DEL, strlen(NSW_STAGE_DEL)))
				continue;
			snprintf(path, sizeof path, "%s/%s", NSW_PIN_ROOT, e->d_name);
			nsw_nic_finish(path);
		}
		if (d)
			closedir(d);
		_exit(0);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
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

void nsw_nic_create(const char *name, unsigned npfs, const char *netns, unsigned mode,
		    int want_id)
{
	char dir[128], final[128], path[192], names[64][16];
	struct stat sb;
	uint32_t zero = 0;
	bool used[32] = {false};

	nsw_nic_name_check(name);
	if (netns && *netns) {
		if (!nsw_netns_name_ok(netns))
			nsw_fail("invalid network namespace name \"%s\": a name under /run/netns, "
				 "no '/', not . or .., under %zu characters", netns,
				 sizeof((struct nsw_meta){0}).netns);
		snprintf(path, sizeof path, "/run/netns/%s", netns);
		if (access(path, F_OK))
			nsw_fail("unknown network namespace \"%s\"", netns);
	}
	uint32_t netns_id = nsw_netns_cookie_of(netns);
	int lock = nsw_lock_root();
	snprintf(final, sizeof final, "%s/%.15s", NSW_PIN_ROOT, name);
	if (!stat(final, &sb))
		nsw_fail("NIC \"%s\" exists", name);
	/* Built out of sight, then renamed into place: a kill leaves no half NIC in view, and
	 * the next command removes the staging folder (nsw_sweep). */
	snprintf(dir, sizeof dir, "%s/" NSW_STAGE_ADD "%.15s", NSW_PIN_ROOT, name);
	int nn = nsw_nic_list(names, 64);
	for (int i = 0; i < nn; i++) {
		struct nsw_meta m;
		if (nsw_read_meta(names[i], &m) && m.nic_id < 32)
			used[m.nic_id] = true;
	}
	unsigned id = 0;
	while (id < 32 && used[id])
		id++;
	if (id == 32 && want_id < 0)
		nsw_fail("too many NICs (32)");
	/* An id asked for (a saved configuration) is that one or an error: it picks the PFs'
	 * default OUIs, hence the vMACs the VMs were given. */
	if (want_id >= 0 && used[want_id]) {
		for (int i = 0; i < nn; i++) {
			struct nsw_meta m;
			if (nsw_read_meta(names[i], &m) && m.nic_id == (unsigned)want_id)
				nsw_fail("nic add: id %d is NIC %s's", want_id, names[i]);
		}
		nsw_fail("nic add: id %d is taken", want_id);
	}
	if (want_id >= 0)
		id = (unsigned)want_id;

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
	struct nsw_meta meta = {.nic_id = id, .mode = mode, .npfs = npfs, .netns_id = netns_id};
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
	if (rename(dir, final)) { /* the commit */
		int se = errno;
		nsw_unpin_all(dir);
		nsw_fail("cannot create NIC \"%s\": %s", name, strerror(se));
	}
	close(lock);
}

void nsw_nic_destroy(const char *name)
{
	char dir[128], gone[128];
	struct stat sb;
	struct nsw_meta m = {0};
	nsw_nic_name_check(name);
	int lock = nsw_lock_root();
	snprintf(dir, sizeof dir, "%s/%s", NSW_PIN_ROOT, name);
	if (stat(dir, &sb))
		nsw_fail("unknown NIC \"%s\"", name);
	bool meta = nsw_read_meta(name, &m) && m.name[0];
	/* The commit: out of sight in one rename. Then its attachments and pins go; a kill from
	 * here on leaves the rest to the next command's sweep. Works on a damaged NIC too: it
	 * removes whatever is left. */
	snprintf(gone, sizeof gone, "%s/" NSW_STAGE_DEL "%s", NSW_PIN_ROOT, name);
	if (rename(dir, gone))
		nsw_fail("cannot remove NIC \"%s\": %s", name, strerror(errno));
	bool devices = nsw_nic_finish(gone);
	rmdir(NSW_PIN_ROOT); /* the last NIC takes the folder with it; fails while others remain */
	close(lock);
	if (!devices)
		nsw_print_text("note: namespace \"%s\" of NIC %s is gone or not the one it was made "
			       "in: no device touched\n", meta ? m.netns : "", name);
	nsw_print_text("nic %s deleted\n", name);
}
