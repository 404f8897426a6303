/* nsw_cni.c - nswitch-cni, the CNI plugin (specification 1.0.0: VERSION, ADD, DEL, CHECK;
 * STATUS and GC came with 1.1.0 and are refused as unknown commands). Installed as `nswitch`
 * in the CNI plugin directory, it makes every container a VF of an nswitch NIC: a veth whose
 * host end is attached as the lowest free VF of the configured PF and whose other end, given
 * the vMAC, moves into the container as CNI_IFNAME; addresses come from the IPAM plugin named
 * in the configuration.
 *
 * Why it runs the nswitch CLI (with -j, reading its JSON with json-c) instead of linking the
 * CLI's code: every rule of a VF (OUI, MAC uniqueness, Table A room, the device checks, the
 * undo on failure, the NIC's lock, the repair of what a killed command left) lives in one
 * place, and the plugin cannot get any of it wrong or out of date. The CLI serialises every
 * command on one lock of the pin root; `vf add ... vf auto` picks the lowest free VF under that
 * lock, so parallel ADDs never collide on a number and nothing is half-made between choosing
 * and attaching. The CLI is found as: the configuration's "nswitch" key, else $NSWITCH_CNI_CLI,
 * else `nswitch` next to this program (unless that is this program), else on $PATH, then
 * /usr/local/sbin, /usr/local/bin, /usr/sbin, /usr/bin.
 *
 * Invariants. An attachment's key (network, container ID, interface) names its veth
 * (nsw_cni_names): the host end "nscn<hash>", the container's end "nscp<hash>" until it is
 * moved. The VF is found by that device (vf show's dev), so DEL finds everything ADD made at
 * whatever point ADD stopped (a crash included): DEL removes the VF whose dev is the host end,
 * then the veth (which takes the container's end with it), and releases the IPAM lease. When
 * the container's namespace went first, the veth (and the VF's device) went with it: a record
 * written (temporary file + rename) right after the VF is attached,
 * /run/nswitch-cni/NIC/HOST.json, names the VF and its vMAC so DEL still removes it, and only
 * when that VF has no device and still has that vMAC. ADD undoes its own steps in reverse on
 * any failure, so a failed ADD leaves nothing. Output: the result (ADD), nothing (DEL, CHECK),
 * or the specification's error object on stdout with exit status 1; codes 100 and up are ours
 * (nsw_cni.h). Only this file enters namespaces, runs programs or writes files. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsw_cni.h"

#define NSW_CNI_STATE "/run/nswitch-cni"

extern char **environ;

struct nsw_ctx {
	struct nsw_cni_conf c;
	struct nsw_cni_err e;
	const char *cmd, *cid, *netns, *ifname, *args, *path;
	char *stdin_text;
	char host[16], peer[16];
	char cli[PATH_MAX + 32];
	int self_ns;   /* the namespace the plugin was started in */
	int nic_ns;    /* the NIC's namespace, -1: the plugin's own */
	bool nic_found;
};

static const char *nsw_env(const char *k)
{
	const char *v = getenv(k);
	return v && *v ? v : NULL;
}

/* ---- running programs ---- */

/* Runs argv with env, stdin text in, stdout and stderr read whole. Returns the exit status
 * (-1 if it could not run or was killed). */
