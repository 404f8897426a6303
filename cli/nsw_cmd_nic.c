/* nsw_cmd_nic.c - the `nic` command: add, del and show (list) NICs. Making and removing a NIC
 * is cli/nsw_nic.c's (nsw_nic_create, nsw_nic_destroy); this file parses and shows. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "nsw_cli.h"
#include "nsw_cmd.h"
#include "nsw_cli_words.h"
#include "nsw_save.h"

static void nsw_nic_show_one(const char *name)
{
	struct nsw_cli_nic n;
	char oui[9], rid[8], dev[IF_NAMESIZE];
	nsw_nic_open(&n, name);
	const char *mode = n.meta.mode == NSW_MODE_TC ? "tc"
			   : n.meta.mode == NSW_MODE_TC_PEER ? "tc-peer" : "xdp";
	unsigned npfs = nsw_nic_num_pfs(n.st);
	nsw_print_obj_open(NULL);
	nsw_print_str(NSW_PR_ANY, "nic", "nic %s", n.name);
	nsw_print_uint(NSW_PR_ANY, "id", " id %llu", n.meta.nic_id);
	nsw_print_str(NSW_PR_ANY, "mode", " mode %s", mode);
	if (n.meta.netns[0])
		nsw_print_str(NSW_PR_ANY, "netns", " netns %s", n.meta.netns);
	nsw_print_uint(NSW_PR_ANY, "fdb_entries", " fdb %llu", n.st->fdb.count);
	nsw_print_uint(NSW_PR_ANY, "fdb_max", "/%llu\n", NSW_FDB_MAX);
	nsw_print_arr_open("pfs");
	for (unsigned p = 0; p < npfs; p++) {
		uint64_t w = n.st->pf[p];
		uint32_t k = p, ifi = 0;
		bpf_map_lookup_elem(n.fd_pf_dev, &k, &ifi);
		char want[IF_NAMESIZE];
		bool named = (w & NSW_PF_UPLINK) && nsw_pf_name_get(&n, p, want);
		/* An uplink followed by name that is gone (or renamed) is not the PF's, whether
		 * or not the watcher has unbound it yet: the PF waits for it. */
		if (named && nsw_vf_dev_stale(ifi, want))
			ifi = 0;
		dev[0] = 0;
		if (ifi && !if_indextoname(ifi, dev))
			snprintf(dev, sizeof dev, "#%u", ifi); /* gone since: its index */
		nsw_oui_format((uint32_t)(w & NSW_PF_OUI_MASK), oui);
		nsw_rid_format(nsw_pf_rid(p), rid);
		bool has_oui = w & NSW_PF_HAS_OUI;
		nsw_print_obj_open(NULL);
		nsw_print_uint(NSW_PR_ANY, "pf", "    pf %llu", p);
		nsw_print_str(NSW_PR_ANY, "rid", " rid %s", rid);
		nsw_print_str(NSW_PR_ANY, "oui", " oui %s", has_oui ? oui : NULL);
		nsw_print_str(NSW_PR_ANY, "uplink", " uplink %s", dev[0] ? dev : NULL);
		if (!dev[0] && named)
			nsw_print_str(NSW_PR_ANY, "wait", " wait %s", want);
		nsw_print_str(NSW_PR_ANY, "miss", " miss %s",
			      (w & NSW_PF_MISS_DROP) ? "drop" : "uplink");
		nsw_print_uint(NSW_PR_ANY, "num_vfs", " vfs %llu", nsw_pf_num_vfs(n.st, p));
		nsw_print_uint(NSW_PR_ANY, "first_vf_offset", " (first VF offset 0x%llx",
			       nsw_vf_offset(p, npfs));
		nsw_print_uint(NSW_PR_ANY, "vf_stride", ", stride %llu)\n", nsw_vf_stride(npfs));
		nsw_print_obj_close();
	}
	nsw_print_arr_close();
	nsw_print_obj_close();
	nsw_nic_close(&n);
}

static void nsw_nic_show(const char *only)
{
	char names[64][16];
	int nn = nsw_nic_list(names, 64);
	if (only) {
		nsw_nic_name_check(only);
		nsw_print_arr_open(NULL);
		nsw_nic_show_one(only);
		nsw_print_arr_close();
		nsw_print_end();
		return;
	}
	nsw_print_arr_open(NULL);
	for (int i = 0; i < nn; i++) {
		/* Each NIC may live in another netns: show each from a fresh process state. The
		 * child writes its NIC as a member of this array; one that fails (a damaged NIC)
		 * wrote nothing but its error. */
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
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			nsw_print_member_written();
	}
	nsw_print_arr_close();
	nsw_print_end();
}

