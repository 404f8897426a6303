#!/usr/bin/env python3
"""nsw_show_fields.py - reads a command's text output back into the shape of its -j JSON and
says whether the two carry the same fields with the same values.

Usage: nsw_show_fields.py KIND TEXT_FILE JSON_FILE [NIC]
KIND: nic, vf, fdb, stats, acl, mirror, qos, and the results of vf-add, nic-add, acl-replace
and capture. NIC: compare only that NIC of a list of every NIC (whose other members may change
under the test). Exit 0 when they agree; else one line on stdout naming the first difference,
exit 1.

How text is read back (the conventions cli/nsw_print.h promises): every line of a command's
text must match one of its line patterns in full (a line no pattern reads is a field the JSON
does not have, or a changed line, and fails); a named group of a pattern is the JSON key of the
same name; "none" (or a group that did not take part) is an absent field; on/off are
true/false; numbers are decimal or 0x hex. Then the read-back tree and the JSON are compared
key by key and element by element: a key on one side only, or a value that differs, fails.
Lines starting "note:" are hints for a person (the QEMU command line of a tap) and are skipped.
"""
import json
import re
import sys

NUM = re.compile(r"^(?:\d+|0x[0-9a-f]+)$")


class Mismatch(Exception):
    pass


def value(s, key):
    if s is None or s == "none":
        return None
    if s in ("on", "off"):
        return s == "on"
    # Only counters and numbers are read as numbers; rids, MACs and names stay strings.
    if NUM.match(s) and key not in STRING_KEYS:
        return int(s, 0)
    return s


STRING_KEYS = {"nic", "mode", "netns", "rid", "mac", "oui", "group_oui", "uplink", "dev", "dir",
               "match", "action", "rate", "kind", "address", "link_type", "link_state", "link",
               "protocol", "wait"}


def fields(m, defaults=None):
    out = dict(defaults or {})
    for k, v in m.groupdict().items():
        v = value(v, k)
        if v is not None:
            out[k] = v
    return out


def lines_of(text):
    return [l for l in text.split("\n") if l != "" and not l.startswith("note:")]


def full(pattern, line, what):
    m = re.fullmatch(pattern, line)
    if not m:
        raise Mismatch(f"{what}: text line not read (a field only in the text, or a changed line): {line!r}")
    return m


def read_one(pattern, what):
    def read(text):
        ls = lines_of(text)
        if len(ls) != 1:
            raise Mismatch(f"{what}: {len(ls)} result lines, not 1")
        return fields(full(pattern, ls[0], what))
    return read


# ---- one reader per command: text -> the JSON's shape ----

def read_nic(text):
    out = []
    for l in lines_of(text):
        if l.startswith("nic "):
            m = full(r"nic (?P<nic>\S+) id (?P<id>\d+) mode (?P<mode>\S+)(?: netns (?P<netns>\S+))?"
                     r" fdb (?P<fdb_entries>\d+)/(?P<fdb_max>\d+)", l, "nic show")
            out.append(fields(m, {"pfs": []}))
        else:
            m = full(r"    pf (?P<pf>\d+) rid (?P<rid>\S+) oui (?P<oui>\S+) uplink (?P<uplink>\S+)(?: wait (?P<wait>\S+))?"
                     r" miss (?P<miss>\S+)"
                     r" vfs (?P<num_vfs>\d+) \(first VF offset (?P<first_vf_offset>0x[0-9a-f]+),"
                     r" stride (?P<vf_stride>\d+)\)", l, "nic show")
            if not out:
                raise Mismatch("nic show: a PF line before any NIC line")
            out[-1]["pfs"].append(fields(m))
    return out


def read_vf(text):
    """Four lines a VF: nswitch's fields; iproute2's link line (link/TYPE ADDRESS, an optional
    port VLAN, the rate); its rx and tx counters (ip -s -j link's VF stats)."""
    ls = lines_of(text)
    if len(ls) % 4:
        raise Mismatch(f"vf show: {len(ls)} lines, not 4 a VF")
    out = []
    for i in range(0, len(ls), 4):
        vf = fields(full(r"vf (?P<pf>\d+),(?P<vf>\d+) rid (?P<rid>\S+) mac (?P<mac>\S+)"
                         r" oui (?P<group_oui>\S+) dev (?P<dev>\S+)(?: wait (?P<wait>\S+))? mode (?P<mode>\S+)"
                         r" qos (?P<qos>\d+) spoofchk (?P<spoofchk>on|off) trust (?P<trust>on|off)"
                         r" state (?P<link_state>auto|enable|disable) link (?P<link>up|down)",
                         ls[i], "vf show"))
        m = full(r"    link/(?P<link_type>\S+) (?P<address>\S+)"
                 r"(?: vlan (?P<vlan>\d+)(?: qos (?P<vqos>\d+))?(?: proto (?P<protocol>\S+))?)?"
                 r" max_tx (?P<max_tx>\d+) min_tx (?P<min_tx>\d+)", ls[i + 1], "vf show")
        f = fields(m)
        vf["link_type"], vf["address"] = f["link_type"], f["address"]
        vlan = {k: f[k] for k in ("vlan", "protocol") if k in f}
        if "vqos" in f:
            vlan["qos"] = f["vqos"]
        vf["vlan_list"] = [vlan]
        vf["rate"] = {"max_tx": f["max_tx"], "min_tx": f["min_tx"]}
        rx = full(r"    rx (.*)", ls[i + 2], "vf show").group(1)
        tx = full(r"    tx (.*)", ls[i + 3], "vf show").group(1)
        vf["stats"] = {"rx": pairs(rx, "vf show rx"), "tx": pairs(tx, "vf show tx")}
        out.append(vf)
    return out


