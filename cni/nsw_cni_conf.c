/* nsw_cni_conf.c - the pure half of nswitch-cni: the network configuration read and
 * validated, CNI_ARGS, the veth names derived from an attachment's key, IPAM results and
 * prevResult read, the ADD result and the error object written. JSON through json-c.
 * Invariants: no kernel call, no exit, no global state: the unit tests (tests/unit/test_cni.c)
 * drive every function here. A configuration is refused whole (a key we do not know, a value
 * of the wrong type or range) so a typo never attaches a container with a setting left out. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nsw_cni.h"

int nsw_cni_fail(struct nsw_cni_err *e, int code, const char *fmt, ...)
{
	if (e->code)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->code = code;
	return -1;
}

char *nsw_cni_err_json(const struct nsw_cni_err *e, const char *cni_version)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "cniVersion",
			       json_object_new_string(cni_version && *cni_version ? cni_version
										  : NSW_CNI_VERSION));
	json_object_object_add(o, "code", json_object_new_int(e->code));
	json_object_object_add(o, "msg", json_object_new_string(e->msg));
	if (e->details[0])
		json_object_object_add(o, "details", json_object_new_string(e->details));
	char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

bool nsw_cni_mac_parse(const char *s, uint64_t *mac)
{
	unsigned b[6];
	char end;
	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
				      &b[4], &b[5], &end) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		if (s[i * 3 + 2] != (i == 5 ? '\0' : ':'))
			return false;
	uint64_t m = 0;
	for (int i = 0; i < 6; i++)
		m = m << 8 | b[i];
	/* A container's address: unicast and not zero. */
	if (!m || (b[0] & 1))
		return false;
	*mac = m;
	return true;
}

void nsw_cni_mac_format(uint64_t mac, char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)(mac >> 40) & 0xff,
		 (unsigned)(mac >> 32) & 0xff, (unsigned)(mac >> 24) & 0xff,
		 (unsigned)(mac >> 16) & 0xff, (unsigned)(mac >> 8) & 0xff, (unsigned)mac & 0xff);
}

int nsw_cni_args_mac(const char *a, uint64_t *mac)
{
	*mac = 0;
	while (a && *a) {
		const char *end = strchr(a, ';');
		size_t n = end ? (size_t)(end - a) : strlen(a);
		if (n > 4 && !strncmp(a, "MAC=", 4)) {
			char v[32];
			if (n - 4 >= sizeof v)
				return -1;
			memcpy(v, a + 4, n - 4);
			v[n - 4] = 0;
			return nsw_cni_mac_parse(v, mac) ? 0 : -1;
		}
		a = end ? end + 1 : NULL;
	}
	return 0;
}

void nsw_cni_names(const char *net, const char *cid, const char *ifname, char host[16],
		   char peer[16])
{
	uint64_t h = 0xcbf29ce484222325ull;
	const char *parts[] = {net, cid, ifname};
	for (int p = 0; p < 3; p++) {
		for (const char *s = parts[p]; *s; s++)
			h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
		h = (h ^ 0xff) * 0x100000001b3ull; /* a separator no name contains */
	}
	snprintf(host, 16, "nscn%011llx", (unsigned long long)(h & 0xfffffffffffull));
	snprintf(peer, 16, "nscp%011llx", (unsigned long long)(h & 0xfffffffffffull));
}

static bool nsw_nic_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= 16)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* A string value of at most max-1 bytes into out; -1 with the error set otherwise. */
static int nsw_str(struct json_object *v, const char *key, char *out, size_t max,
		   struct nsw_cni_err *e)
{
	if (!json_object_is_type(v, json_type_string))
		return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "\"%s\" must be a string", key);
	const char *s = json_object_get_string(v);
	if (!*s || strlen(s) >= max)
		return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "\"%s\" must be 1 to %zu characters", key,
				    max - 1);
	snprintf(out, max, "%s", s);
	return 0;
}

