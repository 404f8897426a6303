/* nsw_cli_words.h - the words of every nswitch command that takes "word value" arguments, as
 * tables for nsw_args_parse (nsw_args.h): one place says what a command accepts, the parser
 * enforces it, the help's usage lines are written from it, and the argument fuzzer parses
 * against the same tables the CLI uses. Index names (NSW_W_*) let a command read its values by
 * word; the commands of one object share an index, each table leaving out (a hole, word NULL)
 * what its command does not take. Pure data; used by cli/ and tests/. */
#ifndef NSW_CLI_WORDS_H
#define NSW_CLI_WORDS_H

#include "nsw_args.h"

/* pf set, vf add, vf set, vf del: one index; nsw_words_vf has every word. */
enum { NSW_W_PF, NSW_W_VF, NSW_W_DEV, NSW_W_MAC, NSW_W_QOS, NSW_W_SPOOFCHK, NSW_W_OUI,
       NSW_W_UPLINK, NSW_W_MISS, NSW_W_STATE, NSW_W_VLAN, NSW_W_PROTO, NSW_W_FOLLOW, NSW_W_VF_N };
extern const struct nsw_arg_spec nsw_words_vf[NSW_W_VF_N];
extern const struct nsw_arg_spec nsw_words_pf_set[NSW_W_VF_N];
extern const struct nsw_arg_spec nsw_words_vf_add[NSW_W_VF_N];
extern const struct nsw_arg_spec nsw_words_vf_set[NSW_W_VF_N];
extern const struct nsw_arg_spec nsw_words_vf_del[NSW_W_VF_N];

enum { NSW_W_NIC_PFS, NSW_W_NIC_NETNS, NSW_W_NIC_MODE, NSW_W_NIC_ID, NSW_W_NIC_N };
extern const struct nsw_arg_spec nsw_words_nic_add[NSW_W_NIC_N];

enum { NSW_W_CAP_PF, NSW_W_CAP_VF, NSW_W_CAP_OUI, NSW_W_CAP_CASE, NSW_W_CAP_DIR,
       NSW_W_CAP_SNAPLEN, NSW_W_CAP_COUNT, NSW_W_CAP_DURATION, NSW_W_CAP_FILE, NSW_W_CAP_N };
extern const struct nsw_arg_spec nsw_words_capture[NSW_W_CAP_N];

/* qos set (nsw_words_qos), qos del. */
enum { NSW_W_QOS_PF, NSW_W_QOS_VF, NSW_W_QOS_RATE, NSW_W_QOS_PPS, NSW_W_QOS_BURST, NSW_W_QOS_N };
extern const struct nsw_arg_spec nsw_words_qos[NSW_W_QOS_N];
extern const struct nsw_arg_spec nsw_words_qos_del[NSW_W_QOS_N];

/* acl: nsw_words_acl has every word; replace, flush and show take their own. */
enum { NSW_W_ACL_PF, NSW_W_ACL_VF, NSW_W_ACL_DIR, NSW_W_ACL_FILE, NSW_W_ACL_N };
extern const struct nsw_arg_spec nsw_words_acl[NSW_W_ACL_N];
extern const struct nsw_arg_spec nsw_words_acl_replace[NSW_W_ACL_N];
extern const struct nsw_arg_spec nsw_words_acl_flush[NSW_W_ACL_N];
extern const struct nsw_arg_spec nsw_words_acl_show[NSW_W_ACL_N];

/* mirror add, mirror del. to: the monitor VF (NSW_ARG_VFREF). */
enum { NSW_W_MIR_PF, NSW_W_MIR_VF, NSW_W_MIR_TO, NSW_W_MIR_DIR, NSW_W_MIR_N };
extern const struct nsw_arg_spec nsw_words_mirror_add[NSW_W_MIR_N];
extern const struct nsw_arg_spec nsw_words_mirror_del[NSW_W_MIR_N];

/* lab up, lab move. */
enum { NSW_W_LAB_HOSTS, NSW_W_LAB_FABRIC, NSW_W_LAB_MODE, NSW_W_LAB_HOST, NSW_W_LAB_N };
extern const struct nsw_arg_spec nsw_words_lab_up[NSW_W_LAB_N];
extern const struct nsw_arg_spec nsw_words_lab_move[NSW_W_LAB_N];

/* A list of tables, for the fuzzer and the tests. */
struct nsw_words_table {
	const char *name;
	const struct nsw_arg_spec *spec;
	unsigned n;
};
/* The first tables: vf (every word), nic add, capture, qos set, acl (every word). */
extern const struct nsw_words_table nsw_words_all[];
extern const unsigned nsw_words_all_n;
/* Every command's table. */
extern const struct nsw_words_table nsw_words_cmds[];
extern const unsigned nsw_words_cmds_n;

#endif
