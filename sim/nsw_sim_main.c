/* nsw_sim_main.c - the nswitch-sim command.
 *
 * Owns: the command line. Usage:
 *   nswitch-sim [-s KEY=VALUE]... [-c FILE.csv] [-l LABEL] [-q] SCENARIO.scn
 * -s overrides a scenario key after the file is read (flow keys as flow.NAME.KEY=VALUE);
 * -c appends CSV rows (with a header if the file is new or empty); -l labels those rows;
 * -q skips the human-readable report. Exit status: 0, 1 on a bad scenario or usage, 3 when
 * out of memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nsw_sim.h"

static void usage(void)
{
	fprintf(stderr, "usage: nswitch-sim [-s KEY=VALUE]... [-c FILE.csv] [-l LABEL] [-q] "
			"SCENARIO.scn\n");
	exit(1);
}

int main(int argc, char **argv)
{
	static struct nsw_sim_scenario sc;
	const char *csv = NULL, *label = "run", *sets[256];
	int nsets = 0, quiet = 0, opt;
	while ((opt = getopt(argc, argv, "s:c:l:qh")) != -1) {
		switch (opt) {
		case 's':
			if (nsets == 256)
				usage();
			sets[nsets++] = optarg;
			break;
		case 'c':
			csv = optarg;
			break;
		case 'l':
			label = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	const char *path = argv[optind];
	nsw_sim_defaults(&sc);
	if (nsw_sim_scn_load(&sc, path, stderr))
		return 1;
	for (int i = 0; i < nsets; i++)
		if (nsw_sim_scn_set(&sc, sets[i], stderr))
			return 1;
	if (nsw_sim_scn_check(&sc, path, stderr))
		return 1;
	struct nsw_sim_result r;
	if (nsw_sim_run(&sc, &r, stderr))
		return 1;
	if (!quiet)
		nsw_sim_report(&sc, &r, stdout);
	if (csv) {
		FILE *f = fopen(csv, "a");
		if (!f) {
			perror(csv);
			nsw_sim_result_free(&r);
			return 1;
		}
		if (ftell(f) == 0)
			nsw_sim_csv_header(f);
		nsw_sim_csv_rows(&sc, &r, label, f);
		fclose(f);
	}
	nsw_sim_result_free(&r);
	return 0;
}
