/* nsw_cli_acl.c - the `acl` and `mirror` commands: per-VF rule sets, replaced atomically, and
 * SPAN sessions.
 * A replace parses and compiles the whole new set first (core/nsw_acl_ctl.c), writes it beside
 * the live one under a new generation, flips the VF's active word with one store, then removes
 * the old generation: a frame is judged by the old set or by the new one, never by a mix, and
 * any error before the flip leaves the live set as it was. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsw_acl_maps.h"
#include "nsw_cli.h"

static const struct {
	const char *name;
	uint8_t num;
} nsw_protos[] = {{"icmp", 1}, {"tcp", 6}, {"udp", 17}, {"icmpv6", 58}, {"sctp", 132}};

static void nsw_mac_mask_arg(const char *s, uint64_t *val, uint64_t *mask, int line)
{
	char a[64];
	snprintf(a, sizeof a, "%s", s);
	char *slash = strchr(a, '/');
	*mask = NSW_MAC_MASK;
	if (slash) {
		*slash = 0;
		if (nsw_mac_parse(slash + 1, mask))
			nsw_fail("rule %d: invalid MAC mask \"%s\"", line, slash + 1);
	}
	if (nsw_mac_parse(a, val))
		nsw_fail("rule %d: invalid MAC \"%s\"", line, a);
	*val &= *mask;
}

static void nsw_prefix_arg(const char *s, struct nsw_acl_rule *r, bool src, uint16_t *family,
			   int line)
{
	char a[80];
	snprintf(a, sizeof a, "%s", s);
	char *slash = strchr(a, '/');
	long plen = -1;
	if (slash) {
		*slash = 0;
		char *end;
		plen = strtol(slash + 1, &end, 10);
		if (*end || plen < 0)
			nsw_fail("rule %d: invalid prefix length in \"%s\"", line, s);
	}
	uint32_t *v = src ? r->val.sip : r->val.dip, *m = src ? r->mask.sip : r->mask.dip;
	uint8_t b[16];
	if (inet_pton(AF_INET, a, b) == 1) {
		if (plen > 32 || (*family && *family != 0x0800))
			nsw_fail("rule %d: invalid IPv4 prefix \"%s\"", line, s);
		*family = 0x0800;
		plen = plen < 0 ? 32 : plen;
		m[0] = plen ? ~0u << (32 - plen) : 0;
		v[0] = ((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]) & m[0];
	} else if (inet_pton(AF_INET6, a, b) == 1) {
		if (plen > 128 || (*family && *family != 0x86dd))
			nsw_fail("rule %d: invalid IPv6 prefix \"%s\"", line, s);
		*family = 0x86dd;
		plen = plen < 0 ? 128 : plen;
		for (int i = 0; i < 4; i++) {
			long bits = plen - 32 * i;
			m[i] = bits >= 32 ? ~0u : bits <= 0 ? 0 : ~0u << (32 - bits);
			v[i] = ((uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
				(uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3]) & m[i];
		}
	} else {
		nsw_fail("rule %d: invalid IP prefix \"%s\"", line, s);
	}
}

/* One rule from words; fails with the rule's line number. */
static void nsw_rule_parse(char **w, int nw, int line, struct nsw_acl_rule *r,
			   const struct nsw_nic *st)
{
	bool have_prio = false, have_action = false;
	uint16_t family = 0;
	*r = (struct nsw_acl_rule){0};
	for (int i = 0; i < nw; i++) {
		const char *k = w[i], *v = i + 1 < nw ? w[i + 1] : NULL;
		if (!strcmp(k, "action")) {
			if (!v)
				nsw_fail("rule %d: action needs allow, drop or mirror", line);
			have_action = true;
			if (!strcmp(v, "allow"))
				r->action = NSW_ACL_ALLOW;
			else if (!strcmp(v, "drop"))
				r->action = NSW_ACL_DROP;
			else if (!strcmp(v, "mirror")) {
				unsigned p, f;
				r->action = NSW_ACL_MIRROR;
				if (i + 3 >= nw || strcmp(w[i + 2], "to") ||
				    sscanf(w[i + 3], "%u,%u", &p, &f) != 2 || p >= NSW_MAX_PFS ||
				    f >= NSW_MAX_VFS)
					nsw_fail("rule %d: mirror needs \"to PF,VF\"", line);
				if (!(st->vf[p][f] & NSW_VF_EN))
					nsw_fail("rule %d: no VF %u,%u to mirror to", line, p, f);
				r->mirror_pf = (uint8_t)p;
				r->mirror_vf = (uint16_t)f;
				i += 2;
			} else
				nsw_fail("rule %d: unknown action \"%s\"", line, v);
			i++;
			continue;
		}
		if (!v)
			nsw_fail("rule %d: \"%s\" needs a value", line, k);
		i++;
		if (!strcmp(k, "prio")) {
			char *end;
			unsigned long p = strtoul(v, &end, 0);
			if (*end || !*v || p > 0xffffffful)
				nsw_fail("rule %d: invalid prio \"%s\"", line, v);
			r->prio = (uint32_t)p;
			have_prio = true;
		} else if (!strcmp(k, "src") || !strcmp(k, "dst")) {
			uint64_t val, mask;
			nsw_mac_mask_arg(v, &val, &mask, line);
			*(k[0] == 's' ? &r->val.src : &r->val.dst) = val;
			*(k[0] == 's' ? &r->mask.src : &r->mask.dst) = mask;
		} else if (!strcmp(k, "src-oui") || !strcmp(k, "dst-oui")) {
			uint32_t o;
			if (nsw_oui_parse(v, &o))
				nsw_fail("rule %d: invalid OUI \"%s\"", line, v);
			*(k[0] == 's' ? &r->val.src : &r->val.dst) = (uint64_t)o << 24;
			*(k[0] == 's' ? &r->mask.src : &r->mask.dst) = 0xffffff000000ull;
		} else if (!strcmp(k, "ethertype")) {
			char *end;
			unsigned long t = strtoul(v, &end, 16);
			if (*end || t < 0x600 || t > 0xffff)
				nsw_fail("rule %d: invalid ethertype \"%s\" (hex, >= 0600)", line, v);
			r->val.ethertype = (uint16_t)t;
			r->mask.ethertype = 0xffff;
		} else if (!strcmp(k, "vlan")) {
			char *end;
			unsigned long t = strtoul(v, &end, 0);
			if (*end || t > 4094)
				nsw_fail("rule %d: invalid vlan \"%s\" (0..4094)", line, v);
			r->val.vid = (uint16_t)(t | NSW_ACL_TAGGED);
			r->mask.vid = 0xffff & (0xfff | NSW_ACL_TAGGED);
		} else if (!strcmp(k, "pcp")) {
			char *end;
			unsigned long t = strtoul(v, &end, 0);
			if (*end || t > 7)
				nsw_fail("rule %d: invalid pcp \"%s\" (0..7)", line, v);
			r->val.pcp = (uint8_t)t;
			r->mask.pcp = 0xff;
			r->val.vid |= NSW_ACL_TAGGED;
			r->mask.vid |= NSW_ACL_TAGGED;
		} else if (!strcmp(k, "src-ip") || !strcmp(k, "dst-ip")) {
			nsw_prefix_arg(v, r, k[0] == 's', &family, line);
		} else if (!strcmp(k, "proto")) {
			unsigned long p = 256;
			for (size_t j = 0; j < sizeof nsw_protos / sizeof *nsw_protos; j++)
				if (!strcmp(v, nsw_protos[j].name))
					p = nsw_protos[j].num;
			if (p == 256) {
				char *end;
				p = strtoul(v, &end, 0);
				if (*end || p > 255)
					nsw_fail("rule %d: invalid proto \"%s\"", line, v);
			}
			r->val.proto = (uint8_t)p;
			r->mask.proto = 0xff;
		} else if (!strcmp(k, "sport") || !strcmp(k, "dport")) {
			char *end;
			unsigned long p = strtoul(v, &end, 0);
			if (*end || p > 65535)
				nsw_fail("rule %d: invalid port \"%s\"", line, v);
			*(k[0] == 's' ? &r->val.sport : &r->val.dport) = (uint16_t)p;
			*(k[0] == 's' ? &r->mask.sport : &r->mask.dport) = 0xffff;
		} else if (!strcmp(k, "l4")) {
			/* The policy words for frames whose L4 header is missing (core/nsw_acl.h). */
			if (!strcmp(v, "fragment"))
				r->val.l4 = NSW_ACL_L4_FRAG;
			else if (!strcmp(v, "unknown"))
				r->val.l4 = NSW_ACL_L4_LOST;
			else
				nsw_fail("rule %d: invalid l4 \"%s\" (fragment or unknown)", line, v);
			r->mask.l4 = 0xff;
		} else if (!strcmp(k, "to-pf") || !strcmp(k, "to-vf") || !strcmp(k, "to-uplink")) {
			/* The target of the copy being judged, from the decision (core/nsw_acl.h). */
			unsigned p, f = 0;
			char end;
			bool vf = k[3] == 'v', any = k[3] == 'u' && !strcmp(v, "any");
			if (!any && (vf ? sscanf(v, "%u,%u%c", &p, &f, &end) != 2
					: sscanf(v, "%u%c", &p, &end) != 1))
				nsw_fail("rule %d: %s needs %s", line, k,
					 vf ? "PF,VF" : k[3] == 'u' ? "a PF or any" : "a PF");
			if (!any && (p >= NSW_MAX_PFS || f >= NSW_MAX_VFS))
				nsw_fail("rule %d: invalid %s \"%s\"", line, k, v);
			if (r->mask.to_pf)
				nsw_fail("rule %d: one of to-pf, to-vf, to-uplink", line);
			r->val.to_pf = any ? NSW_ACL_TO_PORT
				     : (uint8_t)((k[3] == 'u' ? NSW_ACL_TO_PORT : NSW_ACL_TO_VF) | p);
			r->mask.to_pf = any ? NSW_ACL_TO_VF | NSW_ACL_TO_PORT : 0xff;
			if (vf) {
				r->val.to_vf = (uint16_t)f;
				r->mask.to_vf = 0xffff;
			}
		} else {
			nsw_fail("rule %d: unknown field \"%s\"", line, k);
		}
	}
	if (!have_prio)
		nsw_fail("rule %d: missing prio", line);
	if (!have_action)
		nsw_fail("rule %d: missing action", line);
	if ((r->mask.sport || r->mask.dport) && !r->mask.proto)
		nsw_fail("rule %d: ports need a proto (tcp, udp or sctp)", line);
	if (family) {
		if (r->mask.ethertype && r->val.ethertype != family)
			nsw_fail("rule %d: ethertype contradicts the IP prefixes", line);
		r->val.ethertype = family;
		r->mask.ethertype = 0xffff;
	}
}

