#!/usr/bin/env bash
# test_cni.sh - nswitch-cni, the CNI plugin: driven directly as a runtime drives it (VERSION,
# ADD, CHECK, DEL; bad configurations; a failed ADD leaves nothing; DEL idempotent and after
# the container's namespace is gone; 20 ADDs and then 20 DELs in parallel on distinct VFs;
# CHECK against a wrong prevResult), its ADD/DEL latency, and under real podman (CNI backend,
# runc, every podman directory in a temporary folder): containers on networks of type nswitch
# ping each other on one PF (Case 0) and across PFs (Case 1), and podman rm leaves nothing.
# Everything it makes carries the lab prefix (NIC $NSW_LAB_NIC in namespace ${PREFIX}hv,
# containers' namespaces ${PREFIX}c*) or lives in its temporary folder; the EXIT trap removes it.
source "$(dirname "$0")/lib.sh"
CNI=$ROOT/build/nswitch-cni
HV=${LABP}hv
TMP=$(mktemp -d /tmp/${LABP}cni.XXXXXX)
# podman reads only what is in $TMP (never the system's containers, images or networks).
export CONTAINERS_CONF=$TMP/containers.conf CONTAINERS_STORAGE_CONF=$TMP/storage.conf

cleanup() {
	local ns
	if [[ -f $CONTAINERS_CONF && -f $CONTAINERS_STORAGE_CONF ]]; then
		pm rm -f -t 0 ${LABP}a ${LABP}b ${LABP}c >/dev/null 2>&1 || true
		pm rmi -f localhost/${LABP}bb >/dev/null 2>&1 || true
	fi
	for ns in $(ls /run/netns 2>/dev/null | grep "^${LABP}c" || true); do
		ip netns del "$ns" 2>/dev/null || true
	done
	"$NSW" nic del "$NIC" >/dev/null 2>&1 || true
	ip netns del "$HV" 2>/dev/null || true
	rm -rf "/run/nswitch-cni/$NIC"
	rmdir /run/nswitch-cni 2>/dev/null || true
	# libcni (inside podman) caches results in /var/lib/cni/results, a path podman 4.3 does
	# not let us move; podman rm empties it, and a folder we made goes again.
	[[ -z ${CNI_CACHE_MADE:-} ]] || rmdir /var/lib/cni/results 2>/dev/null || true
	# podman's vfs storage may hold read-only files; its mounts are gone with the containers.
	chmod -R u+w "$TMP" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
[[ -d /var/lib/cni/results ]] || CNI_CACHE_MADE=1
cleanup 2>/dev/null
TMP=$(mktemp -d /tmp/${LABP}cni.XXXXXX)
export CONTAINERS_CONF=$TMP/containers.conf CONTAINERS_STORAGE_CONF=$TMP/storage.conf

ip netns add "$HV"
"$NSW" nic add "$NIC" pfs 2 netns "$HV" >/dev/null || { echo "FAIL cni_setup: nic add failed"; exit 1; }
OUI0=$("$NSW" -j nic show "$NIC" | jq -r '.[0].pfs[0].oui')

# conf PF [EXTRA-JSON]: a network of PF PF (name ${LABP}pfPF), an IPv4 and an IPv6 address
# from host-local, and a route without gw (by the IPv4 gateway).
conf() {
	jq -nc --arg nic "$NIC" --argjson pf "$1" --arg dir "$TMP/ipam" --arg name "${LABP}pf$1" \
		--argjson extra "${2:-"{}"}" \
		'{cniVersion: "1.0.0", name: $name, type: "nswitch", nic: $nic, pf: $pf,
		  ipam: {type: "host-local", dataDir: $dir,
			 ranges: [[{subnet: "10.77.0.0/16", rangeStart: "10.77.\($pf + 1).1",
				    rangeEnd: "10.77.\($pf + 1).250"}],
				  [{subnet: "fd77::/64", rangeStart: "fd77::\($pf + 1):1",
				    rangeEnd: "fd77::\($pf + 1):fa"}]],
			 routes: [{dst: "10.99.0.0/16"}]}} + $extra'
}
# cni COMMAND CONTAINER-ID NETNS-NAME [IFNAME] < config: the plugin as a runtime runs it.
cni() {
	env CNI_COMMAND="$1" CNI_CONTAINERID="$2" CNI_NETNS="/run/netns/$3" CNI_IFNAME="${4:-eth0}" \
		CNI_PATH=/usr/lib/cni CNI_ARGS="${CNI_ARGS:-}" "$CNI"
}
cns() { local n; for n in "$@"; do ip netns add "${LABP}c$n"; done; }
in_c() { local n=$1; shift; nsenter --net="/run/netns/${LABP}c$n" "$@"; }
vf_count() { "$NSW" -j vf show "$NIC" | jq length; }
# Nothing of an attachment is left: no VF, no veth end, no record, no address lease.
nothing_left() {
	local n links recs leases
	n=$(vf_count)
	links=$(ip -n "$HV" -o link show 2>/dev/null | grep -c ' nsc[np]' || true)
	recs=$({ find /run/nswitch-cni/"$NIC" -type f 2>/dev/null || true; } | wc -l)
	leases=$({ find "$TMP/ipam" -type f ! -name 'last_reserved_ip*' ! -name lock 2>/dev/null ||
		true; } | wc -l)
	[[ $n == 0 && $links == 0 && $recs == 0 && $leases == 0 ]] ||
		fail "left behind: $n VFs, $links veth ends, $recs records, $leases leases ${1:-}"
}

