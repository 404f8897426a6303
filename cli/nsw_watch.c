/* nsw_watch.c - the watcher: one process per NIC that listens to rtnetlink link events in the
 * NIC's namespace and re-runs the follow-by-name resyncs (nsw_vf_follow, nsw_pf_follow) when
 * a device a VF or an uplink has or waits for comes or goes; and the `watch` command (start,
 * stop, show).
 * Invariants:
 *  - At most one watcher per NIC name: it holds an flock on /run/nswitch/watch-NIC.pid (its
 *    pid inside) for as long as it lives; a start finding the lock held does nothing.
 *  - It owns no state: everything it acts on is pinned (registers, nsw_vf_dev, nsw_vf_name,
 *    nsw_pf_dev, nsw_pf_name), so a watcher killed at any point is replaced by a start that
 *    resyncs from the pins, attaching what appeared meanwhile. Each resync runs in a child that opens the NIC like any command
 *    (root lock, repair) and may fail alone; the watcher goes on.
 *  - vf add and pf set ... uplink start it (a NIC without VFs or uplinks has nothing to
 *    follow; and nic add stays a command that ends with all its processes, which tools
 *    tracing it with their children need).
 *  - It ends on SIGTERM (watch stop, nic del), and by itself within a second once its NIC is
 *    gone or made again (the pinned nsw_state's map id changed). Ending, it removes its pid
 *    and log files while it still holds the lock; a start that then gets the lock of a file
 *    that lost its name opens the path again (nsw_watch_same_file), so no watcher ever runs
 *    on a file watch show cannot see. watch stop and nic del remove what one killed -9 left.
 * Events are dispatched through nsw_watch_evs, a table of (message type, handler): a handler
 * reads the message and marks what needs doing; more (an uplink's carrier) go in as rows. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "nsw_cli.h"
#include "nsw_vf_link.h"
#include "nsw_cmd.h"

#define NSW_RUN_DIR "/run/nswitch"

struct nsw_watch {
	char nic[16];
	char dir[64];
	uint32_t state_id; /* map id of the NIC's nsw_state: its identity */
	bool resync;       /* a handler saw a change that needs nsw_vf_follow */
	bool failed;       /* the last resync failed: try again on the next tick */
	bool masters;      /* a device it follows was seen with a master: the resync checks
			    * every bound device's (a netlink read each, so not on every event) */
};

static volatile sig_atomic_t nsw_watch_quit;

static void nsw_watch_path(const char *nic, const char *ext, char *buf, size_t len)
{
	snprintf(buf, len, NSW_RUN_DIR "/watch-%.15s.%.3s", nic, ext);
}

static uint32_t nsw_watch_state_id(const char *dir)
{
	char path[192];
	struct bpf_map_info info;
	uint32_t len = sizeof info;
	snprintf(path, sizeof path, "%s/nsw_state", dir);
	int fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof info);
	uint32_t id = bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
	close(fd);
	return id;
}