struct nsw_acl_target {
	unsigned pf, vf, dir;
	uint32_t set; /* slot * 2 + dir */
};

static void nsw_acl_target_args(struct nsw_cli_nic *n, int argc, char **argv, int i,
				struct nsw_acl_target *t, bool need_dir, const char **file)
{
	bool have_pf = false, have_vf = false, have_dir = false;
	for (; i < argc; i += 2) {
		if (i + 1 >= argc)
			nsw_fail("acl: \"%s\" needs a value", argv[i]);
		if (nsw_matches(argv[i], "pf")) {
			t->pf = nsw_arg_uint("PF number", argv[i + 1], NSW_MAX_PFS - 1);
			have_pf = true;
		} else if (nsw_matches(argv[i], "vf")) {
			t->vf = nsw_arg_uint("VF number", argv[i + 1], NSW_MAX_VFS - 1);
			have_vf = true;
		} else if (nsw_matches(argv[i], "dir")) {
			if (strcmp(argv[i + 1], "in") && strcmp(argv[i + 1], "out"))
				nsw_fail("acl: invalid dir \"%s\": in or out", argv[i + 1]);
			t->dir = !strcmp(argv[i + 1], "out") ? NSW_ACL_OUT : NSW_ACL_IN;
			have_dir = true;
		} else if (file && nsw_matches(argv[i], "file")) {
			*file = argv[i + 1];
		} else {
			nsw_fail("acl: unknown argument \"%s\"", argv[i]);
		}
	}
	if (!have_pf || !have_vf)
		nsw_fail("acl: missing \"pf P vf V\"");
	if (need_dir && !have_dir)
		nsw_fail("acl: missing \"dir in|out\"");
	if (!(n->st->vf[t->pf][t->vf] & NSW_VF_EN))
		nsw_fail("acl: no VF %u,%u", t->pf, t->vf);
	t->set = (t->pf * NSW_MAX_VFS + t->vf) * 2 + t->dir;
}

