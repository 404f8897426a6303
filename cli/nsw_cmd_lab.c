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

int nsw_cmd_lab(int argc, char **argv, const char *argv0)
{
	char self[PATH_MAX], script[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	(void)argv0;
	if (n <= 0)
		nsw_fail("lab: cannot find my own path");
	self[n] = 0;
	snprintf(script, sizeof script, "%s/nswitch-lab", dirname(self));
	if (access(script, X_OK))
		nsw_fail("lab: %s missing (run make)", script);
	char *av[16] = {"nswitch-lab"};
	int k = 1;
	for (int i = 0; i < argc && k < 15; i++)
		av[k++] = argv[i];
	av[k] = NULL;
	execv(script, av);
	nsw_fail("lab: cannot run %s: %s", script, strerror(errno));
}
