# tests/suites.d/eval.sh - registers the evaluation's test (eval/run --quick, about 3 minutes,
# needs root) with tests/run. Owner: the evaluation.
suite eval root_or_skip eval bash tests/eval/test_eval.sh
