/* nsw_sim_test.h - what the simulator's test files share: a scenario from a string of
 * scenario lines, on top of the defaults, checked as a file would be. Tests only. */
#ifndef NSW_SIM_TEST_H
#define NSW_SIM_TEST_H

#include <stdio.h>
#include <string.h>

#include "nsw_sim.h"

static inline int nsw_sim_test_load(struct nsw_sim_scenario *s, const char *text)
{
	nsw_sim_defaults(s);
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", text);
	int n = 0;
	for (char *save, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (nsw_sim_scn_line(s, l, "test", ++n, stderr))
			return -1;
	return nsw_sim_scn_check(s, "test", stderr);
}

#endif