test_version() {
	local out
	out=$(CNI_COMMAND=VERSION "$CNI" <<<'{"cniVersion":"1.0.0"}')
	jq -e '.supportedVersions | index("1.0.0")' <<<"$out" >/dev/null || fail "VERSION: $out"
	jq -e '.cniVersion == "1.0.0"' <<<"$out" >/dev/null || fail "VERSION: $out"
	# STATUS and GC are spec 1.1.0's: refused as unknown commands (code 4), exit non-zero.
	if out=$(CNI_COMMAND=GC "$CNI" <<<"$(conf 0)"); then fail "GC accepted: $out"; fi
	jq -e '.code == 4' <<<"$out" >/dev/null || fail "GC: $out"
}

test_add_check_del_and_traffic() {
	cns 1 2 3
	local r1 r2 r3 m1 m2 c0 c1 ip2 ip3 out
	r1=$(conf 0 | cni ADD cid-1 ${LABP}c1) || fail "ADD 1: $r1"
	r2=$(conf 0 | CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=p2;K8S_POD_INFRA_CONTAINER_ID=cid-2;MAC=$OUI0:00:00:42" cni ADD cid-2 ${LABP}c2) ||
		fail "ADD 2: $r2"
	r3=$(conf 1 | cni ADD cid-3 ${LABP}c3) || fail "ADD 3: $r3"
	# The result as the spec says: the container's interface with its sandbox and vMAC, the
	# address on interface 1, and the same vMAC on the VF and in the container.
	jq -e --arg ns "/run/netns/${LABP}c1" '.cniVersion == "1.0.0" and .interfaces[1].name == "eth0"
		and .interfaces[1].sandbox == $ns and .ips[0].interface == 1 and (.dns | type) == "object"' \
		<<<"$r1" >/dev/null || fail "ADD result: $r1"
	m1=$(jq -r '.interfaces[1].mac' <<<"$r1"); m2=$(jq -r '.interfaces[1].mac' <<<"$r2")
	[[ $m2 == "$OUI0:00:00:42" ]] || fail "CNI_ARGS MAC= not used: $m2"
	[[ $(mac_of ${LABP}c1) == "$m1" ]] || fail "container 1's MAC is not $m1"
	"$NSW" -j vf show "$NIC" | jq -e --arg m "$m1" --arg d "$(jq -r '.interfaces[0].name' <<<"$r1")" \
		'map(select(.mac == $m and .dev == $d and .pf == 0)) | length == 1' >/dev/null ||
		fail "no VF with $m1 on its host end"
	ip2=$(jq -r '.ips[0].address' <<<"$r2"); ip3=$(jq -r '.ips[0].address' <<<"$r3")
	ip -n ${LABP}c1 -j addr show eth0 | jq -e --arg a "$(jq -r '.ips[0].address' <<<"$r1")" \
		'[.[0].addr_info[] | "\(.local)/\(.prefixlen)"] | index($a)' >/dev/null ||
		fail "container 1 lacks its address"
	[[ $(jq '.ips | length' <<<"$r1") == 2 ]] || fail "not two addresses: $r1"
	ip -n ${LABP}c1 -j route show 10.99.0.0/16 | jq -e '.[0].gateway == "10.77.0.1"' >/dev/null ||
		fail "route 10.99.0.0/16 not via 10.77.0.1: $(ip -n ${LABP}c1 route)"
	c0=$(stat .cases.case0.pkts); c1=$(stat .cases.case1.pkts)
	in_c 1 ping -c 2 -i 0.2 -W 2 -q "$(jq -r '.ips[1].address | sub("/.*"; "")' <<<"$r2")" \
		>/dev/null || fail "no IPv6 ping on PF 0"
	in_c 1 ping -c 3 -i 0.2 -W 2 -q "${ip2%/*}" >/dev/null || fail "no ping on PF 0"
	in_c 1 ping -c 3 -i 0.2 -W 2 -q "${ip3%/*}" >/dev/null || fail "no ping across PFs"
	(($(stat .cases.case0.pkts) >= c0 + 10)) || fail "Case 0 did not rise by 10"
	(($(stat .cases.case1.pkts) >= c1 + 6)) || fail "Case 1 did not rise by 6"
	# CHECK: right with the result, wrong with another vMAC or another address.
	conf 0 | jq -c --argjson p "$r1" '. + {prevResult: $p}' >"$TMP/chk"
	out=$(cni CHECK cid-1 ${LABP}c1 <"$TMP/chk") || fail "CHECK of a good attachment: $out"
	[[ -z $out ]] || fail "CHECK printed $out"
	jq -c '.prevResult.interfaces[1].mac = "'"$OUI0"':00:00:99"' "$TMP/chk" >"$TMP/chk2"
	if out=$(cni CHECK cid-1 ${LABP}c1 <"$TMP/chk2"); then fail "CHECK passed a wrong vMAC"; fi
	jq -e '.code == 104' <<<"$out" >/dev/null || fail "CHECK wrong vMAC: $out"
	jq -c '.prevResult.ips[1].address = "fd77::9:9/64"' "$TMP/chk" >"$TMP/chk4"
	if out=$(cni CHECK cid-1 ${LABP}c1 <"$TMP/chk4"); then fail "CHECK passed a wrong IPv6 address"; fi
	jq -e '.code == 104 and (.msg | contains("fd77::9:9/64"))' <<<"$out" >/dev/null ||
		fail "CHECK wrong IPv6 address: $out"
	jq -c '.prevResult.ips[0].address = "10.77.9.9/16"' "$TMP/chk" >"$TMP/chk3"
	if out=$(cni CHECK cid-1 ${LABP}c1 <"$TMP/chk3"); then fail "CHECK passed a wrong address"; fi
	jq -e '.code == 104 and (.msg | contains("10.77.9.9/16"))' <<<"$out" >/dev/null ||
		fail "CHECK wrong address: $out"
	if out=$(cni CHECK cid-2 ${LABP}c1 <"$TMP/chk"); then fail "CHECK passed another container"; fi
	# DEL prints nothing, and again (idempotent).
	out=$(conf 0 | cni DEL cid-1 ${LABP}c1) && [[ -z $out ]] || fail "DEL 1: $out"
	out=$(conf 0 | cni DEL cid-1 ${LABP}c1) && [[ -z $out ]] || fail "second DEL 1: $out"
	conf 0 | cni DEL cid-2 ${LABP}c2 >/dev/null || fail "DEL 2"
	conf 1 | cni DEL cid-3 ${LABP}c3 >/dev/null || fail "DEL 3"
	ip -n ${LABP}c1 link show eth0 >/dev/null 2>&1 && fail "eth0 still in container 1"
	nothing_left
}

# The CLI's own `vf add ... vf auto`: the lowest free VF, a hole first, printed under -j.
test_vf_auto_takes_the_lowest_free() {
	local i got=()
	for i in 0 1 2 3; do ip -n "$HV" link add ${LABP}h$i type veth peer name ${LABP}g$i; done
	for i in 0 1 2; do got+=("$("$NSW" -j vf add "$NIC" pf 1 vf auto dev ${LABP}h$i | jq .vf)"); done
	[[ ${got[*]} == "0 1 2" ]] || fail "vf auto gave ${got[*]}, not 0 1 2"
	"$NSW" vf del "$NIC" pf 1 vf 1
	got=$("$NSW" -j vf add "$NIC" pf 1 vf auto dev ${LABP}h3 | jq .vf)
	[[ $got == 1 ]] || fail "vf auto after deleting VF 1 gave $got"
	for i in 0 1 2; do "$NSW" vf del "$NIC" pf 1 vf $i; done
	for i in 0 1 2 3; do ip -n "$HV" link del ${LABP}h$i; done
	nothing_left
}

# bad NAME EXPECTED-CODE CONFIG [env...]: ADD refused with that code, nothing left behind.
bad() {
	local name=$1 code=$2 cfg=$3 out
	shift 3
	if out=$(env CNI_COMMAND=ADD CNI_CONTAINERID=cid-bad CNI_NETNS=/run/netns/${LABP}cb \
		CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni "$@" "$CNI" <<<"$cfg"); then
		fail "$name: ADD accepted: $out"
	fi
	jq -e --argjson c "$code" '.code == $c and (.msg | length > 0)' <<<"$out" >/dev/null ||
		fail "$name: expected code $code, got $out"
	nothing_left "after $name"
}

test_bad_configs_and_failed_add_leave_nothing() {
	cns b
	printf 'prio 1 bogus 7 action drop\n' >"$TMP/bad.acl"
	bad not_json 6 '{"cniVersion":'
	bad old_version 1 "$(conf 0 '{"cniVersion": "0.4.0"}')"
	bad unknown_key 2 "$(conf 0 '{"vlna": 5}')"
	bad pf_range 7 "$(conf 0 '{"pf": 8}')"
	bad no_nic 7 "$(conf 0 | jq -c 'del(.nic)')"
	bad cli_not_there 7 "$(conf 0 '{"nswitch": "/nonexistent/nswitch"}')"
	bad cli_env_not_there 7 "$(conf 0)" NSWITCH_CNI_CLI=/nonexistent/nswitch
	bad nic_absent 100 "$(conf 0 '{"nic": "cnnone"}')"
	bad pf_absent 100 "$(conf 0 '{"pf": 5}')"
	bad no_netns 4 "$(conf 0)" CNI_NETNS=
	bad netns_absent 3 "$(conf 0)" CNI_NETNS=/run/netns/${LABP}cnothere
	# These fail after the veth and the VF were made: ADD undoes them.
	bad ipam_absent 103 "$(conf 0 '{"ipam": {"type": "cn-no-such-ipam"}}')"
	bad acl_refused 100 "$(conf 0 "{\"acl\": \"$TMP/bad.acl\"}")"
	bad rate_refused 100 "$(conf 0 '{"rate": "5zbit"}')"
	bad ipam_exhausted 103 "$(conf 0 | jq -c '.ipam.ranges[0][0] += {rangeStart: "10.77.1.1",
		rangeEnd: "10.77.1.0"}')"
	ip -n ${LABP}cb link add eth0 type veth peer name ${LABP}x0
	bad ifname_taken 102 "$(conf 0)"
}

