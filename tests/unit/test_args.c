/* test_args.c - the CLI's table-driven argument parser (cli/nsw_args.c) against the tables the
 * CLI uses (cli/nsw_cli_words.c): what a user may type, what is refused and why, and that the
 * words written back parse to the same values. */
#include "../../cli/nsw_args.h"
#include "../../cli/nsw_cli_words.h"
#include "../../core/nsw_types.h"
#include "nsw_test.h"

static char err[256];

static int parse(const struct nsw_arg_spec *spec, unsigned n, struct nsw_arg_val *v,
		 const char *line)
{
	static char buf[512];
	char *argv[32];
	int argc = 0;
	snprintf(buf, sizeof buf, "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 32; t = strtok(NULL, " "))
		argv[argc++] = t;
	err[0] = 0;
	return nsw_args_parse(spec, n, argc, argv, v, err, sizeof err);
}

#define VF nsw_words_vf, NSW_W_VF_N
#define CAP nsw_words_capture, NSW_W_CAP_N
#define QOS nsw_words_qos, NSW_W_QOS_N

NSW_TEST(args_decimal_only)
{
	struct nsw_arg_val v[NSW_W_VF_N];
	CHECK_EQ(parse(VF, v, "pf 1 vf 255 qos 7"), 0);
	CHECK_EQ(v[NSW_W_PF].u, 1);
	CHECK_EQ(v[NSW_W_VF].u, 255);
	CHECK(v[NSW_W_QOS].set && !v[NSW_W_MAC].set);
	CHECK_EQ(parse(VF, v, "vf 0"), 0);
	const char *bad[] = {"vf 010", "vf 0x10", "pf +1", "pf -1", "vf 256", "pf 8", "qos 8",
			     "vf 1a", "vf 99999999999999999999999", "vf 1.0"};
	for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
		CHECK_EQ(parse(VF, v, bad[i]), -1);
		CHECK(strstr(err, "decimal") != NULL);
	}
}

NSW_TEST(args_refuses_twice_unknown_ambiguous_missing)
{
	struct nsw_arg_val v[NSW_W_CAP_N];
	CHECK_EQ(parse(CAP, v, "-w f pf 0 pf 1"), -1);
	CHECK(strstr(err, "\"pf\" given twice") != NULL);
	CHECK_EQ(parse(CAP, v, "-w f p 0 pf 1"), -1); /* a prefix is the same word */
	CHECK(strstr(err, "given twice") != NULL);
	CHECK_EQ(parse(CAP, v, "-w f c 1"), -1); /* case or count */
	CHECK(strstr(err, "ambiguous argument \"c\"") != NULL);
	CHECK_EQ(parse(CAP, v, "-w f bogus 1"), -1);
	CHECK(strstr(err, "unknown argument \"bogus\"") != NULL);
	CHECK_EQ(parse(CAP, v, "-w f pf"), -1);
	CHECK(strstr(err, "\"pf\" needs a value") != NULL);
	CHECK_EQ(parse(CAP, v, "pf 1"), -1);
	CHECK(strstr(err, "missing \"-w FILE\"") != NULL);
	CHECK_EQ(parse(CAP, v, "-wx f"), -1); /* -w is exact */
	CHECK_EQ(parse(CAP, v, "-w f cas 2 co 5 di out"), 0);
	CHECK_EQ(v[NSW_W_CAP_CASE].u, 2);
	CHECK_EQ(v[NSW_W_CAP_COUNT].u, 5);
	CHECK_EQ(v[NSW_W_CAP_DIR].u, 1);
}

NSW_TEST(args_seconds_finite_and_exact)
{
	struct nsw_arg_val v[NSW_W_CAP_N];
	CHECK_EQ(parse(CAP, v, "-w f duration 1.5"), 0);
	CHECK_EQ(v[NSW_W_CAP_DURATION].u, 1500000000ull);
	CHECK_EQ(parse(CAP, v, "-w f duration 0.000000001"), 0);
	CHECK_EQ(v[NSW_W_CAP_DURATION].u, 1);
	const char *bad[] = {"nan", "inf", "-1", "0", "0.0", "1e3", "0x10", "1.", ".5", "1.0000000001",
			     "31536001", "01"};
	char line[64];
	for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(line, sizeof line, "-w f duration %s", bad[i]);
		CHECK_EQ(parse(CAP, v, line), -1);
		CHECK(strstr(err, "invalid duration") != NULL);
	}
}

