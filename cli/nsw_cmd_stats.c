/* nsw_cmd_stats.c - the `stats` command: the NIC's counters per case, action, drop reason,
 * priority, and per port (PF uplink, VF), summed over CPUs. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsw_cli.h"
#include "nsw_cmd.h"

/* One device's counters: "from" is what it hands to the NIC, "to" what the NIC gives it. */
static void nsw_dev_stats_print(const struct nsw_dev_stats *d)
{
	nsw_print_uint(NSW_PR_ANY, "from_pkts", " from %llu pkts", d->from_pkts);
	nsw_print_uint(NSW_PR_ANY, "from_bytes", " %llu bytes,", d->from_bytes);
	nsw_print_uint(NSW_PR_ANY, "to_pkts", " to %llu pkts", d->to_pkts);
	nsw_print_uint(NSW_PR_ANY, "to_bytes", " %llu bytes,", d->to_bytes);
	nsw_print_uint(NSW_PR_ANY, "drops", " dropped %llu\n", d->drops);
}

static void nsw_stats_show_cmd(const char *nic, const struct nsw_arg_val *args)
{
	struct nsw_cli_nic n;
	struct nsw_stats s;
	struct nsw_dev_stats d;
	(void)args;
	nsw_nic_open(&n, nic);
	if (nsw_stats_read(n.fd_stats, &s))
		nsw_fail("cannot read the counters of %s: out of memory", n.name);
	nsw_print_obj_open(NULL);
	nsw_print_str(NSW_PR_ANY, "nic", "nic %s\n", n.name);
	nsw_print_text("  cases:");
	nsw_print_obj_open("cases");
	for (unsigned c = 0; c < NSW_CASE_MAX; c++) {
		nsw_print_text(" %s", nsw_case_name(c));
		nsw_print_obj_open(nsw_case_name(c));
		nsw_print_uint(NSW_PR_ANY, "pkts", " %llu pkts", s.case_pkts[c]);
		nsw_print_uint(NSW_PR_ANY, "bytes", " %llu bytes", s.case_bytes[c]);
		nsw_print_obj_close();
		nsw_print_text("%s", c + 1 < NSW_CASE_MAX ? ";" : "\n");
	}
	nsw_print_obj_close();
	nsw_print_text("  actions:");
	nsw_print_obj_open("actions");
	for (unsigned a = 0; a < 4; a++) {
		nsw_print_text(" %s", nsw_action_name(a));
		nsw_print_uint(NSW_PR_ANY, nsw_action_name(a), " %llu", s.action_pkts[a]);
	}
	nsw_print_obj_close();
	nsw_print_uint(NSW_PR_ANY, "inter_pf_pkts", "; inter-PF %llu", s.inter_pf_pkts);
	nsw_print_uint(NSW_PR_ANY, "flood_copies", "; flood copies %llu\n", s.flood_copies);
	/* Every reason, zero or not: a script reads .drops.REASON, a person greps REASON N. */
	nsw_print_text("  drops:");
	nsw_print_obj_open("drops");
	for (unsigned r = 1; r < NSW_DROP_MAX; r++) {
		nsw_print_text(" %s", nsw_drop_name(r));
		nsw_print_uint(NSW_PR_ANY, nsw_drop_name(r), " %llu", s.drop[r]);
	}
	nsw_print_obj_close();
	nsw_print_text("\n  priority:");
	nsw_print_arr_open("prio_pkts");
	for (unsigned p = 0; p < 8; p++) {
		nsw_print_text(" %u:", p);
		nsw_print_uint(NSW_PR_ANY, NULL, "%llu", s.prio_pkts[p]);
	}
	nsw_print_arr_close();
	nsw_print_text("\n");
	unsigned npfs = nsw_nic_num_pfs(n.st);
	nsw_print_arr_open("pfs");
	for (unsigned p = 0; p < npfs; p++) {
		nsw_counter_sum(n.fd_dev_stats, NSW_NVF_SLOTS + p, NSW_NDEV, (uint64_t *)&d, sizeof d / 8);
		nsw_print_obj_open(NULL);
		nsw_print_uint(NSW_PR_ANY, "pf", "    port %-3llu", p);
		nsw_dev_stats_print(&d);
		nsw_print_obj_close();
	}
	nsw_print_arr_close();
	nsw_print_arr_open("vfs");
	for (unsigned p = 0; p < npfs; p++)
		for (unsigned v = 0; v < NSW_MAX_VFS; v++) {
			if (!(n.st->vf[p][v] & NSW_VF_EN))
				continue;
			nsw_counter_sum(n.fd_dev_stats, nsw_vf_slot(p, v), NSW_NDEV, (uint64_t *)&d,
					sizeof d / 8);
			nsw_print_obj_open(NULL);
			nsw_print_uint(NSW_PR_ANY, "pf", "    vf %llu", p);
			nsw_print_uint(NSW_PR_ANY, "vf", ",%-3llu", v);
			nsw_dev_stats_print(&d);
			nsw_print_obj_close();
		}
	nsw_print_arr_close();
	nsw_print_obj_close();
	nsw_print_end();
	nsw_nic_close(&n);
}

const struct nsw_cmd nsw_cmds_stats[] = {
	{"show", NULL, nsw_stats_show_cmd, NSW_POS_NIC, NULL, 0,
	 "Counters per case, action, drop reason, priority, PF, VF."},
	{0},
};
