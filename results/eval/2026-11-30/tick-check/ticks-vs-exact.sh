#!/usr/bin/env bash
# ticks-vs-exact.sh - one-off check (not part of eval/run): over a 3 s window inside a paced UDP
# transfer between two namespaces (ev-diag-a/b, veth, iperf3 -u -b RATE -l 1400, receiver on CPU 1,
# sender on CPU 0), the CPU of the load's own tasks (exact schedstat run time; "ticks" is
# /proc/PID/stat, which the kernel scales to that run time, so it agrees by construction) against
# the host's /proc/stat busy share by ticks, wall time minus exact idle, steal, and ticks counted
# per tick of the wall clock. Needs root; removes its namespaces on exit. Usage: BWS="744M 80M" REPS=3 ./ticks-vs-exact.sh
set -euo pipefail
A=ev-diag-a B=ev-diag-b
cleanup() { kill $(cat ${TMPDIR:-/tmp}/ev-diag-srv.pid) 2>/dev/null || true; ip netns del $A 2>/dev/null || true; ip netns del $B 2>/dev/null || true; }
trap cleanup EXIT
ip netns add $A; ip netns add $B
ip -n $A link add eth0 type veth peer name eth0 netns $B
ip -n $A addr add 10.77.0.1/24 dev eth0; ip -n $B addr add 10.77.0.2/24 dev eth0
ip -n $A link set eth0 up; ip -n $B link set eth0 up
ip netns exec $A taskset -c 1 iperf3 -s -D -p 5201 --pidfile ${TMPDIR:-/tmp}/ev-diag-srv.pid; sleep 0.3
# per task of the namespaces: sum of exact ns (schedstat) and of ticks (utime+stime, 1/100 s)
own() { local ns p t ex=0 tk=0 a b
  for ns in $A $B; do for p in $(ip netns pids $ns); do for t in /proc/$p/task/*; do
    read -r a _ < $t/schedstat 2>/dev/null || continue; b=$(awk '{ print $14 + $15 }' $t/stat 2>/dev/null) || continue
    ex=$((ex + a)); tk=$((tk + b)); done; done; done; echo "$ex $tk"; }
hs() { awk '/^cpu /{ print $2+$3+$4+$7+$8, $5+$6, $9 }' /proc/stat; }
for bw in ${BWS:-744M}; do for r in $(seq ${REPS:-3}); do
  ip netns exec $B taskset -c 0 iperf3 -c 10.77.0.1 -p 5201 -u -b $bw -l 1400 -t 4 -J > ${TMPDIR:-/tmp}/ev-diag-c.json &
  cp=$!; sleep 0.5
  o0=$(own); h0=$(hs); t0=$(date +%s%N); sleep 3; o1=$(own); h1=$(hs); t1=$(date +%s%N)
  wait $cp
  recv=$(jq '.end.sum.bytes/.end.sum.seconds/1e6*(1-.end.sum.lost_percent/100)|floor' ${TMPDIR:-/tmp}/ev-diag-c.json)
  awk -v o0="$o0" -v o1="$o1" -v h0="$h0" -v h1="$h1" -v w=$((t1 - t0)) -v l="bw=$bw r$r recv=${recv}MB/s" 'BEGIN {
    split(o0,a," "); split(o1,b," "); split(h0,c," "); split(h1,d," "); ws = w / 1e9
    printf "%s own: exact %.1f%% ticks %.1f%% of 2 CPUs | host: tick-busy %.1f%% wall-minus-idle %.1f%% steal %.1f%% accounted/wall %.2f\n", l,
      100*(b[1]-a[1])/1e9/ws/2, 100*(b[2]-a[2])/100/ws/2,
      100*(d[1]-c[1])/((d[1]-c[1])+(d[2]-c[2])+(d[3]-c[3])), 100*(1-(d[2]-c[2])/100/ws/2), 100*(d[3]-c[3])/100/ws/2,
      ((d[1]-c[1])+(d[2]-c[2])+(d[3]-c[3]))/100/ws/2 }'
done; done