static int nsw_run(char *const argv[], char *const envp[], const char *in, char **out,
		   char **err)
{
	int pi[2], po[2], pe[2];
	*out = *err = NULL;
	if (pipe2(pi, O_CLOEXEC) || pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pi[0], 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(pi[0]);
	close(po[1]);
	close(pe[1]);
	size_t inlen = in ? strlen(in) : 0, inoff = 0;
	if (!inlen) {
		close(pi[1]);
		pi[1] = -1;
	} else {
		fcntl(pi[1], F_SETFL, O_NONBLOCK);
	}
	char *buf[2] = {NULL, NULL};
	size_t len[2] = {0, 0};
	int fds[2] = {po[0], pe[0]};
	while (fds[0] >= 0 || fds[1] >= 0) {
		struct pollfd p[3] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}, {pi[1], POLLOUT, 0}};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pi[1] >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(pi[1], in + inoff, inlen - inoff);
			if (w > 0)
				inoff += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || inoff == inlen) {
				close(pi[1]);
				pi[1] = -1;
			}
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i] < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char tmp[4096];
			ssize_t r = read(fds[i], tmp, sizeof tmp);
			if (r <= 0) {
				close(fds[i]);
				fds[i] = -1;
				continue;
			}
			char *nb = realloc(buf[i], len[i] + (size_t)r + 1);
			if (!nb)
				continue;
			buf[i] = nb;
			memcpy(buf[i] + len[i], tmp, (size_t)r);
			len[i] += (size_t)r;
			buf[i][len[i]] = 0;
		}
	}
	if (pi[1] >= 0)
		close(pi[1]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*out = buf[0] ? buf[0] : strdup("");
	*err = buf[1] ? buf[1] : strdup("");
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool nsw_same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static bool nsw_exec_ok(const char *p)
{
	struct stat st;
	return !stat(p, &st) && S_ISREG(st.st_mode) && !access(p, X_OK);
}

/* The nswitch CLI (see the file's comment for the order). */
static int nsw_find_cli(struct nsw_ctx *x)
{
	const char *given = x->c.nswitch[0] ? x->c.nswitch : nsw_env("NSWITCH_CNI_CLI");
	if (given) {
		if (!nsw_exec_ok(given))
			return nsw_cni_fail(&x->e, NSW_CNI_E_CONFIG,
					    "the nswitch CLI \"%s\" is not an executable file", given);
		snprintf(x->cli, sizeof x->cli, "%s", given);
		return 0;
	}
	char self[PATH_MAX], cand[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		if (slash) {
			snprintf(cand, sizeof cand, "%.*s/nswitch", (int)(slash - self), self);
			if (nsw_exec_ok(cand) && !nsw_same_file(cand, self)) {
				snprintf(x->cli, sizeof x->cli, "%s", cand);
				return 0;
			}
		}
	}
	char dirs[8192];
	snprintf(dirs, sizeof dirs, "%s:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin",
		 nsw_env("PATH") ? getenv("PATH") : "");
	for (char *save, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(cand, sizeof cand, "%s/nswitch", d);
		if (*d == '/' && nsw_exec_ok(cand) && (n <= 0 || !nsw_same_file(cand, self))) {
			snprintf(x->cli, sizeof x->cli, "%s", cand);
			return 0;
		}
	}
	return nsw_cni_fail(&x->e, NSW_CNI_E_CONFIG,
			    "cannot find the nswitch CLI: set \"nswitch\" in the configuration or "
			    "NSWITCH_CNI_CLI");
}

/* Runs `nswitch -j ARGS...`; its JSON output (NULL if none) in *res. On failure the error
 * (code 100, the CLI's own one-line reason) is recorded unless quiet. */
static int nsw_cli(struct nsw_ctx *x, struct json_object **res, bool quiet, const char *const *args)
{
	char *argv[40];
	int n = 0;
	argv[n++] = x->cli;
	argv[n++] = (char *)"-j";
	for (; *args && n < 39; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	char *out, *err;
	int rc = nsw_run(argv, environ, NULL, &out, &err);
	if (res)
		*res = NULL;
	if (rc != 0) {
		if (!quiet) {
			struct json_object *j = json_tokener_parse(err), *m;
			const char *why = err;
			if (j && json_object_object_get_ex(j, "error", &m))
				why = json_object_get_string(m);
			size_t l = strlen(why);
			while (l && (why[l - 1] == '\n'))
				l--;
			nsw_cni_fail(&x->e, NSW_CNI_E_NSWITCH, "nswitch: %.*s", (int)l,
				     rc < 0 ? "did not run" : why);
			if (j)
				json_object_put(j);
		}
	} else if (res && *out) {
		*res = json_tokener_parse(out);
	}
	free(out);
	free(err);
	return rc ? -1 : 0;
}

/* Runs the IPAM plugin (ipam.type found on CNI_PATH) with command cmd; its result (ADD) in
 * *res. */
static int nsw_ipam(struct nsw_ctx *x, const char *cmd, struct json_object **res)
{
	if (res)
		*res = NULL;
	if (!x->path)
		return nsw_cni_fail(&x->e, NSW_CNI_E_ENV, "CNI_PATH is not set: cannot find IPAM "
				    "plugin \"%s\"", x->c.ipam_type);
	char dirs[8192], prog[PATH_MAX] = "";
	snprintf(dirs, sizeof dirs, "%s", x->path);
	for (char *save, *d = strtok_r(dirs, ":", &save); d && !prog[0];
	     d = strtok_r(NULL, ":", &save)) {
		char cand[PATH_MAX];
		snprintf(cand, sizeof cand, "%s/%s", d, x->c.ipam_type);
		if (nsw_exec_ok(cand))
			snprintf(prog, sizeof prog, "%s", cand);
	}
	if (!prog[0])
		return nsw_cni_fail(&x->e, NSW_CNI_E_IPAM,
				    "IPAM plugin \"%s\" not found on CNI_PATH (%s)", x->c.ipam_type,
				    x->path);
	/* The same environment, with CNI_COMMAND set to cmd. */
	size_t n = 0;
	while (environ[n])
		n++;
	char **envp = calloc(n + 2, sizeof *envp), cc[64];
	if (!envp)
		return nsw_cni_fail(&x->e, NSW_CNI_E_IO, "out of memory");
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "CNI_COMMAND=", 12))
			envp[k++] = environ[i];
	snprintf(cc, sizeof cc, "CNI_COMMAND=%s", cmd);
	envp[k++] = cc;
	char *argv[] = {prog, NULL}, *out, *err;
	int rc = nsw_run(argv, envp, x->stdin_text, &out, &err);
	free(envp);
	struct json_object *j = json_tokener_parse(out);
	if (rc != 0) {
		struct json_object *m;
		const char *why = j && json_object_object_get_ex(j, "msg", &m)
					  ? json_object_get_string(m)
					  : (*err ? err : "no reason given");
		nsw_cni_fail(&x->e, NSW_CNI_E_IPAM, "IPAM plugin %s %s: %s", x->c.ipam_type, cmd,
			     why);
		if (j)
			json_object_put(j);
		j = NULL;
	} else if (res) {
		*res = j;
		j = NULL;
		if (!*res) {
			nsw_cni_fail(&x->e, NSW_CNI_E_IPAM, "IPAM plugin %s %s: result is not JSON",
				     x->c.ipam_type, cmd);
			rc = -1;
		}
	}
	if (j)
		json_object_put(j);
	free(out);
	free(err);
	return rc ? -1 : 0;
}