def read_fdb(text):
    return [fields(full(r"(?P<mac>[0-9a-f:]{17}) vf (?P<pf>\d+),(?P<vf>\d+) dev (?P<dev>\S+)"
                        r" bucket (?P<bucket>\d+)", l, "fdb show"))
            for l in lines_of(text)]


def pairs(s, what):
    """'a 1 b 2' -> {'a': 1, 'b': 2}"""
    w = s.split()
    if len(w) % 2:
        raise Mismatch(f"{what}: not label-value pairs: {s!r}")
    out = {}
    for i in range(0, len(w), 2):
        if not NUM.match(w[i + 1]):
            raise Mismatch(f"{what}: {w[i]} is not a number: {w[i + 1]!r}")
        if w[i] in out:
            raise Mismatch(f"{what}: {w[i]} twice")
        out[w[i]] = int(w[i + 1], 0)
    return out


def read_stats(text):
    ls = lines_of(text)
    if len(ls) < 5:
        raise Mismatch(f"stats show: {len(ls)} lines, not at least 5")
    out = fields(full(r"nic (?P<nic>\S+)", ls[0], "stats show"))
    m = full(r"  cases: (.*)", ls[1], "stats show")
    out["cases"] = {}
    for c in m.group(1).split("; "):
        cm = full(r"(?P<name>\S+) (?P<pkts>\d+) pkts (?P<bytes>\d+) bytes", c, "stats show cases")
        out["cases"][cm.group("name")] = {"pkts": int(cm.group("pkts")), "bytes": int(cm.group("bytes"))}
    m = full(r"  actions: (?P<a>.*); inter-PF (?P<inter_pf_pkts>\d+); flood copies (?P<flood_copies>\d+)",
             ls[2], "stats show")
    out["actions"] = pairs(m.group("a"), "stats show actions")
    out["inter_pf_pkts"] = int(m.group("inter_pf_pkts"))
    out["flood_copies"] = int(m.group("flood_copies"))
    out["drops"] = pairs(full(r"  drops: (.*)", ls[3], "stats show").group(1), "stats show drops")
    prio = full(r"  priority:((?: \d+:\d+)*)", ls[4], "stats show").group(1).split()
    out["prio_pkts"] = []
    for i, p in enumerate(prio):
        n, v = p.split(":")
        if int(n) != i:
            raise Mismatch(f"stats show: priority {n} at place {i}")
        out["prio_pkts"].append(int(v))
    out["pfs"], out["vfs"] = [], []
    dev = (r" +from (?P<from_pkts>\d+) pkts (?P<from_bytes>\d+) bytes, to (?P<to_pkts>\d+) pkts"
           r" (?P<to_bytes>\d+) bytes, dropped (?P<drops>\d+)")
    for l in ls[5:]:
        if l.startswith("    port "):
            out["pfs"].append(fields(full(r"    port (?P<pf>\d+)" + dev, l, "stats show")))
        else:
            out["vfs"].append(fields(full(r"    vf (?P<pf>\d+),(?P<vf>\d+)" + dev, l, "stats show")))
    return out


def read_acl(text):
    out, left = [], 0
    for l in lines_of(text):
        if l.startswith("acl "):
            if left:
                raise Mismatch(f"acl show: {left} rules missing before {l!r}")
            m = full(r"acl vf (?P<pf>\d+),(?P<vf>\d+) (?P<dir>in|out): (?P<n>\d+) rules?,"
                     r" (?P<tuples>\d+) tuples?, generation (?P<generation>\d+)", l, "acl show")
            f = fields(m, {"rules": []})
            left = f.pop("n")
            out.append(f)
        else:
            m = full(r"    prio (?P<prio>\d+)(?: (?P<match>.*?))? action (?P<action>allow|drop|mirror)"
                     r"(?: to (?P<mirror_pf>\d+),(?P<mirror_vf>\d+))?  \((?P<pkts>\d+) pkts,"
                     r" (?P<bytes>\d+) bytes\)", l, "acl show")
            if not out or not left:
                raise Mismatch(f"acl show: a rule line its set's count does not include: {l!r}")
            out[-1]["rules"].append(fields(m))
            left -= 1
    if left:
        raise Mismatch(f"acl show: {left} rules missing at the end")
    return out


