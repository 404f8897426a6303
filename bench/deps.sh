#!/usr/bin/env bash
# bench/deps.sh - installs what the benchmarks need beyond scripts/deps.sh (which CI runs, so
# that tests stay lean): Open vSwitch with DPDK (bench/datapath/run's ovs-dpdk row), the
# third-party generators of the generator cross-check (xdp-tools' xdp-trafficgen; netsniff-ng's
# trafgen, used where xdp-trafficgen cannot start; DPDK's dpdk-testpmd, in dpdk-dev) and perf
# (bench/datapath/profile). Debian 12;
# installs only what is missing; safe to run again. Owner: whoever owns bench/.
set -euo pipefail
bash "$(dirname "$0")/../scripts/deps.sh"
pkgs=(openvswitch-switch-dpdk xdp-tools netsniff-ng dpdk-dev linux-perf)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	if [[ $(id -u) -ne 0 ]]; then
		echo "bench/deps: missing packages: ${missing[*]} (run as root to install them)" >&2
		exit 1
	fi
	echo "bench/deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	# The DPDK build registers itself as an alternative for ovs-vswitchd; the benchmarks call it
	# by its own path, and everything else keeps the plain build (the higher priority).
	update-alternatives --auto ovs-vswitchd >/dev/null 2>&1 || true
fi
exit 0
