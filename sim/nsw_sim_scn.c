/* nsw_sim_scn.c - the scenario file format of nswitch-sim (documented in docs/sim.md).
 *
 * Owns: turning text into a struct nsw_sim_scenario. One statement per line, `#` starts a
 * comment; `KEY VALUE` sets a parameter, `flow NAME k=v ...` adds a flow. Every error names
 * file:line and the offending word, and nothing is guessed: an unknown key, a value out of
 * range or a malformed number is an error.
 * Who may touch it: the simulator's owners. Keys are in the table below and in docs/sim.md;
 * the two must agree.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "nsw_ctl.h"
#include "nsw_sim.h"

enum nsw_sim_ktype { K_TIME, K_U64, K_UNS, K_DBL, K_ARCH };

struct nsw_sim_key {
	const char *name;
	enum nsw_sim_ktype type;
	size_t off;
	double min, max;
	const char *unit, *help; /* for nswitch-sim --help */
};

#define NSW_SIM_UNSET 0xfff0u

#define PO(f) offsetof(struct nsw_sim_params, f)
static const struct nsw_sim_key nsw_sim_keys[] = {
	{"seed", K_U64, PO(seed), 0, 1.8e19, "",
	 "PRNG seed (xoshiro256** via splitmix64)"},
	{"duration", K_TIME, PO(duration_ns), 1, 1e13, "time",
	 "sources stop creating frames at this time; the run then drains"},
	{"warmup", K_TIME, PO(warmup_ns), 0, 1e13, "time",
	 "statistics ignore what happens before this"},
	{"max_frames", K_U64, PO(max_frames), 0, 1e13, "frames",
	 "stop creating frames after this many in all (0: no limit)"},
	{"arch", K_ARCH, PO(arch), 0, NSW_SIM_ARCH_MAX - 1, "",
	 "vswitch | qbg | qbh | nswitch (the paper's Fig. 1 a-d)"},
	{"pfs", K_UNS, PO(pfs), 1, NSW_MAX_PFS, "",
	 "PFs of the NIC; with qbg/qbh/nswitch each has its own port"},
	{"vfs", K_UNS, PO(vfs), 1, NSW_MAX_VFS, "",
	 "VFs per PF; VM i sits on PF i / vfs, VF i % vfs"},
	{"vms", K_UNS, PO(vms), 1, NSW_SIM_MAX_VMS, "",
	 "VMs (<= pfs x vfs)"},
	{"cpus", K_UNS, PO(cpus), 1, 4096, "CPUs",
	 "host CPUs, the denominator of CPU load"},
	{"vsw_frame_ns", K_DBL, PO(vsw_frame_ns), 0, 1e9, "ns",
	 "vSwitch service per frame (measured: Linux bridge over the bare path)"},
	{"vsw_byte_ns", K_DBL, PO(vsw_byte_ns), 0, 1e6, "ns/B",
	 "vSwitch service per byte (measured: bridge TCP, an upper bound)"},
	{"vsw_lat_ns", K_DBL, PO(vsw_lat_ns), 0, 1e9, "ns",
	 "vSwitch notification latency after its service"},
	{"vsw_cpu_frac", K_DBL, PO(vsw_cpu_frac), 0, 1, "0..1",
	 "part of the vSwitch's service that is host CPU time"},
	{"vsw_threads", K_UNS, PO(vsw_threads), 1, NSW_SIM_MAX_VSW, "",
	 "vSwitch threads (servers)"},
	{"buf_vsw", K_UNS, PO(buf_vsw), 1, 1 << 24, "frames",
	 "vSwitch ring; a frame finding it full is dropped"},
	{"drv_tx_ns", K_DBL, PO(drv_tx_ns), 0, 1e9, "ns",
	 "host CPU per frame a VM's driver sends"},
	{"drv_tx_byte_ns", K_DBL, PO(drv_tx_byte_ns), 0, 1e6, "ns/B",
	 "host CPU per byte a VM's driver sends"},
	{"drv_rx_ns", K_DBL, PO(drv_rx_ns), 0, 1e9, "ns",
	 "host CPU per frame a VM's driver receives"},
	{"drv_rx_byte_ns", K_DBL, PO(drv_rx_byte_ns), 0, 1e6, "ns/B",
	 "host CPU per byte a VM's driver receives"},
	{"irq_ns", K_DBL, PO(irq_ns), 0, 1e9, "ns",
	 "host CPU per interrupt to a VM: its injection and the guest's handler"},
	{"vm_exit_ns", K_DBL, PO(vm_exit_ns), 0, 1e9, "ns",
	 "host CPU per VM exit (exit, the hypervisor's handling, re-entry)"},
	{"irq_exits", K_UNS, PO(irq_exits), 0, 16, "exits",
	 "VM exits per interrupt (0: posted interrupts; 2: the interrupt's and the EOI's)"},
	{"napi_poll_ns", K_DBL, PO(napi_poll_ns), 0, 1e9, "ns",
	 "host CPU and length of a NAPI poll of the guest driver (frames: drv_rx_ns on top)"},
	{"napi_budget", K_UNS, PO(napi_budget), 1, 1 << 16, "frames",
	 "frames per NAPI poll at most; a full poll is repolled napi_poll_ns later, no interrupt"},
	{"kick_exits", K_UNS, PO(kick_exits), 0, 16, "exits",
	 "VM exits per transmit kick of a vSwitch guest (virtio: per batch, when idle)"},
	{"vf_kick_exits", K_UNS, PO(vf_kick_exits), 0, 16, "exits",
	 "VM exits per doorbell write of an SR-IOV VF's driver (0: BAR mapped in the guest)"},
	{"irq_timer_ns", K_DBL, PO(irq_timer_ns), 0, 1e9, "ns",
	 "moderation: an interrupt this long after the first waiting frame"},
	{"irq_frames", K_UNS, PO(irq_frames), 1, 1024, "frames",
	 "moderation: an interrupt once this many frames wait (1: per frame)"},
	{"pcie_gen", K_UNS, PO(pcie_gen), 1, 5, "",
	 "PCIe generation 1..5"},
	{"pcie_lanes", K_UNS, PO(pcie_lanes), 1, 32, "lanes",
	 "PCIe width: 1, 2, 4, 8, 16, 32"},
	{"mps", K_UNS, PO(mps), 128, 4096, "bytes",
	 "Max Payload Size: 128..4096, a power of two"},
	{"mrrs", K_UNS, PO(mrrs), 128, 4096, "bytes",
	 "Max Read Request Size: 128..4096, a power of two"},
	{"rcb", K_UNS, PO(rcb), 64, 512, "bytes",
	 "Read Completion Boundary: 64..512, a power of two"},
	{"rcb_split", K_UNS, PO(rcb_split), 0, 1, "0/1",
	 "1: read completions split at RCB instead of MPS"},
	{"tlp_ovh", K_DBL, PO(tlp_ovh), 0, 64, "bytes",
	 "link bytes per request or write TLP beyond its payload"},
	{"cpl_ovh", K_DBL, PO(cpl_ovh), 0, 64, "bytes",
	 "link bytes per completion TLP beyond its payload"},
	{"desc_bytes", K_DBL, PO(desc_bytes), 0, 256, "bytes",
	 "descriptor size"},
	{"batch", K_DBL, PO(batch), 1, 1024, "frames",
	 "descriptors, doorbells and interrupts are per this many frames"},
	{"dma_rd_ns", K_DBL, PO(dma_rd_ns), 0, 1e6, "ns",
	 "latency of a DMA read (descriptor, then data)"},
	{"pcie_lat_ns", K_DBL, PO(pcie_lat_ns), 0, 1e6, "ns",
	 "one-way latency of a posted write"},
	{"rd_tags", K_UNS, PO(rd_tags), 1, 1024, "tags",
	 "the NIC's outstanding DMA read requests at most (a tag each, held dma_rd_ns)"},
	{"fc_cpld", K_UNS, PO(fc_cpld), 0, 1u << 20, "16 B",
	 "the NIC's completion data credits, held by a read for dma_rd_ns (0: infinite)"},
	{"fc_nph", K_UNS, PO(fc_nph), 0, 1u << 20, "headers",
	 "the root port's non-posted header credits: read requests in flight (0: infinite)"},
	{"fc_ph", K_UNS, PO(fc_ph), 0, 1u << 20, "headers",
	 "the root port's posted header credits: write TLPs in flight (0: infinite)"},
	{"fc_pd", K_UNS, PO(fc_pd), 0, 1u << 24, "16 B",
	 "the root port's posted data credits (0: infinite)"},
	{"fc_dev_ph", K_UNS, PO(fc_dev_ph), 0, 1u << 20, "headers",
	 "the NIC's posted header credits, one per doorbell (kick) for fc_rtt_ns (0: infinite)"},
	{"fc_dev_pd", K_UNS, PO(fc_dev_pd), 0, 1u << 24, "16 B",
	 "the NIC's posted data credits, one per doorbell (0: infinite)"},
	{"fc_rtt_ns", K_DBL, PO(fc_rtt_ns), 0, 1e6, "ns",
	 "a posted or non-posted credit comes back this long after its TLP left"},
	{"tx_ring", K_UNS, PO(tx_ring), 1, 1 << 24, "frames",
	 "a VM's TX ring; full: the guest refuses the frame (tx_ring_full)"},
	{"nic_frame_ns", K_DBL, PO(nic_frame_ns), 0, 1e6, "ns",
	 "NIC pipeline service per frame"},
	{"nic_lat_ns", K_DBL, PO(nic_lat_ns), 0, 1e6, "ns",
	 "NIC pipeline latency"},
	{"nic_acl_ns", K_DBL, PO(nic_acl_ns), 0, 1e6, "ns",
	 "nSwitch NIC: ACL lookup per frame, on top of nic_frame_ns"},
	{"nic_buf", K_UNS, PO(nic_buf), NSW_SIM_MAX_FRAME, 1u << 31, "bytes",
	 "the NIC's RX packet buffer; a wire frame finding it full is dropped"},
	{"nic_txbuf", K_UNS, PO(nic_txbuf), NSW_SIM_MAX_FRAME, 1u << 31, "bytes",
	 "the NIC's TX packet buffer; the NIC fetches from VMs only what fits"},
	{"nic_tcs", K_UNS, PO(nic_tcs), 1, 8, "",
	 "traffic classes (DCB) the TX buffer is split into: 1, 2, 4, 8"},
	{"miss_drop", K_UNS, PO(miss_drop), 0, 1, "0/1",
	 "1: every PF drops a Table A miss in the NIC's OUIs; 0: it leaves by the port"},
	{"port_gbps", K_DBL, PO(port_gbps), 0.001, 1600, "Gb/s",
	 "port speed"},
	{"cable_m", K_DBL, PO(cable_m), 0, 1e5, "m",
	 "cable length"},
	{"prop_ns_m", K_DBL, PO(prop_ns_m), 0, 100, "ns/m",
	 "propagation delay"},
	{"sw_lat_ns", K_DBL, PO(sw_lat_ns), 0, 1e9, "ns",
	 "external switch latency (store and forward)"},
	{"pe_lat_ns", K_DBL, PO(pe_lat_ns), 0, 1e9, "ns",
	 "802.1Qbh port extender latency"},
	{"etag_bytes", K_DBL, PO(etag_bytes), 0, 64, "bytes",
	 "E-TAG on the extender-switch link"},
	{"buf_port", K_UNS, PO(buf_port), 1, 1 << 24, "frames",
	 "queues of the external switch and extender"},
};

