# tests/suites.d/bpf_acl.sh - registers the BPF tests of the ACL's L4 search and target rules
# (tests/bpf/test_acl_dp.c; no network; skips without root) with tests/run.
suite bpf-acl build/test_bpf_acl