/* ---- namespaces ---- */

static int nsw_enter(struct nsw_ctx *x, int fd)
{
	if (setns(fd < 0 ? x->self_ns : fd, CLONE_NEWNET))
		return nsw_cni_fail(&x->e, NSW_CNI_E_IO, "cannot enter a network namespace: %s",
				    strerror(errno));
	return 0;
}

/* Back to the plugin's own namespace; a plugin that cannot get back must not go on. */
static void nsw_leave(struct nsw_ctx *x)
{
	if (setns(x->self_ns, CLONE_NEWNET)) {
		fprintf(stderr, "nswitch-cni: cannot return to my network namespace: %s\n",
			strerror(errno));
		_exit(2);
	}
}

/* Finds the NIC and opens its namespace. Absent NIC: nic_found false (DEL then only removes
 * what it can find), an error for ADD and CHECK. */
static int nsw_nic_find(struct nsw_ctx *x)
{
	struct json_object *list;
	const char *args[] = {"nic", "list", NULL};
	x->nic_ns = -1;
	if (nsw_cli(x, &list, false, args))
		return -1;
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		struct json_object *o = json_object_array_get_idx(list, i), *v;
		if (!json_object_object_get_ex(o, "nic", &v) ||
		    strcmp(json_object_get_string(v), x->c.nic))
			continue;
		x->nic_found = true;
		if (json_object_object_get_ex(o, "netns", &v) && *json_object_get_string(v)) {
			char p[300];
			snprintf(p, sizeof p, "/run/netns/%s", json_object_get_string(v));
			x->nic_ns = open(p, O_RDONLY | O_CLOEXEC);
			if (x->nic_ns < 0) {
				json_object_put(list);
				return nsw_cni_fail(&x->e, NSW_CNI_E_IO,
						    "cannot open NIC %s's namespace %s: %s", x->c.nic,
						    p, strerror(errno));
			}
		}
	}
	if (list)
		json_object_put(list);
	return 0;
}

/* ---- the record DEL falls back on ---- */

static void nsw_rec_path(const struct nsw_ctx *x, char *p, size_t n, const char *suffix)
{
	snprintf(p, n, NSW_CNI_STATE "/%s/%s.json%s", x->c.nic, x->host, suffix);
}