#define ERR(...)                                                                          \
	do {                                                                              \
		fprintf(err, "%s:%d: ", file, lineno);                                    \
		fprintf(err, __VA_ARGS__);                                                \
		fprintf(err, "\n");                                                       \
		return -1;                                                                \
	} while (0)

static int nsw_sim_num(const char *s, double *v, const char **rest)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	if (end == s || errno || *v != *v)
		return -1;
	*rest = end;
	return 0;
}

/* "250ns", "10us", "1.5ms", "2s"; a bare number is ns. */
static int nsw_sim_time(const char *s, double *ns)
{
	const char *u;
	double v;
	if (nsw_sim_num(s, &v, &u))
		return -1;
	static const struct {
		const char *u;
		double m;
	} units[] = {{"", 1}, {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
	for (unsigned i = 0; i < sizeof units / sizeof units[0]; i++)
		if (!strcmp(u, units[i].u)) {
			*ns = v * units[i].m;
			return 0;
		}
	return -1;
}

/* "600Mbps", "93MBps", "1Gbps", "10kpps"; a bare number is bits/s. */
static int nsw_sim_rate(const char *s, double *rate, bool *pps)
{
	const char *u;
	double v;
	if (nsw_sim_num(s, &v, &u))
		return -1;
	static const struct {
		const char *u;
		double m;
		bool pps;
	} units[] = {{"", 1, 0},       {"bps", 1, 0},    {"kbps", 1e3, 0}, {"Mbps", 1e6, 0},
		     {"Gbps", 1e9, 0}, {"Bps", 8, 0},    {"kBps", 8e3, 0}, {"MBps", 8e6, 0},
		     {"GBps", 8e9, 0}, {"pps", 1, 1},    {"kpps", 1e3, 1}, {"Mpps", 1e6, 1}};
	for (unsigned i = 0; i < sizeof units / sizeof units[0]; i++)
		if (!strcmp(u, units[i].u)) {
			*rate = v * units[i].m;
			*pps = units[i].pps;
			return 0;
		}
	return -1;
}

static int nsw_sim_endpoint(const char *s, uint16_t *ep, bool is_src)
{
	static const struct {
		const char *n;
		uint16_t v;
		int src_ok, dst_ok;
	} named[] = {{"ext", NSW_SIM_EXT, 1, 1},       {"miss", NSW_SIM_MISS, 0, 1},
		     {"bcast", NSW_SIM_BCAST, 0, 1},
		     {"random", NSW_SIM_RANDOM, 0, 1}, {"next", NSW_SIM_NEXT, 0, 1},
		     {"pair", NSW_SIM_PAIR, 0, 1},     {"all", NSW_SIM_ALL, 1, 0}};
	for (unsigned i = 0; i < sizeof named / sizeof named[0]; i++)
		if (!strcmp(s, named[i].n)) {
			if (is_src ? !named[i].src_ok : !named[i].dst_ok)
				return -1;
			*ep = named[i].v;
			return 0;
		}
	if (strncmp(s, "vm", 2))
		return -1;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s + 2, &end, 10);
	if (end == s + 2 || *end || errno || v >= NSW_SIM_MAX_VMS)
		return -1;
	*ep = (uint16_t)v;
	return 0;
}

static int nsw_sim_sizes(struct nsw_sim_flow_spec *f, const char *s)
{
	if (!strcmp(s, "imix")) /* simple IMIX: 7 x 64, 4 x 594, 1 x 1518 */
		s = "64:7,594:4,1518:1";
	char buf[256];
	snprintf(buf, sizeof buf, "%s", s);
	unsigned n = 0;
	for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':'), *end;
		double w = 1;
		if (colon) {
			*colon = 0;
			errno = 0;
			w = strtod(colon + 1, &end);
			if (*end || errno || !(w > 0))
				return -1;
		}
		errno = 0;
		unsigned long v = strtoul(tok, &end, 10);
		if (end == tok || *end || errno || v < NSW_SIM_MIN_FRAME || v > NSW_SIM_MAX_FRAME ||
		    n == NSW_SIM_MAX_SIZES)
			return -1;
		f->size[n] = (uint16_t)v;
		f->weight[n] = w;
		n++;
	}
	if (!n)
		return -1;
	f->nsizes = n;
	return 0;
}

