/* core_demo.c - the paper's Fig. 3 scenario decided by the core, frame by frame, with no kernel:
 * PF 0 owns OUI F0-F0-F0 and has the NIC's port; PF 1 owns F4-F4-F4; VMs 3 and 4 sit on VF 0,3 and
 * VF 0,4, VM 1 on VF 1,1. Prints each frame and its verdict (case, action, priority, path). */
#include <stdio.h>

#include "../core/nsw_ctl.h"
#include "../core/nsw_decide.h"
#include "../lib/nsw_frames.h"

static struct nsw_nic nic;

static void show(const char *what, struct nsw_port in, uint64_t dst, uint64_t src,
		 struct nsw_tag_spec tag)
{
	uint8_t buf[128];
	char d[18], s[18];
	struct nsw_frame f;
	struct nsw_verdict v;
	unsigned len = nsw_frame_build(buf, sizeof buf, dst, src, tag, NSW_NOTAG, 0x0800, 46);
	nsw_process(&nic, in, buf, len, &f, &v);
	nsw_mac_format(dst, d);
	nsw_mac_format(src, s);
	printf("%-34s %s -> %s  %-5s %-6s", what, s, d, nsw_case_name(v.ncase),
	       nsw_action_name(v.action));
	if (v.action == NSW_ACT_VF)
		printf(" VF %u,%u", v.pf, v.vf);
	else if (v.action == NSW_ACT_UPLINK)
		printf(" port of PF %u", v.pf);
	else if (v.action == NSW_ACT_FLOOD)
		printf(" PFs mask 0x%x + port %d", v.flood_mask, v.pf == NSW_NONE ? -1 : v.pf);
	else
		printf(" (%s)", nsw_drop_name(v.reason));
	printf("  prio %u%s\n", v.prio, v.inter_pf ? "  inter-PF" : "");
}

int main(void)
{
	nsw_nic_init(&nic, 0, 2);
	nsw_pf_set(&nic, 0, 0xf0f0f0, 1);
	nsw_pf_set(&nic, 1, 0xf4f4f4, 0);
	nsw_vf_add(&nic, 0, 3, 0, 0, true);
	nsw_vf_add(&nic, 0, 4, 0, 5, true);
	nsw_vf_add(&nic, 1, 1, 0, 0, true);
	uint64_t vm3 = nic.vf[0][3] & NSW_MAC_MASK, vm4 = nic.vf[0][4] & NSW_MAC_MASK;
	uint64_t vm1 = nic.vf[1][1] & NSW_MAC_MASK, ext = 0x001122334455ull;
	struct nsw_port vf03 = {NSW_PORT_VF, 0, 3}, vf04 = {NSW_PORT_VF, 0, 4};
	struct nsw_port vf11 = {NSW_PORT_VF, 1, 1}, port0 = {NSW_PORT_UPLINK, 0, 0};

	printf("Table A: %u entries; PF0 OUI f0:f0:f0 (port), PF1 OUI f4:f4:f4 (no port)\n\n",
	       nic.fdb.count);
	show("VM3 -> VM4 (same OUI)", vf03, vm4, vm3, NSW_NOTAG);
	show("VM4 -> VM3, default prio 5", vf04, vm3, vm4, NSW_NOTAG);
	show("VM3 -> VM4, 802.1p 7", vf03, vm4, vm3, NSW_CTAG(7, 10));
	show("VM3 -> VM1 (other PF)", vf03, vm1, vm3, NSW_NOTAG);
	show("VM3 -> external host", vf03, ext, vm3, NSW_NOTAG);
	show("VM1 -> external (PF1 has no port)", vf11, ext, vm1, NSW_NOTAG);
	show("external -> VM4", port0, vm4, ext, NSW_NOTAG);
	show("VM3 ARP broadcast", vf03, NSW_MAC_BCAST, vm3, NSW_NOTAG);
	show("VM3 -> unknown F0 vMAC", vf03, 0xf0f0f0000009ull, vm3, NSW_NOTAG);
	show("VM3 spoofing VM4", vf03, vm1, vm4, NSW_NOTAG);
	show("wire frame with VM3 as source", port0, vm4, vm3, NSW_NOTAG);
	return 0;
}
