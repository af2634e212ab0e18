#!/bin/sh
# SPDX-License-Identifier: MIT
# Prints 'N passed, N failed, N skipped' from the harness's .trs files (one
# :test-result: line per TAP assertion). No result files at all is a failure:
# a run that executed nothing must not look green.
dir=${1:-.}
files=$(find "$dir" -name '*.trs' 2>/dev/null)
if [ -z "$files" ]; then
	echo "no test results found under $dir" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
# shellcheck disable=SC2086
cat $files | awk '
	/^:test-result: PASS/  { p++ }
	/^:test-result: XFAIL/ { p++ }
	/^:test-result: FAIL/  { f++ }
	/^:test-result: XPASS/ { f++ }
	/^:test-result: ERROR/ { f++ }
	/^:test-result: SKIP/  { s++ }
	END {
		printf "%d passed, %d failed, %d skipped\n", p, f, s
		exit (f > 0 || p == 0) ? 1 : 0
	}'
