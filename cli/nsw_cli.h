/* nsw_cli.h - what the modules of the nswitch CLI share: output (text or JSON), errors, the
 * open NIC, links. The CLI is the only writer of a NIC's pins, maps and attachments; every
 * command validates everything before its first change and undoes what it did on a failure, so
 * an error leaves the previous state intact. */
#ifndef NSW_CLI_H
#define NSW_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/nsw_maps.h"
#include "nsw_args.h"
#include "nsw_print.h" /* output: one print path for text and JSON */
#include "../core/nsw_ctl.h"

#define NSW_PIN_ROOT "/sys/fs/bpf/nswitch"
#define NSW_TC_HANDLE 0x4e53 /* 'NS' */
#define NSW_TC_PRIO 1

extern const char *nsw_netns_opt; /* -n */
/* "FILE:LINE: " while `nswitch -b` runs that line, else "": the start of nsw_fail's message. */
extern const char *nsw_fail_where;
/* True while `nswitch -b` runs a line without a here-document: its standard input is nothing,
 * and a command that reads one refuses rather than take it as empty. */
extern bool nsw_no_stdin;

/* Prints one line "nswitch: ..." (or {"error": "..."} under -j) and exits 1. */
__attribute__((noreturn, format(printf, 1, 2))) void nsw_fail(const char *fmt, ...);

/* ---- an open NIC ---- */
struct nsw_cli_nic {
	char name[16];
	char dir[128];
	int lock_fd;
	int fd_state, fd_ports, fd_vf_dev, fd_pf_dev, fd_stats, fd_dev_stats, fd_meta;
	int prog_tc, prog_xdp;
	struct nsw_nic *st; /* the mmapped registers */
	struct nsw_meta meta;
};

void nsw_nic_name_check(const char *name);
/* Opens NIC (fails with a one-line error if it does not exist), locks it against other CLIs,
 * and enters its network namespace. */
void nsw_nic_open(struct nsw_cli_nic *n, const char *name);
void nsw_nic_close(struct nsw_cli_nic *n);
/* Makes NIC name (npfs PFs, devices in netns, mode NSW_MODE_*, number id, or the lowest free
 * one when id < 0) out of sight and renames it into place; removes NIC name with everything it
 * made. Both fail with a one-line error. */
void nsw_nic_create(const char *name, unsigned npfs, const char *netns, unsigned mode, int id);
void nsw_nic_destroy(const char *name);
/* Recomputes the NIC's nsw_features word from its ACL, mirror, capture and QoS maps: call
 * after changing any of them. */
void nsw_features_refresh(struct nsw_cli_nic *n);
/* Clears the capture state a capture left when it died (kill -9): called whenever a NIC is
 * opened; true when there was such state (cli/nsw_cmd_capture.c). */
bool nsw_capture_stale_clear(struct nsw_cli_nic *n);
/* Lets other nswitch commands run while this one waits (a long capture), and back. */
void nsw_nic_unlock(struct nsw_cli_nic *n);
void nsw_nic_relock(struct nsw_cli_nic *n);
/* One of the NIC's other pinned maps (ACL, mirror, capture, QoS), by name; fails if missing. */
int nsw_nic_map(struct nsw_cli_nic *n, const char *name);
/* Removes everything the NIC keeps keyed by VF (pf, vf) but its registers: device binding,
 * ACLs, SPAN sessions from and to it, ACL mirrors to it, QoS, a capture filtered to it,
 * counters (cli/nsw_cli_life.c). why prefixes the notes it prints. */
void nsw_vf_state_clear(struct nsw_cli_nic *n, unsigned pf, unsigned vf, const char *why);
/* Mode tc's way to VF pf,vf (cli/nsw_cli_path.c): refresh sets NSW_VF_DEV_PEER in its
 * nsw_vf_path when its device allows the peer path (a veth, VM end elsewhere, nothing on its
 * egress), else clears it; off clears it (before something is put on the device's egress). */
void nsw_vf_path_refresh(struct nsw_cli_nic *n, unsigned pf, unsigned vf);
void nsw_vf_path_off(struct nsw_cli_nic *n, unsigned pf, unsigned vf);
/* Writes slot's nsw_vf_path to ifi (no peer bit; 0: no device), alongside nsw_vf_dev: 0 or
 * -errno (a NIC without the map: 0). */