static int nsw_int(struct json_object *v, const char *key, int lo, int hi, int *out,
		   struct nsw_cni_err *e)
{
	if (!json_object_is_type(v, json_type_int))
		return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "\"%s\" must be an integer %d..%d", key,
				    lo, hi);
	int64_t x = json_object_get_int64(v);
	if (x < lo || x > hi)
		return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "\"%s\" must be an integer %d..%d", key,
				    lo, hi);
	*out = (int)x;
	return 0;
}

static int nsw_mac_key(struct json_object *v, const char *key, uint64_t *mac,
		       struct nsw_cni_err *e)
{
	if (!json_object_is_type(v, json_type_string) ||
	    !nsw_cni_mac_parse(json_object_get_string(v), mac))
		return nsw_cni_fail(e, NSW_CNI_E_CONFIG,
				    "\"%s\" must be a unicast MAC address xx:xx:xx:xx:xx:xx", key);
	return 0;
}

/* Keys the specification defines for every plugin; we read some, accept the rest. */
static const char *const nsw_spec_keys[] = {"cniVersion", "cniVersions", "name", "type", "args",
					    "ipMasq", "dns", "capabilities", "disableCheck",
					    "disableGC", NULL};

static int nsw_conf_key(struct nsw_cni_conf *c, const char *k, struct json_object *v,
			struct nsw_cni_err *e)
{
	int x;
	if (!strcmp(k, "nic")) {
		if (nsw_str(v, k, c->nic, sizeof c->nic, e))
			return -1;
		if (!nsw_nic_name_ok(c->nic))
			return nsw_cni_fail(e, NSW_CNI_E_CONFIG,
					    "\"nic\" \"%s\": letters, digits, - and _ only", c->nic);
	} else if (!strcmp(k, "pf")) {
		if (nsw_int(v, k, 0, 7, &x, e))
			return -1;
		c->pf = (unsigned)x;
	} else if (!strcmp(k, "mac")) {
		return nsw_mac_key(v, k, &c->mac, e);
	} else if (!strcmp(k, "vlan")) {
		return nsw_int(v, k, 1, 4094, &c->vlan, e);
	} else if (!strcmp(k, "qos")) {
		return nsw_int(v, k, 0, 7, &c->qos, e);
	} else if (!strcmp(k, "spoofchk")) {
		if (!json_object_is_type(v, json_type_boolean))
			return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "\"spoofchk\" must be true or false");
		c->spoofchk = json_object_get_boolean(v);
	} else if (!strcmp(k, "rate")) {
		if (nsw_str(v, k, c->rate, sizeof c->rate, e))
			return -1;
		for (const char *s = c->rate; *s; s++)
			if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || *s == '.'))
				return nsw_cni_fail(e, NSW_CNI_E_CONFIG,
						    "\"rate\" \"%s\": a rate like 100mbit", c->rate);
	} else if (!strcmp(k, "acl")) {
		/* A file of rules for what the container sends, or {"in": FILE, "out": FILE}. */
		if (json_object_is_type(v, json_type_string))
			return nsw_str(v, k, c->acl_in, sizeof c->acl_in, e);
		if (!json_object_is_type(v, json_type_object))
			return nsw_cni_fail(e, NSW_CNI_E_CONFIG,
					    "\"acl\" must be a file name or {\"in\": FILE, \"out\": FILE}");
		json_object_object_foreach(v, dk, dv) {
			if (!strcmp(dk, "in") || !strcmp(dk, "out")) {
				if (nsw_str(dv, dk, dk[0] == 'i' ? c->acl_in : c->acl_out,
					    NSW_CNI_PATH_MAX, e))
					return -1;
			} else {
				return nsw_cni_fail(e, NSW_CNI_E_FIELD,
						    "\"acl\": unknown key \"%s\" (in, out)", dk);
			}
		}
	} else if (!strcmp(k, "nswitch")) {
		return nsw_str(v, k, c->nswitch, sizeof c->nswitch, e);
	} else if (!strcmp(k, "ipam")) {
		if (!json_object_is_type(v, json_type_object))
			return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "\"ipam\" must be an object");
		struct json_object *t;
		if (!json_object_object_get_ex(v, "type", &t))
			return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "\"ipam\" has no \"type\"");
		if (nsw_str(t, "ipam.type", c->ipam_type, sizeof c->ipam_type, e))
			return -1;
		if (strchr(c->ipam_type, '/') || c->ipam_type[0] == '.')
			return nsw_cni_fail(e, NSW_CNI_E_CONFIG,
					    "\"ipam.type\" \"%s\": a plugin name, not a path",
					    c->ipam_type);
	} else if (!strcmp(k, "runtimeConfig")) {
		if (!json_object_is_type(v, json_type_object))
			return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "\"runtimeConfig\" must be an object");
		struct json_object *m;
		if (json_object_object_get_ex(v, "mac", &m))
			return nsw_mac_key(m, "runtimeConfig.mac", &c->runtime_mac, e);
	} else if (!strcmp(k, "prevResult")) {
		if (!json_object_is_type(v, json_type_object))
			return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "\"prevResult\" must be an object");
		c->prev_result = v;
	} else {
		for (int i = 0; nsw_spec_keys[i]; i++)
			if (!strcmp(k, nsw_spec_keys[i]))
				return 0;
		return nsw_cni_fail(e, NSW_CNI_E_FIELD,
				    "unknown key \"%s\" (nswitch takes nic, pf, mac, vlan, qos, "
				    "spoofchk, rate, acl, ipam, nswitch)", k);
	}
	return 0;
}

