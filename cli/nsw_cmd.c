/* nsw_cmd.c - helpers the command modules share (nsw_cmd.h). No command lives here. */
#define _GNU_SOURCE
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "nsw_cmd.h"
#include "nsw_cli_words.h"

struct nsw_nic nsw_scratch;

void nsw_core_fail(int err, const char *what)
{
	nsw_fail("%s: %s", what, nsw_strerror(err));
}

void nsw_parse_args(int argc, char **argv, int i, struct nsw_vf_args *a, const char *cmd,
		    const char *allowed)
{
	struct nsw_arg_val v[NSW_W_VF_N];
	nsw_args_cli(nsw_words_vf, NSW_W_VF_N, argc - i, argv + i, v, cmd);
	for (unsigned w = 0; w < NSW_W_VF_N; w++)
		if (v[w].set && !strstr(allowed, nsw_words_vf[w].word))
			nsw_fail("%s: unknown argument \"%s\"", cmd, nsw_words_vf[w].word);
	*a = (struct nsw_vf_args){.qos = -1, .spoofchk = -1, .oui = -1};
	a->have_pf = v[NSW_W_PF].set, a->pf = (unsigned)v[NSW_W_PF].u;
	a->have_vf = v[NSW_W_VF].set, a->vf = (unsigned)v[NSW_W_VF].u;
	a->dev = v[NSW_W_DEV].str;
	a->mac = v[NSW_W_MAC].u;
	if (v[NSW_W_QOS].set)
		a->qos = (int)v[NSW_W_QOS].u;
	if (v[NSW_W_SPOOFCHK].set)
		a->spoofchk = v[NSW_W_SPOOFCHK].u == 0; /* "on" */
	if (v[NSW_W_OUI].set) {
		char o[9];
		nsw_oui_format((uint32_t)v[NSW_W_OUI].u, o);
		if (!v[NSW_W_OUI].u || (v[NSW_W_OUI].u & 0x010000))
			nsw_fail("invalid OUI \"%s\": zero or multicast", o);
		a->oui = (long)v[NSW_W_OUI].u;
	}
	a->uplink = v[NSW_W_UPLINK].str;
}

void nsw_need_pf(const struct nsw_cli_nic *n, const struct nsw_vf_args *a, const char *cmd)
{
	if (!a->have_pf)
		nsw_fail("%s: missing \"pf P\"", cmd);
	if (!(n->st->pf[a->pf] & NSW_PF_EN))
		nsw_fail("%s: NIC %s has no PF %u (it has %u)", cmd, n->name, a->pf,
			 nsw_nic_num_pfs(n->st));
}

void nsw_ifname(uint32_t ifi, char *dev)
{
	dev[0] = 0;
	if (ifi && !if_indextoname(ifi, dev))
		snprintf(dev, IF_NAMESIZE, "#%u", ifi);
}
