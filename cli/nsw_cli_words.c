/* nsw_cli_words.c - the argument tables of nsw_cli_words.h. A word's range is the CLI's whole
 * range (PF 0..7, VF 0..255); whether the NIC has that PF or VF is the command's check. */
#include "nsw_cli_words.h"

#include "../core/nsw_types.h"

#define NSW_IFNAMSIZ 15 /* IFNAMSIZ less the NUL */
#define NSW_SECONDS_MAX 31536000ull /* a year */

static const char *const nsw_onoff[] = {"on", "off", NULL};
static const char *const nsw_modes[] = {"tc", "tc-peer", "xdp", NULL};
static const char *const nsw_cases[] = {"0", "1", "2", NULL};
static const char *const nsw_dir3[] = {"in", "out", "both", NULL};
static const char *const nsw_dir2[] = {"in", "out", NULL};
static const char *const nsw_miss[] = {"uplink", "drop", NULL}; /* index: NSW_PF_MISS_DROP */
static const char *const nsw_states[] = {"auto", "enable", "disable", NULL}; /* enum nsw_vf_state */
static const char *const nsw_vlan_protos[] = {"802.1Q", "802.1ad", NULL}; /* index: 802.1ad */

/* The words several commands take; REQ: whether the command needs it. */
#define W_PF(REQ) {.word = "pf", .kind = NSW_ARG_UINT, .max = NSW_MAX_PFS - 1, .meta = "P", \
		   .what = "PF number", .required = REQ}
#define W_VF(REQ) {.word = "vf", .kind = NSW_ARG_UINT, .max = NSW_MAX_VFS - 1, .meta = "V", \
		   .what = "VF number", .required = REQ}
#define W_DEV(WORD, META, REQ) {.word = WORD, .kind = NSW_ARG_STR, .max = NSW_IFNAMSIZ, \
				.meta = META, .what = "interface name", .required = REQ}
#define W_MAC {.word = "mac", .kind = NSW_ARG_MAC, .meta = "MAC", .what = "MAC address"}
#define W_QOS {.word = "qos", .kind = NSW_ARG_UINT, .max = 7, .meta = "PCP", \
	       .what = "priority (qos)"}
#define W_SPOOFCHK {.word = "spoofchk", .kind = NSW_ARG_ENUM, .choices = nsw_onoff, \
		    .meta = "on|off", .what = "spoofchk"}
/* A port VLAN as iproute2 spells it: vlan VID [qos PCP] [proto 802.1Q|802.1ad]; vlan 0 none. */
#define W_VLAN {.word = "vlan", .kind = NSW_ARG_UINT, .max = 4094, .meta = "VID", \
		.what = "VLAN ID"}
#define W_PROTO {.word = "proto", .kind = NSW_ARG_ENUM, .choices = nsw_vlan_protos, \
		 .meta = "802.1Q|802.1ad", .what = "VLAN protocol"}
#define W_OUI {.word = "oui", .kind = NSW_ARG_OUI, .meta = "XX:XX:XX", .what = "OUI"}
#define W_MISS {.word = "miss", .kind = NSW_ARG_ENUM, .choices = nsw_miss, .meta = "uplink|drop", \
		.what = "miss policy"}
#define W_STATE {.word = "state", .kind = NSW_ARG_ENUM, .choices = nsw_states, \
		 .meta = "auto|enable|disable", .what = "link state"}
#define W_DIR(CHOICES, META, REQ) {.word = "dir", .kind = NSW_ARG_ENUM, .choices = CHOICES, \
				   .meta = META, .what = "dir", .required = REQ}
#define W_FILE {.word = "file", .kind = NSW_ARG_STR, .max = 4095, .meta = "FILE", .what = "file"}

const struct nsw_arg_spec nsw_words_vf[NSW_W_VF_N] = {
	[NSW_W_PF] = W_PF(0),
	[NSW_W_VF] = W_VF(0),
	[NSW_W_DEV] = W_DEV("dev", "DEV", 0),
	[NSW_W_MAC] = W_MAC,
	[NSW_W_QOS] = W_QOS,
	[NSW_W_SPOOFCHK] = W_SPOOFCHK,
	[NSW_W_OUI] = W_OUI,
	[NSW_W_UPLINK] = W_DEV("uplink", "DEV", 0),
	[NSW_W_MISS] = W_MISS,
	[NSW_W_STATE] = W_STATE,
	[NSW_W_VLAN] = W_VLAN,
	[NSW_W_PROTO] = W_PROTO,
	[NSW_W_FOLLOW] = W_DEV("follow", "NAME", 0),
};

const struct nsw_arg_spec nsw_words_pf_set[NSW_W_VF_N] = {
	[NSW_W_PF] = W_PF(1),
	[NSW_W_OUI] = W_OUI,
	[NSW_W_UPLINK] = W_DEV("uplink", "DEV|none", 0),
	[NSW_W_MISS] = W_MISS,
	[NSW_W_FOLLOW] = W_DEV("follow", "NAME", 0),
};