int nsw_cni_conf_parse(const char *text, struct nsw_cni_conf *c, struct nsw_cni_err *e)
{
	memset(c, 0, sizeof *c);
	c->vlan = c->qos = c->spoofchk = -1;
	enum json_tokener_error je;
	c->root = json_tokener_parse_verbose(text, &je);
	if (!c->root)
		return nsw_cni_fail(e, NSW_CNI_E_DECODE, "network configuration: %s",
				    json_tokener_error_desc(je));
	if (!json_object_is_type(c->root, json_type_object))
		return nsw_cni_fail(e, NSW_CNI_E_DECODE, "network configuration: not an object");
	struct json_object *v;
	if (!json_object_object_get_ex(c->root, "cniVersion", &v) ||
	    nsw_str(v, "cniVersion", c->cni_version, sizeof c->cni_version, e))
		return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "network configuration has no \"cniVersion\"");
	if (strcmp(c->cni_version, NSW_CNI_VERSION))
		return nsw_cni_fail(e, NSW_CNI_E_VERSION,
				    "CNI version \"%s\" is not supported (supported: %s)",
				    c->cni_version, NSW_CNI_VERSION);
	if (!json_object_object_get_ex(c->root, "name", &v) ||
	    nsw_str(v, "name", c->name, sizeof c->name, e))
		return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "network configuration has no \"name\"");
	char type[64];
	if (!json_object_object_get_ex(c->root, "type", &v) ||
	    nsw_str(v, "type", type, sizeof type, e))
		return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "network configuration has no \"type\"");
	bool have_nic = false, have_pf = false;
	json_object_object_foreach(c->root, k, val) {
		if (nsw_conf_key(c, k, val, e))
			return -1;
		have_nic |= !strcmp(k, "nic");
		have_pf |= !strcmp(k, "pf");
	}
	if (!have_nic)
		return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "network configuration has no \"nic\"");
	if (!have_pf)
		return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "network configuration has no \"pf\"");
	return 0;
}

void nsw_cni_conf_free(struct nsw_cni_conf *c)
{
	if (c->root)
		json_object_put(c->root);
	c->root = c->prev_result = NULL;
}

