/* nsw_ctl.c - the control side of the core (see nsw_ctl.h for the contract). */
#include "nsw_ctl.h"

#include "nsw_decide.h"

static void nsw_store(uint64_t *w, uint64_t v)
{
	__atomic_store_n(w, v, __ATOMIC_RELEASE);
}

uint32_t nsw_default_oui(unsigned nic_id, unsigned pf)
{
	return 0x024e00u | (((nic_id & 31u) << 3) | (pf & 7u));
}

uint64_t nsw_auto_vmac(uint32_t oui, unsigned pf, unsigned vf)
{
	return ((uint64_t)(oui & 0xffffff) << 24) | ((uint64_t)(pf & 0xff) << 16) | (vf & 0xffff);
}

static bool nsw_mac_ok(uint64_t mac)
{
	return mac != 0 && (mac & ~NSW_MAC_MASK) == 0 && !(mac & NSW_MAC_GROUP_BIT);
}

static bool nsw_oui_ok(uint32_t oui)
{
	return oui != 0 && oui <= 0xffffff && !(oui & 0x010000);
}

int nsw_nic_init(struct nsw_nic *nic, unsigned nic_id, unsigned npfs)
{
	if (npfs < 1 || npfs > NSW_MAX_PFS || nic_id > 31)
		return NSW_E_RANGE;
	*nic = (struct nsw_nic){0};
	for (unsigned p = 0; p < npfs; p++)
		nic->pf[p] = NSW_PF_EN | NSW_PF_HAS_OUI | nsw_default_oui(nic_id, p);
	return NSW_OK;
}

unsigned nsw_nic_num_pfs(const struct nsw_nic *nic)
{
	unsigned n = 0;
	for (unsigned p = 0; p < NSW_MAX_PFS; p++)
		if (nic->pf[p] & NSW_PF_EN)
			n = p + 1;
	return n;
}

unsigned nsw_pf_num_vfs(const struct nsw_nic *nic, unsigned pf)
{
	unsigned n = 0;
	for (unsigned v = 0; pf < NSW_MAX_PFS && v < NSW_MAX_VFS; v++)
		n += (nic->vf[pf][v] & NSW_VF_EN) != 0;
	return n;
}

static int nsw_vf_check(const struct nsw_nic *nic, unsigned pf, unsigned vf);

bool nsw_vf_link_eval(uint64_t pf_word, uint64_t vf_word)
{
	switch (nsw_vf_state_of(vf_word)) {
	case NSW_VF_STATE_ENABLE:
		return true;
	case NSW_VF_STATE_DISABLE:
		return false;
	default: /* auto: the uplink's carrier; a PF without an uplink has nothing to follow */
		return !((pf_word & NSW_PF_UPLINK) && (pf_word & NSW_PF_NO_CARRIER));
	}
}

unsigned nsw_vf_state_of(uint64_t vf_word)
{
	return (unsigned)((vf_word & NSW_VF_STATE_MASK) >> NSW_VF_STATE_SHIFT);
}

const char *nsw_vf_state_name(unsigned state)
{
	static const char *const names[] = {"auto", "enable", "disable"};
	return state < 3 ? names[state] : "unknown";
}

/* VF word w with its NSW_VF_LINK_DOWN bit as the rule says under PF word pfw. */
static uint64_t nsw_vf_link_fold(uint64_t pfw, uint64_t w)
{
	return nsw_vf_link_eval(pfw, w) ? (w & ~NSW_VF_LINK_DOWN) : (w | NSW_VF_LINK_DOWN);
}

/* Every enabled VF of PF pf gets its link bit again (a store only where it changes). */
static void nsw_pf_links_eval(struct nsw_nic *nic, unsigned pf)
{
	for (unsigned v = 0; v < NSW_MAX_VFS; v++) {
		uint64_t w = nic->vf[pf][v];
		if ((w & NSW_VF_EN) && nsw_vf_link_fold(nic->pf[pf], w) != w)
			nsw_store(&nic->vf[pf][v], nsw_vf_link_fold(nic->pf[pf], w));
	}
}