/* True if ifindex is bound to a VF, or name is the name a VF follows: read from the pins. */
static bool nsw_watch_concerns(struct nsw_watch *w, uint32_t ifindex, const char *name)
{
	static uint32_t vfdev[NSW_NVF_SLOTS];
	static char names[NSW_NVF_SLOTS][IF_NAMESIZE];
	char path[192];
	bool hit = false;
	snprintf(path, sizeof path, "%s/nsw_vf_dev", w->dir);
	int fd = bpf_obj_get(path);
	if (fd < 0 || nsw_array_read(fd, NSW_NVF_SLOTS, sizeof *vfdev, vfdev))
		hit = true; /* cannot tell: resync */
	for (uint32_t s = 0; !hit && s < NSW_NVF_SLOTS; s++)
		hit = vfdev[s] && vfdev[s] == ifindex;
	if (fd >= 0)
		close(fd);
	/* A PF's uplink: its carrier is what VFs in state auto follow. */
	static uint32_t pfdev[NSW_MAX_PFS];
	snprintf(path, sizeof path, "%s/nsw_pf_dev", w->dir);
	fd = bpf_obj_get(path);
	if (!hit && (fd < 0 || nsw_array_read(fd, NSW_MAX_PFS, sizeof *pfdev, pfdev)))
		hit = true;
	for (uint32_t p = 0; !hit && p < NSW_MAX_PFS; p++)
		hit = pfdev[p] && pfdev[p] == ifindex;
	if (fd >= 0)
		close(fd);
	if (hit || !name)
		return hit;
	/* The name an uplink follows (has, or waits for). */
	static char pfnames[NSW_MAX_PFS][IF_NAMESIZE];
	snprintf(path, sizeof path, "%s/nsw_pf_name", w->dir);
	fd = bpf_obj_get(path);
	if (fd >= 0 && nsw_array_read(fd, NSW_MAX_PFS, IF_NAMESIZE, pfnames))
		hit = true;
	for (uint32_t p = 0; fd >= 0 && !hit && p < NSW_MAX_PFS; p++)
		hit = pfnames[p][0] && !strncmp(pfnames[p], name, IF_NAMESIZE);
	if (fd >= 0)
		close(fd);
	if (hit)
		return hit;
	snprintf(path, sizeof path, "%s/nsw_vf_name", w->dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	if (nsw_array_read(fd, NSW_NVF_SLOTS, IF_NAMESIZE, names))
		hit = true;
	for (uint32_t s = 0; !hit && s < NSW_NVF_SLOTS; s++)
		hit = names[s][0] && !strncmp(names[s], name, IF_NAMESIZE);
	close(fd);
	return hit;
}

struct nsw_watch_attrs {
	char name[IF_NAMESIZE];
	uint32_t master;
};

static int nsw_watch_link_attr(const struct nlattr *a, void *data)
{
	struct nsw_watch_attrs *at = data;
	if (mnl_attr_get_type(a) == IFLA_IFNAME && !mnl_attr_validate(a, MNL_TYPE_STRING))
		snprintf(at->name, IF_NAMESIZE, "%s", mnl_attr_get_str(a));
	if (mnl_attr_get_type(a) == IFLA_MASTER && !mnl_attr_validate(a, MNL_TYPE_U32))
		at->master = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

/* A device appeared, changed (renamed, enslaved) or went: resync if a VF or an uplink has it
 * or waits for its name; one that has a master now is checked for it (its master owns it). */
static void nsw_watch_link(struct nsw_watch *w, const struct nlmsghdr *nlh)
{
	struct nsw_watch_attrs at = {"", 0};
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof *ifm, nsw_watch_link_attr, &at);
	if (nsw_watch_concerns(w, (uint32_t)ifm->ifi_index, at.name[0] ? at.name : NULL)) {
		w->resync = true;
		if (nlh->nlmsg_type == RTM_NEWLINK && at.master)
			w->masters = true;
	}
}

/* What the watcher does with each rtnetlink message: every row whose type matches runs. */
static const struct nsw_watch_ev {
	uint16_t type;
	void (*fn)(struct nsw_watch *w, const struct nlmsghdr *nlh);
} nsw_watch_evs[] = {
	{RTM_NEWLINK, nsw_watch_link},
	{RTM_DELLINK, nsw_watch_link},
	{0, NULL},
};

static int nsw_watch_dispatch(const struct nlmsghdr *nlh, void *data)
{
	for (const struct nsw_watch_ev *e = nsw_watch_evs; e->fn; e++)
		if (e->type == nlh->nlmsg_type)
			e->fn(data, nlh);
	return MNL_CB_OK;
}

/* nsw_vf_follow in a child that opens the NIC as any command does; true if it ran. */
static bool nsw_watch_resync(struct nsw_watch *w)
{
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		struct nsw_cli_nic n;
		nsw_nic_open(&n, w->nic);
		/* Again while a pass changed something: a device one port let go (an uplink
		 * renamed to the name a VF or another PF waits for) is then taken by the port
		 * that refused it, with no further event to wake us. Each pass that goes on
		 * binds or unbinds a port, so a few passes settle it. */
		bool unread = false;
		for (int pass = 0; pass < 4; pass++)
			if (!(nsw_vf_follow(&n, stderr, w->masters, &unread) +
			      nsw_pf_follow(&n, stderr, w->masters, &unread)))
				break;
		/* The uplinks' carrier (none while one waits), for VFs in state auto; a VF
		 * attached again takes its link state (held down stays down). */
		for (unsigned p = 0; p < nsw_nic_num_pfs(n.st); p++)
			if (nsw_pf_carrier_follow(&n, p) < 0)
				fprintf(stderr, "pf %u: cannot follow its uplink's carrier\n", p);
		nsw_nic_close(&n);
		fflush(stderr);
		/* a device whose master could not be read: not done, the watcher asks again */
		_exit(unread ? 2 : 0);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void nsw_watch_sig(int sig)
{
	(void)sig;
	nsw_watch_quit = 1;
}

/* Every descriptor but the standard ones and keep[]: a watcher started by a command that holds
 * the root lock (or by QEMU's ifup script) must not keep what they had open. */
static void nsw_watch_close_fds(const int *keep, int nkeep)
{
	DIR *d = opendir("/proc/self/fd");
	int self = d ? dirfd(d) : -1, fds[1024], nf = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) && nf < 1024) {
		int fd = atoi(e->d_name);
		bool k = fd <= 2 || fd == self || e->d_name[0] == '.';
		for (int i = 0; i < nkeep; i++)
			k = k || fd == keep[i];
		if (!k)
			fds[nf++] = fd;
	}
	if (d)
		closedir(d);
	for (int i = 0; i < nf; i++)
		close(fds[i]);
}

