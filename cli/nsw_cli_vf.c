/* nsw_cli_vf.c - the `pf`, `vf`, `fdb` and `stats` commands: configuring PFs and VFs the way
 * `ip link set dev PF vf N ...` configures an SR-IOV NIC, and showing Table A and the counters.
 * Every change is validated on a copy of the NIC's registers with the core's own control
 * functions before anything is touched; the steps that follow (MAC of the VM's end, maps,
 * attachment, registers) are undone in reverse if one fails. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../core/nsw_fdb.h"
#include "nsw_cli.h"
#include "nsw_cli_words.h"

static struct nsw_nic nsw_scratch; /* 80 KiB: the copy changes are tried on */

static void nsw_core_fail(int err, const char *what)
{
	nsw_fail("%s: %s", what, nsw_strerror(err));
}

struct nsw_vf_args {
	unsigned pf, vf;
	bool have_pf, have_vf;
	const char *dev;
	uint64_t mac;
	int qos, spoofchk;
	long oui;
	const char *uplink;
};

static void nsw_parse_args(int argc, char **argv, int i, struct nsw_vf_args *a, const char *cmd,
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

static void nsw_need_pf(const struct nsw_cli_nic *n, const struct nsw_vf_args *a, const char *cmd)
{
	if (!a->have_pf)
		nsw_fail("%s: missing \"pf P\"", cmd);
	if (!(n->st->pf[a->pf] & NSW_PF_EN))
		nsw_fail("%s: NIC %s has no PF %u (it has %u)", cmd, n->name, a->pf,
			 nsw_nic_num_pfs(n->st));
}

/* ---- pf ---- */

static void nsw_pf_set_cmd(int argc, char **argv)
{
	struct nsw_cli_nic n;
	struct nsw_vf_args a;
	char err[160];
	if (argc < 2)
		nsw_fail("usage: nswitch pf set NIC pf P [oui XX:XX:XX] [uplink DEV|none]");
	nsw_nic_open(&n, argv[1]);
	nsw_parse_args(argc, argv, 2, &a, "pf set", "pf oui uplink");
	nsw_need_pf(&n, &a, "pf set");
	uint32_t k = a.pf, old_ifi = 0, ifi = 0;
	bpf_map_lookup_elem(n.fd_pf_dev, &k, &old_ifi);
	bool none = a.uplink && !strcmp(a.uplink, "none");
	if (a.uplink && !none) {
		ifi = nsw_arg_ifindex(a.uplink);
		struct nsw_port owner;
		const char *who = nsw_port_owner(n.meta.netns, ifi, &owner);
		if (who && !(owner.kind == NSW_PORT_UPLINK && owner.pf == a.pf && !strcmp(who, n.name)))
			nsw_fail("interface \"%s\" is already a port of NIC %s", a.uplink, who);
		struct nsw_link link;
		if (nsw_link_get(ifi, &link))
			nsw_fail("interface \"%s\": cannot read it over netlink", a.uplink);
		const char *why = nsw_link_not_uplink(&link);
		if (why)
			nsw_fail("pf set: \"%s\" is %s: an uplink is an Ethernet port (physical, veth, "
				 "tap, vxlan, bond, ...)", a.uplink, why);
	}
	/* Validate on a copy. */
	memcpy(&nsw_scratch, n.st, sizeof nsw_scratch);
	int e = nsw_pf_set(&nsw_scratch, a.pf, a.oui, a.uplink ? !none : -1);
	if (e == NSW_E_BUSY)
		nsw_fail("pf set: PF %u has VFs whose vMACs carry its OUI; delete them first", a.pf);
	if (e)
		nsw_core_fail(e, "pf set");
	if (a.uplink && ifi != old_ifi) {
		if (ifi) {
			struct nsw_port p = {NSW_PORT_UPLINK, (uint8_t)a.pf, 0};
			if (nsw_port_attach(&n, ifi, p, err, sizeof err))
				nsw_fail("uplink %s: %s", a.uplink, err);
		}
		if (bpf_map_update_elem(n.fd_pf_dev, &k, &ifi, 0)) {
			int se = errno;
			if (ifi)
				nsw_port_detach(&n, ifi);
			nsw_fail("pf set: cannot bind the uplink: %s", strerror(se));
		}
	}
	e = nsw_pf_set(n.st, a.pf, a.oui, a.uplink ? !none : -1);
	if (a.uplink && old_ifi && old_ifi != ifi)
		nsw_port_detach(&n, old_ifi);
	(void)e; /* validated above on the same state under the lock */
	nsw_nic_close(&n);
}

int nsw_cmd_pf(int argc, char **argv)
{
	static const char *const verbs[] = {"set", "show", NULL};
	if (argc >= 1)
		nsw_verb(&argv[0], verbs, "pf");
	if (argc >= 1 && nsw_matches(argv[0], "set")) {
		nsw_pf_set_cmd(argc, argv);
		return 0;
	}
	if (argc >= 1 && nsw_matches(argv[0], "show")) {
		char *av[] = {"show", argc > 1 ? argv[1] : NULL};
		return nsw_cmd_nic(argc > 1 ? 2 : 1, av);
	}
	nsw_fail("pf: unknown command \"%s\": set or show", argc ? argv[0] : "");
}

/* ---- vf ---- */

static void nsw_vf_add_cmd(int argc, char **argv)
{
	struct nsw_cli_nic n;
	struct nsw_vf_args a;
	struct nsw_link link;
	char err[160], macs[18];
	const char *usage = "usage: nswitch vf add NIC pf P vf V dev DEV [mac MAC] [qos PCP] "
			    "[spoofchk on|off]";
	if (argc < 2)
		nsw_fail("%s", usage);
	nsw_nic_open(&n, argv[1]);
	nsw_parse_args(argc, argv, 2, &a, "vf add", "pf vf dev mac qos spoofchk");
	nsw_need_pf(&n, &a, "vf add");
	if (!a.have_vf)
		nsw_fail("vf add: missing \"vf V\"");
	if (!a.dev)
		nsw_fail("vf add: missing \"dev DEV\"");
	uint32_t ifi = nsw_arg_ifindex(a.dev);
	struct nsw_port owner;
	const char *who = nsw_port_owner(n.meta.netns, ifi, &owner);
	if (who)
		nsw_fail("interface \"%s\" is already a port of NIC %s", a.dev, who);
	if (nsw_link_get(ifi, &link))
		nsw_fail("interface \"%s\": cannot read it over netlink", a.dev);
	const char *why = nsw_link_not_vf(&link);
	if (why)
		nsw_fail("vf add: \"%s\" is %s: a VF needs a veth or a tap (tun in TAP mode)", a.dev,
			 why);
	if (n.meta.mode == NSW_MODE_TC_PEER && strcmp(link.kind, "veth"))
		nsw_fail("vf add: mode tc-peer needs a veth, \"%s\" is %s", a.dev,
			 link.kind[0] ? link.kind : "not one");
	/* Validate on a copy: range, PF OUI, VF free, MAC unique, Table A room. */
	memcpy(&nsw_scratch, n.st, sizeof nsw_scratch);
	int e = nsw_vf_add(&nsw_scratch, a.pf, a.vf, a.mac, a.qos < 0 ? 0 : (unsigned)a.qos,
			   a.spoofchk != 0);
	if (e == NSW_E_BUSY)
		nsw_fail("vf add: VF %u,%u exists", a.pf, a.vf);
	if (e == NSW_E_EXISTS) {
		nsw_mac_format(a.mac, macs);
		nsw_fail("vf add: MAC %s is already in Table A", macs);
	}
	if (e)
		nsw_core_fail(e, "vf add");
	uint64_t vmac = nsw_scratch.vf[a.pf][a.vf] & NSW_MAC_MASK;
	nsw_mac_format(vmac, macs);
	/* The new VF starts clean, whatever an earlier one (or a crash) left on the slot. */
	nsw_vf_state_clear(&n, a.pf, a.vf, "vf add: stale state");

	bool veth = !strcmp(link.kind, "veth");
	/* 1. The device of the VF, then the port, then the registers; the VM's end gets its vMAC
	 * last, so a failure anywhere leaves the guest's interface untouched. */
	uint32_t slot = nsw_vf_slot(a.pf, a.vf), zero = 0;
	if (bpf_map_update_elem(n.fd_vf_dev, &slot, &ifi, 0))
		nsw_fail("vf add: cannot bind the device: %s", strerror(errno));
	struct nsw_port p = {NSW_PORT_VF, (uint8_t)a.pf, (uint16_t)a.vf};
	if (nsw_port_attach(&n, ifi, p, err, sizeof err)) {
		bpf_map_update_elem(n.fd_vf_dev, &slot, &zero, 0);
		nsw_fail("vf add: %s: %s", a.dev, err);
	}
	/* Fresh counters for a fresh VF. */
	nsw_counter_zero(n.fd_dev_stats, slot, NSW_NDEV, sizeof(struct nsw_dev_stats));
	e = nsw_vf_add(n.st, a.pf, a.vf, a.mac, a.qos < 0 ? 0 : (unsigned)a.qos, a.spoofchk != 0);
	if (e) { /* cannot happen: validated under the same lock */
		nsw_port_detach(&n, ifi);
		bpf_map_update_elem(n.fd_vf_dev, &slot, &zero, 0);
		nsw_core_fail(e, "vf add");
	}
	/* 2. The VM's end presents the vMAC, as a VF presents its assigned MAC to the guest. */
	if (veth) {
		int r = nsw_link_set_mac(link.peer_ifindex, link.peer_netnsid, vmac);
		if (r) {
			nsw_vf_del(n.st, a.pf, a.vf);
			nsw_port_detach(&n, ifi);
			bpf_map_update_elem(n.fd_vf_dev, &slot, &zero, 0);
			nsw_fail("vf add: cannot give %s's peer the vMAC %s: %s", a.dev, macs,
				 r == -ENOENT ? "its namespace has no name under /run/netns"
					      : strerror(-r));
		}
	}
	/* Drops at the VF's device from now on are counted by reason. */
	nsw_rx_drop_watch(&n);
	char rid[8];
	nsw_rid_format(nsw_vf_rid(a.pf, a.vf, nsw_nic_num_pfs(n.st)), rid);
	nsw_out_begin_obj(NULL);
	nsw_out_u64("pf", a.pf);
	nsw_out_u64("vf", a.vf);
	nsw_out_str("mac", macs);
	nsw_out_str("rid", rid);
	nsw_out_str("dev", a.dev);
	nsw_out_str("kind", link.kind);
	nsw_out_end_obj();
	nsw_out_finish();
	if (!strcmp(link.kind, "tun"))
		nsw_text("vf %u,%u mac %s rid %s on tap %s: start the VM with "
			 "-netdev tap,id=n0,ifname=%s,script=no,downscript=no "
			 "-device virtio-net-pci,netdev=n0,mac=%s\n",
			 a.pf, a.vf, macs, rid, a.dev, a.dev, macs);
	nsw_nic_close(&n);
}

static void nsw_vf_set_cmd(int argc, char **argv)
{
	struct nsw_cli_nic n;
	struct nsw_vf_args a;
	if (argc < 2)
		nsw_fail("usage: nswitch vf set NIC pf P vf V [mac MAC] [qos PCP] [spoofchk on|off]");
	nsw_nic_open(&n, argv[1]);
	nsw_parse_args(argc, argv, 2, &a, "vf set", "pf vf mac qos spoofchk");
	nsw_need_pf(&n, &a, "vf set");
	if (!a.have_vf)
		nsw_fail("vf set: missing \"vf V\"");
	memcpy(&nsw_scratch, n.st, sizeof nsw_scratch);
	int e = nsw_vf_set(&nsw_scratch, a.pf, a.vf, a.mac, a.qos, a.spoofchk);
	if (e == NSW_E_NOENT)
		nsw_fail("vf set: no VF %u,%u", a.pf, a.vf);
	if (e)
		nsw_core_fail(e, "vf set");
	if (a.mac) {
		uint32_t slot = nsw_vf_slot(a.pf, a.vf), ifi = 0;
		struct nsw_link link;
		bpf_map_lookup_elem(n.fd_vf_dev, &slot, &ifi);
		if (ifi && !nsw_link_get(ifi, &link) && !strcmp(link.kind, "veth")) {
			int r = nsw_link_set_mac(link.peer_ifindex, link.peer_netnsid, a.mac);
			if (r)
				nsw_fail("vf set: cannot give the VM's end the new MAC: %s",
					 strerror(-r));
		}
	}
	nsw_vf_set(n.st, a.pf, a.vf, a.mac, a.qos, a.spoofchk);
	nsw_nic_close(&n);
}

static void nsw_vf_del_cmd(int argc, char **argv)
{
	struct nsw_cli_nic n;
	struct nsw_vf_args a;
	if (argc < 2)
		nsw_fail("usage: nswitch vf del NIC pf P vf V");
	nsw_nic_open(&n, argv[1]);
	nsw_parse_args(argc, argv, 2, &a, "vf del", "pf vf");
	nsw_need_pf(&n, &a, "vf del");
	if (!a.have_vf)
		nsw_fail("vf del: missing \"vf V\"");
	if (!(n.st->vf[a.pf][a.vf] & NSW_VF_EN))
		nsw_fail("vf del: no VF %u,%u", a.pf, a.vf);
	/* Unreachable first (registers); then everything else the VF had, so the next VM on the
	 * slot inherits nothing, and its device last (nsw_vf_state_clear). */
	nsw_vf_del(n.st, a.pf, a.vf);
	nsw_vf_state_clear(&n, a.pf, a.vf, "vf del");
	nsw_nic_close(&n);
}

static void nsw_ifname(uint32_t ifi, char *dev)
{
	dev[0] = 0;
	if (ifi && !if_indextoname(ifi, dev))
		snprintf(dev, IF_NAMESIZE, "#%u", ifi);
}

static void nsw_vf_show_cmd(int argc, char **argv)
{
	struct nsw_cli_nic n;
	char mac[18], oui[9], rid[8], dev[IF_NAMESIZE];
	if (argc != 2)
		nsw_fail("usage: nswitch vf show NIC");
	nsw_nic_open(&n, argv[1]);
	unsigned npfs = nsw_nic_num_pfs(n.st);
	nsw_out_begin_arr(NULL);
	for (unsigned p = 0; p < npfs; p++)
		for (unsigned v = 0; v < NSW_MAX_VFS; v++) {
			uint64_t w = n.st->vf[p][v];
			if (!(w & NSW_VF_EN))
				continue;
			uint32_t slot = nsw_vf_slot(p, v), ifi = 0;
			bpf_map_lookup_elem(n.fd_vf_dev, &slot, &ifi);
			nsw_ifname(ifi, dev);
			nsw_mac_format(w & NSW_MAC_MASK, mac);
			nsw_oui_format((uint32_t)((w & NSW_MAC_MASK) >> 24), oui);
			nsw_rid_format(nsw_vf_rid(p, v, npfs), rid);
			unsigned qos = (unsigned)((w & NSW_VF_QOS_MASK) >> NSW_VF_QOS_SHIFT);
			bool spoof = w & NSW_VF_SPOOFCHK;
			nsw_out_begin_obj(NULL);
			nsw_out_u64("pf", p);
			nsw_out_u64("vf", v);
			nsw_out_str("rid", rid);
			nsw_out_str("mac", mac);
			nsw_out_str("group_oui", oui);
			nsw_out_str("dev", dev);
			nsw_out_u64("qos", qos);
			nsw_out_bool("spoofchk", spoof);
			nsw_out_end_obj();
			nsw_text("vf %u,%u rid %s mac %s dev %s qos %u spoofchk %s\n", p, v, rid,
				 mac, dev[0] ? dev : "none", qos, spoof ? "on" : "off");
		}
	nsw_out_end_arr();
	nsw_out_finish();
	nsw_nic_close(&n);
}

int nsw_cmd_vf(int argc, char **argv)
{
	if (argc < 1)
		nsw_fail("vf: missing command: add, set, del or show");
	static const char *const verbs[] = {"add", "set", "del", "show", NULL};
	nsw_verb(&argv[0], verbs, "vf");
	if (nsw_matches(argv[0], "add"))
		nsw_vf_add_cmd(argc, argv);
	else if (nsw_matches(argv[0], "set"))
		nsw_vf_set_cmd(argc, argv);
	else if (nsw_matches(argv[0], "del"))
		nsw_vf_del_cmd(argc, argv);
	else if (nsw_matches(argv[0], "show"))
		nsw_vf_show_cmd(argc, argv);
	else
		nsw_fail("vf: unknown command \"%s\": add, set, del or show", argv[0]);
	return 0;
}

/* ---- fdb ---- */

int nsw_cmd_fdb(int argc, char **argv)
{
	struct nsw_cli_nic n;
	char mac[18], dev[IF_NAMESIZE];
	if (argc != 2 || !nsw_matches(argv[0], "show"))
		nsw_fail("usage: nswitch fdb show NIC");
	nsw_nic_open(&n, argv[1]);
	nsw_out_begin_arr(NULL);
	for (unsigned b = 0; b < NSW_FDB_BUCKETS; b++)
		for (unsigned w = 0; w < NSW_FDB_WAYS; w++) {
			uint64_t e = n.st->fdb.slot[b][w];
			if (!(e & NSW_FDB_VALID))
				continue;
			unsigned p = nsw_fdb_slot_pf(e), v = nsw_fdb_slot_vf(e);
			uint32_t slot = nsw_vf_slot(p, v), ifi = 0;
			bpf_map_lookup_elem(n.fd_vf_dev, &slot, &ifi);
			nsw_ifname(ifi, dev);
			nsw_mac_format(e & NSW_MAC_MASK, mac);
			nsw_out_begin_obj(NULL);
			nsw_out_str("mac", mac);
			nsw_out_u64("pf", p);
			nsw_out_u64("vf", v);
			nsw_out_str("dev", dev);
			nsw_out_u64("bucket", b);
			nsw_out_end_obj();
			nsw_text("%s vf %u,%u dev %s\n", mac, p, v, dev[0] ? dev : "none");
		}
	nsw_out_end_arr();
	nsw_out_finish();
	nsw_nic_close(&n);
	return 0;
}

/* ---- stats ---- */

static void nsw_dev_stats_out(const char *what, const struct nsw_dev_stats *d)
{
	nsw_out_u64("from_pkts", d->from_pkts);
	nsw_out_u64("from_bytes", d->from_bytes);
	nsw_out_u64("to_pkts", d->to_pkts);
	nsw_out_u64("to_bytes", d->to_bytes);
	nsw_out_u64("drops", d->drops);
	nsw_text("    %-10s from %llu pkts %llu bytes, to %llu pkts %llu bytes, dropped %llu\n",
		 what, (unsigned long long)d->from_pkts, (unsigned long long)d->from_bytes,
		 (unsigned long long)d->to_pkts, (unsigned long long)d->to_bytes,
		 (unsigned long long)d->drops);
}

int nsw_cmd_stats(int argc, char **argv)
{
	struct nsw_cli_nic n;
	struct nsw_stats s;
	struct nsw_dev_stats d;
	char what[32];
	if (argc != 2 || !nsw_matches(argv[0], "show"))
		nsw_fail("usage: nswitch stats show NIC");
	nsw_nic_open(&n, argv[1]);
	if (nsw_stats_read(n.fd_stats, &s))
		nsw_fail("cannot read the counters of %s: out of memory", n.name);
	nsw_out_begin_obj(NULL);
	nsw_out_str("nic", n.name);
	nsw_text("nic %s\n  cases:", n.name);
	nsw_out_begin_obj("cases");
	for (unsigned c = 0; c < NSW_CASE_MAX; c++) {
		nsw_out_begin_obj(nsw_case_name(c));
		nsw_out_u64("pkts", s.case_pkts[c]);
		nsw_out_u64("bytes", s.case_bytes[c]);
		nsw_out_end_obj();
		nsw_text(" %s %llu pkts %llu bytes%s", nsw_case_name(c),
			 (unsigned long long)s.case_pkts[c], (unsigned long long)s.case_bytes[c],
			 c + 1 < NSW_CASE_MAX ? ";" : "\n");
	}
	nsw_out_end_obj();
	nsw_text("  actions:");
	nsw_out_begin_obj("actions");
	for (unsigned a = 0; a < 4; a++) {
		nsw_out_u64(nsw_action_name(a), s.action_pkts[a]);
		nsw_text(" %s %llu", nsw_action_name(a), (unsigned long long)s.action_pkts[a]);
	}
	nsw_out_end_obj();
	nsw_out_u64("inter_pf_pkts", s.inter_pf_pkts);
	nsw_out_u64("flood_copies", s.flood_copies);
	nsw_text("; inter-PF %llu; flood copies %llu\n  drops:",
		 (unsigned long long)s.inter_pf_pkts, (unsigned long long)s.flood_copies);
	nsw_out_begin_obj("drops");
	unsigned shown = 0;
	for (unsigned r = 1; r < NSW_DROP_MAX; r++) {
		nsw_out_u64(nsw_drop_name(r), s.drop[r]);
		if (s.drop[r]) {
			nsw_text(" %s %llu", nsw_drop_name(r), (unsigned long long)s.drop[r]);
			shown++;
		}
	}
	nsw_text("%s\n  priority:", shown ? "" : " none");
	nsw_out_end_obj();
	nsw_out_begin_arr("prio_pkts");
	for (unsigned p = 0; p < 8; p++) {
		nsw_out_u64(NULL, s.prio_pkts[p]);
		nsw_text(" %u:%llu", p, (unsigned long long)s.prio_pkts[p]);
	}
	nsw_out_end_arr();
	nsw_text("\n");
	unsigned npfs = nsw_nic_num_pfs(n.st);
	nsw_out_begin_arr("pfs");
	for (unsigned p = 0; p < npfs; p++) {
		nsw_counter_sum(n.fd_dev_stats, NSW_NVF_SLOTS + p, NSW_NDEV, (uint64_t *)&d, sizeof d / 8);
		nsw_out_begin_obj(NULL);
		nsw_out_u64("pf", p);
		snprintf(what, sizeof what, "port %u", p);
		nsw_dev_stats_out(what, &d);
		nsw_out_end_obj();
	}
	nsw_out_end_arr();
	nsw_out_begin_arr("vfs");
	for (unsigned p = 0; p < npfs; p++)
		for (unsigned v = 0; v < NSW_MAX_VFS; v++) {
			if (!(n.st->vf[p][v] & NSW_VF_EN))
				continue;
			nsw_counter_sum(n.fd_dev_stats, nsw_vf_slot(p, v), NSW_NDEV, (uint64_t *)&d,
					sizeof d / 8);
			nsw_out_begin_obj(NULL);
			nsw_out_u64("pf", p);
			nsw_out_u64("vf", v);
			snprintf(what, sizeof what, "vf %u,%u", p, v);
			nsw_dev_stats_out(what, &d);
			nsw_out_end_obj();
		}
	nsw_out_end_arr();
	nsw_out_end_obj();
	nsw_out_finish();
	nsw_nic_close(&n);
	return 0;
}
