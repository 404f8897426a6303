/* nsw_sim_report.c - the simulator's output: the text report of a run and its CSV rows (one
 * per architecture and phase), as docs/sim.md describes them. Reads results only. */
#include <stdio.h>

#include "nsw_sim_model.h"

/* ---- output ---- */

static double nsw_sim_mbps(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes * 8.0 * 1e3 / (double)ns : 0; /* bits per us = Mb/s */
}

void nsw_sim_report(const struct nsw_sim_scenario *sc, const struct nsw_sim_result *r, FILE *f)
{
	const struct nsw_sim_params *p = &sc->p;
	fprintf(f, "arch %s: %u PFs x %u VFs, %u VMs, %u CPUs; PCIe Gen%u x%u (%.3f GB/s per "
		   "direction, %.3f for TLPs); port %.0f GbE\n",
		nsw_sim_arch_name(r->arch), p->pfs, p->vfs, p->vms, p->cpus, p->pcie_gen,
		p->pcie_lanes, nsw_sim_pcie_rate(p->pcie_gen, p->pcie_lanes),
		nsw_sim_pcie_tlp_rate(p), p->port_gbps);
	fprintf(f, "window %.6f s, %llu events, %llu core decisions\n", r->window_ns / 1e9,
		(unsigned long long)r->events, (unsigned long long)r->decisions);
	fprintf(f, "%-16s %10s %10s %10s %10s %10s %10s %10s %10s\n", "flow", "offered", "thr",
		"thr", "frames", "dropped", "p50", "p99", "max");
	fprintf(f, "%-16s %10s %10s %10s %10s %10s %10s %10s %10s\n", "", "Mb/s", "Mb/s", "MB/s",
		"", "", "us", "us", "us");
	for (unsigned g = 0; g < r->ngroups; g++) {
		const struct nsw_sim_group *gr = &r->group[g];
		if (!gr->gen)
			continue;
		fprintf(f, "%-16s %10.2f %10.2f %10.3f %10llu %10llu %10.3f %10.3f %10.3f\n",
			gr->name, nsw_sim_mbps(gr->gen_bytes_win, r->window_ns),
			nsw_sim_mbps(gr->bytes_win, r->window_ns),
			nsw_sim_mbps(gr->bytes_win, r->window_ns) / 8,
			(unsigned long long)gr->gen, (unsigned long long)gr->drop,
			nsw_sim_hist_q(gr->lat, 0.5) / 1e3, nsw_sim_hist_q(gr->lat, 0.99) / 1e3,
			gr->lat->max / 1e3);
	}
	fprintf(f, "frames: in %llu = out %llu + dropped %llu\n", (unsigned long long)r->gen,
		(unsigned long long)r->out, (unsigned long long)r->drop);
	for (unsigned k = 0; k < NSW_SIM_DROP_MAX; k++)
		if (r->drops[k] && k != NSW_SIM_DROP_FULL)
			fprintf(f, "  drop %-28s %llu\n", nsw_sim_drop_name(k),
				(unsigned long long)r->drops[k]);
	for (unsigned i = 0; i < r->nres; i++)
		if (r->res_drops[i])
			fprintf(f, "  drop buffer_full:%-16s %llu\n", r->res_name[i],
				(unsigned long long)r->res_drops[i]);
	fprintf(f, "host CPU %.1f%% (switching %.1f%%, VM drivers and interrupts %.1f%%: %llu "
		   "interrupts, %llu kicks, %llu VM exits %.1f%%, %llu NAPI polls %.1f%%)\n",
		100 * r->cpu_util, 100 * r->vsw_cpu_util, 100 * r->io_cpu_util,
		(unsigned long long)r->irqs, (unsigned long long)r->kicks,
		(unsigned long long)r->exits,
		100 * r->exit_cpu_util, (unsigned long long)r->polls, 100 * r->napi_cpu_util);
	if (r->cpu_util > 1)
		fprintf(f, "  (more CPU than the host has: the model counts CPU time, it does not limit "
			   "the traffic by it)\n");
	static const char *const fc_name[NSW_SIM_FC_MAX] = {"read_tags", "cpl_credits",
							    "np_credits", "posted_hdr_credits",
							    "posted_data_credits",
							    "nic_posted_hdr_credits",
							    "nic_posted_data_credits"};
	for (unsigned k = 0; k < NSW_SIM_FC_MAX; k++)
		if (r->fc_waits[k])
			fprintf(f, "PCIe: %llu frames waited for %s, %.1f ns on average\n",
				(unsigned long long)r->fc_waits[k], fc_name[k],
				r->fc_wait_ns[k] / (double)r->fc_waits[k]);
	fprintf(f, "utilization:");
	for (unsigned i = 0; i < r->nres; i++)
		if (r->res_util[i] > 0)
			fprintf(f, " %s %.1f%%", r->res_name[i], 100 * r->res_util[i]);
	fprintf(f, "\nlatency breakdown (mean ns per frame):");
	for (unsigned k = 0; k < NSW_SIM_PH_MAX; k++)
		if (r->phase_mean[k] > 0)
			fprintf(f, " %s %.1f", nsw_sim_phase_name((int)k), r->phase_mean[k]);
	fprintf(f, "\n");
}