void nsw_nic_show_cmd(const char *nic, const struct nsw_arg_val *args)
{
	(void)args;
	nsw_nic_show(nic);
}

static void nsw_nic_add_cmd(const char *nic, const struct nsw_arg_val *v)
{
	static const unsigned modes[] = {NSW_MODE_TC, NSW_MODE_TC_PEER, NSW_MODE_XDP};
	unsigned npfs = v[NSW_W_NIC_PFS].set ? (unsigned)v[NSW_W_NIC_PFS].u : 1;
	unsigned mode = modes[v[NSW_W_NIC_MODE].u]; /* tc when unset */
	const char *netns = v[NSW_W_NIC_NETNS].set ? v[NSW_W_NIC_NETNS].str : nsw_netns_opt;
	if (npfs < 1)
		nsw_fail("nic add: invalid number of PFs \"0\": 1..%d", NSW_MAX_PFS);
	nsw_nic_create(nic, npfs, netns, mode, v[NSW_W_NIC_ID].set ? (int)v[NSW_W_NIC_ID].u : -1);
	nsw_print_obj_open(NULL);
	nsw_print_str(NSW_PR_ANY, "nic", "nic %s:", nic);
	nsw_print_uint(NSW_PR_ANY, "pfs", " %llu PF", npfs);
	nsw_print_text("%s", npfs > 1 ? "s" : "");
	nsw_print_str(NSW_PR_ANY, "mode", ", mode %s",
		      mode == NSW_MODE_TC ? "tc" : mode == NSW_MODE_TC_PEER ? "tc-peer" : "xdp");
	if (netns && *netns)
		nsw_print_str(NSW_PR_ANY, "netns", ", netns %s", netns);
	nsw_print_text("\n");
	nsw_print_obj_close();
	if (mode == NSW_MODE_XDP)
		nsw_print_text("note: mode xdp needs, in every VM, tx checksum offload off and GRO (or "
			       "an XDP program) on its interface, set while the link is up: ethtool "
			       "-K eth0 tx off gro on\n");
	nsw_print_end();
}

static void nsw_nic_del_cmd(const char *nic, const struct nsw_arg_val *args)
{
	(void)args;
	nsw_nic_destroy(nic);
	/* Gone with the NIC in a second anyway; now, so nothing of it outlives the command. */
	nsw_watch_stop(nic);
}

void nsw_save_nic(struct nsw_cli_nic *n, struct nsw_save *s)
{
	static const char *const modes[] = {[NSW_MODE_TC] = "tc", [NSW_MODE_TC_PEER] = "tc-peer",
					    [NSW_MODE_XDP] = "xdp"};
	nsw_save_line(s, "nic add", n->name);
	nsw_save_word(s, "id", "%u", (unsigned)n->meta.nic_id);
	nsw_save_word(s, "pfs", "%u", nsw_nic_num_pfs(n->st));
	if (n->meta.mode > NSW_MODE_XDP)
		nsw_fail("save: NIC %s: unknown mode %u", n->name, (unsigned)n->meta.mode);
	nsw_save_word(s, "mode", "%s", modes[n->meta.mode]);
	if (n->meta.netns[0])
		nsw_save_word(s, "netns", "%s", n->meta.netns);
	nsw_save_end(s);
}

const struct nsw_cmd nsw_cmds_nic[] = {
	{"add", NULL, nsw_nic_add_cmd, NSW_POS_NIC, nsw_words_nic_add, NSW_W_NIC_N,
	 "Create NIC with N PFs (1..8, default 1), each with a distinct locally administered\n"
	 "OUI. Its host-side devices live in NETNS (default: -n, else the current one).\n"
	 "Modes: tc (default; clsact + bpf_redirect: works with the VMs' default offloads,\n"
	 "the egress qdisc sees the 802.1p priority), tc-peer (bpf_redirect_peer straight into\n"
	 "the VM: faster, veth only, bypasses the host-side egress qdisc), xdp (fastest;\n"
	 "needs tx checksum offload off and GRO on, set while the link is up, inside every\n"
	 "VM; a redirect the kernel refuses shows in its xdp tracepoints, not in stats).\n"
	 "id: the NIC's number (0..31, default the lowest free), which picks its PFs' default\n"
	 "OUIs; save writes it."},
	{"del", NULL, nsw_nic_del_cmd, NSW_POS_NIC, NULL, 0,
	 "Remove NIC: every program, attachment, map and pin it made."},
	{"show", "list", nsw_nic_show_cmd, NSW_POS_NIC_OPT, NULL, 0,
	 "NICs, their PFs (RID, OUI, uplink, VFs). The default command of nic."},
	{0},
};
