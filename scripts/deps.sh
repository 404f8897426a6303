#!/usr/bin/env bash
# scripts/deps.sh - installs what nswitch needs to build, test, demo and evaluate on Debian 12,
# and mounts bpffs. Installs only what is missing (apt-get update first); safe to run again.
set -euo pipefail
pkgs=(make gcc clang llvm libclang-rt-14-dev pkg-config libbpf-dev bpftool libelf-dev zlib1g-dev
	libpcap-dev libmnl-dev libjson-c-dev iproute2 iputils-ping iputils-arping iperf3 tshark gnuplot-nox openvswitch-switch ethtool jq
	procps psmisc kmod strace podman containernetworking-plugins runc busybox-static iverilog verilator yosys nextpnr-ice40 fpga-icestorm
	qemu-system-x86 libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients python3 util-linux)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	if [[ $(id -u) -ne 0 ]]; then
		echo "deps: missing packages: ${missing[*]} (run as root to install them)" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ $(id -u) -eq 0 ]] && ! mountpoint -q /sys/fs/bpf; then
	mount -t bpf bpf /sys/fs/bpf
fi
exit 0