int nsw_vf_set_state(struct nsw_nic *nic, unsigned pf, unsigned vf, unsigned state)
{
	int err = nsw_vf_check(nic, pf, vf);
	if (err)
		return err;
	uint64_t w = nic->vf[pf][vf];
	if (!(w & NSW_VF_EN))
		return NSW_E_NOENT;
	if (state > NSW_VF_STATE_DISABLE)
		return NSW_E_RANGE;
	w = (w & ~NSW_VF_STATE_MASK) | (uint64_t)state << NSW_VF_STATE_SHIFT;
	nsw_store(&nic->vf[pf][vf], nsw_vf_link_fold(nic->pf[pf], w));
	return NSW_OK;
}

int nsw_pf_set(struct nsw_nic *nic, unsigned pf, long oui, int uplink)
{
	if (pf >= NSW_MAX_PFS)
		return NSW_E_RANGE;
	uint64_t w = nic->pf[pf];
	if (!(w & NSW_PF_EN))
		return NSW_E_PF_DOWN;
	if (oui >= 0 && (!(w & NSW_PF_HAS_OUI) || (uint32_t)oui != (w & NSW_PF_OUI_MASK))) {
		if (!nsw_oui_ok((uint32_t)oui) || oui > 0xffffff)
			return NSW_E_OUI;
		for (unsigned q = 0; q < NSW_MAX_PFS; q++)
			if (q != pf && (nic->pf[q] & NSW_PF_EN) && (nic->pf[q] & NSW_PF_HAS_OUI) &&
			    (nic->pf[q] & NSW_PF_OUI_MASK) == (uint64_t)oui)
				return NSW_E_OUI;
		if (nsw_pf_num_vfs(nic, pf))
			return NSW_E_BUSY;
		w = (w & ~NSW_PF_OUI_MASK) | NSW_PF_HAS_OUI | (uint64_t)oui;
	}
	if (uplink >= 0)
		w = uplink ? (w | NSW_PF_UPLINK) : (w & ~NSW_PF_UPLINK);
	nsw_store(&nic->pf[pf], w);
	nsw_pf_links_eval(nic, pf);
	return NSW_OK;
}

int nsw_pf_set_carrier(struct nsw_nic *nic, unsigned pf, bool carrier)
{
	if (pf >= NSW_MAX_PFS)
		return NSW_E_RANGE;
	uint64_t w = nic->pf[pf];
	if (!(w & NSW_PF_EN))
		return NSW_E_PF_DOWN;
	nsw_store(&nic->pf[pf], carrier ? (w & ~NSW_PF_NO_CARRIER) : (w | NSW_PF_NO_CARRIER));
	nsw_pf_links_eval(nic, pf);
	return NSW_OK;
}

int nsw_pf_set_miss_drop(struct nsw_nic *nic, unsigned pf, bool drop)
{
	if (pf >= NSW_MAX_PFS)
		return NSW_E_RANGE;
	uint64_t w = nic->pf[pf];
	if (!(w & NSW_PF_EN))
		return NSW_E_PF_DOWN;
	nsw_store(&nic->pf[pf], drop ? (w | NSW_PF_MISS_DROP) : (w & ~NSW_PF_MISS_DROP));
	return NSW_OK;
}

