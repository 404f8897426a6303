/* test_args_tables.c - every command's word table (cli/nsw_cli_words.c: nsw_words_cmds) through
 * the parser: each word given twice is refused naming it, an unknown word is refused naming
 * it, the usage line names every word; and the parser's table features the commands rely on:
 * holes (words a command leaves out of its object's index), a pair given together ([pf P vf
 * V]), and a VF named by four words (to pf P vf V). */
#include <stdio.h>
#include <string.h>

#include "nsw_test.h"
#include "../../cli/nsw_args.h"
#include "../../cli/nsw_cli_words.h"

static char err[256];

static int parse_line(const struct nsw_arg_spec *spec, unsigned n, struct nsw_arg_val *v,
		      const char *line)
{
	static char buf[512];
	char *argv[64];
	int argc = 0;
	snprintf(buf, sizeof buf, "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 64; t = strtok(NULL, " "))
		argv[argc++] = t;
	err[0] = 0;
	return nsw_args_parse(spec, n, argc, argv, v, err, sizeof err);
}

/* A value the word accepts, as words ("pf 1 vf 2" for a VF). */
static const char *good_value(const struct nsw_arg_spec *a)
{
	switch (a->kind) {
	case NSW_ARG_UINT:
		return "1";
	case NSW_ARG_MAC:
		return "02:00:00:00:00:01";
	case NSW_ARG_OUI:
		return "02:4e:00";
	case NSW_ARG_STR:
		return "x";
	case NSW_ARG_ENUM:
		return a->choices[0];
	case NSW_ARG_SECONDS:
		return "1";
	case NSW_ARG_RATE:
		return "1mbit";
	case NSW_ARG_VFREF:
		return "pf 1 vf 2";
	}
	return "?";
}

NSW_TEST(args_every_command_refuses_each_word_twice)
{
	struct nsw_arg_val v[NSW_ARGS_MAX];
	char line[256], want[64];
	CHECK(nsw_words_cmds_n >= 14);
	for (unsigned t = 0; t < nsw_words_cmds_n; t++) {
		const struct nsw_words_table *w = &nsw_words_cmds[t];
		for (unsigned i = 0; i < w->n; i++) {
			if (!w->spec[i].word)
				continue;
			const char *val = good_value(&w->spec[i]);
			snprintf(line, sizeof line, "%s %s %s %s", w->spec[i].word, val,
				 w->spec[i].word, val);
			snprintf(want, sizeof want, "\"%s\" given twice", w->spec[i].word);
			CHECK_EQ(parse_line(w->spec, w->n, v, line), -1);
			if (!strstr(err, want))
				printf("# %s: \"%s\" -> %s\n", w->name, line, err);
			CHECK(strstr(err, want) != NULL);
		}
	}
}

NSW_TEST(args_every_command_refuses_an_unknown_word)
{
	struct nsw_arg_val v[NSW_ARGS_MAX];
	for (unsigned t = 0; t < nsw_words_cmds_n; t++) {
		const struct nsw_words_table *w = &nsw_words_cmds[t];
		CHECK_EQ(parse_line(w->spec, w->n, v, "bogusword 1"), -1);
		CHECK(strstr(err, "unknown argument \"bogusword\"") != NULL);
	}
}

NSW_TEST(args_every_command_usage_names_its_words)
{
	char u[512], word[64];
	for (unsigned t = 0; t < nsw_words_cmds_n; t++) {
		const struct nsw_words_table *w = &nsw_words_cmds[t];
		nsw_args_usage(w->spec, w->n, u, sizeof u);
		for (unsigned i = 0; i < w->n; i++) {
			if (!w->spec[i].word)
				continue;
			snprintf(word, sizeof word, "%s %s", w->spec[i].word, w->spec[i].meta);
			CHECK(strstr(u, word) != NULL);
		}
	}
}

NSW_TEST(args_holes_are_not_words)
{
	struct nsw_arg_val v[NSW_W_VF_N];
	char u[256];
	/* vf set shares vf add's index but takes no dev. */
	CHECK_EQ(parse_line(nsw_words_vf_set, NSW_W_VF_N, v, "pf 0 vf 1 dev x"), -1);
	CHECK(strstr(err, "unknown argument \"dev\"") != NULL);
	CHECK_EQ(parse_line(nsw_words_vf_set, NSW_W_VF_N, v, "pf 0 vf 1 q 3"), 0);
	CHECK_EQ(v[NSW_W_QOS].u, 3);
	nsw_args_usage(nsw_words_vf_set, NSW_W_VF_N, u, sizeof u);
	CHECK(!strcmp(u, "pf P vf V [mac MAC] [qos PCP] [spoofchk on|off] [state auto|enable|disable] [vlan VID] [proto 802.1Q|802.1ad]"));
	nsw_args_usage(nsw_words_pf_set, NSW_W_VF_N, u, sizeof u);
	CHECK(!strcmp(u, "pf P [oui XX:XX:XX] [uplink DEV|none] [miss uplink|drop] [follow NAME]"));
	CHECK_EQ(parse_line(nsw_words_pf_set, NSW_W_VF_N, v, "pf 0 miss drop"), 0);
	CHECK_EQ(v[NSW_W_MISS].u, 1);
	CHECK_EQ(parse_line(nsw_words_vf_add, NSW_W_VF_N, v, "pf 0 dev x"), -1);
	CHECK(strstr(err, "missing \"vf V\"") != NULL);
	/* dev or follow: which one the command decides (vf add says "missing" when neither). */
	CHECK_EQ(parse_line(nsw_words_vf_add, NSW_W_VF_N, v, "pf 0 vf 1 follow tap3"), 0);
	CHECK(v[NSW_W_FOLLOW].set && !v[NSW_W_DEV].set);
}

NSW_TEST(args_pair_given_together)
{
	struct nsw_arg_val v[NSW_W_ACL_N];
	char u[256];
	nsw_args_usage(nsw_words_acl_show, NSW_W_ACL_N, u, sizeof u);
	CHECK(!strcmp(u, "[pf P vf V]"));
	CHECK_EQ(parse_line(nsw_words_acl_show, NSW_W_ACL_N, v, ""), 0);
	CHECK(!v[NSW_W_ACL_PF].set && !v[NSW_W_ACL_VF].set);
	CHECK_EQ(parse_line(nsw_words_acl_show, NSW_W_ACL_N, v, "pf 1 vf 2"), 0);
	CHECK_EQ(parse_line(nsw_words_acl_show, NSW_W_ACL_N, v, "pf 1"), -1);
	CHECK(strstr(err, "missing \"vf V\"") != NULL);
	CHECK_EQ(parse_line(nsw_words_acl_show, NSW_W_ACL_N, v, "vf 1"), -1);
	CHECK(strstr(err, "missing \"pf P\"") != NULL);
}

NSW_TEST(args_vf_named_by_four_words)
{
	struct nsw_arg_val v[NSW_W_MIR_N], b[NSW_W_MIR_N];
	char u[256];
	nsw_args_usage(nsw_words_mirror_add, NSW_W_MIR_N, u, sizeof u);
	CHECK(!strcmp(u, "pf P [vf V] to pf P2 vf V2 [dir in|out|both]"));
	CHECK_EQ(parse_line(nsw_words_mirror_add, NSW_W_MIR_N, v, "pf 0 to pf 7 vf 255 dir in"), 0);
	CHECK_EQ(v[NSW_W_MIR_TO].u, 7u << 16 | 255);
	CHECK(!v[NSW_W_MIR_VF].set);
	CHECK_EQ(parse_line(nsw_words_mirror_add, NSW_W_MIR_N, v, "pf 0 to pf 1"), -1);
	CHECK(strstr(err, "\"to\" needs \"pf P2 vf V2\"") != NULL);
	CHECK_EQ(parse_line(nsw_words_mirror_add, NSW_W_MIR_N, v, "pf 0 to vf 1 pf 2"), -1);
	CHECK(strstr(err, "\"to\" needs \"pf P vf V\"") != NULL);
	CHECK_EQ(parse_line(nsw_words_mirror_add, NSW_W_MIR_N, v, "pf 0 to pf 8 vf 1"), -1);
	CHECK(strstr(err, "PF number") != NULL);
	CHECK_EQ(parse_line(nsw_words_mirror_add, NSW_W_MIR_N, v, "pf 0 to pf 1 vf 256"), -1);
	CHECK(strstr(err, "VF number") != NULL);
	CHECK_EQ(parse_line(nsw_words_mirror_add, NSW_W_MIR_N, v, "pf 0"), -1);
	CHECK(strstr(err, "missing \"to pf P2 vf V2\"") != NULL);
	/* Written back, it parses to the same VF. */
	CHECK_EQ(parse_line(nsw_words_mirror_add, NSW_W_MIR_N, v, "pf 3 vf 4 to pf 1 vf 2"), 0);
	char *argv[16], buf[256];
	int argc = nsw_args_format(nsw_words_mirror_add, NSW_W_MIR_N, v, argv, 16, buf, sizeof buf);
	CHECK_EQ(argc, 9);
	CHECK_EQ(nsw_args_parse(nsw_words_mirror_add, NSW_W_MIR_N, argc, argv, b, err, sizeof err), 0);
	CHECK_EQ(b[NSW_W_MIR_TO].u, v[NSW_W_MIR_TO].u);
	CHECK_EQ(b[NSW_W_MIR_VF].u, 4);
}
