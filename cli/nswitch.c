/* nswitch.c - the nswitch CLI: object then verb, like ip and bpftool. Owns option parsing, the
 * dispatch table and the help text; each object's commands live in their own module. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "nsw_cli.h"

static const char nsw_help[] =
	"Usage: nswitch [-j] [-p] [-n NETNS] OBJECT COMMAND [ARGS]\n"
	"\n"
	"A virtual SR-IOV NIC with the nSwitch of Bardgett and Zou: VMs attach as VFs, each PF owns\n"
	"a MAC OUI, and frames between VMs are switched by comparing source and destination OUI.\n"
	"\n"
	"  nswitch nic add NIC [pfs N] [netns NETNS] [mode tc|tc-peer|xdp]\n"
	"        Create NIC with N PFs (1..8, default 1), each with a distinct locally administered\n"
	"        OUI. Its host-side devices live in NETNS (default: -n, else the current one).\n"
	"        Modes: tc (default; clsact + bpf_redirect: works with the VMs' default offloads,\n"
	"        the egress qdisc sees the 802.1p priority), tc-peer (bpf_redirect_peer straight into\n"
	"        the VM: faster, veth only, bypasses the host-side egress qdisc), xdp (fastest;\n"
	"        needs tx checksum offload off and GRO on, set while the link is up, inside every\n"
	"        VM; a redirect the kernel refuses shows in its xdp tracepoints, not in stats).\n"
	"  nswitch nic del NIC          Remove NIC: every program, attachment, map and pin it made.\n"
	"  nswitch nic show [NIC]       NICs, their PFs (RID, OUI, uplink, VFs).\n"
	"  nswitch pf set NIC pf P [oui XX:XX:XX] [uplink DEV|none]\n"
	"        Give PF P an OUI (refused while it has VFs) or bind/unbind its physical port\n"
	"        (an Ethernet port: physical, veth, tap, vxlan, bond; not lo, a bridge, L3 tun).\n"
	"  nswitch vf add NIC pf P vf V dev DEV [mac MAC] [qos PCP] [spoofchk on|off]\n"
	"        Attach DEV (the host end of a VM's veth, or a tap) as VF P,V. Without mac, the\n"
	"        vMAC is the PF's OUI followed by P and V. A veth's VM end is given the vMAC; for a\n"
	"        tap the MAC to give QEMU is printed. qos: default 802.1p priority (0..7) of\n"
	"        untagged frames. spoofchk (default on): drop frames not sent from the vMAC.\n"
	"  nswitch vf set NIC pf P vf V [mac MAC] [qos PCP] [spoofchk on|off]\n"
	"  nswitch vf del NIC pf P vf V\n"
	"        Remove VF P,V and everything it had: ACLs, SPAN sessions from and to it (an ACL\n"
	"        rule mirroring to it becomes allow), QoS, a capture of it, counters.\n"
	"  nswitch vf show NIC          VFs: RID, vMAC, OUI group, device, settings.\n"
	"  nswitch fdb show NIC         Table A: vMAC -> VF.\n"
	"  nswitch stats show NIC       Counters per case, action, drop reason, priority, PF, VF.\n"
	"  nswitch acl replace NIC pf P vf V dir in|out [file FILE]\n"
	"        Replace VF P,V's rule set for frames it sends (in) or is given (out), atomically:\n"
	"        no frame is judged by half of an update. One rule per line (FILE or stdin; #\n"
	"        comments): prio N [src MAC[/MASK]] [dst MAC[/MASK]] [src-oui O] [dst-oui O]\n"
	"        [ethertype HEX] [vlan VID] [pcp N] [src-ip PREFIX] [dst-ip PREFIX]\n"
	"        [proto tcp|udp|icmp|icmpv6|sctp|N] [sport N] [dport N] [l4 fragment|unknown]\n"
	"        [to-pf P | to-vf P,V | to-uplink P|any]\n"
	"        action allow|drop|mirror [to P,V]. The lowest prio number that matches wins;\n"
	"        no match allows. Priorities unique; at most 256 rules and 8 distinct masks.\n"
	"        proto and ports are found behind IPv6 extension headers (hop-by-hop, routing,\n"
	"        destination options, fragment, AH) when the ports lie within 64 octets of the\n"
	"        IP header's start. A frame without them there (a fragment past the first, a\n"
	"        longer chain: \"l4 fragment\", \"l4 unknown\") matches no proto/port rule, and\n"
	"        is dropped (drop reason acl_l4_unknown) when such a rule comes before any rule\n"
	"        that matches it: put \"prio 1 l4 fragment action allow\" first to let\n"
	"        fragments through. to-pf P: the copy the NIC delivers to a VF of PF P (every\n"
	"        copy of a flood is judged alone); to-vf P,V: to that VF; to-uplink: the copy\n"
	"        that leaves by PF P's (any) port, which to-pf P does not match. dir in only.\n"
	"  nswitch acl flush NIC pf P vf V dir in|out\n"
	"  nswitch acl show NIC [pf P vf V]   Rules with a counter each.\n"
	"  nswitch mirror add NIC pf P [vf V] to pf P2 vf V2 [dir in|out|both]\n"
	"        SPAN: copy what VF P,V (or every VF of PF P) sends and/or is given to the\n"
	"        monitor VF P2,V2; the originals are delivered unchanged.\n"
	"  nswitch mirror del NIC pf P [vf V] ; nswitch mirror show NIC\n"
	"  nswitch capture NIC [pf P] [vf V] [oui XX:XX:XX] [case 0|1|2] [dir in|out|both]\n"
	"        [snaplen N] [count N] [duration S] -w FILE\n"
	"        Write matching frames as pcap (FILE - for standard output: | tshark -r -), VLAN\n"
	"        tags and PCP intact. dir in: frames the VF (or port) hands to the NIC; out: frames\n"
	"        delivered to it. Ends on count, duration, Ctrl-C, SIGTERM or SIGHUP, or when its\n"
	"        VF is deleted; reports frames lost. A killed capture is cleaned up by the next\n"
	"        command on the NIC.\n"
	"  nswitch qos set NIC pf P vf V [rate RATE] [pps N] [burst N]\n"
	"        Limit what VF P,V is given to RATE (8kbit..10tbit, e.g. 100mbit: an htb root qdisc\n"
	"        4e53: on its device, the 802.1p classes in strict priority under the rate) and/or\n"
	"        N packets/s (lower classes dropped first). Mode tc only. Refused when the device\n"
	"        has a root qdisc nswitch did not make.\n"
	"  nswitch qos del NIC pf P vf V   Remove VF P,V's limits (nswitch's qdisc only).\n"
	"  nswitch qos show NIC          Limits, and per 802.1p class what the scheduler sent.\n"
	"  nswitch lab up|down [mode M] A lab in network namespaces: NIC lab0 with 2 PFs, VMs\n"
	"        nsw-vm1, nsw-vm2 on PF 0 and nsw-vm3, nsw-vm4 on PF 1 (10.77.0.1-4/24), an external\n"
	"        host nsw-ext (10.77.0.100) on PF 0's uplink; host side in nsw-hv.\n"
	"  nswitch help\n"
	"\n"
	"Options: -j JSON output (errors too), -p pretty JSON, -n NETNS run in that namespace.\n"
	"Words may be shortened to a unique prefix (nswitch v sh lab0). Errors: one line on stderr,\n"
	"exit status 1, nothing changed. State lives under " NSW_PIN_ROOT "/NIC/ (bpftool map\n"
	"show pinned ...).\n";

/* libbpf's own warnings ("Exclusivity flag on" when a clsact exists, ...) are not errors of
 * ours: a failure reaches the user as nswitch's one line. NSW_DEBUG=1 shows them. */
