# tests/suites.d/bpf_vlan.sh - registers the BPF tests of port VLANs (tests/bpf/test_vlan_dp.c;
# no network; skips without root) with tests/run.
suite bpf-vlan build/test_bpf_vlan