static int nsw_rec_write(struct nsw_ctx *x, unsigned pf, unsigned vf, uint64_t vmac)
{
	char dir[128], p[256], tmp[300], m[18];
	snprintf(dir, sizeof dir, NSW_CNI_STATE "/%s", x->c.nic);
	if ((mkdir(NSW_CNI_STATE, 0700) && errno != EEXIST) || (mkdir(dir, 0700) && errno != EEXIST))
		return nsw_cni_fail(&x->e, NSW_CNI_E_IO, "cannot create %s: %s", dir,
				    strerror(errno));
	nsw_rec_path(x, p, sizeof p, "");
	snprintf(tmp, sizeof tmp, "%s.%d", p, (int)getpid());
	struct json_object *o = json_object_new_object();
	nsw_cni_mac_format(vmac, m);
	json_object_object_add(o, "network", json_object_new_string(x->c.name));
	json_object_object_add(o, "containerID", json_object_new_string(x->cid));
	json_object_object_add(o, "ifname", json_object_new_string(x->ifname));
	json_object_object_add(o, "pf", json_object_new_int((int)pf));
	json_object_object_add(o, "vf", json_object_new_int((int)vf));
	json_object_object_add(o, "mac", json_object_new_string(m));
	int r = json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	json_object_put(o);
	int fd = r ? -1 : open(tmp, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		r = fsync(fd);
		close(fd);
	}
	if (r || fd < 0 || rename(tmp, p)) {
		int err = errno;
		unlink(tmp);
		return nsw_cni_fail(&x->e, NSW_CNI_E_IO, "cannot write %s: %s", p, strerror(err));
	}
	return 0;
}

/* ---- the VF ---- */

struct nsw_vf_ref {
	bool found;
	unsigned pf, vf;
	uint64_t mac;
	bool has_dev;
};

/* The VF whose device is the host end; failing that, the VF the record names if it has no
 * device and still the recorded vMAC (its veth went with the container's namespace). */
static int nsw_vf_find(struct nsw_ctx *x, struct nsw_vf_ref *r, bool use_record)
{
	struct json_object *list, *rec = NULL;
	const char *args[] = {"vf", "show", x->c.nic, NULL};
	memset(r, 0, sizeof *r);
	if (nsw_cli(x, &list, false, args))
		return -1;
	if (use_record) {
		char p[256];
		nsw_rec_path(x, p, sizeof p, "");
		rec = json_object_from_file(p);
	}
	for (int pass = 0; pass < (rec ? 2 : 1) && !r->found; pass++)
		for (size_t i = 0; list && i < json_object_array_length(list); i++) {
			struct json_object *o = json_object_array_get_idx(list, i), *v, *d = NULL, *rv;
			unsigned pf = 0, vf = 0;
			uint64_t mac = 0;
			if (json_object_object_get_ex(o, "pf", &v))
				pf = (unsigned)json_object_get_int(v);
			if (json_object_object_get_ex(o, "vf", &v))
				vf = (unsigned)json_object_get_int(v);
			if (json_object_object_get_ex(o, "mac", &v))
				nsw_cni_mac_parse(json_object_get_string(v), &mac);
			json_object_object_get_ex(o, "dev", &d);
			/* vf show names a device that is gone by its old index, "#N". */
			const char *dev = d && json_object_is_type(d, json_type_string)
						  ? json_object_get_string(d)
						  : NULL;
			if (dev && dev[0] == '#')
				dev = NULL;
			bool hit;
			if (pass == 0) {
				hit = dev && !strcmp(dev, x->host);
			} else {
				uint64_t rmac = 0;
				hit = !dev && json_object_object_get_ex(rec, "pf", &rv) &&
				      (unsigned)json_object_get_int(rv) == pf &&
				      json_object_object_get_ex(rec, "vf", &rv) &&
				      (unsigned)json_object_get_int(rv) == vf &&
				      json_object_object_get_ex(rec, "mac", &rv) &&
				      nsw_cni_mac_parse(json_object_get_string(rv), &rmac) &&
				      rmac == mac;
			}
			if (hit) {
				*r = (struct nsw_vf_ref){true, pf, vf, mac, dev != NULL};
				break;
			}
		}
	if (list)
		json_object_put(list);
	if (rec)
		json_object_put(rec);
	return 0;
}

static int nsw_vf_remove(struct nsw_ctx *x, unsigned pf, unsigned vf)
{
	char p[8], v[8];
	snprintf(p, sizeof p, "%u", pf);
	snprintf(v, sizeof v, "%u", vf);
	const char *args[] = {"vf", "del", x->c.nic, "pf", p, "vf", v, NULL};
	return nsw_cli(x, NULL, false, args);
}

