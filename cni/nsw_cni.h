/* nsw_cni.h - what the modules of nswitch-cni (the CNI plugin) share: the network
 * configuration as read from stdin, the names derived from an attachment's key, errors in the
 * CNI specification's form, and the netlink steps done inside one network namespace.
 * Invariants: nsw_cni_conf.c is pure (JSON in, structs and JSON out; no kernel, no exit), so
 * the unit tests drive it; every kernel step lives in nsw_cni_nl.c; nsw_cni.c alone runs
 * programs, enters namespaces and writes files. Used by cni/ and tests/unit/test_cni.c only. */
#ifndef NSW_CNI_H
#define NSW_CNI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define NSW_CNI_VERSION "1.0.0"

/* The CNI specification's error codes (1..99 are the spec's; 100 and up are ours). */
enum {
	NSW_CNI_E_VERSION = 1,   /* incompatible CNI version */
	NSW_CNI_E_FIELD = 2,     /* unsupported field in the network configuration */
	NSW_CNI_E_UNKNOWN = 3,   /* container unknown or does not exist */
	NSW_CNI_E_ENV = 4,       /* invalid necessary environment variables */
	NSW_CNI_E_IO = 5,        /* I/O failure */
	NSW_CNI_E_DECODE = 6,    /* failed to decode content */
	NSW_CNI_E_CONFIG = 7,    /* invalid network configuration */
	NSW_CNI_E_NSWITCH = 100, /* the nswitch command refused or failed (its reason in msg) */
	NSW_CNI_E_LINK = 101,    /* a netlink step (veth, move, address, route) failed */
	NSW_CNI_E_EXISTS = 102,  /* the attachment (or the interface in the container) exists */
	NSW_CNI_E_IPAM = 103,    /* the IPAM plugin failed or returned something unusable */
	NSW_CNI_E_CHECK = 104,   /* CHECK: the attachment is not what prevResult says */
};

struct nsw_cni_err {
	int code;
	char msg[512];
	char details[512];
};

/* Records an error (the first one wins: later failures while undoing do not hide it).
 * Returns -1, so callers write `return nsw_cni_fail(e, ...)`. */
__attribute__((format(printf, 3, 4))) int nsw_cni_fail(struct nsw_cni_err *e, int code,
							const char *fmt, ...);
/* The spec's error object: {"cniVersion", "code", "msg", "details"}; the caller frees it. */
char *nsw_cni_err_json(const struct nsw_cni_err *e, const char *cni_version);

#define NSW_CNI_PATH_MAX 4096

struct nsw_cni_conf {
	char cni_version[16];
	char name[128];
	char nic[16];
	unsigned pf;
	uint64_t mac;          /* 0: none in the configuration */
	int vlan, qos, spoofchk; /* -1: not given */
	char rate[32];         /* "" or a rate nswitch's qos set takes, e.g. "100mbit" */
	char acl_in[NSW_CNI_PATH_MAX], acl_out[NSW_CNI_PATH_MAX]; /* rule files, "" if none */
	char nswitch[NSW_CNI_PATH_MAX]; /* the nswitch CLI, "" to search for it */
	char ipam_type[64];    /* "" without ipam */
	uint64_t runtime_mac;  /* runtimeConfig.mac (capability "mac"), 0 if none */
	struct json_object *root;        /* the whole configuration (owns the rest) */
	struct json_object *prev_result; /* CHECK's (and DEL's) prevResult, or NULL */
};

/* Parses and validates the network configuration (any of the spec's codes in e on a
 * refusal). conf->root must be released with nsw_cni_conf_free. */
int nsw_cni_conf_parse(const char *text, struct nsw_cni_conf *c, struct nsw_cni_err *e);
void nsw_cni_conf_free(struct nsw_cni_conf *c);
/* MAC=xx:xx:xx:xx:xx:xx from CNI_ARGS ("K=V;K=V"), 0 if absent; -1 if present but invalid. */
int nsw_cni_args_mac(const char *cni_args, uint64_t *mac);
bool nsw_cni_mac_parse(const char *s, uint64_t *mac);
void nsw_cni_mac_format(uint64_t mac, char out[18]);

/* The attachment's key (network name, container ID, interface name; the spec's unique
 * triple) names its veth: host end "nscn" + 11 hex digits of a 64-bit FNV-1a hash, the
 * container's end "nscp" + the same digits until it is moved into the container. */
void nsw_cni_names(const char *net, const char *cid, const char *ifname, char host[16],
		   char peer[16]);

/* An IPAM result reduced to what the plugin applies: addresses with prefix length and
 * gateway, routes (dst prefix, optional gateway). */
#define NSW_CNI_MAX_IPS 8
#define NSW_CNI_MAX_ROUTES 16
struct nsw_cni_ip {
	int family; /* AF_INET, AF_INET6 */
	uint8_t addr[16];
	unsigned plen;
	bool have_gw;
	uint8_t gw[16];
};
struct nsw_cni_route {
	int family;
	uint8_t dst[16];
	unsigned plen;
	bool have_gw;
	uint8_t gw[16];
};
struct nsw_cni_ipam {
	unsigned n_ips, n_routes;
	struct nsw_cni_ip ips[NSW_CNI_MAX_IPS];
	struct nsw_cni_route routes[NSW_CNI_MAX_ROUTES];
	struct json_object *result; /* the IPAM plugin's result (owned), for ips/routes/dns */
};
/* Reads an IPAM plugin's result (or a prevResult): its "ips" and "routes". */
int nsw_cni_ipam_parse(struct json_object *res, struct nsw_cni_ipam *r, struct nsw_cni_err *e);
bool nsw_cni_prefix_parse(const char *s, int *family, uint8_t addr[16], unsigned *plen);
bool nsw_cni_addr_parse(const char *s, int *family, uint8_t addr[16]);

/* The ADD result: the host end and the container's interface (with sandbox), the IPAM
 * result's ips (interface 1: the container's), routes and dns. Caller frees. */
char *nsw_cni_result(const struct nsw_cni_conf *c, const char *host, uint64_t host_mac,
		     const char *ifname, uint64_t vmac, const char *netns,
		     struct json_object *ipam_result);

/* CHECK: what prevResult says of the container's interface (its MAC, its addresses). */
struct nsw_cni_prev {
	char ifname[16];
	uint64_t mac;
	struct nsw_cni_ipam ipam; /* the addresses it lists for that interface */
};
int nsw_cni_prev_parse(struct json_object *prev, const char *ifname, struct nsw_cni_prev *p,
		       struct nsw_cni_err *e);

/* ---- netlink (nsw_cni_nl.c), in the current network namespace ---- */
struct nsw_cni_addr_list {
	unsigned n;
	struct nsw_cni_ip a[32];
};
int nsw_cni_veth_add(const char *host, const char *peer);
int nsw_cni_link_index(const char *name); /* ifindex, or -errno */
int nsw_cni_link_mac(int ifindex, uint64_t *mac);
int nsw_cni_link_up(int ifindex);
int nsw_cni_link_del(int ifindex);
/* Moves ifindex into the namespace of fd, renamed to name. */
int nsw_cni_link_move(int ifindex, int netns_fd, const char *name);
int nsw_cni_addr_add(int ifindex, const struct nsw_cni_ip *ip);
int nsw_cni_route_add(int ifindex, const struct nsw_cni_route *r);
int nsw_cni_addr_list(int ifindex, struct nsw_cni_addr_list *out);

#endif