/* Reports the start's outcome to the command waiting on the pipe ("" : running). */
static void nsw_watch_report(int fd, const char *msg)
{
	if (fd < 0)
		return;
	ssize_t r = write(fd, msg, strlen(msg) + 1);
	(void)r;
	close(fd);
}

/* True if fd is still the file at path: a pid file is unlinked only by whoever holds its lock
 * (nsw_watch_unlink), so one that lost its name while a start waited for the lock is a dead
 * watcher's, and the start opens the path again. */
static bool nsw_watch_same_file(int fd, const char *path)
{
	struct stat a, b;
	return !fstat(fd, &a) && !stat(path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Removes the NIC's pid and log files; the caller holds lock_fd's lock, and lock_fd is the
 * file at the pid path. The pid is erased first, so a start that found the lock taken reads
 * no pid (and waits) rather than the one of a watcher that is ending. A start can never hold
 * an unlinked file's lock and run unseen: it checks, once it has the lock, that its file still
 * has the name (nsw_watch_same_file). */
static void nsw_watch_unlink(const char *nic, int lock_fd)
{
	char path[192];
	nsw_watch_path(nic, "pid", path, sizeof path);
	if (!nsw_watch_same_file(lock_fd, path))
		return;
	if (ftruncate(lock_fd, 0)) {
		/* keep going: an unlinked file's pid is read by no new start */
	}
	unlink(path);
	nsw_watch_path(nic, "log", path, sizeof path);
	unlink(path);
}

static __attribute__((noreturn)) void nsw_watch_main(const char *nic, int lock_fd, int ready)
{
	struct nsw_watch w = {0};
	char path[192], msg[256];
	int keep[] = {lock_fd, ready};
	nsw_watch_close_fds(keep, 2);
	snprintf(w.nic, sizeof w.nic, "%s", nic);
	snprintf(w.dir, sizeof w.dir, "%s/%s", NSW_PIN_ROOT, nic);
	if (chdir("/"))
		_exit(1);
	int dn = open("/dev/null", O_RDWR | O_CLOEXEC);
	nsw_watch_path(nic, "log", path, sizeof path);
	int lg = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (dn >= 0) {
		dup2(dn, 0);
		dup2(dn, 1);
		dup2(lg >= 0 ? lg : dn, 2);
	}
	/* The pid, for watch stop and show; the lock says whether it is alive. */
	char pid[24];
	int pl = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
	if (ftruncate(lock_fd, 0) || pwrite(lock_fd, pid, (size_t)pl, 0) != pl) {
		nsw_watch_report(ready, "cannot write its pid file");
		_exit(1);
	}
	struct sigaction sa = {.sa_handler = nsw_watch_sig};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);

	/* Into the NIC's namespace, where its devices come and go. */
	struct nsw_meta m = {0};
	uint32_t zero = 0;
	snprintf(path, sizeof path, "%s/nsw_meta", w.dir);
	int mf = bpf_obj_get(path);
	w.state_id = nsw_watch_state_id(w.dir);
	if (mf < 0 || bpf_map_lookup_elem(mf, &zero, &m) || !w.state_id) {
		nsw_watch_report(ready, "cannot read the NIC's pins");
		_exit(1);
	}
	close(mf);
	if (m.netns[0]) {
		snprintf(path, sizeof path, "/run/netns/%s", m.netns);
		int nf = nsw_netns_name_ok(m.netns) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
		if (nf < 0 || setns(nf, 0)) {
			snprintf(msg, sizeof msg, "cannot enter network namespace \"%s\"", m.netns);
			nsw_watch_report(ready, msg);
			_exit(1);
		}
		close(nf);
	}
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 1u << (RTNLGRP_LINK - 1), MNL_SOCKET_AUTOPID) < 0) {
		snprintf(msg, sizeof msg, "cannot listen to rtnetlink: %s", strerror(errno));
		nsw_watch_report(ready, msg);
		_exit(1);
	}
	int rcv = 1 << 20;
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
	/* Listening first, then the resync: a device that appears in between is in both. */
	fprintf(stderr, "watcher of NIC %s: pid %d\n", nic, (int)getpid());
	w.masters = true; /* a device enslaved while no watcher ran */
	w.failed = !nsw_watch_resync(&w);
	w.masters = w.failed;
	nsw_watch_report(ready, "");
	char buf[MNL_SOCKET_BUFFER_SIZE * 2];
	struct pollfd pfd = {.fd = mnl_socket_get_fd(nl), .events = POLLIN};
	while (!nsw_watch_quit) {
		int r = poll(&pfd, 1, 1000);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0) {
			ssize_t len;
			while ((len = mnl_socket_recvfrom(nl, buf, sizeof buf)) > 0)
				mnl_cb_run(buf, (size_t)len, 0, 0, nsw_watch_dispatch, &w);
			/* events were lost, an enslaving among them maybe: look at everything,
			 * masters included */
			if (len < 0 && errno == ENOBUFS)
				w.resync = w.masters = true;
		}
		if (nsw_watch_state_id(w.dir) != w.state_id) {
			fprintf(stderr, "watcher of NIC %s: the NIC is gone: ending\n", nic);
			break;
		}
		if (w.resync || w.failed) {
			w.resync = false;
			w.failed = !nsw_watch_resync(&w);
			w.masters = w.masters && w.failed;
		}
	}
	mnl_socket_close(nl);
	fprintf(stderr, "watcher of NIC %s: ended\n", nic);
	/* Its files go with it, removed while it still holds the lock (nsw_watch_unlink). */
	nsw_watch_unlink(nic, lock_fd);
	_exit(0);
}