test_del_after_crash_or_namespace_gone() {
	cns 4 5
	local out at cfg
	# A crash (SIGKILL) of ADD right after each nswitch command it runs: the CLI stand-in runs
	# the real one, then kills the plugin. DEL must then remove whatever ADD had made.
	cat >"$TMP/crash-cli" <<-EOF
		#!/bin/bash
		"$NSW" "\$@"; rc=\$?
		[[ " \$* " == *" \$(cat "$TMP/crash-at") "* ]] && kill -9 \$PPID
		exit \$rc
	EOF
	chmod +x "$TMP/crash-cli"
	printf 'prio 10 proto icmp action allow\n' >"$TMP/ok.acl"
	cfg=$(conf 0 "{\"nswitch\": \"$TMP/crash-cli\", \"acl\": \"$TMP/ok.acl\"}")
	for at in list add replace; do
		echo "$at" >"$TMP/crash-at"
		if out=$(cni ADD cid-4 ${LABP}c4 <<<"$cfg"); then fail "ADD survived a kill at $at: $out"; fi
		[[ $at == list ]] || (($(vf_count) == 1)) || fail "no VF made before the kill at $at"
		echo none >"$TMP/crash-at"
		out=$(cni DEL cid-4 ${LABP}c4 <<<"$cfg") && [[ -z $out ]] || fail "DEL after kill at $at: $out"
		nothing_left "after a kill at $at and DEL"
	done
	# The namespace deleted first: the veth went with it, the record names the VF.
	conf 0 | cni ADD cid-5 ${LABP}c5 >/dev/null || fail "ADD 5"
	ip netns del ${LABP}c5
	(($(vf_count) == 1)) || fail "the VF of a deleted namespace is gone before DEL"
	out=$(conf 0 | cni DEL cid-5 ${LABP}c5) && [[ -z $out ]] || fail "DEL of a gone namespace: $out"
	nothing_left
}

