/* test_cni.c - nswitch-cni's pure half (cni/nsw_cni_conf.c): which network configurations it
 * takes and refuses (and with which of the specification's codes), CNI_ARGS' MAC, the veth
 * names an attachment's key gives, IPAM results and prevResult read, the ADD result and the
 * error object written, and the NetworkAttachmentDefinitions of docs/cni-nad.yaml parsed as
 * written there. Runs from the repository's root (tests/run). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "../../cni/nsw_cni.h"
#include "nsw_test.h"

static int conf(const char *text, struct nsw_cni_conf *c, struct nsw_cni_err *e)
{
	memset(e, 0, sizeof *e);
	int r = nsw_cni_conf_parse(text, c, e);
	return r;
}

#define BASE "\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"nswitch\""

NSW_TEST(cni_conf_full)
{
	struct nsw_cni_conf c;
	struct nsw_cni_err e;
	int r = conf("{" BASE ",\"nic\":\"nic0\",\"pf\":3,\"mac\":\"02:4e:03:00:00:07\","
		      "\"vlan\":100,\"qos\":5,\"spoofchk\":false,\"rate\":\"100mbit\","
		      "\"acl\":{\"in\":\"/a\",\"out\":\"/b\"},\"ipam\":{\"type\":\"host-local\"},"
		      "\"runtimeConfig\":{\"mac\":\"02:4e:03:00:00:08\"},\"args\":{},"
		      "\"capabilities\":{\"mac\":true},\"nswitch\":\"/x/nswitch\"}",
		      &c, &e);
	CHECK_EQ(r, 0);
	CHECK(!strcmp(c.nic, "nic0"));
	CHECK_EQ(c.pf, 3);
	CHECK_EQ(c.mac, 0x024e03000007ull);
	CHECK_EQ(c.runtime_mac, 0x024e03000008ull);
	CHECK_EQ(c.vlan, 100);
	CHECK_EQ(c.qos, 5);
	CHECK_EQ(c.spoofchk, 0);
	CHECK(!strcmp(c.rate, "100mbit") && !strcmp(c.acl_in, "/a") && !strcmp(c.acl_out, "/b"));
	CHECK(!strcmp(c.ipam_type, "host-local") && !strcmp(c.nswitch, "/x/nswitch"));
	nsw_cni_conf_free(&c);
	CHECK_EQ(conf("{" BASE ",\"nic\":\"n\",\"pf\":0,\"acl\":\"/r\"}", &c, &e), 0);
	CHECK(!strcmp(c.acl_in, "/r") && !c.acl_out[0]);
	CHECK_EQ(c.vlan, -1);
	CHECK_EQ(c.qos, -1);
	CHECK_EQ(c.spoofchk, -1);
	CHECK(!c.ipam_type[0]);
	nsw_cni_conf_free(&c);
}

NSW_TEST(cni_conf_refused_with_the_specs_codes)
{
	static const struct {
		const char *text;
		int code;
		const char *why;
	} bad[] = {
		{"not json", NSW_CNI_E_DECODE, "network configuration"},
		{"[1]", NSW_CNI_E_DECODE, "not an object"},
		{"{\"cniVersion\":\"0.4.0\",\"name\":\"n\",\"type\":\"t\",\"nic\":\"a\",\"pf\":0}",
		 NSW_CNI_E_VERSION, "not supported"},
		{"{\"name\":\"n\",\"type\":\"t\",\"nic\":\"a\",\"pf\":0}", NSW_CNI_E_CONFIG, "cniVersion"},
		{"{\"cniVersion\":\"1.0.0\",\"type\":\"t\",\"nic\":\"a\",\"pf\":0}", NSW_CNI_E_CONFIG,
		 "\"name\""},
		{"{" BASE ",\"pf\":0}", NSW_CNI_E_CONFIG, "no \"nic\""},
		{"{" BASE ",\"nic\":\"a\"}", NSW_CNI_E_CONFIG, "no \"pf\""},
		{"{" BASE ",\"nic\":\"a b\",\"pf\":0}", NSW_CNI_E_CONFIG, "letters, digits"},
		{"{" BASE ",\"nic\":\"0123456789abcdef\",\"pf\":0}", NSW_CNI_E_CONFIG, "1 to 15"},
		{"{" BASE ",\"nic\":\"a\",\"pf\":8}", NSW_CNI_E_CONFIG, "\"pf\" must be"},
		{"{" BASE ",\"nic\":\"a\",\"pf\":\"0\"}", NSW_CNI_E_CONFIG, "\"pf\" must be"},
		{"{" BASE ",\"nic\":\"a\",\"pf\":0,\"vlan\":4095}", NSW_CNI_E_CONFIG, "\"vlan\""},
		{"{" BASE ",\"nic\":\"a\",\"pf\":0,\"vlan\":0}", NSW_CNI_E_CONFIG, "\"vlan\""},
		{"{" BASE ",\"nic\":\"a\",\"pf\":0,\"qos\":8}", NSW_CNI_E_CONFIG, "\"qos\""},
		{"{" BASE ",\"nic\":\"a\",\"pf\":0,\"spoofchk\":\"on\"}", NSW_CNI_E_CONFIG, "spoofchk"},
		{"{" BASE ",\"nic\":\"a\",\"pf\":0,\"mac\":\"03:00:00:00:00:01\"}", NSW_CNI_E_CONFIG,
		 "unicast"},
		{"{" BASE ",\"nic\":\"a\",\"pf\":0,\"mac\":\"02:00:00:00:00:0\"}", NSW_CNI_E_CONFIG,
		 "unicast"},
		{"{" BASE ",\"nic\":\"a\",\"pf\":0,\"rate\":\"1 gbit\"}", NSW_CNI_E_CONFIG, "rate"},
		{"{" BASE ",\"nic\":\"a\",\"pf\":0,\"acl\":{\"up\":\"/x\"}}", NSW_CNI_E_FIELD, "acl"},
		{"{" BASE ",\"nic\":\"a\",\"pf\":0,\"acl\":3}", NSW_CNI_E_CONFIG, "acl"},
		{"{" BASE ",\"nic\":\"a\",\"pf\":0,\"ipam\":{}}", NSW_CNI_E_CONFIG, "no \"type\""},
		{"{" BASE ",\"nic\":\"a\",\"pf\":0,\"ipam\":{\"type\":\"../x\"}}", NSW_CNI_E_CONFIG,
		 "not a path"},
		{"{" BASE ",\"nic\":\"a\",\"pf\":0,\"vlna\":5}", NSW_CNI_E_FIELD, "unknown key \"vlna\""},
		{"{" BASE ",\"nic\":\"a\",\"pf\":0,\"runtimeConfig\":{\"mac\":\"x\"}}", NSW_CNI_E_CONFIG,
		 "runtimeConfig.mac"},
	};
	for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct nsw_cni_conf c;
		struct nsw_cni_err e;
		int r = conf(bad[i].text, &c, &e);
		nsw_cni_conf_free(&c);
		if (r != -1 || e.code != bad[i].code || !strstr(e.msg, bad[i].why)) {
			char m[1024];
			snprintf(m, sizeof m, "%.300s: code %d msg \"%.300s\"", bad[i].text, e.code,
				 e.msg);
			nsw_test_fail(__FILE__, __LINE__, m);
			return;
		}
	}
}

NSW_TEST(cni_args_mac)
{
	uint64_t m;
	CHECK_EQ(nsw_cni_args_mac("IgnoreUnknown=1;MAC=02:4e:00:00:00:09;K8S_POD_NAME=p", &m), 0);
	CHECK_EQ(m, 0x024e00000009ull);
	CHECK_EQ(nsw_cni_args_mac("K8S_POD_NAME=p", &m), 0);
	CHECK_EQ(m, 0);
	CHECK_EQ(nsw_cni_args_mac(NULL, &m), 0);
	CHECK_EQ(nsw_cni_args_mac("MAC=01:00:00:00:00:01", &m), -1);
	CHECK_EQ(nsw_cni_args_mac("MAC=zz", &m), -1);
}

NSW_TEST(cni_names_from_the_key)
{
	char h1[16], p1[16], h2[16], p2[16];
	nsw_cni_names("net", "c0ffee", "eth0", h1, p1);
	CHECK_EQ(strlen(h1), 15);
	CHECK(!strncmp(h1, "nscn", 4) && !strncmp(p1, "nscp", 4) && !strcmp(h1 + 4, p1 + 4));
	nsw_cni_names("net", "c0ffee", "eth0", h2, p2);
	CHECK(!strcmp(h1, h2)); /* DEL finds what ADD made */
	nsw_cni_names("net", "c0ffee", "eth1", h2, p2);
	CHECK(strcmp(h1, h2));
	nsw_cni_names("net2", "c0ffee", "eth0", h2, p2);
	CHECK(strcmp(h1, h2));
	nsw_cni_names("ne", "tc0ffee", "eth0", h2, p2); /* the parts do not run together */
	CHECK(strcmp(h1, h2));
}

