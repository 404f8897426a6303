/* nsw_vf_link.h - a VF's link state on its device, and the carrier of a PF's uplink followed:
 * what turns the registers' NSW_VF_LINK_DOWN bit (core/nsw_ctl.h: nsw_vf_set_state,
 * nsw_pf_set_carrier) into what the VM sees.
 * The data path drops by the bit alone; these functions make the VM's link agree with it: a
 * veth VF's host end is set down (so the VM's end reports NO-CARRIER, LOWERLAYERDOWN) and up
 * again; a tap VF's carrier is set off and on (QEMU does not pass a tap's carrier on to the
 * guest: its virtio link stays up unless QEMU's own set_link is used, so a guest behind a tap
 * sees its frames dropped, counted as vf_state_down, not a lost carrier).
 * Called by the CLI with the NIC open and locked (in its namespace): vf add, vf set state,
 * vf del and nic del (a link held down handed back up), pf set uplink, and the NIC's watcher
 * (cli/nsw_watch.c), which calls nsw_pf_carrier_follow on a link event of an uplink and
 * nsw_vf_link_apply on a device it attaches again. */
#ifndef NSW_VF_LINK_H
#define NSW_VF_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nsw_cli.h"

/* Puts VF (pf, vf)'s device up or down as its NSW_VF_LINK_DOWN bit says (nothing when it has
 * no device, or its device is gone and not unbound yet). 0, or a negative errno with a reason
 * in err. */
int nsw_vf_link_apply(struct nsw_cli_nic *n, unsigned pf, unsigned vf, char *err, size_t len);
/* The same on device ifi, up or down: what nic del uses to hand back a link held down. */
int nsw_vf_dev_link(uint32_t ifi, bool up, char *err, size_t len);
/* The devices of the VFs of PF pf whose bit differs from before[vf] (the VF words before a
 * change) follow it; a failure is a warning on stderr (the data path already drops by the
 * bit). Returns how many VFs changed. */
unsigned nsw_vf_links_sync(struct nsw_cli_nic *n, unsigned pf, const uint64_t *before);
/* Reads the carrier of PF pf's uplink (none: up), records it in the registers, and brings
 * the devices of its VFs in state auto in line. The function a link watcher calls. Returns
 * how many VFs changed, or -1 when the PF is not enabled. */
int nsw_pf_carrier_follow(struct nsw_cli_nic *n, unsigned pf);

#endif
