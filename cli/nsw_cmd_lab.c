/* nsw_cmd_lab.c - the `lab` command: runs nswitch-lab (cli/nswitch-lab.sh, installed beside
 * the nswitch binary), which builds or removes a demonstration lab in network namespaces. */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nsw_cli.h"
#include "nsw_cli_words.h"
#include "nsw_cmd.h"

/* Runs nswitch-lab with av[1..] (the verb, then words already checked against the table). */
static void nsw_lab_exec(char **av)
{
	char self[PATH_MAX], script[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		nsw_fail("lab: cannot find my own path");
	self[n] = 0;
	snprintf(script, sizeof script, "%s/nswitch-lab", dirname(self));
	if (access(script, X_OK))
		nsw_fail("lab: %s missing (run make)", script);
	av[0] = "nswitch-lab";
	execv(script, av);
	nsw_fail("lab: cannot run %s: %s", script, strerror(errno));
}

static void nsw_lab_up_cmd(const char *pos, const struct nsw_arg_val *v)
{
	char hosts[8], *av[16] = {NULL, "up"};
	int k = 2;
	(void)pos;
	if (v[NSW_W_LAB_HOSTS].set) {
		snprintf(hosts, sizeof hosts, "%llu", v[NSW_W_LAB_HOSTS].u);
		av[k++] = "hosts";
		av[k++] = hosts;
	}
	if (v[NSW_W_LAB_FABRIC].set) {
		av[k++] = "fabric";
		av[k++] = (char *)nsw_words_lab_up[NSW_W_LAB_FABRIC].choices[v[NSW_W_LAB_FABRIC].u];
	}
	if (v[NSW_W_LAB_MODE].set) {
		av[k++] = "mode";
		av[k++] = (char *)nsw_words_lab_up[NSW_W_LAB_MODE].choices[v[NSW_W_LAB_MODE].u];
	}
	nsw_lab_exec(av);
}

static void nsw_lab_down_cmd(const char *pos, const struct nsw_arg_val *v)
{
	char *av[] = {NULL, "down", NULL};
	(void)pos;
	(void)v;
	nsw_lab_exec(av);
}

static void nsw_lab_move_cmd(const char *vm, const struct nsw_arg_val *v)
{
	char host[8], *av[] = {NULL, "move", (char *)vm, "host", host, NULL};
	snprintf(host, sizeof host, "%llu", v[NSW_W_LAB_HOST].u);
	nsw_lab_exec(av);
}

const struct nsw_cmd nsw_cmds_lab[] = {
	{"up", NULL, nsw_lab_up_cmd, NSW_POS_NONE, nsw_words_lab_up, NSW_W_LAB_N,
	 "A lab in network namespaces. hosts 1 (the default): NIC lab0 with 2 PFs, VMs\n"
	 "nsw-vm1, nsw-vm2 on PF 0 and nsw-vm3, nsw-vm4 on PF 1 (10.77.0.1-4/24), an external\n"
	 "host nsw-ext (10.77.0.100) on PF 0's uplink; host side in nsw-hv. hosts N (2..8): a\n"
	 "rack of N hosts nsw-hvH, each with its NIC lab0-hH (PF 0 f0:f0:f0, PF 1 f4:f4:f4 on\n"
	 "every host) and VMs nsw-hHvm1..4 (10.77.H.1-4/16), whose ports meet at a top-of-rack\n"
	 "Linux bridge in nsw-tor (fabric bridge) or over VXLAN (fabric vxlan). NSW_LAB_PREFIX\n"
	 "and NSW_LAB_NIC rename them."},
	{"down", NULL, nsw_lab_down_cmd, NSW_POS_NONE, NULL, 0,
	 "Remove the lab: its NICs and namespaces, whatever hosts it was made with (safe\n"
	 "when some or none exist)."},
	{"move", NULL, nsw_lab_move_cmd, NSW_POS_VM, nsw_words_lab_move, NSW_W_LAB_N,
	 "Move VM (h1vm1 ...) to host H of a lab of 2 hosts or more, as a live migration:\n"
	 "vf del, the host end moves, vf add with the same vMAC, a gratuitous ARP."},
	{0},
};