void nsw_sim_csv_header(FILE *f)
{
	fprintf(f, "label,arch,flow,offered_mbps,thr_mbps,gen,out,drop,lat_mean_ns,lat_p50_ns,"
		   "lat_p99_ns,lat_max_ns,cpu_util,vsw_cpu_util,pcie_h2d_util,pcie_d2h_util,"
		   "port_up_util,port_dn_util,t_vswitch_ns,t1_ns,tp_ns,t_wire_ns,t_switch_ns,t4_ns,"
		   "t_irq_ns,drops,io_cpu_util\n");
}

static void nsw_sim_csv_row(const struct nsw_sim_result *r, const char *label, const char *name,
			    uint64_t genb, uint64_t outb, uint64_t gen, uint64_t out,
			    uint64_t drop, const struct nsw_sim_hist *h, FILE *f)
{
	fprintf(f, "%s,%s,%s,%.4f,%.4f,%llu,%llu,%llu,%.1f,%llu,%llu,%llu,%.5f,%.5f,%.5f,%.5f,%.5f,"
		   "%.5f",
		label, nsw_sim_arch_name(r->arch), name, nsw_sim_mbps(genb, r->window_ns),
		nsw_sim_mbps(outb, r->window_ns), (unsigned long long)gen, (unsigned long long)out,
		(unsigned long long)drop, h->n ? h->sum / (double)h->n : 0,
		(unsigned long long)nsw_sim_hist_q(h, 0.5), (unsigned long long)nsw_sim_hist_q(h, 0.99),
		(unsigned long long)h->max, r->cpu_util, r->vsw_cpu_util, r->pcie_h2d_util,
		r->pcie_d2h_util, r->port_up_util, r->port_dn_util);
	for (unsigned k = 0; k < NSW_SIM_PH_MAX; k++)
		fprintf(f, ",%.1f", r->phase_mean[k]);
	fprintf(f, ",");
	const char *sep = "";
	for (unsigned k = 0; k < NSW_SIM_DROP_MAX; k++)
		if (r->drops[k] && k != NSW_SIM_DROP_FULL) {
			fprintf(f, "%s%s:%llu", sep, nsw_sim_drop_name(k),
				(unsigned long long)r->drops[k]);
			sep = ";";
		}
	for (unsigned i = 0; i < r->nres; i++)
		if (r->res_drops[i]) {
			fprintf(f, "%sfull_%s:%llu", sep, r->res_name[i],
				(unsigned long long)r->res_drops[i]);
			sep = ";";
		}
	fprintf(f, ",%.5f\n", r->io_cpu_util);
}

void nsw_sim_csv_rows(const struct nsw_sim_scenario *sc, const struct nsw_sim_result *r,
		      const char *label, FILE *f)
{
	(void)sc;
	uint64_t genb = 0, outb = 0;
	for (unsigned g = 0; g < r->ngroups; g++) {
		const struct nsw_sim_group *gr = &r->group[g];
		genb += gr->gen_bytes_win;
		outb += gr->bytes_win;
		if (!gr->gen)
			continue;
		nsw_sim_csv_row(r, label, gr->name, gr->gen_bytes_win, gr->bytes_win, gr->gen,
				gr->out, gr->drop, gr->lat, f);
	}
	nsw_sim_csv_row(r, label, "ALL", genb, outb, r->gen, r->out, r->drop, r->lat_all, f);
}