static const char *ipam_json =
	"{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.1.2.3/24\",\"gateway\":\"10.1.2.1\"},"
	"{\"address\":\"fd00::5/64\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.2.1\"},"
	"{\"dst\":\"10.9.0.0/16\"}],\"dns\":{\"nameservers\":[\"10.1.2.53\"]}}";

NSW_TEST(cni_ipam_result_read_and_result_written)
{
	struct nsw_cni_ipam r;
	struct nsw_cni_err e = {0};
	struct json_object *j = json_tokener_parse(ipam_json);
	CHECK(j != NULL);
	CHECK_EQ(nsw_cni_ipam_parse(j, &r, &e), 0);
	CHECK_EQ(r.n_ips, 2);
	CHECK_EQ(r.ips[0].family, AF_INET);
	CHECK_EQ(r.ips[0].plen, 24);
	CHECK(r.ips[0].have_gw && !r.ips[1].have_gw);
	CHECK_EQ(r.ips[1].family, AF_INET6);
	CHECK_EQ(r.ips[1].plen, 64);
	CHECK_EQ(r.n_routes, 2);
	CHECK(r.routes[0].plen == 0 && r.routes[0].have_gw && !r.routes[1].have_gw);
	struct nsw_cni_conf c;
	CHECK_EQ(conf("{" BASE ",\"nic\":\"a\",\"pf\":0}", &c, &e), 0);
	char *res = nsw_cni_result(&c, "nscnabc", 0x0a0000000001ull, "eth0", 0x024e00000003ull,
				   "/run/netns/x", j);
	struct json_object *o = json_tokener_parse(res), *v, *i1;
	CHECK(o != NULL);
	CHECK(json_object_object_get_ex(o, "cniVersion", &v) &&
	      !strcmp(json_object_get_string(v), "1.0.0"));
	CHECK(json_object_object_get_ex(o, "interfaces", &v) && json_object_array_length(v) == 2);
	i1 = json_object_array_get_idx(v, 1);
	CHECK(json_object_object_get_ex(i1, "sandbox", &v) &&
	      !strcmp(json_object_get_string(v), "/run/netns/x"));
	CHECK(json_object_object_get_ex(i1, "mac", &v) &&
	      !strcmp(json_object_get_string(v), "02:4e:00:00:00:03"));
	CHECK(json_object_object_get_ex(o, "ips", &v) && json_object_array_length(v) == 2);
	struct json_object *ip0 = json_object_array_get_idx(v, 0), *ix;
	CHECK(json_object_object_get_ex(ip0, "interface", &ix) && json_object_get_int(ix) == 1);
	CHECK(json_object_object_get_ex(o, "routes", &v) && json_object_array_length(v) == 2);
	CHECK(json_object_object_get_ex(o, "dns", &v) &&
	      json_object_object_get_ex(v, "nameservers", &v));
	/* Its own output read back as a prevResult: the container's interface, its MAC and
	 * both addresses. */
	struct nsw_cni_prev p;
	CHECK_EQ(nsw_cni_prev_parse(o, "eth0", &p, &e), 0);
	CHECK_EQ(p.mac, 0x024e00000003ull);
	CHECK_EQ(p.ipam.n_ips, 2);
	CHECK_EQ(nsw_cni_prev_parse(o, "eth1", &p, &e), -1);
	CHECK(strstr(e.msg, "no interface eth1") != NULL);
	json_object_put(o);
	free(res);
	json_object_put(j);
	nsw_cni_conf_free(&c);
}

