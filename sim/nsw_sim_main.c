/* nsw_sim_main.c - the nswitch-sim command.
 *
 * Owns: the command line. Usage:
 *   nswitch-sim [-s KEY=VALUE]... [-c FILE.csv] [-l LABEL] [-q] SCENARIO.scn
 *   nswitch-sim --help | -h | help      (the full usage on stdout, exit 0)
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
#include "nsw_sim_rack.h"

static const char nsw_sim_usage[] =
	"usage: nswitch-sim [-s KEY=VALUE]... [-c FILE.csv] [-l LABEL] [-q] SCENARIO.scn\n"
	"       nswitch-sim rack [-s KEY=VALUE]... [-c FILE.csv] [-l LABEL] [-q] [SCENARIO.scn]\n"
	"       nswitch-sim --help | -h | help\n";

static void usage(void)
{
	fprintf(stderr, "%s(nswitch-sim --help lists the options and every scenario key)\n",
		nsw_sim_usage);
	exit(1);
}

static void help(void)
{
	printf("nswitch-sim: a discrete-event model of host, PCIe and NIC for the vSwitch, "
	       "802.1Qbg, 802.1Qbh\nand nSwitch (docs/sim.md).\n\n%s\n", nsw_sim_usage);
	printf("options:\n"
	       "  -s KEY=VALUE  set a scenario key after the file is read; flow keys as\n"
	       "                flow.NAME.KEY=VALUE; VM loads as vm_load=N:CPUS\n"
	       "  -c FILE.csv   append CSV rows (a header when the file is new or empty)\n"
	       "  -l LABEL      the label of those rows (default: run)\n"
	       "  -q            no text report\n"
	       "  -h, --help    this text\n\n"
	       "scenario file: one statement a line, '#' starts a comment; 'KEY VALUE' sets a\n"
	       "key, 'flow NAME k=v...' adds a flow. Times take ns, us, ms, s (bare: ns); rates\n"
	       "bps, kbps, Mbps, Gbps, Bps, kBps, MBps, GBps or pps, kpps, Mpps (bare: bits/s).\n\n"
	       "flow keys: src=vmN|ext|all  dst=vmN|ext|miss|bcast|random|next|pair  rate=RATE\n"
	       "  process=const|poisson|onoff|tcp  on=TIME off=TIME  size=64..1518|imix|64:7,1518:1\n"
	       "  ack=N (a 64-byte reply every N frames)  wmax=FRAMES (tcp)  prio=0..7  spoof=0|1\n"
	       "  start=TIME\n\n"
	       "scenario keys:\n");
	nsw_sim_scn_help(stdout);
	printf("\nrack mode (nswitch-sim rack): H hosts, each the model above with its own NIC,\n"
	       "under a ToR switch with an uplink; every VM sends Poisson frames to a VM of its\n"
	       "host (rack_local_frac), of another host, or outside the rack. Reports ToR port\n"
	       "and uplink load, host CPU and latency (docs/sim.md, \"The rack\"). Rack keys\n"
	       "(KEY=VALUE with -s, or 'KEY VALUE' lines with the host keys in the file):\n");
	nsw_rack_help(stdout);
	printf("\nexamples:\n"
	       "  nswitch-sim sim/scenarios/fig8_nswitch_latency.scn\n"
	       "  nswitch-sim -s arch=qbh -s flow.ping.size=1518 "
	       "sim/scenarios/fig8_nswitch_latency.scn\n"
	       "  nswitch-sim -s flow.pairs.size=64 -s port_gbps=100 -s flow.pairs.rate=10Gbps "
	       "sim/scenarios/sweep_bounds.scn\n"
	       "  nswitch-sim -q -c out.csv -l mylabel sim/scenarios/fig7_qbh_port.scn\n"
	       "  nswitch-sim rack -s arch=qbg -s rack_local_frac=0.8 sim/scenarios/rack_16.scn\n\n"
	       "exit status: 0; 1 on a bad scenario or usage; 3 when out of memory.\n");
	exit(0);
}

int main(int argc, char **argv)
{
	static struct nsw_sim_scenario sc;
	static struct nsw_sim_cli o;
	if (argc == 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help")))
		help();
	if (argc >= 2 && !strcmp(argv[1], "rack"))
		return nsw_rack_main(argc - 1, argv + 1);
	if (nsw_sim_cli_parse(argc, argv, &o, help, stderr) < 0 || optind != argc - 1)
		usage();
	const char *csv = o.csv, *label = o.label, *const *sets = o.sets;
	int nsets = o.nsets, quiet = o.quiet;
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