static int nsw_libbpf_print(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	if (lvl == LIBBPF_WARN && getenv("NSW_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;
	libbpf_set_print(nsw_libbpf_print);
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "-json")) {
			nsw_json = true;
		} else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "-pretty")) {
			nsw_json = nsw_pretty = true;
		} else if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "-netns")) {
			if (i + 1 >= argc)
				nsw_fail("-n needs a network namespace");
			nsw_netns_opt = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(nsw_help, stdout);
			return 0;
		} else {
			nsw_fail("unknown option \"%s\" (nswitch help)", argv[i]);
		}
	}
	if (i >= argc) {
		if (nsw_json)
			nsw_fail("missing object: nic, pf, vf, fdb, stats, acl, mirror, capture, qos, lab or help");
		fputs(nsw_help, stderr);
		return 1;
	}
	static const char *const objs[] = {"help", "lab", "nic", "pf", "vf", "fdb", "stats", "acl",
					   "mirror", "capture", "qos", NULL};
	nsw_verb(&argv[i], objs, "nswitch");
	const char *obj = argv[i];
	int sub_argc = argc - i - 1;
	char **sub_argv = argv + i + 1;
	if (nsw_matches(obj, "help")) {
		fputs(nsw_help, stdout);
		return 0;
	}
	if (nsw_matches(obj, "lab"))
		return nsw_cmd_lab(sub_argc, sub_argv, argv[0]);
	/* Commands that name devices resolve them in -n's namespace; a NIC with a namespace of its
	 * own enters it when opened. */
	if (nsw_netns_opt)
		nsw_netns_enter(nsw_netns_opt);
	if (nsw_matches(obj, "nic"))
		return nsw_cmd_nic(sub_argc, sub_argv);
	if (nsw_matches(obj, "pf"))
		return nsw_cmd_pf(sub_argc, sub_argv);
	if (nsw_matches(obj, "vf"))
		return nsw_cmd_vf(sub_argc, sub_argv);
	if (nsw_matches(obj, "fdb"))
		return nsw_cmd_fdb(sub_argc, sub_argv);
	if (nsw_matches(obj, "stats"))
		return nsw_cmd_stats(sub_argc, sub_argv);
	if (nsw_matches(obj, "acl"))
		return nsw_cmd_acl(sub_argc, sub_argv);
	if (nsw_matches(obj, "mirror"))
		return nsw_cmd_mirror(sub_argc, sub_argv);
	if (nsw_matches(obj, "capture"))
		return nsw_cmd_capture(sub_argc, sub_argv);
	if (nsw_matches(obj, "qos"))
		return nsw_cmd_qos(sub_argc, sub_argv);
	nsw_fail("unknown object \"%s\": nic, pf, vf, fdb, stats, acl, mirror, capture, qos, lab or help", obj);
}