/* Finds the slot an insert of mac would use; no write. */
static int nsw_fdb_free_slot(const struct nsw_fdb *t, uint64_t mac, uint64_t **slot)
{
	if (!nsw_mac_ok(mac))
		return NSW_E_MAC;
	if (nsw_fdb_find(t, mac))
		return NSW_E_EXISTS;
	if (t->count >= NSW_FDB_MAX)
		return NSW_E_FULL;
	/* The emptier of the two buckets (the power of two choices): at the capped load of one
	 * half, both buckets of a MAC are then practically never full. */
	uint32_t b[2] = {nsw_fdb_hash1(mac), nsw_fdb_hash2(mac)};
	uint64_t *free_slot[2] = {NULL, NULL};
	int nfree[2] = {0, 0};
	for (int i = 0; i < 2; i++)
		for (int w = NSW_FDB_WAYS - 1; w >= 0; w--)
			if (!(t->slot[b[i]][w] & NSW_FDB_VALID)) {
				free_slot[i] = (uint64_t *)&t->slot[b[i]][w];
				nfree[i]++;
			}
	if (nfree[0] || nfree[1]) {
		*slot = free_slot[nfree[1] > nfree[0]];
		return NSW_OK;
	}
	return NSW_E_BUCKET;
}

static uint64_t *nsw_fdb_slot_of(struct nsw_fdb *t, uint64_t mac)
{
	uint32_t b[2] = {nsw_fdb_hash1(mac), nsw_fdb_hash2(mac)};
	for (int i = 0; i < 2; i++)
		for (int w = 0; w < NSW_FDB_WAYS; w++) {
			uint64_t e = t->slot[b[i]][w];
			if ((e & NSW_FDB_VALID) && (e & NSW_MAC_MASK) == mac)
				return &t->slot[b[i]][w];
		}
	return NULL;
}

int nsw_fdb_add(struct nsw_fdb *t, uint64_t mac, unsigned pf, unsigned vf)
{
	uint64_t *slot;
	if (pf >= NSW_MAX_PFS || vf >= NSW_MAX_VFS)
		return NSW_E_RANGE;
	int err = nsw_fdb_free_slot(t, mac, &slot);
	if (err)
		return err;
	nsw_store(slot, nsw_fdb_slot_make(mac, (uint8_t)pf, (uint16_t)vf));
	t->count++;
	return NSW_OK;
}

int nsw_fdb_del(struct nsw_fdb *t, uint64_t mac)
{
	uint64_t *slot = nsw_fdb_slot_of(t, mac & NSW_MAC_MASK);
	if (!slot)
		return NSW_E_NOENT;
	nsw_store(slot, 0);
	t->count--;
	return NSW_OK;
}

static int nsw_vf_check(const struct nsw_nic *nic, unsigned pf, unsigned vf)
{
	if (pf >= NSW_MAX_PFS || vf >= NSW_MAX_VFS)
		return NSW_E_RANGE;
	if (!(nic->pf[pf] & NSW_PF_EN))
		return NSW_E_PF_DOWN;
	if (!(nic->pf[pf] & NSW_PF_HAS_OUI))
		return NSW_E_NO_OUI;
	return NSW_OK;
}

static uint64_t nsw_vf_word_make(uint64_t mac, unsigned qos, bool spoofchk)
{
	return NSW_VF_EN | ((uint64_t)(qos & 7) << NSW_VF_QOS_SHIFT) |
	       (spoofchk ? NSW_VF_SPOOFCHK : 0) | (mac & NSW_MAC_MASK);
}

static void nsw_store16(uint16_t *w, uint16_t v)
{
	__atomic_store_n(w, v, __ATOMIC_RELEASE);
}

int nsw_vlan_key(unsigned vid, bool ad)
{
	if (vid >= NSW_VLAN_VID_MASK)
		return -1; /* 4095 is reserved */
	return vid ? (int)(vid | (ad ? NSW_VLAN_AD : 0)) : 0;
}

int nsw_vf_add(struct nsw_nic *nic, unsigned pf, unsigned vf, uint64_t mac, unsigned qos,
	       bool spoofchk)
{
	return nsw_vf_add_vlan(nic, pf, vf, mac, qos, spoofchk, 0, false);
}