NSW_TEST(cni_ipam_result_refused)
{
	const char *bad[] = {"{\"ips\":[{\"address\":\"10.1.2.3\"}]}",
			     "{\"ips\":[{\"address\":\"10.1.2.3/33\"}]}",
			     "{\"ips\":[{\"address\":\"10.1.2.3/24\",\"gateway\":\"fd00::1\"}]}",
			     "{\"routes\":[{\"dst\":\"x/0\"}]}", "{\"ips\":3}"};
	for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct nsw_cni_ipam r;
		struct nsw_cni_err e = {0};
		struct json_object *j = json_tokener_parse(bad[i]);
		CHECK(j != NULL);
		CHECK_EQ(nsw_cni_ipam_parse(j, &r, &e), -1);
		CHECK_EQ(e.code, NSW_CNI_E_IPAM);
		json_object_put(j);
	}
}

NSW_TEST(cni_error_object)
{
	struct nsw_cni_err e = {0};
	nsw_cni_fail(&e, 101, "first %d", 1);
	nsw_cni_fail(&e, 5, "second"); /* the first error is the one reported */
	char *s = nsw_cni_err_json(&e, "1.0.0");
	struct json_object *o = json_tokener_parse(s), *v;
	CHECK(o != NULL);
	CHECK(json_object_object_get_ex(o, "code", &v) && json_object_get_int(v) == 101);
	CHECK(json_object_object_get_ex(o, "msg", &v) && !strcmp(json_object_get_string(v), "first 1"));
	CHECK(json_object_object_get_ex(o, "cniVersion", &v));
	json_object_put(o);
	free(s);
}

/* The configs of docs/cni-nad.yaml, as Multus would pass them. */
NSW_TEST(cni_nad_configs_parse)
{
	FILE *f = fopen("docs/cni-nad.yaml", "r");
	CHECK(f != NULL);
	char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	int found = 0;
	for (char *p = buf; (p = strstr(p, "config: '")); found++) {
		p += 9;
		char *end = strchr(p, '\'');
		CHECK(end != NULL);
		*end = 0;
		struct nsw_cni_conf c;
		struct nsw_cni_err e;
		if (conf(p, &c, &e)) {
			nsw_test_fail(__FILE__, __LINE__, e.msg);
			return;
		}
		CHECK(!strcmp(c.nic, "nic0") && !strcmp(c.ipam_type, "host-local"));
		CHECK_EQ(c.pf, (unsigned)found);
		nsw_cni_conf_free(&c);
		p = end + 1;
	}
	CHECK_EQ(found, 2);
}