def read_mirror(text):
    out = []
    for l in lines_of(text):
        m = full(r"(?:vf (?P<pf>\d+),(?P<vf>\d+)|pf (?P<pfall>\d+) \(all its VFs\))"
                 r" -> vf (?P<to_pf>\d+),(?P<to_vf>\d+) dir (?P<dir>in|out|both)", l, "mirror show")
        f = fields(m)
        if "pfall" in f:
            f["pf"] = f.pop("pfall")
        out.append(f)
    return out


def read_qos(text):
    out = []
    for l in lines_of(text):
        if l.startswith("vf "):
            m = full(r"vf (?P<pf>\d+),(?P<vf>\d+) dev (?P<dev>\S+) rate (?P<rate>\S+)"
                     r"(?: \((?P<rate_bps>\d+) bit/s, 802\.1p strict priority\))? pps (?P<pps>\S+)"
                     r"(?:; dropped by the scheduler (?P<qdisc_drops>\d+))?",
                     l, "qos show")
            out.append(fields(m, {"classes": []}))
        else:
            m = full(r"    pcp (?P<pcp>\d+): (?P<pkts>\d+) frames, (?P<bytes>\d+) bytes sent,"
                     r" (?P<drops>\d+) dropped", l, "qos show")
            if not out:
                raise Mismatch("qos show: a class line before any VF line")
            out[-1]["classes"].append(fields(m))
    return out


read_vf_add = read_one(r"vf (?P<pf>\d+),(?P<vf>\d+) mac (?P<mac>\S+) rid (?P<rid>\S+) dev (?P<dev>\S+)"
                      r" kind (?P<kind>\S+)",
                      "vf add")


read_nic_add = read_one(r"nic (?P<nic>\S+): (?P<pfs>\d+) PFs?, mode (?P<mode>\S+)(?:, netns (?P<netns>\S+))?",
                        "nic add")
read_acl_replace = read_one(r"acl vf (?P<pf>\d+),(?P<vf>\d+) (?P<dir>in|out): (?P<rules>\d+) rules? in"
                            r" (?P<tuples>\d+) tuples?", "acl replace")


def read_capture(text):
    out = {}
    for l in lines_of(text):
        if "ended:" in l:
            out.update(fields(full(r"nswitch: capture: ended: its VF (?P<deleted_pf>\d+),(?P<deleted_vf>\d+)"
                                   r" was deleted", l, "capture")))
        else:
            out.update(fields(full(r"nswitch: capture: (?P<frames_written>\d+) frames written,"
                                   r" (?P<lost>\d+) lost \(buffer full\), (?P<not_handed_over>\d+)"
                                   r" not handed over", l, "capture")))
    return out


READERS = {"nic": read_nic, "vf": read_vf, "fdb": read_fdb, "stats": read_stats, "acl": read_acl,
           "mirror": read_mirror, "qos": read_qos, "vf-add": read_vf_add, "capture": read_capture,
           "nic-add": read_nic_add, "acl-replace": read_acl_replace}


def compare(t, j, path):
    if isinstance(j, dict) and isinstance(t, dict):
        for k in j:
            if k not in t:
                raise Mismatch(f"{path}.{k}: in the JSON ({json.dumps(j[k])}), not in the text")
        for k in t:
            if k not in j:
                raise Mismatch(f"{path}.{k}: in the text ({json.dumps(t[k])}), not in the JSON")
            compare(t[k], j[k], f"{path}.{k}")
    elif isinstance(j, list) and isinstance(t, list):
        if len(j) != len(t):
            raise Mismatch(f"{path}: {len(t)} elements in the text, {len(j)} in the JSON")
        for i, (a, b) in enumerate(zip(t, j)):
            compare(a, b, f"{path}[{i}]")
    elif type(t) is not type(j) or t != j:
        raise Mismatch(f"{path}: text {json.dumps(t)}, JSON {json.dumps(j)}")


def main():
    if len(sys.argv) not in (4, 5) or sys.argv[1] not in READERS:
        print("usage: nsw_show_fields.py " + "|".join(READERS) + " TEXT_FILE JSON_FILE [NIC]")
        return 2
    kind = sys.argv[1]
    only = sys.argv[4] if len(sys.argv) == 5 else None
    with open(sys.argv[2]) as f:
        text = f.read()
    with open(sys.argv[3]) as f:
        raw = f.read()
    try:
        j = json.loads(raw)
    except ValueError as e:
        print(f"{kind}: the -j output is not JSON ({e}): {raw[:200]!r}")
        return 1
    try:
        t = READERS[kind](text)
        if only:
            # A show of every NIC on a shared machine: the others' NICs come and go.
            t = [x for x in t if x.get("nic") == only]
            j = [x for x in j if isinstance(x, dict) and x.get("nic") == only]
            if len(t) != 1:
                raise Mismatch(f"{kind}: NIC {only} shown {len(t)} times in the text")
        compare(t, j, kind)
    except Mismatch as e:
        print(str(e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