int nsw_vf_add_vlan(struct nsw_nic *nic, unsigned pf, unsigned vf, uint64_t mac, unsigned qos,
		    bool spoofchk, unsigned vid, bool ad)
{
	uint64_t *slot;
	int err = nsw_vf_check(nic, pf, vf);
	if (err)
		return err;
	if (nic->vf[pf][vf] & NSW_VF_EN)
		return NSW_E_BUSY;
	int key = nsw_vlan_key(vid, ad);
	if (qos > 7 || key < 0)
		return NSW_E_RANGE;
	if (!mac)
		mac = nsw_auto_vmac((uint32_t)(nic->pf[pf] & NSW_PF_OUI_MASK), pf, vf);
	err = nsw_fdb_free_slot(&nic->fdb, mac, &slot);
	if (err)
		return err;
	/* VLAN, VF, then Table A: the data path never finds an entry for a disabled VF, nor an
	 * enabled VF outside its VLAN. State enable: up until told otherwise (nsw_vf_set_state),
	 * so a VF's link never rests on a carrier reading nothing may be keeping current. */
	nsw_store16(&nic->vlan[pf][vf], (uint16_t)key);
	nsw_store(&nic->vf[pf][vf], nsw_vf_word_make(mac, qos, spoofchk) | (key ? NSW_VF_VLAN : 0) |
					    (uint64_t)NSW_VF_STATE_ENABLE << NSW_VF_STATE_SHIFT);
	nsw_store(slot, nsw_fdb_slot_make(mac, (uint8_t)pf, (uint16_t)vf));
	nic->fdb.count++;
	return NSW_OK;
}

int nsw_vf_set(struct nsw_nic *nic, unsigned pf, unsigned vf, uint64_t mac, int qos,
	       int spoofchk)
{
	uint64_t *slot = NULL;
	int err = nsw_vf_check(nic, pf, vf);
	if (err)
		return err;
	uint64_t w = nic->vf[pf][vf];
	if (!(w & NSW_VF_EN))
		return NSW_E_NOENT;
	if (qos > 7)
		return NSW_E_RANGE;
	uint64_t old = w & NSW_MAC_MASK;
	bool new_mac = mac && mac != old;
	if (new_mac && (err = nsw_fdb_free_slot(&nic->fdb, mac, &slot)))
		return err;
	unsigned q = qos >= 0 ? (unsigned)qos : (unsigned)((w & NSW_VF_QOS_MASK) >> NSW_VF_QOS_SHIFT);
	bool s = spoofchk >= 0 ? spoofchk != 0 : (w & NSW_VF_SPOOFCHK) != 0;
	/* The bits this function does not set (the link state's, the port VLAN's) stay as they
	 * are. */
	uint64_t keep = w & ~(NSW_VF_EN | NSW_MAC_MASK | NSW_VF_QOS_MASK | NSW_VF_SPOOFCHK);
	if (new_mac) {
		/* New entry, then the VF word, then the old entry gone: the VM is reachable under
		 * one of its MACs at every instant. */
		nsw_store(slot, nsw_fdb_slot_make(mac, (uint8_t)pf, (uint16_t)vf));
		nic->fdb.count++;
		nsw_store(&nic->vf[pf][vf], nsw_vf_word_make(mac, q, s) | keep);
		nsw_fdb_del(&nic->fdb, old);
	} else {
		nsw_store(&nic->vf[pf][vf], nsw_vf_word_make(old, q, s) | keep);
	}
	return NSW_OK;
}

int nsw_vf_set_vlan(struct nsw_nic *nic, unsigned pf, unsigned vf, unsigned vid, bool ad)
{
	int err = nsw_vf_check(nic, pf, vf);
	if (err)
		return err;
	uint64_t w = nic->vf[pf][vf];
	if (!(w & NSW_VF_EN))
		return NSW_E_NOENT;
	int key = nsw_vlan_key(vid, ad);
	if (key < 0)
		return NSW_E_RANGE;
	if (key) { /* the key, then the bit that makes readers look at it */
		nsw_store16(&nic->vlan[pf][vf], (uint16_t)key);
		nsw_store(&nic->vf[pf][vf], w | NSW_VF_VLAN);
	} else { /* the bit, then the key */
		nsw_store(&nic->vf[pf][vf], w & ~NSW_VF_VLAN);
		nsw_store16(&nic->vlan[pf][vf], 0);
	}
	return NSW_OK;
}