static int nsw_watch_pid_read(int fd)
{
	char b[24] = {0};
	ssize_t r = pread(fd, b, sizeof b - 1, 0);
	return r > 0 ? atoi(b) : 0;
}

/* Whether pid is a live process: a watcher killed -9 is a zombie until init reaps it, and
 * kill(pid, 0) still succeeds on one; while a resync child it forked still holds the lock,
 * its pid must not be taken for the running watcher's. */
static bool nsw_watch_alive(int pid)
{
	char path[64], b[256];
	if (kill(pid, 0) && errno != EPERM)
		return false;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true; /* cannot tell: alive, as kill said */
	ssize_t r = read(fd, b, sizeof b - 1);
	close(fd);
	b[r > 0 ? r : 0] = 0;
	/* "pid (comm) S ...": the state follows the last ')' (comm may hold one). */
	const char *st = strrchr(b, ')');
	return !st || (st[1] != ' ' || (st[2] != 'Z' && st[2] != 'X'));
}

int nsw_watch_start(const char *nic, char *err, size_t errlen)
{
	char path[192];
	if (mkdir(NSW_RUN_DIR, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", NSW_RUN_DIR, strerror(errno));
		return 0;
	}
	nsw_watch_path(nic, "pid", path, sizeof path);
	int fd = -1;
	for (int tries = 0;; tries++) {
		if (tries == 200) {
			snprintf(err, errlen, "a watcher holds %s but wrote no pid", path);
			return 0;
		}
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0) {
			snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
			return 0;
		}
		if (!flock(fd, LOCK_EX | LOCK_NB)) {
			/* Ours: start one. A watcher killed -9 left its pid in the file: erased
			 * now, so a start that finds our lock reads no pid and waits for the new
			 * one, not that of a dead watcher still a zombie (kill(pid, 0) works). */
			if (nsw_watch_same_file(fd, path)) {
				if (ftruncate(fd, 0)) {
					/* the new watcher truncates it again, or fails its start */
				}
				break;
			}
			close(fd); /* removed by the watcher that ended: the path anew */
			continue;
		}
		/* One runs (or is starting: its pid comes with its first steps; or is ending, or a
		 * stop is removing a killed one's files: the file loses its name). */
		int pid = nsw_watch_pid_read(fd);
		bool same = nsw_watch_same_file(fd, path);
		close(fd);
		if (pid && same && nsw_watch_alive(pid))
			return pid;
		usleep(10000);
	}
	int p[2];
	if (pipe2(p, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(fd);
		return 0;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(fd);
		return 0;
	}
	if (pid == 0) {
		/* Detached: a session of its own, reparented to init by the middle child's exit. */
		close(p[0]);
		setsid();
		if (fork() != 0)
			_exit(0);
		nsw_watch_main(nic, fd, p[1]);
	}
	close(p[1]);
	close(fd); /* the lock stays with the watcher's copy */
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	char msg[256] = {0};
	size_t got = 0;
	ssize_t r;
	while (got < sizeof msg - 1 && (r = read(p[0], msg + got, sizeof msg - 1 - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		got += (size_t)r;
		if (memchr(msg, 0, got))
			break;
	}
	close(p[0]);
	if (!got) {
		snprintf(err, errlen, "the watcher ended before it was ready (see %s/watch-%s.log)",
			 NSW_RUN_DIR, nic);
		return 0;
	}
	if (msg[0]) {
		snprintf(err, errlen, "%s", msg);
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	int wpid = fd >= 0 ? nsw_watch_pid_read(fd) : 0;
	if (fd >= 0)
		close(fd);
	return wpid;
}

/* The running watcher's pid, 0 if none runs. */
static int nsw_watch_running(const char *nic)
{
	char path[192];
	nsw_watch_path(nic, "pid", path, sizeof path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	int pid = 0;
	if (flock(fd, LOCK_SH | LOCK_NB))
		pid = nsw_watch_pid_read(fd);
	close(fd);
	return pid;
}

/* What a watcher that did not end cleanly (killed -9) left: removed under the lock, which
 * fd (the pid file, its lock free or shared by us) must then be given exclusively; a start
 * that took it first keeps its files. */
static void nsw_watch_clear(int fd, const char *nic)
{
	if (flock(fd, LOCK_EX | LOCK_NB))
		return;
	nsw_watch_unlink(nic, fd);
	flock(fd, LOCK_UN);
}

bool nsw_watch_stop(const char *nic)
{
	char path[192];
	nsw_watch_path(nic, "pid", path, sizeof path);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (!flock(fd, LOCK_SH | LOCK_NB)) {
		nsw_watch_clear(fd, nic); /* a watcher killed -9 left its files */
		close(fd);
		return false;
	}
	int pid = nsw_watch_pid_read(fd);
	if (pid > 1)
		kill(pid, SIGTERM);
	/* Until its lock is free: it ends within a poll round (1 s); a resync child still
	 * finishing holds the lock too. After 5 s, killed. */
	for (int i = 0; i < 700 && flock(fd, LOCK_SH | LOCK_NB); i++) {
		if (i == 500 && pid > 1)
			kill(pid, SIGKILL);
		usleep(10000);
	}
	nsw_watch_clear(fd, nic);
	close(fd);
	return true;
}

static void nsw_watch_check_nic(const char *nic)
{
	char dir[128];
	struct stat sb;
	nsw_nic_name_check(nic);
	snprintf(dir, sizeof dir, "%s/%s", NSW_PIN_ROOT, nic);
	if (stat(dir, &sb))
		nsw_fail("unknown NIC \"%s\"", nic);
}

static void nsw_watch_print(const char *nic, int pid)
{
	nsw_print_obj_open(NULL);
	nsw_print_str(NSW_PR_ANY, "nic", "watch %s", nic);
	if (pid)
		nsw_print_uint(NSW_PR_ANY, "pid", " pid %llu\n", pid);
	else
		nsw_print_absent(NSW_PR_ANY, "pid", " pid %s\n");
	nsw_print_obj_close();
}

static void nsw_watch_start_cmd(const char *nic, const struct nsw_arg_val *v)
{
	char err[256];
	(void)v;
	nsw_watch_check_nic(nic);
	int pid = nsw_watch_start(nic, err, sizeof err);
	if (!pid)
		nsw_fail("watch start: %s", err);
	nsw_watch_print(nic, pid);
	nsw_print_end();
}

static void nsw_watch_stop_cmd(const char *nic, const struct nsw_arg_val *v)
{
	(void)v;
	nsw_nic_name_check(nic);
	bool was = nsw_watch_stop(nic);
	nsw_watch_print(nic, 0);
	if (!was)
		nsw_print_text("note: no watcher of %s was running\n", nic);
	nsw_print_end();
}

static void nsw_watch_show_cmd(const char *nic, const struct nsw_arg_val *v)
{
	char names[64][16];
	(void)v;
	if (nic)
		nsw_watch_check_nic(nic);
	int nn = nic ? 1 : nsw_nic_list(names, 64);
	nsw_print_arr_open(NULL);
	for (int i = 0; i < nn; i++) {
		const char *name = nic ? nic : names[i];
		nsw_watch_print(name, nsw_watch_running(name));
	}
	nsw_print_arr_close();
	nsw_print_end();
}

const struct nsw_cmd nsw_cmds_watch[] = {
	{"start", NULL, nsw_watch_start_cmd, NSW_POS_NIC, NULL, 0,
	 "Start NIC's watcher unless one runs (vf add and pf set ... uplink start it, and\n"
	 "again if it died). It follows every VF's device and every PF's uplink by name in\n"
	 "the NIC's namespace: a device that goes leaves its VF or PF waiting (dev none or\n"
	 "uplink none, frames to it counted as no_device), a device of that name that\n"
	 "appears is attached within a second. Restarted, it resyncs from the pins.\n"
	 "Files: " NSW_RUN_DIR "/watch-NIC.pid and .log, removed when it ends."},
	{"stop", NULL, nsw_watch_stop_cmd, NSW_POS_NIC, NULL, 0,
	 "Stop NIC's watcher (nic del does) and remove its files. VFs and uplinks whose\n"
	 "device goes then wait until a start."},
	{"show", "list", nsw_watch_show_cmd, NSW_POS_NIC_OPT, NULL, 0,
	 "Each NIC's watcher: its pid, or none."},
	{0},
};