static int nsw_sim_flow_kv(struct nsw_sim_flow_spec *f, const char *k, const char *v,
			   const char *file, int lineno, FILE *err)
{
	double d;
	if (!strcmp(k, "src")) {
		if (nsw_sim_endpoint(v, &f->src, true))
			ERR("flow %s: bad src '%s' (vmN, ext or all)", f->name, v);
	} else if (!strcmp(k, "dst")) {
		if (nsw_sim_endpoint(v, &f->dst, false))
			ERR("flow %s: bad dst '%s' (vmN, ext, miss, random, next or pair)", f->name,
			    v);
	} else if (!strcmp(k, "rate")) {
		if (nsw_sim_rate(v, &f->rate, &f->rate_pps) || f->rate < 0 || f->rate > 1e13)
			ERR("flow %s: bad rate '%s' (e.g. 600Mbps, 93MBps, 10kpps)", f->name, v);
	} else if (!strcmp(k, "process")) {
		if (!strcmp(v, "const"))
			f->process = NSW_SIM_CONST;
		else if (!strcmp(v, "poisson"))
			f->process = NSW_SIM_POISSON;
		else if (!strcmp(v, "onoff"))
			f->process = NSW_SIM_ONOFF;
		else if (!strcmp(v, "tcp"))
			f->process = NSW_SIM_TCP;
		else
			ERR("flow %s: bad process '%s' (const, poisson, onoff or tcp)", f->name, v);
	} else if (!strcmp(k, "on") || !strcmp(k, "off") || !strcmp(k, "start")) {
		if (nsw_sim_time(v, &d) || d < 0 || d > 1e13)
			ERR("flow %s: bad time '%s' for %s (e.g. 50us)", f->name, v, k);
		if (!strcmp(k, "on"))
			f->on_ns = d;
		else if (!strcmp(k, "off"))
			f->off_ns = d;
		else
			f->start_ns = (uint64_t)d;
	} else if (!strcmp(k, "size")) {
		if (nsw_sim_sizes(f, v))
			ERR("flow %s: bad size '%s' (64..1518, imix, or 64:7,1518:1)", f->name, v);
	} else if (!strcmp(k, "ack")) {
		char *end;
		errno = 0;
		unsigned long n = strtoul(v, &end, 10);
		if (end == v || *end || errno || n > 1000000)
			ERR("flow %s: bad ack '%s' (frames per ACK, 0 for none)", f->name, v);
		f->ack_every = (unsigned)n;
	} else if (!strcmp(k, "wmax")) {
		char *end;
		errno = 0;
		unsigned long n = strtoul(v, &end, 10);
		if (end == v || *end || errno || n < 2 || n > 1000000)
			ERR("flow %s: bad wmax '%s' (frames, 2..1000000)", f->name, v);
		f->wmax = (unsigned)n;
	} else if (!strcmp(k, "prio")) {
		if (strlen(v) != 1 || v[0] < '0' || v[0] > '7')
			ERR("flow %s: bad prio '%s' (an 802.1p class, 0..7)", f->name, v);
		f->prio = (uint8_t)(v[0] - '0');
	} else if (!strcmp(k, "spoof")) {
		if (strcmp(v, "0") && strcmp(v, "1"))
			ERR("flow %s: bad spoof '%s' (0 or 1)", f->name, v);
		f->spoof = v[0] == '1';
	} else {
		ERR("flow %s: unknown key '%s'", f->name, k);
	}
	return 0;
}