bool nsw_cni_addr_parse(const char *s, int *family, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

bool nsw_cni_prefix_parse(const char *s, int *family, uint8_t addr[16], unsigned *plen)
{
	char a[64];
	const char *slash = strchr(s, '/');
	if (!slash || (size_t)(slash - s) >= sizeof a)
		return false;
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = 0;
	if (!nsw_cni_addr_parse(a, family, addr))
		return false;
	unsigned max = *family == AF_INET ? 32 : 128, p = 0;
	const char *d = slash + 1;
	if (!*d || strlen(d) > 3)
		return false;
	for (; *d; d++) {
		if (*d < '0' || *d > '9')
			return false;
		p = p * 10 + (unsigned)(*d - '0');
	}
	if (p > max)
		return false;
	*plen = p;
	return true;
}

static const char *nsw_jstr(struct json_object *o, const char *k)
{
	struct json_object *v;
	if (!o || !json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Reads the ips of res (only those of interface iface when iface >= 0) and its routes. */
static int nsw_ipam_read(struct json_object *res, int iface, struct nsw_cni_ipam *r,
			 struct nsw_cni_err *e)
{
	struct json_object *ips, *routes;
	memset(r, 0, sizeof *r);
	if (!json_object_is_type(res, json_type_object))
		return nsw_cni_fail(e, NSW_CNI_E_IPAM, "IPAM result is not an object");
	if (json_object_object_get_ex(res, "ips", &ips)) {
		if (!json_object_is_type(ips, json_type_array))
			return nsw_cni_fail(e, NSW_CNI_E_IPAM, "IPAM result: \"ips\" is not a list");
		for (size_t i = 0; i < json_object_array_length(ips); i++) {
			struct json_object *o = json_object_array_get_idx(ips, i), *ix;
			if (iface >= 0 && (!json_object_object_get_ex(o, "interface", &ix) ||
					   json_object_get_int(ix) != iface))
				continue;
			if (r->n_ips == NSW_CNI_MAX_IPS)
				return nsw_cni_fail(e, NSW_CNI_E_IPAM, "IPAM result: more than %d ips",
						    NSW_CNI_MAX_IPS);
			struct nsw_cni_ip *ip = &r->ips[r->n_ips];
			const char *a = nsw_jstr(o, "address"), *g = nsw_jstr(o, "gateway");
			if (!a || !nsw_cni_prefix_parse(a, &ip->family, ip->addr, &ip->plen))
				return nsw_cni_fail(e, NSW_CNI_E_IPAM,
						    "IPAM result: ips[%zu] has no address/prefix", i);
			int gf;
			if (g && (!nsw_cni_addr_parse(g, &gf, ip->gw) || gf != ip->family))
				return nsw_cni_fail(e, NSW_CNI_E_IPAM,
						    "IPAM result: ips[%zu]: bad gateway \"%s\"", i, g);
			ip->have_gw = g != NULL;
			r->n_ips++;
		}
	}
	if (json_object_object_get_ex(res, "routes", &routes)) {
		if (!json_object_is_type(routes, json_type_array))
			return nsw_cni_fail(e, NSW_CNI_E_IPAM, "IPAM result: \"routes\" is not a list");
		for (size_t i = 0; i < json_object_array_length(routes); i++) {
			struct json_object *o = json_object_array_get_idx(routes, i);
			if (r->n_routes == NSW_CNI_MAX_ROUTES)
				return nsw_cni_fail(e, NSW_CNI_E_IPAM,
						    "IPAM result: more than %d routes",
						    NSW_CNI_MAX_ROUTES);
			struct nsw_cni_route *rt = &r->routes[r->n_routes];
			const char *d = nsw_jstr(o, "dst"), *g = nsw_jstr(o, "gw");
			if (!d || !nsw_cni_prefix_parse(d, &rt->family, rt->dst, &rt->plen))
				return nsw_cni_fail(e, NSW_CNI_E_IPAM,
						    "IPAM result: routes[%zu] has no dst prefix", i);
			int gf;
			if (g && (!nsw_cni_addr_parse(g, &gf, rt->gw) || gf != rt->family))
				return nsw_cni_fail(e, NSW_CNI_E_IPAM,
						    "IPAM result: routes[%zu]: bad gw \"%s\"", i, g);
			rt->have_gw = g != NULL;
			r->n_routes++;
		}
	}
	return 0;
}

int nsw_cni_ipam_parse(struct json_object *res, struct nsw_cni_ipam *r, struct nsw_cni_err *e)
{
	return nsw_ipam_read(res, -1, r, e);
}

char *nsw_cni_result(const struct nsw_cni_conf *c, const char *host, uint64_t host_mac,
		     const char *ifname, uint64_t vmac, const char *netns,
		     struct json_object *ipam_result)
{
	char m[18];
	struct json_object *o = json_object_new_object(), *ifs = json_object_new_array();
	json_object_object_add(o, "cniVersion", json_object_new_string(c->cni_version));
	struct json_object *h = json_object_new_object(), *ct = json_object_new_object();
	nsw_cni_mac_format(host_mac, m);
	json_object_object_add(h, "name", json_object_new_string(host));
	json_object_object_add(h, "mac", json_object_new_string(m));
	nsw_cni_mac_format(vmac, m);
	json_object_object_add(ct, "name", json_object_new_string(ifname));
	json_object_object_add(ct, "mac", json_object_new_string(m));
	json_object_object_add(ct, "sandbox", json_object_new_string(netns));
	json_object_array_add(ifs, h);
	json_object_array_add(ifs, ct);
	json_object_object_add(o, "interfaces", ifs);
	/* Every address the IPAM plugin gave is the container's interface's (index 1). */
	struct json_object *ips = json_object_new_array(), *v;
	if (ipam_result && json_object_object_get_ex(ipam_result, "ips", &v))
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *src = json_object_array_get_idx(v, i), *ip;
			ip = json_object_new_object();
			const char *a = nsw_jstr(src, "address"), *g = nsw_jstr(src, "gateway");
			if (a)
				json_object_object_add(ip, "address", json_object_new_string(a));
			if (g)
				json_object_object_add(ip, "gateway", json_object_new_string(g));
			json_object_object_add(ip, "interface", json_object_new_int(1));
			json_object_array_add(ips, ip);
		}
	json_object_object_add(o, "ips", ips);
	if (ipam_result && json_object_object_get_ex(ipam_result, "routes", &v))
		json_object_object_add(o, "routes", json_object_get(v));
	if (ipam_result && json_object_object_get_ex(ipam_result, "dns", &v))
		json_object_object_add(o, "dns", json_object_get(v));
	else
		json_object_object_add(o, "dns", json_object_new_object());
	char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

int nsw_cni_prev_parse(struct json_object *prev, const char *ifname, struct nsw_cni_prev *p,
		       struct nsw_cni_err *e)
{
	struct json_object *ifs;
	memset(p, 0, sizeof *p);
	if (!prev)
		return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "CHECK needs a prevResult");
	if (!json_object_object_get_ex(prev, "interfaces", &ifs) ||
	    !json_object_is_type(ifs, json_type_array))
		return nsw_cni_fail(e, NSW_CNI_E_CONFIG, "prevResult has no \"interfaces\" list");
	int idx = -1;
	for (size_t i = 0; i < json_object_array_length(ifs); i++) {
		struct json_object *o = json_object_array_get_idx(ifs, i);
		const char *n = nsw_jstr(o, "name"), *sb = nsw_jstr(o, "sandbox");
		if (n && sb && *sb && !strcmp(n, ifname)) {
			const char *m = nsw_jstr(o, "mac");
			if (!m || !nsw_cni_mac_parse(m, &p->mac))
				return nsw_cni_fail(e, NSW_CNI_E_CONFIG,
						    "prevResult: interface %s has no valid \"mac\"",
						    ifname);
			idx = (int)i;
			break;
		}
	}
	if (idx < 0)
		return nsw_cni_fail(e, NSW_CNI_E_CONFIG,
				    "prevResult lists no interface %s in a sandbox", ifname);
	snprintf(p->ifname, sizeof p->ifname, "%s", ifname);
	return nsw_ipam_read(prev, idx, &p->ipam, e);
}