test_parallel_20_add_then_20_del() {
	local i n
	for ((i = 1; i <= 20; i++)); do ip netns add ${LABP}cp$i; done
	conf 0 >"$TMP/p.conf"
	for ((i = 1; i <= 20; i++)); do
		(cni ADD cid-p$i ${LABP}cp$i <"$TMP/p.conf" >"$TMP/add.$i" || echo "rc $?" >>"$TMP/add.$i") &
	done
	wait
	for ((i = 1; i <= 20; i++)); do
		jq -e '.interfaces[1].mac' "$TMP/add.$i" >/dev/null 2>&1 || fail "ADD $i: $(cat "$TMP/add.$i")"
	done
	"$NSW" -j vf show "$NIC" | jq -e '[.[].vf] | sort == [range(20)]' >/dev/null ||
		fail "VFs are not 0..19: $("$NSW" -j vf show "$NIC" | jq -c '[.[].vf]')"
	n=$(cat "$TMP"/add.* | jq -r '.ips[0].address' | sort -u | wc -l)
	((n == 20)) || fail "$n distinct addresses, not 20"
	for ((i = 1; i <= 20; i++)); do
		(cni DEL cid-p$i ${LABP}cp$i <"$TMP/p.conf" >"$TMP/del.$i" || echo "rc $?" >>"$TMP/del.$i") &
	done
	wait
	for ((i = 1; i <= 20; i++)); do
		[[ ! -s $TMP/del.$i ]] || fail "DEL $i: $(cat "$TMP/del.$i")"
		ip netns del ${LABP}cp$i
	done
	nothing_left
}

