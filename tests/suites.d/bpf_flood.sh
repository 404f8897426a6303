# tests/suites.d/bpf_flood.sh - registers the BPF tests of a flood's copies not made (a VF
# waiting for its device, a VF whose link is held down; tests/bpf/test_flood_dp.c; no network;
# skips without root) with tests/run.
suite bpf-flood build/test_bpf_flood