static struct nsw_acl_rule nsw_rules[NSW_ACL_RULES];
static struct nsw_acl_hkey nsw_keys[NSW_ACL_IDS];
static struct nsw_acl_hval nsw_vals[NSW_ACL_IDS];

static void nsw_acl_replace(int argc, char **argv, bool flush)
{
	struct nsw_cli_nic n;
	struct nsw_acl_target t = {0};
	const char *file = NULL;
	if (argc < 2)
		nsw_fail("usage: nswitch acl replace NIC pf P vf V dir in|out [file FILE]");
	nsw_nic_open(&n, argv[1]);
	nsw_acl_target_args(&n, argc, argv, 2, &t, true, flush ? NULL : &file);
	int fd_active = nsw_nic_map(&n, "nsw_acl_active"), fd_sets = nsw_nic_map(&n, "nsw_acl_sets");
	int fd_rules = nsw_nic_map(&n, "nsw_acl_rules"), fd_hits = nsw_nic_map(&n, "nsw_acl_hits");

	/* Read the whole set; nsw_acl_install compiles it before touching anything. */
	unsigned nr = 0;
	if (!flush) {
		FILE *fp = !file || !strcmp(file, "-") ? stdin : fopen(file, "r");
		if (!fp)
			nsw_fail("acl: cannot read \"%s\": %s", file, strerror(errno));
		char line[1024];
		int ln = 0;
		while (fgets(line, sizeof line, fp)) {
			char *w[64];
			int nw = 0;
			ln++;
			char *hash = strchr(line, '#');
			if (hash)
				*hash = 0;
			for (char *tok = strtok(line, " \t\r\n"); tok && nw < 64; tok = strtok(NULL, " \t\r\n"))
				w[nw++] = tok;
			if (!nw)
				continue;
			if (nr == NSW_ACL_RULES)
				nsw_fail("acl: more than %d rules", NSW_ACL_RULES);
			nsw_rule_parse(w, nw, ln, &nsw_rules[nr++], n.st);
			if (t.dir == NSW_ACL_OUT && nsw_rules[nr - 1].mask.to_pf)
				nsw_fail("rule %d: to-pf, to-vf and to-uplink judge what a VF sends: "
					 "dir in only", ln);
		}
		if (fp != stdin)
			fclose(fp);
	}
	struct nsw_acl_maps m = {fd_active, fd_sets, fd_rules, fd_hits,
				 nsw_nic_map(&n, "nsw_features")};
	char err[256];
	unsigned ntuples = 0;
	if (nsw_acl_install(&m, t.set, nsw_rules, nr, &ntuples, err, sizeof err))
		nsw_fail("acl: %s", err);
	nsw_features_refresh(&n);
	nsw_text("acl vf %u,%u %s: %u rule%s in %u tuple%s\n", t.pf, t.vf,
		 t.dir == NSW_ACL_IN ? "in" : "out", nr, nr == 1 ? "" : "s", ntuples,
		 ntuples == 1 ? "" : "s");
	nsw_nic_close(&n);
}