# The median of 20 sequential ADDs and of 20 DELs, in ms (no bound asserted: the machine is
# shared); written to $TMP/latency and printed after the test.
test_latency() {
	cns l
	local i t0 t1 add=() del=()
	conf 0 >"$TMP/l.conf"
	for ((i = 0; i < 20; i++)); do
		t0=$(date +%s%N)
		cni ADD cid-l$i ${LABP}cl <"$TMP/l.conf" >/dev/null || fail "ADD $i"
		t1=$(date +%s%N)
		cni DEL cid-l$i ${LABP}cl <"$TMP/l.conf" >/dev/null || fail "DEL $i"
		add+=($(((t1 - t0) / 1000))); del+=($((($(date +%s%N) - t1) / 1000)))
	done
	med() { printf '%s\n' "$@" | sort -n | sed -n 10p | awk '{printf "%.1f", $1 / 1000}'; }
	echo "# cni latency (median of 20): ADD $(med "${add[@]}") ms, DEL $(med "${del[@]}") ms" >"$TMP/latency"
	nothing_left
}

test_vlan_passed_through() {
	cns v
	local r
	r=$(conf 0 '{"vlan": 100}' | cni ADD cid-v ${LABP}cv) || fail "ADD with vlan: $r"
	"$NSW" -j vf show "$NIC" | jq -e 'map(select(.vlan_list[0].vlan == 100)) | length == 1' >/dev/null ||
		fail "no VF with vlan 100: $("$NSW" -j vf show "$NIC")"
	conf 0 '{"vlan": 100}' | cni DEL cid-v ${LABP}cv >/dev/null || fail "DEL"
	nothing_left
}