/* Removes the host end (and so the container's end) in the NIC's namespace, if it is there. */
static int nsw_veth_remove(struct nsw_ctx *x)
{
	if (nsw_enter(x, x->nic_ns))
		return -1;
	int r = 0;
	for (int i = 0; i < 2 && !r; i++) {
		int ifi = nsw_cni_link_index(i ? x->peer : x->host);
		if (ifi > 0 && (r = nsw_cni_link_del(ifi)) == -ENODEV)
			r = 0;
	}
	nsw_leave(x);
	if (r)
		return nsw_cni_fail(&x->e, NSW_CNI_E_LINK, "cannot delete %s: %s", x->host,
				    strerror(-r));
	return 0;
}

/* ---- the commands ---- */

static int nsw_need_env(struct nsw_ctx *x, bool netns)
{
	if (!x->cid)
		return nsw_cni_fail(&x->e, NSW_CNI_E_ENV, "CNI_CONTAINERID is not set");
	if (!x->ifname)
		return nsw_cni_fail(&x->e, NSW_CNI_E_ENV, "CNI_IFNAME is not set");
	if (strlen(x->ifname) >= 16 || strchr(x->ifname, '/') || !strcmp(x->ifname, ".") ||
	    !strcmp(x->ifname, ".."))
		return nsw_cni_fail(&x->e, NSW_CNI_E_ENV, "CNI_IFNAME \"%s\" is not an interface name",
				    x->ifname);
	if (netns && !x->netns)
		return nsw_cni_fail(&x->e, NSW_CNI_E_ENV, "CNI_NETNS is not set");
	return 0;
}

static uint64_t nsw_pick_mac(struct nsw_ctx *x)
{
	uint64_t m = 0;
	if (x->c.runtime_mac)
		return x->c.runtime_mac;
	if (nsw_cni_args_mac(x->args, &m) == 0 && m)
		return m;
	return x->c.mac;
}