const struct nsw_arg_spec nsw_words_vf_add[NSW_W_VF_N] = {
	[NSW_W_PF] = W_PF(1),
	/* auto: the lowest free VF of the PF, picked under the NIC's lock (callers that attach
	 * in parallel, like a CNI plugin, never race for a number). */
	[NSW_W_VF] = {.word = "vf", .kind = NSW_ARG_UINT, .max = NSW_MAX_VFS - 1, .meta = "V",
		      .what = "VF number", .required = 1, .auto_word = "auto"},
	[NSW_W_DEV] = W_DEV("dev", "DEV", 0),
	[NSW_W_MAC] = W_MAC,
	[NSW_W_QOS] = W_QOS,
	[NSW_W_SPOOFCHK] = W_SPOOFCHK,
	[NSW_W_STATE] = W_STATE,
	[NSW_W_VLAN] = W_VLAN,
	[NSW_W_PROTO] = W_PROTO,
	[NSW_W_FOLLOW] = W_DEV("follow", "NAME", 0),
};

const struct nsw_arg_spec nsw_words_vf_set[NSW_W_VF_N] = {
	[NSW_W_PF] = W_PF(1),
	[NSW_W_VF] = W_VF(1),
	[NSW_W_MAC] = W_MAC,
	[NSW_W_QOS] = W_QOS,
	[NSW_W_SPOOFCHK] = W_SPOOFCHK,
	[NSW_W_STATE] = W_STATE,
	[NSW_W_VLAN] = W_VLAN,
	[NSW_W_PROTO] = W_PROTO,
};

const struct nsw_arg_spec nsw_words_vf_del[NSW_W_VF_N] = {
	[NSW_W_PF] = W_PF(1),
	[NSW_W_VF] = W_VF(1),
};

const struct nsw_arg_spec nsw_words_nic_add[NSW_W_NIC_N] = {
	[NSW_W_NIC_PFS] = {.word = "pfs", .kind = NSW_ARG_UINT, .max = NSW_MAX_PFS, .meta = "N",
			   .what = "number of PFs"},
	[NSW_W_NIC_NETNS] = {.word = "netns", .kind = NSW_ARG_STR, .max = 255, .meta = "NETNS",
			     .what = "network namespace"},
	[NSW_W_NIC_MODE] = {.word = "mode", .kind = NSW_ARG_ENUM, .choices = nsw_modes,
			    .meta = "tc|tc-peer|xdp", .what = "mode"},
	[NSW_W_NIC_ID] = {.word = "id", .kind = NSW_ARG_UINT, .max = 31, .meta = "ID",
			  .what = "NIC id"},
};

const struct nsw_arg_spec nsw_words_capture[NSW_W_CAP_N] = {
	[NSW_W_CAP_PF] = W_PF(0),
	[NSW_W_CAP_VF] = W_VF(0),
	[NSW_W_CAP_OUI] = W_OUI,
	[NSW_W_CAP_CASE] = {.word = "case", .kind = NSW_ARG_ENUM, .choices = nsw_cases,
			    .meta = "0|1|2", .what = "case"},
	[NSW_W_CAP_DIR] = W_DIR(nsw_dir3, "in|out|both", 0),
	[NSW_W_CAP_SNAPLEN] = {.word = "snaplen", .kind = NSW_ARG_UINT, .max = 262144, .meta = "N",
			       .what = "snaplen"},
	[NSW_W_CAP_COUNT] = {.word = "count", .kind = NSW_ARG_UINT, .max = 0x7fffffff, .meta = "N",
			     .what = "count"},
	[NSW_W_CAP_DURATION] = {.word = "duration", .kind = NSW_ARG_SECONDS,
				.max = NSW_SECONDS_MAX, .meta = "S", .what = "duration"},
	[NSW_W_CAP_FILE] = {.word = "-w", .kind = NSW_ARG_STR, .max = 4095, .meta = "FILE",
			    .what = "file", .required = 1, .exact = 1},
};

const struct nsw_arg_spec nsw_words_qos[NSW_W_QOS_N] = {
	[NSW_W_QOS_PF] = W_PF(1),
	[NSW_W_QOS_VF] = W_VF(1),
	[NSW_W_QOS_RATE] = {.word = "rate", .kind = NSW_ARG_RATE, .meta = "RATE", .what = "rate"},
	[NSW_W_QOS_PPS] = {.word = "pps", .kind = NSW_ARG_UINT, .max = 100000000, .meta = "N",
			   .what = "pps"},
	[NSW_W_QOS_BURST] = {.word = "burst", .kind = NSW_ARG_UINT, .max = 1000000, .meta = "N",
			     .what = "burst (packets)"},
};

const struct nsw_arg_spec nsw_words_qos_del[NSW_W_QOS_N] = {
	[NSW_W_QOS_PF] = W_PF(1),
	[NSW_W_QOS_VF] = W_VF(1),
};

const struct nsw_arg_spec nsw_words_acl[NSW_W_ACL_N] = {
	[NSW_W_ACL_PF] = W_PF(1),
	[NSW_W_ACL_VF] = W_VF(1),
	[NSW_W_ACL_DIR] = W_DIR(nsw_dir2, "in|out", 0),
	[NSW_W_ACL_FILE] = W_FILE,
};

