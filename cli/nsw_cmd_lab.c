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

/* Runs nswitch-lab VERB [mode M]: the words were checked against the table first. */
static void nsw_lab_run(const char *verb, const struct nsw_arg_val *v)
{
	static const char *const modes[] = {"tc", "tc-peer", "xdp"};
	char self[PATH_MAX], script[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		nsw_fail("lab: cannot find my own path");
	self[n] = 0;
	snprintf(script, sizeof script, "%s/nswitch-lab", dirname(self));
	if (access(script, X_OK))
		nsw_fail("lab: %s missing (run make)", script);
	char *av[] = {"nswitch-lab", (char *)verb, NULL, NULL, NULL};
	if (v && v[NSW_W_LAB_MODE].set) {
		av[2] = "mode";
		av[3] = (char *)modes[v[NSW_W_LAB_MODE].u];
	}
	execv(script, av);
	nsw_fail("lab: cannot run %s: %s", script, strerror(errno));
}

static void nsw_lab_up_cmd(const char *nic, const struct nsw_arg_val *v)
{
	(void)nic;
	nsw_lab_run("up", v);
}

static void nsw_lab_down_cmd(const char *nic, const struct nsw_arg_val *v)
{
	(void)nic;
	(void)v;
	nsw_lab_run("down", NULL);
}

const struct nsw_cmd nsw_cmds_lab[] = {
	{"up", NULL, nsw_lab_up_cmd, NSW_POS_NONE, nsw_words_lab_up, NSW_W_LAB_N,
	 "A lab in network namespaces: NIC lab0 with 2 PFs, VMs nsw-vm1, nsw-vm2 on PF 0\n"
	 "and nsw-vm3, nsw-vm4 on PF 1 (10.77.0.1-4/24), an external host nsw-ext\n"
	 "(10.77.0.100) on PF 0's uplink; host side in nsw-hv. NSW_LAB_PREFIX and\n"
	 "NSW_LAB_NIC rename them."},
	{"down", NULL, nsw_lab_down_cmd, NSW_POS_NONE, NULL, 0,
	 "Remove the lab: its NIC and namespaces (safe when some or none exist)."},
	{0},
};