static int nsw_add(struct nsw_ctx *x)
{
	struct json_object *vfj = NULL, *ipam_res = NULL, *v;
	int cfd = -1, rc = -1;
	bool veth = false, vf_made = false, ipam_done = false;
	unsigned pf = 0, vf = 0;
	uint64_t vmac = 0, hmac = 0, mac;
	char macs[18], pfs[16], vfs[16], vlans[16], qoss[16];

	if (nsw_need_env(x, true) || nsw_find_cli(x))
		return -1;
	if (nsw_cni_args_mac(x->args, &mac) < 0)
		return nsw_cni_fail(&x->e, NSW_CNI_E_ENV, "CNI_ARGS: MAC= is not a unicast MAC");
	mac = nsw_pick_mac(x);
	cfd = open(x->netns, O_RDONLY | O_CLOEXEC);
	if (cfd < 0)
		return nsw_cni_fail(&x->e, NSW_CNI_E_UNKNOWN, "cannot open CNI_NETNS %s: %s",
				    x->netns, strerror(errno));
	if (nsw_nic_find(x))
		goto out;
	if (!x->nic_found) {
		nsw_cni_fail(&x->e, NSW_CNI_E_NSWITCH, "no NIC %s (nswitch nic add %s ...)", x->c.nic,
			     x->c.nic);
		goto out;
	}
	/* The name is free in the container, or the move at the end would fail after all the
	 * rest was done. */
	if (nsw_enter(x, cfd))
		goto out;
	bool taken = nsw_cni_link_index(x->ifname) > 0;
	nsw_leave(x);
	if (taken) {
		nsw_cni_fail(&x->e, NSW_CNI_E_EXISTS, "the container already has an interface %s",
			     x->ifname);
		goto out;
	}
	/* 1. The veth, both ends in the NIC's namespace: vf add gives the container's end the
	 * vMAC there (it reaches a peer in another namespace only through /run/netns). */
	if (nsw_enter(x, x->nic_ns))
		goto out;
	int r = nsw_cni_veth_add(x->host, x->peer);
	nsw_leave(x);
	if (r) {
		nsw_cni_fail(&x->e, r == -EEXIST ? NSW_CNI_E_EXISTS : NSW_CNI_E_LINK,
			     r == -EEXIST ? "%s exists: container %s is attached to %s as %s already"
					  : "cannot make the veth %s: %s",
			     x->host, r == -EEXIST ? x->cid : strerror(-r), x->c.name, x->ifname);
		goto out;
	}
	veth = true;
	/* 2. The VF: the lowest free one of the PF, chosen and attached under the NIC's lock. */
	const char *args[32];
	int n = 0;
	snprintf(pfs, sizeof pfs, "%u", x->c.pf);
	args[n++] = "vf", args[n++] = "add", args[n++] = x->c.nic, args[n++] = "pf";
	args[n++] = pfs, args[n++] = "vf", args[n++] = "auto", args[n++] = "dev";
	args[n++] = x->host;
	if (mac) {
		nsw_cni_mac_format(mac, macs);
		args[n++] = "mac", args[n++] = macs;
	}
	if (x->c.qos >= 0) {
		snprintf(qoss, sizeof qoss, "%d", x->c.qos);
		args[n++] = "qos", args[n++] = qoss;
	}
	if (x->c.spoofchk >= 0)
		args[n++] = "spoofchk", args[n++] = x->c.spoofchk ? "on" : "off";
	if (x->c.vlan >= 0) {
		snprintf(vlans, sizeof vlans, "%d", x->c.vlan);
		args[n++] = "vlan", args[n++] = vlans;
	}
	args[n] = NULL;
	if (nsw_cli(x, &vfj, false, args))
		goto out;
	vf_made = true;
	if (!vfj || !json_object_object_get_ex(vfj, "vf", &v)) {
		nsw_cni_fail(&x->e, NSW_CNI_E_NSWITCH, "nswitch vf add printed no VF number");
		goto out;
	}
	vf = (unsigned)json_object_get_int(v);
	pf = x->c.pf;
	if (!json_object_object_get_ex(vfj, "mac", &v) ||
	    !nsw_cni_mac_parse(json_object_get_string(v), &vmac)) {
		nsw_cni_fail(&x->e, NSW_CNI_E_NSWITCH, "nswitch vf add printed no vMAC");
		goto out;
	}
	if (nsw_rec_write(x, pf, vf, vmac))
		goto out;
	snprintf(vfs, sizeof vfs, "%u", vf);
	/* 3. Rate and ACLs: nswitch's own commands, each refusing bad input with its reason. */
	if (x->c.rate[0]) {
		const char *q[] = {"qos", "set", x->c.nic, "pf", pfs, "vf", vfs, "rate", x->c.rate,
				   NULL};
		if (nsw_cli(x, NULL, false, q))
			goto out;
	}
	for (int d = 0; d < 2; d++) {
		const char *f = d ? x->c.acl_out : x->c.acl_in;
		if (!f[0])
			continue;
		const char *a[] = {"acl", "replace", x->c.nic, "pf", pfs, "vf", vfs, "dir",
				   d ? "out" : "in", "file", f, NULL};
		if (nsw_cli(x, NULL, false, a))
			goto out;
	}
	/* 4. The container's end into the container, renamed; both ends up. */
	if (nsw_enter(x, x->nic_ns))
		goto out;
	int pifi = nsw_cni_link_index(x->peer), hifi = nsw_cni_link_index(x->host);
	r = pifi < 0 ? pifi : hifi < 0 ? hifi : nsw_cni_link_move(pifi, cfd, x->ifname);
	if (!r)
		r = nsw_cni_link_up(hifi);
	if (!r)
		r = nsw_cni_link_mac(hifi, &hmac);
	nsw_leave(x);
	if (r) {
		nsw_cni_fail(&x->e, NSW_CNI_E_LINK, "cannot move %s into %s as %s: %s", x->peer,
			     x->netns, x->ifname, strerror(-r));
		goto out;
	}
	/* 5. Addresses: the IPAM plugin's, applied in the container. */
	struct nsw_cni_ipam ip = {0};
	if (x->c.ipam_type[0]) {
		ipam_done = true; /* a failed ADD may still hold a lease: released below */
		if (nsw_ipam(x, "ADD", &ipam_res) || nsw_cni_ipam_parse(ipam_res, &ip, &x->e))
			goto out;
	}
	/* A route without gw goes by the gateway of the first address of its family, as the
	 * reference plugins do (ipam.ConfigureIface); on-link only when there is none. */
	for (unsigned i = 0; i < ip.n_routes; i++)
		for (unsigned j = 0; j < ip.n_ips && !ip.routes[i].have_gw; j++)
			if (ip.ips[j].family == ip.routes[i].family && ip.ips[j].have_gw) {
				memcpy(ip.routes[i].gw, ip.ips[j].gw, 16);
				ip.routes[i].have_gw = true;
			}
	if (nsw_enter(x, cfd))
		goto out;
	int cifi = nsw_cni_link_index(x->ifname);
	r = cifi < 0 ? cifi : nsw_cni_link_up(cifi);
	const char *step = "bring up";
	for (unsigned i = 0; !r && i < ip.n_ips; i++)
		r = nsw_cni_addr_add(cifi, &ip.ips[i]), step = "add an address to";
	for (unsigned i = 0; !r && i < ip.n_routes; i++)
		r = nsw_cni_route_add(cifi, &ip.routes[i]), step = "add a route to";
	nsw_leave(x);
	if (r) {
		nsw_cni_fail(&x->e, NSW_CNI_E_LINK, "cannot %s %s in the container: %s", step,
			     x->ifname, strerror(-r));
		goto out;
	}
	char *res = nsw_cni_result(&x->c, x->host, hmac, x->ifname, vmac, x->netns, ipam_res);
	puts(res);
	free(res);
	rc = 0;
out:
	if (rc) { /* undo, in reverse; the first error is the one reported */
		struct nsw_cni_err keep = x->e;
		if (ipam_done)
			nsw_ipam(x, "DEL", NULL);
		struct nsw_vf_ref f;
		/* The VF by its device: right even when vf add's output could not be read. */
		if (vf_made && !nsw_vf_find(x, &f, false) && f.found)
			nsw_vf_remove(x, f.pf, f.vf);
		if (veth)
			nsw_veth_remove(x);
		char p[256];
		nsw_rec_path(x, p, sizeof p, "");
		unlink(p);
		x->e = keep;
	}
	if (vfj)
		json_object_put(vfj);
	if (ipam_res)
		json_object_put(ipam_res);
	if (cfd >= 0)
		close(cfd);
	return rc;
}