const struct nsw_arg_spec nsw_words_acl_replace[NSW_W_ACL_N] = {
	[NSW_W_ACL_PF] = W_PF(1),
	[NSW_W_ACL_VF] = W_VF(1),
	[NSW_W_ACL_DIR] = W_DIR(nsw_dir2, "in|out", 1),
	[NSW_W_ACL_FILE] = W_FILE,
};

const struct nsw_arg_spec nsw_words_acl_flush[NSW_W_ACL_N] = {
	[NSW_W_ACL_PF] = W_PF(1),
	[NSW_W_ACL_VF] = W_VF(1),
	[NSW_W_ACL_DIR] = W_DIR(nsw_dir2, "in|out", 1),
};

/* One VF's rules, or every VF's: pf and vf together or not at all. */
const struct nsw_arg_spec nsw_words_acl_show[NSW_W_ACL_N] = {
	[NSW_W_ACL_PF] = W_PF(0),
	[NSW_W_ACL_VF] = {.word = "vf", .kind = NSW_ARG_UINT, .max = NSW_MAX_VFS - 1, .meta = "V",
			  .what = "VF number", .with_prev = 1},
};

const struct nsw_arg_spec nsw_words_mirror_add[NSW_W_MIR_N] = {
	[NSW_W_MIR_PF] = W_PF(1),
	[NSW_W_MIR_VF] = W_VF(0),
	[NSW_W_MIR_TO] = {.word = "to", .kind = NSW_ARG_VFREF, .meta = "pf P2 vf V2",
			  .what = "monitor VF", .required = 1},
	[NSW_W_MIR_DIR] = W_DIR(nsw_dir3, "in|out|both", 0),
};

const struct nsw_arg_spec nsw_words_mirror_del[NSW_W_MIR_N] = {
	[NSW_W_MIR_PF] = W_PF(1),
	[NSW_W_MIR_VF] = W_VF(0),
};

#define NSW_LAB_HOSTS_MAX 8 /* nswitch-lab's MAX_HOSTS; it refuses 0 */
static const char *const nsw_fabrics[] = {"bridge", "vxlan", NULL};

const struct nsw_arg_spec nsw_words_lab_up[NSW_W_LAB_N] = {
	[NSW_W_LAB_HOSTS] = {.word = "hosts", .kind = NSW_ARG_UINT, .max = NSW_LAB_HOSTS_MAX,
			     .meta = "N", .what = "hosts"},
	[NSW_W_LAB_FABRIC] = {.word = "fabric", .kind = NSW_ARG_ENUM, .choices = nsw_fabrics,
			      .meta = "bridge|vxlan", .what = "fabric"},
	[NSW_W_LAB_MODE] = {.word = "mode", .kind = NSW_ARG_ENUM, .choices = nsw_modes,
			    .meta = "tc|tc-peer|xdp", .what = "mode"},
};

const struct nsw_arg_spec nsw_words_lab_move[NSW_W_LAB_N] = {
	[NSW_W_LAB_HOST] = {.word = "host", .kind = NSW_ARG_UINT, .max = NSW_LAB_HOSTS_MAX,
			    .meta = "H", .what = "host", .required = 1},
};

const struct nsw_words_table nsw_words_all[] = {
	{"vf", nsw_words_vf, NSW_W_VF_N},
	{"nic add", nsw_words_nic_add, NSW_W_NIC_N},
	{"capture", nsw_words_capture, NSW_W_CAP_N},
	{"qos", nsw_words_qos, NSW_W_QOS_N},
	{"acl", nsw_words_acl, NSW_W_ACL_N},
};
const unsigned nsw_words_all_n = sizeof nsw_words_all / sizeof *nsw_words_all;

const struct nsw_words_table nsw_words_cmds[] = {
	{"nic add", nsw_words_nic_add, NSW_W_NIC_N},
	{"pf set", nsw_words_pf_set, NSW_W_VF_N},
	{"vf add", nsw_words_vf_add, NSW_W_VF_N},
	{"vf set", nsw_words_vf_set, NSW_W_VF_N},
	{"vf del", nsw_words_vf_del, NSW_W_VF_N},
	{"acl replace", nsw_words_acl_replace, NSW_W_ACL_N},
	{"acl flush", nsw_words_acl_flush, NSW_W_ACL_N},
	{"acl show", nsw_words_acl_show, NSW_W_ACL_N},
	{"mirror add", nsw_words_mirror_add, NSW_W_MIR_N},
	{"mirror del", nsw_words_mirror_del, NSW_W_MIR_N},
	{"capture", nsw_words_capture, NSW_W_CAP_N},
	{"qos set", nsw_words_qos, NSW_W_QOS_N},
	{"qos del", nsw_words_qos_del, NSW_W_QOS_N},
	{"lab up", nsw_words_lab_up, NSW_W_LAB_N},
	{"lab move", nsw_words_lab_move, NSW_W_LAB_N},
};
const unsigned nsw_words_cmds_n = sizeof nsw_words_cmds / sizeof *nsw_words_cmds;