int nsw_vf_path_bind(struct nsw_cli_nic *n, uint32_t slot, uint32_t ifi);
/* Makes sure the NIC counts the drops of the VFs' own devices (cli/nsw_cli_rxdrop.c). */
void nsw_rx_drop_watch(struct nsw_cli_nic *n);
/* Finishes what a killed command left on an open NIC: attachments and port entries of VFs
 * and uplinks its registers no longer (or not yet) name. Called by nsw_nic_open. */
void nsw_nic_repair(struct nsw_cli_nic *n);
/* Names of NICs, for show and for picking a free nic id. Returns the count. */
int nsw_nic_list(char names[][16], int max);

/* ---- attachments ---- */
/* Records the port, then adds a clsact if the device has none (recorded as the NIC's), then
 * the filter (and XDP in mode xdp); undoes what it did on an error. */
int nsw_port_attach(struct nsw_cli_nic *n, uint32_t ifindex, struct nsw_port port,
		    char *err, size_t errlen);
/* Removes the port record and, from the device, only what is provably the NIC's: its filter
 * (by program id) and the clsact if the NIC made it and nothing else is left on it. */
void nsw_port_detach(struct nsw_cli_nic *n, uint32_t ifindex);
/* The NIC (other than skip) that already uses ifindex as a port, or NULL. */
const char *nsw_port_owner(const char *netns, uint32_t ifindex, struct nsw_port *port);
/* What port of another NIC in self's namespace follows name (has or waits for a device of
 * that name), or NULL: pf set and vf add refuse such a name, as they refuse one a port of
 * self follows. The watcher does not ask: a device two NICs wait for goes to the first. */
const char *nsw_follower_elsewhere(const struct nsw_cli_nic *self, const char *name);

/* ---- links (netlink) ---- */
struct nsw_link {
	char kind[16];        /* "veth", "tun", ... or "" */
	uint32_t peer_ifindex; /* veth: the other end */
	int32_t peer_netnsid;  /* veth: netns id of the other end as seen from here, -1: same */
	uint64_t mac;
	bool up;
	bool carrier;      /* IFF_LOWER_UP: up, with a carrier */
	bool loopback;     /* IFF_LOOPBACK */
	uint16_t type;     /* ARPHRD_* */
	uint8_t tun_type;  /* kind "tun": IFF_TUN or IFF_TAP (IFLA_TUN_TYPE); else 0 */
	uint32_t master;   /* IFLA_MASTER: the bond, bridge or team it is a port of; 0: none */
	char name[16];     /* IFLA_IFNAME */
};
int nsw_link_get(uint32_t ifindex, struct nsw_link *l);
/* Why device ifindex is another's now (a port of a bridge, bond, team or VRF: the message
 * says how to release it); NULL if it has no master, or is gone, or could not be read (then
 * *unread is set: whether it has a master is not known). */
const char *nsw_link_owned(uint32_t ifindex, bool *unread);
/* True if no device has ifindex (any more): what tells "it went" from a failure of its own
 * when an attach to a device found by name fails. */
bool nsw_link_gone(uint32_t ifindex);
/* Why the device cannot be a VF (only a veth end or a tap carries a VM), or why it cannot be a
 * PF's uplink (an Ethernet port: physical, veth, tap, vxlan, bond, ...; not a loopback, an L3
 * device, the host's end of a software switch, or a device with a master: a port of a bridge,
 * bond, team or VRF is its master's); NULL when it can. */
const char *nsw_link_not_vf(const struct nsw_link *l);
const char *nsw_link_not_uplink(const struct nsw_link *l);
int nsw_link_set_mac(uint32_t ifindex, int32_t netnsid, uint64_t mac);
int nsw_link_set_up(uint32_t ifindex); /* in the current namespace; 0 or -errno */

/* ---- a VF's device, followed by name (cli/nsw_vf_dev.c) ---- */
/* A map of followed names (key -> char[IF_NAMESIZE]) pinned as pin in the NIC's directory, made
 * with entries keys if create and missing; -1 when there is none (the caller closes it). _get:
 * the name under key into name[IF_NAMESIZE], false if none; _set: records it (NULL or "":
 * erases; no map, nothing to erase), 0 or -errno. The VFs' and the uplinks' maps are these. */
