/* nsw_ctl.h - the control side of the core: configuring PFs, VFs and Table A, and the text forms.
 *
 * Owns: every write to struct nsw_nic. Each function validates everything first and changes
 * nothing when it returns an error, so a caller never leaves a half-applied configuration.
 * Writes are single 64-bit release stores ordered so that a concurrent reader (the BPF data
 * path) never finds a Table A entry for a VF that is not enabled yet or any more.
 * Who may call it: the CLI (on the NIC state it has mmapped), the simulator, the tests.
 * Not for BPF: this is the configuration path, not the data path. No OS headers.
 */
#ifndef NSW_CTL_H
#define NSW_CTL_H

#include "nsw_types.h"

/* Default OUI of PF pf of NIC number nic_id (0..31): locally administered, unicast, distinct
 * per PF and per NIC, 02:4e:xx ('N'). */
uint32_t nsw_default_oui(unsigned nic_id, unsigned pf);
/* The automatic vMAC of VF (pf, vf): the PF's OUI, then the PF and the VF number. The paper's
 * VF 0,3 of a PF with OUI F0-F0-F0 gets f0:f0:f0:00:00:03. */
uint64_t nsw_auto_vmac(uint32_t oui, unsigned pf, unsigned vf);

/* A NIC with npfs (1..NSW_MAX_PFS) PFs, each enabled with its default OUI, no port, no VF. */
int nsw_nic_init(struct nsw_nic *nic, unsigned nic_id, unsigned npfs);
unsigned nsw_nic_num_pfs(const struct nsw_nic *nic);
unsigned nsw_pf_num_vfs(const struct nsw_nic *nic, unsigned pf);

/* oui < 0 keeps the OUI; uplink < 0 keeps the port setting. Changing the OUI of a PF with VFs
 * is refused (their vMACs carry the old one). */
int nsw_pf_set(struct nsw_nic *nic, unsigned pf, long oui, int uplink);

/* What PF pf does with a Table A miss in an OUI of this NIC: drop it (FDB_MISS), or (the
 * default) send it out of the port like any unknown unicast. */
int nsw_pf_set_miss_drop(struct nsw_nic *nic, unsigned pf, bool drop);

/* Enables VF (pf, vf) with vMAC mac (0: the automatic vMAC), default priority qos (0..7) and
 * spoof check, link state enable, and enters the vMAC in Table A. */
int nsw_vf_add(struct nsw_nic *nic, unsigned pf, unsigned vf, uint64_t mac, unsigned qos,
	       bool spoofchk);
/* The same with a port VLAN: vid 1..4094 (0: none), ad: its tag is an 802.1ad S-tag (else
 * 802.1Q). The VLAN is in place before the VF is enabled: no frame of the VF is ever switched
 * outside it. */
int nsw_vf_add_vlan(struct nsw_nic *nic, unsigned pf, unsigned vf, uint64_t mac, unsigned qos,
		    bool spoofchk, unsigned vid, bool ad);
/* Sets (vid 1..4094) or removes (vid 0) the port VLAN of an enabled VF; one store changes the
 * VLAN of a VF that has one. */
int nsw_vf_set_vlan(struct nsw_nic *nic, unsigned pf, unsigned vf, unsigned vid, bool ad);
/* Changes a VF's settings; mac 0, qos < 0, spoofchk < 0 keep the current value. */
int nsw_vf_set(struct nsw_nic *nic, unsigned pf, unsigned vf, uint64_t mac, int qos,
	       int spoofchk);
/* The port VLAN key (NSW_VLAN_*) of vid and ad, or -1 when vid is out of 0..4094. */
int nsw_vlan_key(unsigned vid, bool ad);
int nsw_vf_del(struct nsw_nic *nic, unsigned pf, unsigned vf);

/* Link state. nsw_vf_set_state sets VF (pf, vf)'s state (enum nsw_vf_state);
 * nsw_pf_set_carrier records whether PF pf's uplink has a carrier. Both recompute the
 * NSW_VF_LINK_DOWN bit the data path reads, for that VF or every VF of the PF (nsw_pf_set
 * does too, when the PF gains or loses its uplink). nsw_vf_link_eval is that bit's rule:
 * enable up, disable down, auto down only while the PF has an uplink without carrier. */
int nsw_vf_set_state(struct nsw_nic *nic, unsigned pf, unsigned vf, unsigned state);
int nsw_pf_set_carrier(struct nsw_nic *nic, unsigned pf, bool carrier);
bool nsw_vf_link_eval(uint64_t pf_word, uint64_t vf_word);
unsigned nsw_vf_state_of(uint64_t vf_word);
const char *nsw_vf_state_name(unsigned state); /* "auto", "enable", "disable" */

/* Table A directly: the VF's own vMAC is entered by nsw_vf_add; these also serve extra
 * unicast filters of a VF (a VM with several MACs) and the benchmarks. */
int nsw_fdb_add(struct nsw_fdb *t, uint64_t mac, unsigned pf, unsigned vf);
int nsw_fdb_del(struct nsw_fdb *t, uint64_t mac);

/* PCIe Routing IDs the SR-IOV way: PF pf is function pf on bus; VF v of PF pf is at
 * PF RID + First VF Offset + v * VF Stride, with the VFs of all PFs interleaved. */
#define NSW_PCI_BUS 0x03
#define NSW_FIRST_VF_OFFSET 0x80
uint16_t nsw_pf_rid(unsigned pf);
uint16_t nsw_vf_offset(unsigned pf, unsigned npfs);
uint16_t nsw_vf_stride(unsigned npfs);
uint16_t nsw_vf_rid(unsigned pf, unsigned vf, unsigned npfs);
/* "bb:dd.f" into buf[8]. */
void nsw_rid_format(uint16_t rid, char *buf);

/* Text forms. Parsers accept xx:xx:xx:xx:xx:xx or xx-xx-..., hex of either case, and
 * return 0 or -1; nothing is written on -1. Formatters write lower-case with colons. */
int nsw_mac_parse(const char *s, uint64_t *mac);
int nsw_oui_parse(const char *s, uint32_t *oui);
void nsw_mac_format(uint64_t mac, char *buf /* [18] */);
void nsw_oui_format(uint32_t oui, char *buf /* [9] */);

const char *nsw_drop_name(unsigned reason);
const char *nsw_case_name(unsigned ncase);
const char *nsw_action_name(unsigned action);
const char *nsw_strerror(int err);

#endif