static int nsw_del(struct nsw_ctx *x)
{
	if (nsw_need_env(x, false) || nsw_find_cli(x))
		return -1;
	struct nsw_cni_err first = {0};
	/* The lease first: it is the one thing no later step can find again. */
	if (x->c.ipam_type[0] && nsw_ipam(x, "DEL", NULL)) {
		first = x->e;
		x->e = (struct nsw_cni_err){0};
	}
	if (nsw_nic_find(x))
		return -1;
	if (x->nic_found) {
		struct nsw_vf_ref r;
		if (nsw_vf_find(x, &r, true))
			return -1;
		if (r.found && nsw_vf_remove(x, r.pf, r.vf))
			return -1;
	}
	if (nsw_veth_remove(x))
		return -1;
	char p[256];
	nsw_rec_path(x, p, sizeof p, "");
	if (unlink(p) && errno != ENOENT)
		return nsw_cni_fail(&x->e, NSW_CNI_E_IO, "cannot remove %s: %s", p, strerror(errno));
	if (first.code) {
		x->e = first;
		return -1;
	}
	return 0;
}

static int nsw_check(struct nsw_ctx *x)
{
	struct nsw_cni_prev prev;
	if (nsw_need_env(x, true) || nsw_find_cli(x) ||
	    nsw_cni_prev_parse(x->c.prev_result, x->ifname, &prev, &x->e))
		return -1;
	char m1[18], m2[18];
	if (nsw_nic_find(x))
		return -1;
	if (!x->nic_found)
		return nsw_cni_fail(&x->e, NSW_CNI_E_CHECK, "no NIC %s", x->c.nic);
	struct nsw_vf_ref r;
	if (nsw_vf_find(x, &r, false))
		return -1;
	if (!r.found)
		return nsw_cni_fail(&x->e, NSW_CNI_E_CHECK, "no VF of NIC %s has the device %s",
				    x->c.nic, x->host);
	nsw_cni_mac_format(prev.mac, m1);
	nsw_cni_mac_format(r.mac, m2);
	if (r.pf != x->c.pf)
		return nsw_cni_fail(&x->e, NSW_CNI_E_CHECK, "%s is VF %u,%u, not of PF %u", x->host,
				    r.pf, r.vf, x->c.pf);
	if (r.mac != prev.mac)
		return nsw_cni_fail(&x->e, NSW_CNI_E_CHECK,
				    "VF %u,%u has the vMAC %s, prevResult says %s", r.pf, r.vf, m2,
				    m1);
	int cfd = open(x->netns, O_RDONLY | O_CLOEXEC);
	if (cfd < 0)
		return nsw_cni_fail(&x->e, NSW_CNI_E_UNKNOWN, "cannot open CNI_NETNS %s: %s",
				    x->netns, strerror(errno));
	int e = nsw_enter(x, cfd);
	close(cfd);
	if (e)
		return -1;
	uint64_t cmac = 0;
	struct nsw_cni_addr_list have;
	int ifi = nsw_cni_link_index(x->ifname);
	int err = ifi < 0 ? ifi : nsw_cni_link_mac(ifi, &cmac);
	if (!err)
		err = nsw_cni_addr_list(ifi, &have);
	nsw_leave(x);
	if (err)
		return nsw_cni_fail(&x->e, NSW_CNI_E_CHECK, "the container's %s: %s", x->ifname,
				    strerror(-err));
	nsw_cni_mac_format(cmac, m2);
	if (cmac != prev.mac)
		return nsw_cni_fail(&x->e, NSW_CNI_E_CHECK,
				    "the container's %s has the MAC %s, prevResult says %s",
				    x->ifname, m2, m1);
	for (unsigned i = 0; i < prev.ipam.n_ips; i++) {
		const struct nsw_cni_ip *w = &prev.ipam.ips[i];
		bool ok = false;
		for (unsigned j = 0; j < have.n && !ok; j++)
			ok = have.a[j].family == w->family && have.a[j].plen == w->plen &&
			     !memcmp(have.a[j].addr, w->addr, 16);
		if (!ok) {
			char a[INET6_ADDRSTRLEN] = "?";
			inet_ntop(w->family, w->addr, a, sizeof a);
			return nsw_cni_fail(&x->e, NSW_CNI_E_CHECK,
					    "the container's %s lacks %s/%u of prevResult", x->ifname,
					    a, w->plen);
		}
	}
	if (x->c.ipam_type[0] && nsw_ipam(x, "CHECK", NULL))
		return -1;
	return 0;
}