static int nsw_sim_set_param(struct nsw_sim_scenario *s, const char *k, const char *v,
			     const char *file, int lineno, FILE *err)
{
	if (!strcmp(k, "vm_load")) {
		/* vm_load N FRACTION: VM N's own CPU load, in CPUs */
		unsigned long vm;
		double load;
		char *end;
		errno = 0;
		vm = strtoul(v, &end, 10);
		if (end == v || errno || vm >= NSW_SIM_MAX_VMS)
			ERR("vm_load: bad VM number in '%s'", v);
		const char *rest;
		if (nsw_sim_num(end, &load, &rest) || *rest || load < 0 || load > 64)
			ERR("vm_load: bad load in '%s' (vm_load N CPUS, e.g. vm_load 0 0.5)", v);
		s->p.vm_load[vm] = load;
		return 0;
	}
	if (!strcmp(k, "vm_state")) {
		/* vm_state N STATE: the link state of VM N's VF on the nSwitch NIC, as
		 * `vf set ... state`: auto (the port's carrier, always up here), enable, disable */
		unsigned long vm;
		char *end;
		errno = 0;
		vm = strtoul(v, &end, 10);
		if (end == v || errno || vm >= NSW_SIM_MAX_VMS || *end != ' ')
			ERR("vm_state: bad VM number in '%s' (vm_state N auto|enable|disable)", v);
		for (unsigned st = 0; st <= NSW_VF_STATE_DISABLE; st++)
			if (!strcmp(end + 1, nsw_vf_state_name(st))) {
				s->p.vm_state[vm] = (uint8_t)st;
				return 0;
			}
		ERR("vm_state: bad state '%s' (auto, enable or disable)", end + 1);
	}
	for (unsigned i = 0; i < sizeof nsw_sim_keys / sizeof nsw_sim_keys[0]; i++) {
		const struct nsw_sim_key *key = &nsw_sim_keys[i];
		if (strcmp(k, key->name))
			continue;
		char *base = (char *)&s->p + key->off;
		double d;
		const char *rest = "";
		switch (key->type) {
		case K_ARCH:
			for (int a = 0; a < NSW_SIM_ARCH_MAX; a++)
				if (!strcmp(v, nsw_sim_arch_name(a))) {
					*(int *)base = a;
					return 0;
				}
			ERR("arch: '%s' is not one of vswitch, qbg, qbh, nswitch", v);
		case K_TIME:
			if (nsw_sim_time(v, &d))
				ERR("%s: bad time '%s' (e.g. 250ns, 10us, 5ms, 1s)", k, v);
			break;
		default:
			if (nsw_sim_num(v, &d, &rest) || *rest)
				ERR("%s: bad number '%s'", k, v);
			if (key->type != K_DBL && d != (double)(uint64_t)d)
				ERR("%s: '%s' is not a whole number", k, v);
		}
		if (d < key->min || d > key->max)
			ERR("%s: %s is out of range [%g, %g]", k, v, key->min, key->max);
		/* the specification's widths and sizes are powers of two, and its tables only
		 * have those */
		if ((!strcmp(k, "pcie_lanes") || !strcmp(k, "mps") || !strcmp(k, "mrrs") ||
		     !strcmp(k, "rcb") || !strcmp(k, "nic_tcs")) &&
		    ((uint64_t)d & ((uint64_t)d - 1)))
			ERR("%s: %s is not a power of two", k, v);
		if (key->type == K_TIME || key->type == K_U64)
			*(uint64_t *)base = (uint64_t)d;
		else if (key->type == K_UNS)
			*(unsigned *)base = (unsigned)d;
		else
			*(double *)base = d;
		return 0;
	}
	ERR("unknown key '%s'", k);
}