static void nsw_rule_format(const struct nsw_acl_key *v, const struct nsw_acl_key *m,
			    char *out, size_t len)
{
	char a[64], b[20];
	size_t o = 0;
#define NSW_ADD(...) o += (size_t)snprintf(out + o, o < len ? len - o : 0, __VA_ARGS__)
	out[0] = 0;
	if (m->src) {
		nsw_mac_format(v->src, a);
		nsw_mac_format(m->src, b);
		NSW_ADD(" src %s/%s", a, b);
	}
	if (m->dst) {
		nsw_mac_format(v->dst, a);
		nsw_mac_format(m->dst, b);
		NSW_ADD(" dst %s/%s", a, b);
	}
	if (m->ethertype)
		NSW_ADD(" ethertype %04x", v->ethertype);
	if (m->vid & 0xfff)
		NSW_ADD(" vlan %u", v->vid & 0xfff);
	if (m->pcp)
		NSW_ADD(" pcp %u", v->pcp);
	for (int s = 0; s < 2; s++) {
		const uint32_t *vv = s ? v->dip : v->sip, *mm = s ? m->dip : m->sip;
		if (!(mm[0] | mm[1] | mm[2] | mm[3]))
			continue;
		int plen = 0;
		for (int i = 0; i < 4; i++)
			plen += __builtin_popcount(mm[i]);
		if (v->ethertype == 0x0800) {
			uint32_t x = htonl(vv[0]);
			inet_ntop(AF_INET, &x, a, sizeof a);
		} else {
			uint32_t x[4];
			for (int i = 0; i < 4; i++)
				x[i] = htonl(vv[i]);
			inet_ntop(AF_INET6, x, a, sizeof a);
		}
		NSW_ADD(" %s-ip %s/%d", s ? "dst" : "src", a, plen);
	}
	if (m->proto)
		NSW_ADD(" proto %u", v->proto);
	if (m->sport)
		NSW_ADD(" sport %u", v->sport);
	if (m->dport)
		NSW_ADD(" dport %u", v->dport);
	if (m->l4)
		NSW_ADD(" l4 %s", v->l4 == NSW_ACL_L4_FRAG ? "fragment" : "unknown");
	if (m->to_vf)
		NSW_ADD(" to-vf %u,%u", v->to_pf & (NSW_MAX_PFS - 1), v->to_vf);
	else if (m->to_pf && !(v->to_pf & NSW_ACL_TO_PORT))
		NSW_ADD(" to-pf %u", v->to_pf & (NSW_MAX_PFS - 1));
	else if (m->to_pf == 0xff)
		NSW_ADD(" to-uplink %u", v->to_pf & (NSW_MAX_PFS - 1));
	else if (m->to_pf)
		NSW_ADD(" to-uplink any");
#undef NSW_ADD
}