# The NetworkAttachmentDefinitions of docs/cni-nad.yaml, as Multus passes them to the plugin
# (only the NIC's name and the lease folder changed for the lab).
test_nad_configs_attach() {
	cns n0 n1
	local cfg i=0 r
	while IFS= read -r cfg; do
		cfg=$(jq -c --arg nic "$NIC" --arg d "$TMP/ipam" '.nic = $nic | .ipam.dataDir = $d' <<<"$cfg")
		r=$(cni ADD cid-n$i ${LABP}cn$i <<<"$cfg") || fail "ADD of NAD config $i: $r"
		"$NSW" -j vf show "$NIC" | jq -e --arg m "$(jq -r '.interfaces[1].mac' <<<"$r")" \
			--argjson pf $i 'map(select(.mac == $m and .pf == $pf)) | length == 1' >/dev/null ||
			fail "NAD config $i: no VF of PF $i with its MAC"
		cni CHECK cid-n$i ${LABP}cn$i <<<"$(jq -c --argjson p "$r" '. + {prevResult: $p}' <<<"$cfg")" ||
			fail "CHECK of NAD config $i"
		cni DEL cid-n$i ${LABP}cn$i <<<"$cfg" || fail "DEL of NAD config $i"
		i=$((i + 1))
	done < <(sed -n "/config: '/,/}'/p" "$ROOT/docs/cni-nad.yaml" | sed "s/^ *config: '//; s/'\$//" |
		jq -c . )
	((i == 2)) || fail "$i configs in docs/cni-nad.yaml, not 2"
	nothing_left
}

# ---- podman ----
pm() { TMPDIR=$TMP/pm/tmp nsenter --net="/run/netns/$HV" podman "$@"; }

podman_setup() {
	mkdir -p "$TMP/pm/netd" "$TMP/pm/bin" "$TMP/pm/root" "$TMP/pm/run" "$TMP/pm/tmp" "$TMP/rootfs/bin"
	install -m 755 "$CNI" "$TMP/pm/bin/nswitch" # as `make install-cni` installs it
	# runc keeps its state in /run/runc unless told: podman has no setting for it, so it runs
	# runc through this, with --root in the temporary folder.
	printf '#!/bin/sh\nexec %s --root %s "$@"\n' "$(command -v runc)" "$TMP/pm/runc-state" >"$TMP/pm/runc"
	chmod 755 "$TMP/pm/runc"
	cat >"$TMP/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
		[engine]
		cgroup_manager = "cgroupfs"
		runtime = "runc"
		image_copy_tmp_dir = "$TMP/pm/tmp"
		events_logger = "file"
		events_logfile_path = "$TMP/pm/events.log"
		tmp_dir = "$TMP/pm/tmp"
		static_dir = "$TMP/pm/root/libpod"
		volume_path = "$TMP/pm/root/volumes"
		[engine.runtimes]
		runc = ["$TMP/pm/runc"]
		[network]
		network_backend = "cni"
		cni_plugin_dirs = ["$TMP/pm/bin", "/usr/lib/cni"]
		network_config_dir = "$TMP/pm/netd"
	EOF
	cat >"$TMP/storage.conf" <<-EOF
		[storage]
		driver = "vfs"
		graphroot = "$TMP/pm/root"
		runroot = "$TMP/pm/run"
	EOF
	local pf
	for pf in 0 1; do
		jq -n --argjson p "$(conf $pf "{\"nswitch\": \"$NSW\"}")" \
			'{cniVersion: "1.0.0", name: $p.name, plugins: [$p | del(.cniVersion, .name)]}' \
			>"$TMP/pm/netd/${LABP}pf$pf.conflist"
	done
	cp /bin/busybox "$TMP/rootfs/bin/busybox"
	local a
	for a in sh ping sleep ip cat; do ln -s busybox "$TMP/rootfs/bin/$a"; done
	# podman import records blobs in /var/lib/containers/cache (no setting moves it in 4.3):
	# the import runs in a private mount namespace with a scratch /var/lib.
	tar -C "$TMP/rootfs" -c . >"$TMP/rootfs.tar"
	mkdir -p "$TMP/pm/varlib"
	unshare -m --propagation private sh -c 'mount --bind "$1" /var/lib && shift && exec "$@"' sh \
		"$TMP/pm/varlib" env TMPDIR="$TMP/pm/tmp" nsenter --net="/run/netns/$HV" podman import "$TMP/rootfs.tar" \
		localhost/${LABP}bb >/dev/null
}