NSW_TEST(args_rates_whole_bits)
{
	struct nsw_arg_val v[NSW_W_QOS_N];
	CHECK_EQ(parse(QOS, v, "pf 0 vf 1 rate 100mbit"), 0);
	CHECK_EQ(v[NSW_W_QOS_RATE].u, 100000000ull);
	CHECK_EQ(parse(QOS, v, "pf 0 vf 1 rate 1.5kbit"), 0);
	CHECK_EQ(v[NSW_W_QOS_RATE].u, 1500);
	CHECK_EQ(parse(QOS, v, "pf 0 vf 1 rate 2000000"), 0);
	CHECK_EQ(v[NSW_W_QOS_RATE].u, 2000000);
	CHECK_EQ(parse(QOS, v, "pf 0 vf 1 rate 1gbps"), 0);
	CHECK_EQ(v[NSW_W_QOS_RATE].u, 8000000000ull);
	const char *bad[] = {"0bit", "1.5bit", "nan", "1e6", "-5mbit", "5 mbit", "5furlongs",
			     "11tbit", "10001gbit", "1.0000000001gbit"};
	char line[64];
	for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(line, sizeof line, "pf 0 vf 1 rate %s", bad[i]);
		CHECK_EQ(parse(QOS, v, line), -1);
	}
	CHECK_EQ(parse(QOS, v, "rate 1mbit"), -1);
	CHECK(strstr(err, "missing \"pf P\"") != NULL);
}

NSW_TEST(args_macs_and_strings)
{
	struct nsw_arg_val v[NSW_W_VF_N];
	CHECK_EQ(parse(VF, v, "mac 02:00:00:00:00:01 dev eth0 spoofchk off oui f0:f0:f0"), 0);
	CHECK_EQ(v[NSW_W_MAC].u, 0x020000000001ull);
	CHECK(!strcmp(v[NSW_W_DEV].str, "eth0"));
	CHECK_EQ(v[NSW_W_SPOOFCHK].u, 1);
	CHECK_EQ(v[NSW_W_OUI].u, 0xf0f0f0);
	CHECK_EQ(parse(VF, v, "mac 01:00:5e:00:00:01"), -1);
	CHECK_EQ(parse(VF, v, "mac 00:00:00:00:00:00"), -1);
	CHECK_EQ(parse(VF, v, "dev abcdefghijklmnop"), -1); /* 16 > IFNAMSIZ - 1 */
	CHECK_EQ(parse(VF, v, "spoofchk maybe"), -1);
	CHECK(strstr(err, "on, off") != NULL);
}

NSW_TEST(args_format_round_trip)
{
	for (unsigned t = 0; t < nsw_words_all_n; t++) {
		const struct nsw_words_table *w = &nsw_words_all[t];
		struct nsw_arg_val a[NSW_ARGS_MAX], b[NSW_ARGS_MAX];
		const char *line = t == 0   ? "pf 3 vf 17 dev x mac 02:00:00:00:00:09 qos 0 spoofchk on"
				   : t == 1 ? "pfs 8 netns hv mode tc-peer"
				   : t == 2 ? "-w - pf 1 vf 2 oui 02:4e:00 case 0 dir both snaplen 64 "
					      "count 10 duration 0.25"
				   : t == 3 ? "pf 1 vf 2 rate 2.5mbps pps 100 burst 10"
					    : "pf 1 vf 2 dir out file /tmp/x";
		CHECK_EQ(parse(w->spec, w->n, a, line), 0);
		char *argv[64], buf[1024];
		int argc = nsw_args_format(w->spec, w->n, a, argv, 64, buf, sizeof buf);
		CHECK(argc > 0);
		CHECK_EQ(nsw_args_parse(w->spec, w->n, argc, argv, b, err, sizeof err), 0);
		for (unsigned i = 0; i < w->n; i++) {
			CHECK_EQ(a[i].set, b[i].set);
			CHECK_EQ(a[i].u, b[i].u);
			CHECK((a[i].str == NULL) == (b[i].str == NULL));
			CHECK(!a[i].str || !strcmp(a[i].str, b[i].str));
		}
	}
}

NSW_TEST(args_usage_from_the_table)
{
	char u[256];
	nsw_args_usage(nsw_words_qos, NSW_W_QOS_N, u, sizeof u);
	CHECK(!strcmp(u, "pf P vf V [rate RATE] [pps N] [burst N]"));
}

/* vf add takes "vf auto" (the value max + 1, which the command replaces by the lowest free
 * VF under the NIC's lock); no other table does, and it writes back as "auto". */
NSW_TEST(args_vf_auto)
{
	struct nsw_arg_val v[NSW_W_VF_N];
	CHECK_EQ(parse(nsw_words_vf_add, NSW_W_VF_N, v, "pf 1 vf auto dev x"), 0);
	CHECK_EQ(v[NSW_W_VF].u, NSW_MAX_VFS);
	char *out[NSW_ARGS_MAX * 2], buf[256];
	int c = nsw_args_format(nsw_words_vf_add, NSW_W_VF_N, v, out, NSW_ARGS_MAX * 2, buf,
				sizeof buf);
	CHECK_EQ(c, 6);
	CHECK(c == 6 && !strcmp(out[3], "auto"));
	CHECK_EQ(parse(nsw_words_vf_add, NSW_W_VF_N, v, "pf 1 vf autox dev x"), -1);
	CHECK(strstr(err, "0..255 or auto") != NULL);
	CHECK_EQ(parse(nsw_words_vf_del, NSW_W_VF_N, v, "pf 1 vf auto"), -1);
	CHECK_EQ(parse(VF, v, "vf auto"), -1);
}
