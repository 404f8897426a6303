/* nsw_cmd_mirror.c - the `mirror` command: SPAN sessions (add, del, show). A session is one word
 * of the NIC's nsw_mirror map, keyed by the source (a VF's slot, or a PF's record for all its
 * VFs), naming the monitor VF and the directions; the data path copies, the originals go on
 * unchanged. The NIC's features word is recomputed after every change. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "nsw_cli.h"
#include "nsw_cli_words.h"
#include "nsw_cmd.h"
#include "nsw_save.h"

static void nsw_mirror_show_cmd(const char *nic, const struct nsw_arg_val *args)
{
	struct nsw_cli_nic n;
	(void)args;
	nsw_nic_open(&n, nic);
	int fd = nsw_nic_map(&n, "nsw_mirror");
	nsw_print_arr_open(NULL);
	for (uint32_t k = 0; k < NSW_NVF_SLOTS + NSW_MAX_PFS; k++) {
		uint32_t w = 0;
		if (bpf_map_lookup_elem(fd, &k, &w) || !w)
			continue;
		uint32_t t = nsw_mirror_monitor(w);
		const char *dir = (w & NSW_MIRROR_IN) && (w & NSW_MIRROR_OUT) ? "both"
				  : (w & NSW_MIRROR_IN) ? "in" : "out";
		nsw_print_obj_open(NULL);
		if (k < NSW_NVF_SLOTS) {
			nsw_print_uint(NSW_PR_ANY, "pf", "vf %llu", k / NSW_MAX_VFS);
			nsw_print_uint(NSW_PR_ANY, "vf", ",%llu", k % NSW_MAX_VFS);
		} else { /* no "vf": the session takes every VF of the PF */
			nsw_print_uint(NSW_PR_ANY, "pf", "pf %llu (all its VFs)", k - NSW_NVF_SLOTS);
		}
		nsw_print_uint(NSW_PR_ANY, "to_pf", " -> vf %llu", t / NSW_MAX_VFS);
		nsw_print_uint(NSW_PR_ANY, "to_vf", ",%llu", t % NSW_MAX_VFS);
		nsw_print_str(NSW_PR_ANY, "dir", " dir %s\n", dir);
		nsw_print_obj_close();
	}
	nsw_print_arr_close();
	nsw_print_end();
	close(fd);
	nsw_nic_close(&n);
}

/* The session's source: VF pf,vf, or every VF of pf. The NIC must have it. Returns the key:
 * the VF's slot, or the PF's record. */
static uint32_t nsw_mirror_source(const struct nsw_cli_nic *n, const struct nsw_arg_val *v)
{
	unsigned pf = (unsigned)v[NSW_W_MIR_PF].u, vf = (unsigned)v[NSW_W_MIR_VF].u;
	bool have_vf = v[NSW_W_MIR_VF].set;
	if (!(n->st->pf[pf] & NSW_PF_EN))
		nsw_fail("mirror: no PF %u", pf);
	if (have_vf && !(n->st->vf[pf][vf] & NSW_VF_EN))
		nsw_fail("mirror: no VF %u,%u", pf, vf);
	return have_vf ? nsw_vf_slot(pf, vf) : nsw_port_rec(pf);
}

static void nsw_mirror_del_cmd(const char *nic, const struct nsw_arg_val *v)
{
	struct nsw_cli_nic n;
	nsw_nic_open(&n, nic);
	int fd = nsw_nic_map(&n, "nsw_mirror");
	uint32_t k = nsw_mirror_source(&n, v), w = 0;
	bool have_vf = v[NSW_W_MIR_VF].set;
	if (bpf_map_lookup_elem(fd, &k, &w) || !w)
		nsw_fail("mirror: no session on %s %u%s%u", have_vf ? "vf" : "pf",
			 (unsigned)v[NSW_W_MIR_PF].u, have_vf ? "," : "",
			 have_vf ? (unsigned)v[NSW_W_MIR_VF].u : 0);
	w = 0;
	bpf_map_update_elem(fd, &k, &w, 0);
	nsw_features_refresh(&n);
	close(fd);
	nsw_nic_close(&n);
}