static void nsw_acl_show(int argc, char **argv)
{
	struct nsw_cli_nic n;
	if (argc < 2)
		nsw_fail("usage: nswitch acl show NIC [pf P vf V]");
	nsw_nic_open(&n, argv[1]);
	int fd_active = nsw_nic_map(&n, "nsw_acl_active"), fd_sets = nsw_nic_map(&n, "nsw_acl_sets");
	int fd_rules = nsw_nic_map(&n, "nsw_acl_rules"), fd_hits = nsw_nic_map(&n, "nsw_acl_hits");
	struct nsw_acl_target only = {0};
	bool filter = argc > 2;
	if (filter)
		nsw_acl_target_args(&n, argc, argv, 2, &only, false, NULL);
	nsw_out_begin_arr(NULL);
	for (uint32_t set = 0; set < NSW_NVF_SLOTS * 2; set++) {
		uint32_t word = 0, slot = set / 2;
		if (filter && set / 2 != only.set / 2)
			continue;
		if (bpf_map_lookup_elem(fd_active, &set, &word) || !(word & NSW_ACL_LIVE))
			continue;
		struct nsw_acl_set s;
		uint32_t sk = set * 2 + ((word & NSW_ACL_BUF) ? 1 : 0);
		if (bpf_map_lookup_elem(fd_sets, &sk, &s))
			continue;
		int nr = nsw_acl_collect(fd_rules, set, word & NSW_ACL_GEN_MASK, false, nsw_keys,
					 nsw_vals, NSW_ACL_IDS);
		/* By priority. */
		for (int i = 1; i < nr; i++)
			for (int j = i; j > 0 && nsw_vals[j - 1].prio > nsw_vals[j].prio; j--) {
				struct nsw_acl_hkey tk = nsw_keys[j];
				struct nsw_acl_hval tv = nsw_vals[j];
				nsw_keys[j] = nsw_keys[j - 1];
				nsw_vals[j] = nsw_vals[j - 1];
				nsw_keys[j - 1] = tk;
				nsw_vals[j - 1] = tv;
			}
		const char *dir = set % 2 ? "out" : "in";
		nsw_out_begin_obj(NULL);
		nsw_out_u64("pf", slot / NSW_MAX_VFS);
		nsw_out_u64("vf", slot % NSW_MAX_VFS);
		nsw_out_str("dir", dir);
		nsw_out_u64("generation", word & NSW_ACL_GEN_MASK);
		nsw_out_u64("tuples", s.ntuples);
		nsw_text("acl vf %u,%u %s: %d rules, %u tuples, generation %u\n", slot / NSW_MAX_VFS,
			 slot % NSW_MAX_VFS, dir, nr, s.ntuples, word & NSW_ACL_GEN_MASK);
		nsw_out_begin_arr("rules");
		for (int i = 0; i < nr; i++) {
			char text[512];
			struct nsw_acl_hit hit;
			nsw_counter_sum(fd_hits, nsw_vals[i].id, NSW_ACL_IDS, (uint64_t *)&hit,
					sizeof hit / 8);
			uint64_t pk = hit.pkts, by = hit.bytes;
			unsigned t = (nsw_keys[i].tgen & 15) % NSW_ACL_MASKS;
			nsw_rule_format(&nsw_vals[i].val, &s.t[t].mask, text, sizeof text);
			const char *act = nsw_vals[i].action == NSW_ACL_DROP ? "drop"
					  : nsw_vals[i].action == NSW_ACL_MIRROR ? "mirror" : "allow";
			nsw_out_begin_obj(NULL);
			nsw_out_u64("prio", nsw_vals[i].prio);
			nsw_out_str("match", text[0] ? text + 1 : "");
			nsw_out_str("action", act);
			nsw_out_u64("pkts", pk);
			nsw_out_u64("bytes", by);
			nsw_out_end_obj();
			nsw_text("    prio %u%s action %s", nsw_vals[i].prio, text, act);
			if (nsw_vals[i].action == NSW_ACL_MIRROR)
				nsw_text(" to %u,%u", nsw_vals[i].mirror_pf, nsw_vals[i].mirror_vf);
			nsw_text("  (%llu pkts, %llu bytes)\n", (unsigned long long)pk,
				 (unsigned long long)by);
		}
		nsw_out_end_arr();
		nsw_out_end_obj();
	}
	nsw_out_end_arr();
	nsw_out_finish();
	nsw_nic_close(&n);
}

