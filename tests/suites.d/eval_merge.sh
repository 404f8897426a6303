# tests/suites.d/eval_merge.sh - registers the test of eval/merge and the report on made-up run
# folders (tests/eval/test_merge.sh: no root, no traffic, about 10 s). Owner: the evaluation.
suite eval-merge bash tests/eval/test_merge.sh
