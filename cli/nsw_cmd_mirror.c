/* nsw_cmd_mirror.c - the `mirror` command: SPAN sessions (add, del, show). A session is one word
 * of the NIC's nsw_mirror map, keyed by the source (a VF's slot, or a PF's record for all its
 * VFs), naming the monitor VF and the directions; the data path copies, the originals go on
 * unchanged. The NIC's features word is recomputed after every change. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "nsw_cli.h"

static void nsw_mirror_show_cmd(struct nsw_cli_nic *n, int fd)
{
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
	(void)n;
}

struct nsw_mirror_args {
	unsigned pf, vf, tpf, tvf, dir;
	bool have_pf, have_vf, have_to;
};

static void nsw_mirror_parse(struct nsw_cli_nic *n, int argc, char **argv,
			     struct nsw_mirror_args *a)
{
	bool have_dir = false;
	*a = (struct nsw_mirror_args){.dir = NSW_MIRROR_IN | NSW_MIRROR_OUT};
	for (int i = 2; i < argc; i++) {
		if ((nsw_matches(argv[i], "to") && a->have_to) ||
		    (nsw_matches(argv[i], "pf") && a->have_pf) ||
		    (nsw_matches(argv[i], "vf") && a->have_vf) ||
		    (nsw_matches(argv[i], "dir") && have_dir))
			nsw_fail("mirror: \"%s\" given twice", argv[i]);
		if (nsw_matches(argv[i], "to")) {
			if (i + 4 >= argc || strcmp(argv[i + 1], "pf") || strcmp(argv[i + 3], "vf"))
				nsw_fail("mirror: \"to\" needs \"pf P vf V\"");
			a->tpf = nsw_arg_uint("PF number", argv[i + 2], NSW_MAX_PFS - 1);
			a->tvf = nsw_arg_uint("VF number", argv[i + 4], NSW_MAX_VFS - 1);
			a->have_to = true;
			i += 4;
			continue;
		}
		if (i + 1 >= argc)
			nsw_fail("mirror: \"%s\" needs a value", argv[i]);
		if (nsw_matches(argv[i], "pf")) {
			a->pf = nsw_arg_uint("PF number", argv[i + 1], NSW_MAX_PFS - 1);
			a->have_pf = true;
		} else if (nsw_matches(argv[i], "vf")) {
			a->vf = nsw_arg_uint("VF number", argv[i + 1], NSW_MAX_VFS - 1);
			a->have_vf = true;
		} else if (nsw_matches(argv[i], "dir")) {
			const char *d = argv[i + 1];
			a->dir = !strcmp(d, "in") ? NSW_MIRROR_IN : !strcmp(d, "out") ? NSW_MIRROR_OUT
				: !strcmp(d, "both") ? NSW_MIRROR_IN | NSW_MIRROR_OUT : 0;
			if (!a->dir)
				nsw_fail("mirror: invalid dir \"%s\": in, out or both", d);
			have_dir = true;
		} else {
			nsw_fail("mirror: unknown argument \"%s\"", argv[i]);
		}
		i++;
	}
	if (!a->have_pf)
		nsw_fail("mirror: missing \"pf P\"");
	if (!(n->st->pf[a->pf] & NSW_PF_EN))
		nsw_fail("mirror: no PF %u", a->pf);
	if (a->have_vf && !(n->st->vf[a->pf][a->vf] & NSW_VF_EN))
		nsw_fail("mirror: no VF %u,%u", a->pf, a->vf);
}

/* The session's key: the VF's slot, or the PF's record for every VF of the PF. */
static uint32_t nsw_mirror_key(const struct nsw_mirror_args *a)
{
	return a->have_vf ? nsw_vf_slot(a->pf, a->vf) : nsw_port_rec(a->pf);
}

static void nsw_mirror_del_cmd(struct nsw_cli_nic *n, int fd, int argc, char **argv)
{
	struct nsw_mirror_args a;
	nsw_mirror_parse(n, argc, argv, &a);
	uint32_t k = nsw_mirror_key(&a), w = 0;
	if (bpf_map_lookup_elem(fd, &k, &w) || !w)
		nsw_fail("mirror: no session on %s %u%s%u", a.have_vf ? "vf" : "pf", a.pf,
			 a.have_vf ? "," : "", a.have_vf ? a.vf : 0);
	w = 0;
	bpf_map_update_elem(fd, &k, &w, 0);
	nsw_features_refresh(n);
}

static void nsw_mirror_add_cmd(struct nsw_cli_nic *n, int fd, int argc, char **argv)
{
	struct nsw_mirror_args a;
	nsw_mirror_parse(n, argc, argv, &a);
	uint32_t k = nsw_mirror_key(&a), w;
	if (!a.have_to)
		nsw_fail("mirror add: missing \"to pf P vf V\"");
	if (!(n->st->vf[a.tpf][a.tvf] & NSW_VF_EN))
		nsw_fail("mirror: no monitor VF %u,%u", a.tpf, a.tvf);
	if (a.have_vf && a.tpf == a.pf && a.tvf == a.vf)
		nsw_fail("mirror: the monitor VF cannot be the source of its own session");
	w = nsw_mirror_word(nsw_vf_slot(a.tpf, a.tvf), a.dir);
	if (bpf_map_update_elem(fd, &k, &w, 0))
		nsw_fail("mirror: %s", strerror(errno));
	nsw_features_refresh(n);
}

int nsw_cmd_mirror(int argc, char **argv)
{
	struct nsw_cli_nic n;
	if (argc < 2)
		nsw_fail("usage: nswitch mirror add|del|show NIC ...");
	static const char *const verbs[] = {"add", "del", "show", NULL};
	nsw_verb(&argv[0], verbs, "mirror");
	bool add = nsw_matches(argv[0], "add"), del = nsw_matches(argv[0], "del");
	bool show = nsw_matches(argv[0], "show");
	if (!add && !del && !show)
		nsw_fail("mirror: unknown command \"%s\": add, del or show", argv[0]);
	nsw_nic_open(&n, argv[1]);
	int fd = nsw_nic_map(&n, "nsw_mirror");
	if (show)
		nsw_mirror_show_cmd(&n, fd);
	else if (del)
		nsw_mirror_del_cmd(&n, fd, argc, argv);
	else
		nsw_mirror_add_cmd(&n, fd, argc, argv);
	nsw_nic_close(&n);
	return 0;
}