int nsw_vf_del(struct nsw_nic *nic, unsigned pf, unsigned vf)
{
	if (pf >= NSW_MAX_PFS || vf >= NSW_MAX_VFS)
		return NSW_E_RANGE;
	uint64_t w = nic->vf[pf][vf];
	if (!(w & NSW_VF_EN))
		return NSW_E_NOENT;
	/* Table A first, then the VF; also every extra filter that points at this VF. */
	for (uint32_t b = 0; b < NSW_FDB_BUCKETS; b++)
		for (int i = 0; i < NSW_FDB_WAYS; i++) {
			uint64_t e = nic->fdb.slot[b][i];
			if ((e & NSW_FDB_VALID) && nsw_fdb_slot_pf(e) == pf && nsw_fdb_slot_vf(e) == vf) {
				nsw_store(&nic->fdb.slot[b][i], 0);
				nic->fdb.count--;
			}
		}
	nsw_store(&nic->vf[pf][vf], 0);
	nsw_store16(&nic->vlan[pf][vf], 0);
	return NSW_OK;
}

uint16_t nsw_pf_rid(unsigned pf)
{
	return (uint16_t)((NSW_PCI_BUS << 8) | (pf & 7));
}

uint16_t nsw_vf_offset(unsigned pf, unsigned npfs)
{
	(void)pf;
	(void)npfs;
	return NSW_FIRST_VF_OFFSET;
}

uint16_t nsw_vf_stride(unsigned npfs)
{
	return (uint16_t)(npfs ? npfs : 1);
}

uint16_t nsw_vf_rid(unsigned pf, unsigned vf, unsigned npfs)
{
	return (uint16_t)(nsw_pf_rid(pf) + nsw_vf_offset(pf, npfs) + vf * nsw_vf_stride(npfs));
}

static const char nsw_hex[] = "0123456789abcdef";

void nsw_rid_format(uint16_t rid, char *buf)
{
	unsigned bus = rid >> 8, dev = (rid >> 3) & 31, fn = rid & 7;
	buf[0] = nsw_hex[bus >> 4];
	buf[1] = nsw_hex[bus & 15];
	buf[2] = ':';
	buf[3] = nsw_hex[dev >> 4];
	buf[4] = nsw_hex[dev & 15];
	buf[5] = '.';
	buf[6] = (char)('0' + fn);
	buf[7] = 0;
}

static int nsw_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* n octets of two hex digits, separated by ':' or '-' used consistently. */
static int nsw_octets_parse(const char *s, int n, uint64_t *out)
{
	uint64_t v = 0;
	char sep = 0;
	if (!s)
		return -1;
	for (int i = 0; i < n; i++) {
		int hi = nsw_hexval(s[0]), lo = hi < 0 ? -1 : nsw_hexval(s[1]);
		if (hi < 0 || lo < 0)
			return -1;
		v = (v << 8) | (uint64_t)(hi << 4 | lo);
		s += 2;
		if (i == n - 1)
			break;
		if (*s != ':' && *s != '-')
			return -1;
		if (sep && *s != sep)
			return -1;
		sep = *s++;
	}
	if (*s)
		return -1;
	*out = v;
	return 0;
}

int nsw_mac_parse(const char *s, uint64_t *mac)
{
	return nsw_octets_parse(s, 6, mac);
}

int nsw_oui_parse(const char *s, uint32_t *oui)
{
	uint64_t v;
	if (nsw_octets_parse(s, 3, &v))
		return -1;
	*oui = (uint32_t)v;
	return 0;
}

static void nsw_octets_format(uint64_t v, int n, char *buf)
{
	for (int i = 0; i < n; i++) {
		unsigned o = (unsigned)(v >> (8 * (n - 1 - i))) & 0xff;
		buf[3 * i] = nsw_hex[o >> 4];
		buf[3 * i + 1] = nsw_hex[o & 15];
		buf[3 * i + 2] = i == n - 1 ? 0 : ':';
	}
}

