/* nsw_sim_rack.h - nswitch-sim's model of a rack: H hosts (1..64) under a top-of-rack (ToR)
 * switch with an uplink to the rest of the data center, VMs spread over the hosts, and a traffic
 * matrix with a chosen fraction of host-local traffic (`nswitch-sim rack ...`, docs/sim.md).
 *
 * Owns: the rack scenario (the single-host parameters of nsw_sim.h for every host, plus the
 * rack_* keys), its run, and its results.
 * Invariants:
 *  - A host costs what the single-host model says it costs: PCIe per frame from
 *    nsw_sim_pcie_bytes(), the NIC pipeline, the wire, the vSwitch and the VMs' drivers from the
 *    same parameters (struct nsw_sim_params); nothing here has a constant of its own.
 *  - Every host's NIC is a struct nsw_nic configured through core/nsw_ctl.h (PF 0 has the
 *    paper's OUI F0-F0-F0 on every host, PF q > 0 the same default OUI on every host, vMACs
 *    unique in the rack) and the nSwitch NIC decides with nsw_process() of core/nsw_decide.h,
 *    so a frame to a VM of the same OUI on another host is a Table A miss, and what happens to it
 *    is the core's decision.
 *  - A run is a pure function of the scenario (seed included); every frame created ends
 *    delivered or dropped with a reason: gen == out + drop.
 * Who may touch it: nsw_sim_rack.c, nsw_sim_main.c (the `rack` mode) and tests/sim.
 */
#ifndef NSW_SIM_RACK_H
#define NSW_SIM_RACK_H

#include <stdint.h>
#include <stdio.h>

#include "nsw_sim.h"

#define NSW_RACK_MAX_HOSTS 64
#define NSW_RACK_MAX_VMS 4096 /* the ToR's MAC table is a Table A: NSW_FDB_MAX entries */

/* The rack keys; the hosts' parameters are sc.p (vms, pfs, vfs, cpus are per host; port_gbps is
 * the speed of a host's port to the ToR). */
struct nsw_rack_scenario {
	struct nsw_sim_scenario sc;
	unsigned hosts;
	double local_frac;  /* of a VM's frames, the part to another VM of its own host */
	double ext_frac;    /* of the rest, the part to outside the rack (as much comes in) */
	double vm_rate;     /* bits/s of frames each VM sends (Poisson) */
	double uplink_gbps; /* the ToR's uplink to the rest of the data center */
	unsigned size;      /* frame length on the wire, FCS included */
	unsigned miss_drop; /* the PFs' policy NSW_PF_MISS_DROP (needs the core's miss rule) */
};

/* Where a frame goes, as the traffic matrix drew it. */
enum nsw_rack_kind {
	NSW_RACK_LOCAL = 0, /* to a VM of the same host */
	NSW_RACK_CROSS,     /* to a VM of another host of the rack */
	NSW_RACK_OUT,       /* to outside the rack, by the uplink */
	NSW_RACK_IN,        /* from outside the rack, by the uplink, to a VM */
	NSW_RACK_KINDS
};

struct nsw_rack_result {
	int arch;
	uint64_t gen, out, drop;
	uint64_t drops[NSW_SIM_DROP_MAX];
	uint64_t gen_kind[NSW_RACK_KINDS], out_kind[NSW_RACK_KINDS];
	uint64_t tor_frames;     /* frames that went through the ToR (each counted once) */
	uint64_t tor_kind[NSW_RACK_KINDS];
	uint64_t miss_to_port;   /* nSwitch: Table A misses in an OUI of the NIC sent to the port */
	uint64_t decisions;      /* frames the core decided */
	uint64_t misdelivered;   /* delivered to a VM that is not the destination (a model bug) */
	uint64_t window_ns;
	double tor_gbps;         /* what hosts and uplink sent into the ToR, inside the window */
	double port_up_mean, port_up_max, port_dn_mean, port_dn_max; /* host ports, 0..1 */
	double uplink_out, uplink_in; /* 0..1 */
	double cpu_mean, cpu_max;     /* host CPU for networking, 0..1 of a host's CPUs */
	double vsw_cpu_mean, io_cpu_mean;
	double pcie_max;              /* busiest PCIe direction of any host, 0..1 */
	uint64_t fc_waits; /* DMAs that waited for PCIe read tags or credits, in the window */
	uint64_t out_win;  /* frames delivered inside the window (whenever created) */
	struct nsw_sim_hist *lat, *lat_kind[NSW_RACK_KINDS]; /* frames created in the window */
};

void nsw_rack_defaults(struct nsw_rack_scenario *r);
/* KEY=VALUE: a rack_* key, else a single-host key (nsw_sim_scn_set). 0 or -1 with a message. */
int nsw_rack_set(struct nsw_rack_scenario *r, const char *kv, FILE *err);
/* A scenario file: rack_* lines and single-host keys; flows are refused. */
int nsw_rack_load(struct nsw_rack_scenario *r, const char *path, FILE *err);
int nsw_rack_check(const struct nsw_rack_scenario *r, FILE *err);
int nsw_rack_run(const struct nsw_rack_scenario *r, struct nsw_rack_result *res, FILE *err);
void nsw_rack_result_free(struct nsw_rack_result *res);
void nsw_rack_report(const struct nsw_rack_scenario *r, const struct nsw_rack_result *res,
		     FILE *f);
void nsw_rack_csv_header(FILE *f);
void nsw_rack_csv_row(const struct nsw_rack_scenario *r, const struct nsw_rack_result *res,
		      const char *label, FILE *f);
/* The rack keys with default and meaning (nswitch-sim --help). */
void nsw_rack_help(FILE *f);
/* `nswitch-sim rack [-s KEY=VALUE]... [-c FILE.csv] [-l LABEL] [-q] [SCENARIO.scn]`; argv[0]
 * is "rack". Returns the exit status. */
int nsw_rack_main(int argc, char **argv);

#endif
