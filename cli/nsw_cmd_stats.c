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

static void nsw_dev_stats_out(const char *what, const struct nsw_dev_stats *d)
{
	nsw_out_u64("from_pkts", d->from_pkts);
	nsw_out_u64("from_bytes", d->from_bytes);
	nsw_out_u64("to_pkts", d->to_pkts);
	nsw_out_u64("to_bytes", d->to_bytes);
	nsw_out_u64("drops", d->drops);
	nsw_text("    %-10s from %llu pkts %llu bytes, to %llu pkts %llu bytes, dropped %llu\n",
		 what, (unsigned long long)d->from_pkts, (unsigned long long)d->from_bytes,
		 (unsigned long long)d->to_pkts, (unsigned long long)d->to_bytes,
		 (unsigned long long)d->drops);
}

static void nsw_stats_show_cmd(const char *nic, const struct nsw_arg_val *args)
{
	struct nsw_cli_nic n;
	struct nsw_stats s;
	struct nsw_dev_stats d;
	char what[32];
	(void)args;
	nsw_nic_open(&n, nic);
	if (nsw_stats_read(n.fd_stats, &s))
		nsw_fail("cannot read the counters of %s: out of memory", n.name);
	nsw_out_begin_obj(NULL);
	nsw_out_str("nic", n.name);
	nsw_text("nic %s\n  cases:", n.name);
	nsw_out_begin_obj("cases");
	for (unsigned c = 0; c < NSW_CASE_MAX; c++) {
		nsw_out_begin_obj(nsw_case_name(c));
		nsw_out_u64("pkts", s.case_pkts[c]);
		nsw_out_u64("bytes", s.case_bytes[c]);
		nsw_out_end_obj();
		nsw_text(" %s %llu pkts %llu bytes%s", nsw_case_name(c),
			 (unsigned long long)s.case_pkts[c], (unsigned long long)s.case_bytes[c],
			 c + 1 < NSW_CASE_MAX ? ";" : "\n");
	}
	nsw_out_end_obj();
	nsw_text("  actions:");
	nsw_out_begin_obj("actions");
	for (unsigned a = 0; a < 4; a++) {
		nsw_out_u64(nsw_action_name(a), s.action_pkts[a]);
		nsw_text(" %s %llu", nsw_action_name(a), (unsigned long long)s.action_pkts[a]);
	}
	nsw_out_end_obj();
	nsw_out_u64("inter_pf_pkts", s.inter_pf_pkts);
	nsw_out_u64("flood_copies", s.flood_copies);
	nsw_text("; inter-PF %llu; flood copies %llu\n  drops:",
		 (unsigned long long)s.inter_pf_pkts, (unsigned long long)s.flood_copies);
	nsw_out_begin_obj("drops");
	unsigned shown = 0;
	for (unsigned r = 1; r < NSW_DROP_MAX; r++) {
		nsw_out_u64(nsw_drop_name(r), s.drop[r]);
		if (s.drop[r]) {
			nsw_text(" %s %llu", nsw_drop_name(r), (unsigned long long)s.drop[r]);
			shown++;
		}
	}
	nsw_text("%s\n  priority:", shown ? "" : " none");
	nsw_out_end_obj();
	nsw_out_begin_arr("prio_pkts");
	for (unsigned p = 0; p < 8; p++) {
		nsw_out_u64(NULL, s.prio_pkts[p]);
		nsw_text(" %u:%llu", p, (unsigned long long)s.prio_pkts[p]);
	}
	nsw_out_end_arr();
	nsw_text("\n");
	unsigned npfs = nsw_nic_num_pfs(n.st);
	nsw_out_begin_arr("pfs");
	for (unsigned p = 0; p < npfs; p++) {
		nsw_counter_sum(n.fd_dev_stats, NSW_NVF_SLOTS + p, NSW_NDEV, (uint64_t *)&d, sizeof d / 8);
		nsw_out_begin_obj(NULL);
		nsw_out_u64("pf", p);
		snprintf(what, sizeof what, "port %u", p);
		nsw_dev_stats_out(what, &d);
		nsw_out_end_obj();
	}
	nsw_out_end_arr();
	nsw_out_begin_arr("vfs");
	for (unsigned p = 0; p < npfs; p++)
		for (unsigned v = 0; v < NSW_MAX_VFS; v++) {
			if (!(n.st->vf[p][v] & NSW_VF_EN))
				continue;
			nsw_counter_sum(n.fd_dev_stats, nsw_vf_slot(p, v), NSW_NDEV, (uint64_t *)&d,
					sizeof d / 8);
			nsw_out_begin_obj(NULL);
			nsw_out_u64("pf", p);
			nsw_out_u64("vf", v);
			snprintf(what, sizeof what, "vf %u,%u", p, v);
			nsw_dev_stats_out(what, &d);
			nsw_out_end_obj();
		}
	nsw_out_end_arr();
	nsw_out_end_obj();
	nsw_out_finish();
	nsw_nic_close(&n);
}

const struct nsw_cmd nsw_cmds_stats[] = {
	{"show", NULL, nsw_stats_show_cmd, NSW_POS_NIC, NULL, 0,
	 "Counters per case, action, drop reason, priority, PF, VF."},
	{0},
};
