#!/bin/sh
# SPDX-License-Identifier: MIT
# Prints, for every test under DIR whose result files record a failure, the
# failing TAP lines of its log and the diagnostics beside them, so that the
# tail of a CI log names what failed. Prints nothing when nothing failed.
dir=${1:-.}
find "$dir" -name '*.trs' 2>/dev/null | sort | while read -r f; do
	grep -q -E '^:test-result: (FAIL|ERROR|XPASS)' "$f" || continue
	echo "---- ${f%.trs}.log (failures) ----"
	grep -E '^(not ok|Bail out|#)' "${f%.trs}.log" | head -n 40
done