int nsw_name_map(struct nsw_cli_nic *n, const char *pin, uint32_t entries, bool create);
bool nsw_name_map_get(struct nsw_cli_nic *n, const char *pin, uint32_t key, char *name);
int nsw_name_map_set(struct nsw_cli_nic *n, const char *pin, uint32_t entries, uint32_t key,
		     const char *name);
/* The NIC's map of followed names (slot -> char[IF_NAMESIZE]), made and pinned if create and
 * missing; -1 when there is none. The caller closes it. */
int nsw_vf_names(struct nsw_cli_nic *n, bool create);
/* The name VF pf,vf follows, into name[IF_NAMESIZE]; false if none. */
bool nsw_vf_name_get(struct nsw_cli_nic *n, unsigned pf, unsigned vf, char *name);
/* Records (name NULL or "": erases) the name VF pf,vf follows; 0 or -errno. */
int nsw_vf_name_set(struct nsw_cli_nic *n, unsigned pf, unsigned vf, const char *name);
/* What the single looks of nsw_vf_dev_why and nsw_pf_uplink_why return when the device they
 * read went after its name was looked up (or another device took the name): the name is
 * looked up again, at most NSW_WHY_TRIES - 1 times; then it is taken for a name not there yet (a
 * device made and deleted over and over is nobody's link; the watcher attaches it once it
 * stays). Compared by address, never printed. */
extern const char nsw_why_gone[];
#define NSW_WHY_TRIES 8
/* Why device *ifi (called name; 0: not there yet) cannot be VF pf,vf's device: another NIC's
 * or VF's port, the name another VF follows, not a veth or a tap (loopback, tun, bridge, bond,
 * a device with a master), not a veth in mode tc-peer; NULL when it can (then *link is read if
 * *ifi). A device that goes between the lookup of its name and the read of its attributes is
 * looked up again by name: *ifi is then the device of that name now, 0 if there is none
 * (callers that follow the name wait for it; the others say it is unknown). */
const char *nsw_vf_dev_why(struct nsw_cli_nic *n, unsigned pf, unsigned vf, uint32_t *ifi,
			   const char *name, struct nsw_link *link);
/* Binds ifi to VF pf,vf and attaches the NIC's programs (a tap is brought up); undoes itself
 * and returns -1 with the reason in err on failure. The VM's end's MAC is the caller's. */
int nsw_vf_attach(struct nsw_cli_nic *n, unsigned pf, unsigned vf, uint32_t ifi,
		  const struct nsw_link *link, char *err, size_t errlen);
/* Slot's device ifi unbound: the port entry goes, and what nswitch put on the device if it is
 * still here (renamed). The VF, its settings and the name it follows stay. */
void nsw_vf_unbind(struct nsw_cli_nic *n, uint32_t slot, uint32_t ifi);
/* True if the bound ifindex is gone from the NIC's namespace or now has another name. */
bool nsw_vf_dev_stale(uint32_t ifi, const char *name);
/* Every enabled VF with a followed name: a bound device gone (or renamed) is unbound (the VF
 * waits, frames to it count as no_device), a device of the name that exists is attached.
 * With masters, a bound device that has a master now (enslaved after it was attached) is
 * unbound too, and waits until it is released, as a device that comes enslaved does: its
 * master owns it. That costs a netlink read per bound device, so only the watcher asks, when a
 * device it follows was seen with a master; a bound device it cannot read then stays bound and
 * sets *unread (the check is not done: the caller asks again). Notes what it did to log (may
 * be NULL). Returns the number of changes. */
unsigned nsw_vf_follow(struct nsw_cli_nic *n, FILE *log, bool masters, bool *unread);

/* The enabled VF (other than skip_slot; NSW_NVF_SLOTS: none) that follows name, as its slot;
 * -1 if none. */
int nsw_vf_follower(struct nsw_cli_nic *n, const char *name, uint32_t skip_slot);

/* ---- a PF's uplink, followed by name (cli/nsw_pf_dev.c) ---- */
/* The NIC's map of the uplinks' names (pf -> char[IF_NAMESIZE]), made and pinned if create and
 * missing; -1 when there is none. The caller closes it. */
