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
	nsw_nic_create(nic, npfs, netns, mode);
}

static void nsw_nic_del_cmd(const char *nic, const struct nsw_arg_val *args)
{
	(void)args;
	nsw_nic_destroy(nic);
}

const struct nsw_cmd nsw_cmds_nic[] = {
	{"add", NULL, nsw_nic_add_cmd, NSW_POS_NIC, nsw_words_nic_add, NSW_W_NIC_N,
	 "Create NIC with N PFs (1..8, default 1), each with a distinct locally administered\n"
	 "OUI. Its host-side devices live in NETNS (default: -n, else the current one).\n"
	 "Modes: tc (default; clsact + bpf_redirect: works with the VMs' default offloads,\n"
	 "the egress qdisc sees the 802.1p priority), tc-peer (bpf_redirect_peer straight into\n"
	 "the VM: faster, veth only, bypasses the host-side egress qdisc), xdp (fastest;\n"
	 "needs tx checksum offload off and GRO on, set while the link is up, inside every\n"
	 "VM; a redirect the kernel refuses shows in its xdp tracepoints, not in stats)."},
	{"del", NULL, nsw_nic_del_cmd, NSW_POS_NIC, NULL, 0,
	 "Remove NIC: every program, attachment, map and pin it made."},
	{"show", "list", nsw_nic_show_cmd, NSW_POS_NIC_OPT, NULL, 0,
	 "NICs, their PFs (RID, OUI, uplink, VFs). The default command of nic."},
	{0},
};