static void nsw_mirror_add_cmd(const char *nic, const struct nsw_arg_val *v)
{
	static const unsigned dirs[] = {NSW_MIRROR_IN, NSW_MIRROR_OUT,
					NSW_MIRROR_IN | NSW_MIRROR_OUT};
	struct nsw_cli_nic n;
	unsigned pf = (unsigned)v[NSW_W_MIR_PF].u, vf = (unsigned)v[NSW_W_MIR_VF].u;
	unsigned tpf = (unsigned)(v[NSW_W_MIR_TO].u >> 16), tvf = (unsigned)(v[NSW_W_MIR_TO].u & 0xffff);
	unsigned dir = v[NSW_W_MIR_DIR].set ? dirs[v[NSW_W_MIR_DIR].u] : dirs[2];
	nsw_nic_open(&n, nic);
	int fd = nsw_nic_map(&n, "nsw_mirror");
	uint32_t k = nsw_mirror_source(&n, v), w;
	if (!(n.st->vf[tpf][tvf] & NSW_VF_EN))
		nsw_fail("mirror: no monitor VF %u,%u", tpf, tvf);
	if (v[NSW_W_MIR_VF].set && tpf == pf && tvf == vf)
		nsw_fail("mirror: the monitor VF cannot be the source of its own session");
	w = nsw_mirror_word(nsw_vf_slot(tpf, tvf), dir);
	if (bpf_map_update_elem(fd, &k, &w, 0))
		nsw_fail("mirror: %s", strerror(errno));
	nsw_features_refresh(&n);
	close(fd);
	nsw_nic_close(&n);
}

void nsw_save_mirror(struct nsw_cli_nic *n, struct nsw_save *s)
{
	int fd = nsw_nic_map(n, "nsw_mirror");
	for (uint32_t k = 0; k < NSW_NVF_SLOTS + NSW_MAX_PFS; k++) {
		uint32_t w = 0;
		if (bpf_map_lookup_elem(fd, &k, &w) || !w)
			continue;
		uint32_t t = nsw_mirror_monitor(w);
		nsw_save_line(s, "mirror add", n->name);
		if (k < NSW_NVF_SLOTS) {
			nsw_save_word(s, "pf", "%u", k / NSW_MAX_VFS);
			nsw_save_word(s, "vf", "%u", k % NSW_MAX_VFS);
		} else {
			nsw_save_word(s, "pf", "%u", k - NSW_NVF_SLOTS);
		}
		nsw_save_word(s, "to", NULL);
		nsw_save_word(s, "pf", "%u", t / NSW_MAX_VFS);
		nsw_save_word(s, "vf", "%u", t % NSW_MAX_VFS);
		if (!(w & NSW_MIRROR_IN) || !(w & NSW_MIRROR_OUT))
			nsw_save_word(s, "dir", "%s", (w & NSW_MIRROR_IN) ? "in" : "out");
		nsw_save_end(s);
	}
	close(fd);
}

const struct nsw_cmd nsw_cmds_mirror[] = {
	{"add", NULL, nsw_mirror_add_cmd, NSW_POS_NIC, nsw_words_mirror_add, NSW_W_MIR_N,
	 "SPAN: copy what VF P,V (or every VF of PF P) sends and/or is given to the\n"
	 "monitor VF P2,V2; the originals are delivered unchanged."},
	{"del", NULL, nsw_mirror_del_cmd, NSW_POS_NIC, nsw_words_mirror_del, NSW_W_MIR_N,
	 "End the session of VF P,V (or of PF P's VFs)."},
	{"show", NULL, nsw_mirror_show_cmd, NSW_POS_NIC, NULL, 0,
	 "SPAN sessions: source, monitor VF, directions."},
	{0},
};