static char *nsw_read_all(FILE *f)
{
	size_t cap = 4096, len = 0;
	char *b = malloc(cap);
	size_t r;
	while (b && (r = fread(b + len, 1, cap - len - 1, f)) > 0) {
		len += r;
		if (cap - len < 2) {
			char *nb = realloc(b, cap *= 2);
			if (!nb) {
				free(b);
				return NULL;
			}
			b = nb;
		}
	}
	if (b)
		b[len] = 0;
	return b;
}

int main(void)
{
	struct nsw_ctx x = {.nic_ns = -1};
	signal(SIGPIPE, SIG_IGN);
	x.cmd = nsw_env("CNI_COMMAND");
	x.cid = nsw_env("CNI_CONTAINERID");
	x.netns = nsw_env("CNI_NETNS");
	x.ifname = nsw_env("CNI_IFNAME");
	x.args = nsw_env("CNI_ARGS");
	x.path = nsw_env("CNI_PATH");
	int rc = -1;
	if (x.cmd && !strcmp(x.cmd, "VERSION")) {
		printf("{\"cniVersion\":\"%s\",\"supportedVersions\":[\"%s\"]}\n", NSW_CNI_VERSION,
		       NSW_CNI_VERSION);
		return 0;
	}
	x.self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!x.cmd) {
		nsw_cni_fail(&x.e, NSW_CNI_E_ENV, "CNI_COMMAND is not set");
	} else if (strcmp(x.cmd, "ADD") && strcmp(x.cmd, "DEL") && strcmp(x.cmd, "CHECK")) {
		nsw_cni_fail(&x.e, NSW_CNI_E_ENV,
			     "CNI_COMMAND \"%s\" is not one of ADD, DEL, CHECK, VERSION (spec %s)",
			     x.cmd, NSW_CNI_VERSION);
	} else if (x.self_ns < 0) {
		nsw_cni_fail(&x.e, NSW_CNI_E_IO, "cannot open my network namespace: %s",
			     strerror(errno));
	} else if (!(x.stdin_text = nsw_read_all(stdin))) {
		nsw_cni_fail(&x.e, NSW_CNI_E_IO, "cannot read the configuration on stdin");
	} else if (!nsw_cni_conf_parse(x.stdin_text, &x.c, &x.e)) {
		if (x.cid)
			nsw_cni_names(x.c.name, x.cid, x.ifname ? x.ifname : "", x.host, x.peer);
		rc = !strcmp(x.cmd, "ADD") ? nsw_add(&x) : !strcmp(x.cmd, "DEL") ? nsw_del(&x)
										   : nsw_check(&x);
	}
	if (rc) {
		char *j = nsw_cni_err_json(&x.e, x.c.cni_version);
		puts(j);
		free(j);
	}
	nsw_cni_conf_free(&x.c);
	free(x.stdin_text);
	return rc ? 1 : 0;
}