int nsw_cmd_acl(int argc, char **argv)
{
	if (argc < 1)
		nsw_fail("acl: missing command: replace, flush or show");
	if (nsw_matches(argv[0], "replace"))
		nsw_acl_replace(argc, argv, false);
	else if (nsw_matches(argv[0], "flush"))
		nsw_acl_replace(argc, argv, true);
	else if (nsw_matches(argv[0], "show"))
		nsw_acl_show(argc, argv);
	else
		nsw_fail("acl: unknown command \"%s\": replace, flush or show", argv[0]);
	return 0;
}

/* ---- mirror ---- */

int nsw_cmd_mirror(int argc, char **argv)
{
	struct nsw_cli_nic n;
	if (argc < 2)
		nsw_fail("usage: nswitch mirror add|del|show NIC ...");
	bool add = nsw_matches(argv[0], "add"), del = nsw_matches(argv[0], "del");
	bool show = nsw_matches(argv[0], "show");
	if (!add && !del && !show)
		nsw_fail("mirror: unknown command \"%s\": add, del or show", argv[0]);
	nsw_nic_open(&n, argv[1]);
	int fd = nsw_nic_map(&n, "nsw_mirror");
	if (show) {
		nsw_out_begin_arr(NULL);
		for (uint32_t k = 0; k < NSW_NVF_SLOTS + NSW_MAX_PFS; k++) {
			uint32_t w = 0;
			if (bpf_map_lookup_elem(fd, &k, &w) || !w)
				continue;
			uint32_t t = (w & 0xffff) - 1;
			const char *dir = (w & NSW_MIRROR_IN) && (w & NSW_MIRROR_OUT) ? "both"
					  : (w & NSW_MIRROR_IN) ? "in" : "out";
			nsw_out_begin_obj(NULL);
			if (k < NSW_NVF_SLOTS) {
				nsw_out_u64("pf", k / NSW_MAX_VFS);
				nsw_out_u64("vf", k % NSW_MAX_VFS);
				nsw_text("vf %u,%u", k / NSW_MAX_VFS, k % NSW_MAX_VFS);
			} else {
				nsw_out_u64("pf", k - NSW_NVF_SLOTS);
				nsw_text("pf %u (all its VFs)", k - NSW_NVF_SLOTS);
			}
			nsw_out_str("to", "");
			nsw_out_u64("to_pf", t / NSW_MAX_VFS);
			nsw_out_u64("to_vf", t % NSW_MAX_VFS);
			nsw_out_str("dir", dir);
			nsw_out_end_obj();
			nsw_text(" -> vf %u,%u dir %s\n", t / NSW_MAX_VFS, t % NSW_MAX_VFS, dir);
		}
		nsw_out_end_arr();
		nsw_out_finish();
		nsw_nic_close(&n);
		return 0;
	}
	unsigned pf = 0, vf = 0, tpf = 0, tvf = 0, dir = NSW_MIRROR_IN | NSW_MIRROR_OUT;
	bool have_pf = false, have_vf = false, have_to = false;
	for (int i = 2; i < argc; i++) {
		if (nsw_matches(argv[i], "to")) {
			if (i + 4 >= argc || strcmp(argv[i + 1], "pf") || strcmp(argv[i + 3], "vf"))
				nsw_fail("mirror: \"to\" needs \"pf P vf V\"");
			tpf = nsw_arg_uint("PF number", argv[i + 2], NSW_MAX_PFS - 1);
			tvf = nsw_arg_uint("VF number", argv[i + 4], NSW_MAX_VFS - 1);
			have_to = true;
			i += 4;
			continue;
		}
		if (i + 1 >= argc)
			nsw_fail("mirror: \"%s\" needs a value", argv[i]);
		if (nsw_matches(argv[i], "pf")) {
			pf = nsw_arg_uint("PF number", argv[i + 1], NSW_MAX_PFS - 1);
			have_pf = true;
		} else if (nsw_matches(argv[i], "vf")) {
			vf = nsw_arg_uint("VF number", argv[i + 1], NSW_MAX_VFS - 1);
			have_vf = true;
		} else if (nsw_matches(argv[i], "dir")) {
			const char *d = argv[i + 1];
			dir = !strcmp(d, "in") ? NSW_MIRROR_IN : !strcmp(d, "out") ? NSW_MIRROR_OUT
				: !strcmp(d, "both") ? NSW_MIRROR_IN | NSW_MIRROR_OUT : 0;
			if (!dir)
				nsw_fail("mirror: invalid dir \"%s\": in, out or both", d);
		} else {
			nsw_fail("mirror: unknown argument \"%s\"", argv[i]);
		}
		i++;
	}
	if (!have_pf)
		nsw_fail("mirror: missing \"pf P\"");
	if (!(n.st->pf[pf] & NSW_PF_EN))
		nsw_fail("mirror: no PF %u", pf);
	if (have_vf && !(n.st->vf[pf][vf] & NSW_VF_EN))
		nsw_fail("mirror: no VF %u,%u", pf, vf);
	uint32_t k = have_vf ? pf * NSW_MAX_VFS + vf : NSW_NVF_SLOTS + pf, w = 0;
	if (del) {
		if (bpf_map_lookup_elem(fd, &k, &w) || !w)
			nsw_fail("mirror: no session on %s %u%s%u", have_vf ? "vf" : "pf", pf,
				 have_vf ? "," : "", have_vf ? vf : 0);
		w = 0;
		bpf_map_update_elem(fd, &k, &w, 0);
		nsw_features_refresh(&n);
		nsw_nic_close(&n);
		return 0;
	}
	if (!have_to)
		nsw_fail("mirror add: missing \"to pf P vf V\"");
	if (!(n.st->vf[tpf][tvf] & NSW_VF_EN))
		nsw_fail("mirror: no monitor VF %u,%u", tpf, tvf);
	if (have_vf && tpf == pf && tvf == vf)
		nsw_fail("mirror: the monitor VF cannot be the source of its own session");
	w = (tpf * NSW_MAX_VFS + tvf + 1) | dir;
	if (bpf_map_update_elem(fd, &k, &w, 0))
		nsw_fail("mirror: %s", strerror(errno));
	nsw_features_refresh(&n);
	nsw_nic_close(&n);
	return 0;
}