void nsw_mac_format(uint64_t mac, char *buf)
{
	nsw_octets_format(mac, 6, buf);
}

void nsw_oui_format(uint32_t oui, char *buf)
{
	nsw_octets_format(oui, 3, buf);
}

const char *nsw_drop_name(unsigned reason)
{
	static const char *const names[NSW_DROP_MAX] = {
		[NSW_DROP_NONE] = "none",
		[NSW_DROP_RUNT] = "runt",
		[NSW_DROP_TRUNC_TAG] = "truncated_tag",
		[NSW_DROP_BAD_TAG] = "bad_tag",
		[NSW_DROP_BAD_TYPE] = "bad_ethertype",
		[NSW_DROP_BAD_LENGTH] = "bad_length",
		[NSW_DROP_BAD_SRC] = "bad_source",
		[NSW_DROP_PF_DOWN] = "pf_down",
		[NSW_DROP_VF_DOWN] = "vf_down",
		[NSW_DROP_SPOOF] = "spoofed_source",
		[NSW_DROP_SELF] = "to_self",
		[NSW_DROP_FDB_MISS] = "unknown_vmac",
		[NSW_DROP_RX_MISS] = "rx_no_vf",
		[NSW_DROP_NO_UPLINK] = "no_uplink",
		[NSW_DROP_LOOP] = "looped_source",
		[NSW_DROP_NO_DEV] = "no_device",
		[NSW_DROP_TX_ERR] = "tx_error",
		[NSW_DROP_ACL] = "acl_deny",
		[NSW_DROP_RATE] = "rate_limit",
		[NSW_DROP_VF_LINK] = "vf_link_down",
		[NSW_DROP_VF_MTU] = "vf_mtu_exceeded",
		[NSW_DROP_VF_RX] = "vf_rx_dropped",
		[NSW_DROP_ACL_L4] = "acl_l4_unknown",
		[NSW_DROP_VF_STATE] = "vf_state_down",
		[NSW_DROP_VLAN_VIOLATION] = "vlan_violation",
		[NSW_DROP_VLAN_UNKNOWN] = "vlan_unknown",
	};
	return reason < NSW_DROP_MAX && names[reason] ? names[reason] : "unknown";
}

const char *nsw_case_name(unsigned ncase)
{
	static const char *const names[NSW_CASE_MAX] = {"case0", "case1", "case2", "none"};
	return ncase < NSW_CASE_MAX ? names[ncase] : "unknown";
}

const char *nsw_action_name(unsigned action)
{
	static const char *const names[] = {"drop", "vf", "uplink", "flood"};
	return action < 4 ? names[action] : "unknown";
}

const char *nsw_strerror(int err)
{
	switch (err) {
	case NSW_OK: return "success";
	case NSW_E_RANGE: return "PF, VF or priority number out of range";
	case NSW_E_MAC: return "not a unicast MAC address";
	case NSW_E_EXISTS: return "MAC address already in Table A";
	case NSW_E_FULL: return "Table A is full";
	case NSW_E_BUCKET: return "Table A has no free slot for this MAC (both buckets full)";
	case NSW_E_NOENT: return "no such entry";
	case NSW_E_NO_OUI: return "PF has no OUI";
	case NSW_E_BUSY: return "in use";
	case NSW_E_OUI: return "OUI is zero, multicast or owned by another PF";
	case NSW_E_PF_DOWN: return "PF not enabled";
	case NSW_E_ACL_PRIO: return "two rules have the same priority";
	case NSW_E_ACL_SAME: return "two rules have the same match";
	case NSW_E_ACL_MASKS: return "more than 8 distinct masks in one rule set";
	case NSW_E_ACL_MANY: return "more than 256 rules in one rule set";
	}
	return "unknown error";
}
