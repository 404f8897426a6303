# tests/suites.d/bpf_vf_state.sh - registers the BPF tests of a VF's link state and its
# per-VF group and drop counters (tests/bpf/test_vf_state_dp.c; no network; skips without
# root) with tests/run.
suite bpf-vf-state build/test_bpf_vf_state