static struct nsw_sim_flow_spec *nsw_sim_find_flow(struct nsw_sim_scenario *s, const char *name)
{
	for (unsigned i = 0; i < s->nflows; i++)
		if (!strcmp(s->flow[i].name, name))
			return &s->flow[i];
	return NULL;
}

int nsw_sim_scn_line(struct nsw_sim_scenario *s, const char *line, const char *file, int lineno,
		     FILE *err)
{
	char buf[1024];
	if (strlen(line) >= sizeof buf)
		ERR("line too long");
	snprintf(buf, sizeof buf, "%s", line);
	char *hash = strchr(buf, '#');
	if (hash)
		*hash = 0;
	char *save, *key = strtok_r(buf, " \t\r\n", &save);
	if (!key)
		return 0;
	if (!strcmp(key, "flow")) {
		char *name = strtok_r(NULL, " \t\r\n", &save);
		if (!name || strchr(name, '='))
			ERR("flow: a name must follow 'flow'");
		if (strlen(name) >= sizeof s->flow[0].name || strchr(name, ',') ||
		    strchr(name, '.'))
			ERR("flow: bad name '%s' (at most 31 characters, no ',' or '.')", name);
		if (nsw_sim_find_flow(s, name))
			ERR("flow: '%s' is defined twice", name);
		if (s->nflows == NSW_SIM_MAX_GROUPS)
			ERR("flow: more than %d flows", NSW_SIM_MAX_GROUPS);
		struct nsw_sim_flow_spec *f = &s->flow[s->nflows];
		memset(f, 0, sizeof *f);
		snprintf(f->name, sizeof f->name, "%s", name);
		f->src = f->dst = NSW_SIM_UNSET;
		f->process = NSW_SIM_CONST;
		f->nsizes = 1;
		f->size[0] = 1518;
		f->weight[0] = 1;
		f->wmax = 256; /* frames: 384 KB of 1514-byte frames (assumed) */
		f->rate = -1;
		for (char *kv; (kv = strtok_r(NULL, " \t\r\n", &save));) {
			char *eq = strchr(kv, '=');
			if (!eq)
				ERR("flow %s: '%s' is not key=value", name, kv);
			*eq = 0;
			if (nsw_sim_flow_kv(f, kv, eq + 1, file, lineno, err))
				return -1;
		}
		if (f->src == NSW_SIM_UNSET || f->dst == NSW_SIM_UNSET)
			ERR("flow %s: src= and dst= are required", name);
		if (f->rate < 0)
			ERR("flow %s: rate= is required", name);
		if (f->process == NSW_SIM_ONOFF && (!(f->on_ns > 0) || !(f->off_ns > 0)))
			ERR("flow %s: process=onoff needs on= and off=", name);
		if (f->process == NSW_SIM_TCP && (!f->ack_every || f->dst == NSW_SIM_BCAST ||
						  f->ack_every > f->wmax / 2))
			ERR("flow %s: process=tcp needs ack=N (at most wmax/2) and a unicast dst",
			    name);
		if (f->src == NSW_SIM_EXT && (f->dst == NSW_SIM_EXT || f->dst == NSW_SIM_RANDOM ||
					      f->dst == NSW_SIM_NEXT || f->dst == NSW_SIM_PAIR))
			ERR("flow %s: from ext, dst must be a VM (vmN), miss or bcast", name);
		if (f->src != NSW_SIM_ALL && (f->dst == NSW_SIM_NEXT || f->dst == NSW_SIM_PAIR))
			ERR("flow %s: dst=next and dst=pair need src=all", name);
		s->nflows++;
		return 0;
	}
	char *val = strtok_r(NULL, " \t\r\n", &save);
	if (!val)
		ERR("'%s' needs a value", key);
	char *more = strtok_r(NULL, " \t\r\n", &save);
	if ((!strcmp(key, "vm_load") || !strcmp(key, "vm_state")) && more) {
		char two[128];
		snprintf(two, sizeof two, "%s %s", val, more);
		more = strtok_r(NULL, " \t\r\n", &save);
		if (more)
			ERR("%s: trailing '%s'", key, more);
		return nsw_sim_set_param(s, key, two, file, lineno, err);
	}
	if (more)
		ERR("%s: trailing '%s'", key, more);
	return nsw_sim_set_param(s, key, val, file, lineno, err);
}