test_podman() {
	# Limits above 4096 (open files, processes) are what this machine's podman cannot start
	# containers with; lower ones are kept.
	local l
	for l in n u; do
		[[ $(ulimit -$l) == unlimited || $(ulimit -$l) -gt 4096 ]] && ulimit -$l 4096
	done
	podman_setup
	local a b c ipb ipc c0 c1 macs
	pm run -d --name ${LABP}a --network ${LABP}pf0 localhost/${LABP}bb sleep 600 >/dev/null || fail "run a"
	pm run -d --name ${LABP}b --network ${LABP}pf0 localhost/${LABP}bb sleep 600 >/dev/null || fail "run b"
	pm run -d --name ${LABP}c --network ${LABP}pf1 localhost/${LABP}bb sleep 600 >/dev/null || fail "run c"
	ipb=$(pm inspect ${LABP}b | jq -r ".[0].NetworkSettings.Networks[\"${LABP}pf0\"].IPAddress")
	ipc=$(pm inspect ${LABP}c | jq -r ".[0].NetworkSettings.Networks[\"${LABP}pf1\"].IPAddress")
	[[ $ipb == 10.77.1.* && $ipc == 10.77.2.* ]] || fail "addresses: b $ipb, c $ipc"
	c0=$(stat .cases.case0.pkts); c1=$(stat .cases.case1.pkts)
	pm exec ${LABP}a ping -c 3 -W 2 "$ipb" >/dev/null || fail "a cannot ping b on PF 0"
	pm exec ${LABP}a ping -c 3 -W 2 "$ipc" >/dev/null || fail "a cannot ping c on PF 1"
	(($(stat .cases.case0.pkts) >= c0 + 6)) || fail "Case 0 did not rise by 6"
	(($(stat .cases.case1.pkts) >= c1 + 6)) || fail "Case 1 did not rise by 6"
	for a in a b c; do
		b=$(pm inspect ${LABP}$a | jq -r '.[0].NetworkSettings.Networks[].MacAddress')
		"$NSW" -j vf show "$NIC" | jq -e --arg m "$b" 'map(select(.mac == $m)) | length == 1' \
			>/dev/null || fail "container $a's MAC $b is no VF's"
	done
	pm rm -f -t 0 ${LABP}a ${LABP}b ${LABP}c >/dev/null || fail "podman rm"
	nothing_left "after podman rm"
}

run_test version
run_test vf_auto_takes_the_lowest_free
run_test add_check_del_and_traffic
run_test bad_configs_and_failed_add_leave_nothing
run_test del_after_crash_or_namespace_gone
run_test parallel_20_add_then_20_del
run_test latency
run_test nad_configs_attach
[[ -f $TMP/latency ]] && cat "$TMP/latency"
if "$NSW" help vf | grep -qw vlan; then
	run_test vlan_passed_through
else
	echo "skip vlan_passed_through: this nswitch's vf add takes no vlan (nswitch help vf)"
fi
if ! command -v podman >/dev/null || ! command -v runc >/dev/null || [[ ! -x /bin/busybox ]]; then
	echo "skip podman: podman, runc or busybox-static not installed (scripts/deps.sh)"
else
	run_test podman
fi
