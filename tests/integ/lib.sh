# tests/integ/lib.sh - shared by the namespace integration tests: run a named test in a
# subshell and print "ok NAME" or "FAIL NAME: why"; helpers for the lab (nswitch lab up) and
# its counters. The caller's EXIT trap must call lab_cleanup, so a failing test leaves nothing.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NSW=$ROOT/build/nswitch
RAWSEND=$ROOT/build/nsw_rawsend
TAPVM=$ROOT/build/nsw_tapvm
NIC=lab0
BG_PIDS=()

fail() { echo "$*" >&2; return 1; }

run_test() { # run_test NAME: runs test_NAME
	local name=$1 out
	if out=$( (set -e; "test_$name") 2>&1); then
		echo "ok $name"
	else
		echo "FAIL $name: $(printf '%s\n' "$out" | grep -v '^\s*$' | tail -1)"
		printf '%s\n' "$out" | tail -15 | sed 's/^/    /' >&2
	fi
}

lab_cleanup() {
	local p
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	"$NSW" lab down >/dev/null 2>&1 || true
}

vm() { local n=$1; shift; ip netns exec "nsw-vm$n" "$@"; }
hv() { ip netns exec nsw-hv "$@"; }
ext() { ip netns exec nsw-ext "$@"; }
mac_of() { ip -n "$1" -j link show "${2:-eth0}" | jq -r '.[0].address'; }
stat() { "$NSW" -j stats show "$NIC" | jq -r "$1"; }
pings() { # pings FROM_NS IP [count]: succeeds when every echo is answered
	ip netns exec "$1" ping -c "${3:-3}" -i 0.1 -W 1 -q "$2" >/dev/null
}