int nsw_pf_names(struct nsw_cli_nic *n, bool create);
/* The name PF pf's uplink follows, into name[IF_NAMESIZE]; false if none. */
bool nsw_pf_name_get(struct nsw_cli_nic *n, unsigned pf, char *name);
/* Records (name NULL or "": erases) the name PF pf's uplink follows; 0 or -errno. */
int nsw_pf_name_set(struct nsw_cli_nic *n, unsigned pf, const char *name);
/* The PF (other than skip_pf; NSW_MAX_PFS: none) whose uplink follows name; -1 if none. */
int nsw_pf_follower(struct nsw_cli_nic *n, const char *name, unsigned skip_pf);
/* Why device *ifi (called name; 0: not there yet) cannot be PF pf's uplink: another NIC's or
 * VF's port, the name a VF or another PF follows, not an Ethernet port, a device with a
 * master; NULL when it can (then *link is read if *ifi). A device that goes between the lookup
 * of its name and the read is looked up again, as nsw_vf_dev_why does (*ifi: 0 if none now). */
const char *nsw_pf_uplink_why(struct nsw_cli_nic *n, unsigned pf, uint32_t *ifi, const char *name,
			      struct nsw_link *link);
/* Attaches the NIC's programs to ifi as PF pf's port, then binds it in nsw_pf_dev; undoes
 * itself and returns -1 with the reason in err on failure. */
int nsw_pf_uplink_bind(struct nsw_cli_nic *n, unsigned pf, uint32_t ifi, char *err,
		       size_t errlen);
/* Every PF whose uplink follows a name: a bound device gone (or renamed) is unbound (the PF
 * waits, frames out by it count as no_device), a device of the name that exists is attached;
 * with masters, a bound device enslaved since is unbound too, and one it cannot read sets
 * *unread (as nsw_vf_follow does). The carrier is the caller's (nsw_pf_carrier_follow).
 * Returns the number of changes. */
unsigned nsw_pf_follow(struct nsw_cli_nic *n, FILE *log, bool masters, bool *unread);

/* ---- the watcher (cli/nsw_watch.c): one process per NIC, following its VFs' devices ---- */
/* Starts NIC's watcher unless one runs; returns its pid (0 with the reason in err if none
 * could be started). Called with no NIC open. */
int nsw_watch_start(const char *nic, char *err, size_t errlen);
/* Stops NIC's watcher if one runs and waits for it to end; true if one was running. */
bool nsw_watch_stop(const char *nic);
/* A network namespace name as iproute2 accepts one: no '/', not "." or "..", short enough
 * for the NIC's metadata. */
bool nsw_netns_name_ok(const char *name);
/* Enters /run/netns/NAME (network namespace only; bpffs stays reachable). */
void nsw_netns_enter(const char *name);

/* ---- argument parsing, iproute2 style ---- */
/* Replaces *arg, a unique prefix of one of words (NULL-terminated), by that word; fails when
 * the prefix fits more than one (the user meant one of them, nswitch cannot guess which); leaves
 * an unknown word for the caller to refuse. obj names the object in the error. */
void nsw_verb(char **arg, const char *const *words, const char *obj);
/* nsw_args_parse, failing with "CMD: reason" (one line, exit 1) on a refusal. */
void nsw_args_cli(const struct nsw_arg_spec *spec, unsigned n, int argc, char **argv,
		  struct nsw_arg_val *out, const char *cmd);
uint32_t nsw_arg_ifindex(const char *dev);
/* Fails with "unknown interface DEV" (in the -n namespace, if one was given). */
__attribute__((noreturn)) void nsw_fail_unknown_dev(const char *dev);

/* Removes all QoS state of VF pf,vf: nswitch's qdisc on its device (never another's) and its
 * packet-rate policer; does nothing when there is none. Best effort (a warning on stderr), for
 * `vf del`. Call with the NIC open (in its namespace), before the slot's nsw_qos record is
 * zeroed: the device of the rate is found through nsw_vf_dev, or, once the VF has lost its
 * device, through that record. */
void nsw_qos_vf_remove(struct nsw_cli_nic *n, unsigned pf, unsigned vf);
/* Removes nswitch's rate qdisc (htb 4e53:) from a device the NIC (pinned at nicdir) is letting
 * go of, if a VF's record names that device: a VF's rate must not outlive the NIC. */
void nsw_qos_dev_release(const char *nicdir, uint32_t ifindex);
/* VF pf,vf was given device ifi (named dev) again: the bit-rate limit recorded for it is made
 * on it. 0, or a negative errno with the reason in err. */
int nsw_qos_reattach(struct nsw_cli_nic *n, unsigned pf, unsigned vf, uint32_t ifi,
		     const char *dev, char *err, size_t errlen);

#endif