int nsw_sim_scn_check(const struct nsw_sim_scenario *s, const char *file, FILE *err)
{
	const struct nsw_sim_params *p = &s->p;
	int lineno = 0;
	if (p->vms > p->pfs * p->vfs)
		ERR("vms %u do not fit %u PFs x %u VFs", p->vms, p->pfs, p->vfs);
	if (!s->nflows)
		ERR("no flow: add a line 'flow NAME src=... dst=... rate=...'");
	if (p->warmup_ns >= p->duration_ns)
		ERR("warmup must be shorter than duration");
	for (unsigned i = 0; i < s->nflows; i++) {
		const struct nsw_sim_flow_spec *f = &s->flow[i];
		if (f->src < NSW_SIM_ALL && f->src >= p->vms)
			ERR("flow %s: src vm%u, but there are %u VMs", f->name, f->src, p->vms);
		if (f->dst < NSW_SIM_BCAST && f->dst >= p->vms)
			ERR("flow %s: dst vm%u, but there are %u VMs", f->name, f->dst, p->vms);
		if (f->dst == NSW_SIM_RANDOM && p->vms < 2)
			ERR("flow %s: dst=random needs at least 2 VMs", f->name);
	}
	return 0;
}

int nsw_sim_scn_load(struct nsw_sim_scenario *s, const char *path, FILE *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(err, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	char line[1100];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(err, "%s:%d: line too long\n", path, lineno);
			rc = -1;
			break;
		}
		if (nsw_sim_scn_line(s, line, path, lineno, err)) {
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

int nsw_sim_cli_parse(int argc, char **argv, struct nsw_sim_cli *o, void (*help)(void),
		      FILE *err)
{
	int opt;
	*o = (struct nsw_sim_cli){.label = "run"};
	optind = 1;
	while ((opt = getopt(argc, argv, help ? "s:c:l:qh" : "s:c:l:q")) != -1) {
		switch (opt) {
		case 's':
			if (o->nsets == NSW_SIM_MAX_SETS) {
				fprintf(err, "nswitch-sim: more than %d -s options\n", NSW_SIM_MAX_SETS);
				return -1;
			}
			o->sets[o->nsets++] = optarg;
			break;
		case 'c':
			o->csv = optarg;
			break;
		case 'l':
			o->label = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			help();
			break;
		default:
			return -1;
		}
	}
	return optind;
}

int nsw_sim_scn_set(struct nsw_sim_scenario *s, const char *kv, FILE *err)
{
	const char *file = "command line";
	int lineno = 0;
	char buf[512];
	snprintf(buf, sizeof buf, "%s", kv);
	char *eq = strchr(buf, '=');
	if (!eq)
		ERR("'%s' is not KEY=VALUE", kv);
	*eq = 0;
	const char *k = buf, *v = eq + 1;
	if (!strncmp(k, "flow.", 5)) {
		char *dot = strchr(k + 5, '.');
		if (!dot)
			ERR("'%s': flow keys are flow.NAME.KEY", k);
		*dot = 0;
		struct nsw_sim_flow_spec *f = nsw_sim_find_flow(s, k + 5);
		if (!f)
			ERR("no flow named '%s'", k + 5);
		return nsw_sim_flow_kv(f, dot + 1, v, file, lineno, err);
	}
	if (!strcmp(k, "vm_load") || !strcmp(k, "vm_state")) {
		char two[256];
		snprintf(two, sizeof two, "%s", v);
		char *c = strchr(two, ':');
		if (!c)
			ERR("%s", k[3] == 'l' ? "vm_load=N:CPUS" : "vm_state=N:STATE");
		*c = ' ';
		return nsw_sim_set_param(s, k, two, file, lineno, err);
	}
	return nsw_sim_set_param(s, k, v, file, lineno, err);
}

void nsw_sim_scn_help(FILE *f)
{
	struct nsw_sim_scenario d;
	nsw_sim_defaults(&d);
	fprintf(f, "%-15s %-12s %-7s %s\n", "key", "default", "unit", "meaning");
	for (size_t i = 0; i < sizeof nsw_sim_keys / sizeof nsw_sim_keys[0]; i++) {
		const struct nsw_sim_key *k = &nsw_sim_keys[i];
		const char *base = (const char *)&d.p + k->off;
		char def[32];
		switch (k->type) {
		case K_ARCH:
			snprintf(def, sizeof def, "%s", nsw_sim_arch_name(*(const int *)base));
			break;
		case K_TIME:
			snprintf(def, sizeof def, "%lluns",
				 (unsigned long long)*(const uint64_t *)base);
			break;
		case K_U64:
			snprintf(def, sizeof def, "%llu", (unsigned long long)*(const uint64_t *)base);
			break;
		case K_UNS:
			snprintf(def, sizeof def, "%u", *(const unsigned *)base);
			break;
		default:
			snprintf(def, sizeof def, "%g", *(const double *)base);
		}
		fprintf(f, "%-15s %-12s %-7s %s\n", k->name, def, k->unit, k->help);
	}
	fprintf(f, "%-15s %-12s %-7s %s\n", "vm_load", "0", "CPUs",
		"vm_load N CPUS: VM N's own CPU load (-s vm_load=N:CPUS)");
	fprintf(f, "%-15s %-12s %-7s %s\n", "vm_state", "enable", "",
		"vm_state N auto|enable|disable: VM N's VF link state (-s vm_state=N:STATE)");
}
