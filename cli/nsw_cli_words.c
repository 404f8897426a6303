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

const struct nsw_arg_spec nsw_words_vf[NSW_W_VF_N] = {
	[NSW_W_PF] = {"pf", NSW_ARG_UINT, NSW_MAX_PFS - 1, 0, "P", "PF number", 0, 0},
	[NSW_W_VF] = {"vf", NSW_ARG_UINT, NSW_MAX_VFS - 1, 0, "V", "VF number", 0, 0},
	[NSW_W_DEV] = {"dev", NSW_ARG_STR, NSW_IFNAMSIZ, 0, "DEV", "interface name", 0, 0},
	[NSW_W_MAC] = {"mac", NSW_ARG_MAC, 0, 0, "MAC", "MAC address", 0, 0},
	[NSW_W_QOS] = {"qos", NSW_ARG_UINT, 7, 0, "PCP", "priority (qos)", 0, 0},
	[NSW_W_SPOOFCHK] = {"spoofchk", NSW_ARG_ENUM, 0, nsw_onoff, "on|off", "spoofchk", 0, 0},
	[NSW_W_OUI] = {"oui", NSW_ARG_OUI, 0, 0, "XX:XX:XX", "OUI", 0, 0},
	[NSW_W_UPLINK] = {"uplink", NSW_ARG_STR, NSW_IFNAMSIZ, 0, "DEV", "interface name", 0, 0},
};

const struct nsw_arg_spec nsw_words_nic_add[NSW_W_NIC_N] = {
	[NSW_W_NIC_PFS] = {"pfs", NSW_ARG_UINT, NSW_MAX_PFS, 0, "N", "number of PFs", 0, 0},
	[NSW_W_NIC_NETNS] = {"netns", NSW_ARG_STR, 255, 0, "NETNS", "network namespace", 0, 0},
	[NSW_W_NIC_MODE] = {"mode", NSW_ARG_ENUM, 0, nsw_modes, "tc|tc-peer|xdp", "mode", 0, 0},
};

const struct nsw_arg_spec nsw_words_capture[NSW_W_CAP_N] = {
	[NSW_W_CAP_FILE] = {"-w", NSW_ARG_STR, 4095, 0, "FILE", "file", 1, 1},
	[NSW_W_CAP_PF] = {"pf", NSW_ARG_UINT, NSW_MAX_PFS - 1, 0, "P", "PF number", 0, 0},
	[NSW_W_CAP_VF] = {"vf", NSW_ARG_UINT, NSW_MAX_VFS - 1, 0, "V", "VF number", 0, 0},
	[NSW_W_CAP_OUI] = {"oui", NSW_ARG_OUI, 0, 0, "XX:XX:XX", "OUI", 0, 0},
	[NSW_W_CAP_CASE] = {"case", NSW_ARG_ENUM, 0, nsw_cases, "0|1|2", "case", 0, 0},
	[NSW_W_CAP_DIR] = {"dir", NSW_ARG_ENUM, 0, nsw_dir3, "in|out|both", "dir", 0, 0},
	[NSW_W_CAP_SNAPLEN] = {"snaplen", NSW_ARG_UINT, 262144, 0, "N", "snaplen", 0, 0},
	[NSW_W_CAP_COUNT] = {"count", NSW_ARG_UINT, 0x7fffffff, 0, "N", "count", 0, 0},
	[NSW_W_CAP_DURATION] = {"duration", NSW_ARG_SECONDS, NSW_SECONDS_MAX, 0, "S", "duration",
				0, 0},
};

const struct nsw_arg_spec nsw_words_qos[NSW_W_QOS_N] = {
	[NSW_W_QOS_PF] = {"pf", NSW_ARG_UINT, NSW_MAX_PFS - 1, 0, "P", "PF number", 1, 0},
	[NSW_W_QOS_VF] = {"vf", NSW_ARG_UINT, NSW_MAX_VFS - 1, 0, "V", "VF number", 1, 0},
	[NSW_W_QOS_RATE] = {"rate", NSW_ARG_RATE, 0, 0, "RATE", "rate", 0, 0},
	[NSW_W_QOS_PPS] = {"pps", NSW_ARG_UINT, 100000000, 0, "N", "pps", 0, 0},
	[NSW_W_QOS_BURST] = {"burst", NSW_ARG_UINT, 1000000, 0, "N", "burst (packets)", 0, 0},
};

const struct nsw_arg_spec nsw_words_acl[NSW_W_ACL_N] = {
	[NSW_W_ACL_PF] = {"pf", NSW_ARG_UINT, NSW_MAX_PFS - 1, 0, "P", "PF number", 1, 0},
	[NSW_W_ACL_VF] = {"vf", NSW_ARG_UINT, NSW_MAX_VFS - 1, 0, "V", "VF number", 1, 0},
	[NSW_W_ACL_DIR] = {"dir", NSW_ARG_ENUM, 0, nsw_dir2, "in|out", "dir", 0, 0},
	[NSW_W_ACL_FILE] = {"file", NSW_ARG_STR, 4095, 0, "FILE", "file", 0, 0},
};

const struct nsw_words_table nsw_words_all[] = {
	{"vf", nsw_words_vf, NSW_W_VF_N},
	{"nic add", nsw_words_nic_add, NSW_W_NIC_N},
	{"capture", nsw_words_capture, NSW_W_CAP_N},
	{"qos", nsw_words_qos, NSW_W_QOS_N},
	{"acl", nsw_words_acl, NSW_W_ACL_N},
};
const unsigned nsw_words_all_n = sizeof nsw_words_all / sizeof *nsw_words_all;
