#!/usr/bin/env bash
# Runs every test: cmocka unit tests (ASan/UBSan builds), fuzz targets over
# their corpora, source-tree checks, and end-to-end tests through a real
# OpenSSH client.  Ends with one line: "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
PASSED=0
FAILED=0
LOG=build/test-logs
mkdir -p "$LOG"

count_tap() { # FILE
	local p f
	p=$(grep -c '^ok - ' "$1")
	f=$(grep -c '^not ok - ' "$1")
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	grep '^not ok - ' "$1"
	return $((f > 0))
}

echo "== unit tests (cmocka, ASan+UBSan)"
for t in build/tests/test_*; do
	[[ -x $t ]] || continue
	name=$(basename "$t")
	"$t" >"$LOG/$name.log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$LOG/$name.log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$LOG/$name.log" | tail -1)
	p=${p:-0}; f=${f:-0}
	if [[ $rc -ne 0 && $f -eq 0 ]]; then f=1; fi # crashed or sanitizer report
	PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
	printf '%-28s %3d passed %3d failed\n' "$name" "$p" "$f"
	[[ $f -eq 0 ]] || sed -n '/FAILED\|ERROR\|Sanitizer/p' "$LOG/$name.log" | head -20
done

echo "== fuzz targets (corpus replay + mutations)"
for t in build/fuzz/fuzz_*; do
	[[ -x $t ]] || continue
	name=$(basename "$t")
	dirs=()
	for d in "tests/fuzz/corpus/${name#fuzz_}" "tests/fuzz/regress/${name#fuzz_}"; do [[ -d $d ]] && dirs+=("$d"); done
	if "$t" "${dirs[@]}" >"$LOG/$name.log" 2>&1; then
		PASSED=$((PASSED + 1)); echo "ok - $name: $(tail -1 "$LOG/$name.log")"
	else
		FAILED=$((FAILED + 1)); echo "not ok - $name"; tail -20 "$LOG/$name.log"
	fi
done

echo "== source tree"
bash tests/lint.sh >"$LOG/lint.log" 2>&1
count_tap "$LOG/lint.log" && echo "all source-tree checks passed"

echo "== end-to-end (real slapd, real server, OpenSSH client)"
for t in tests/e2e/[0-9]*.sh; do
	name=$(basename "$t" .sh)
	start=$(date +%s)
	timeout 600 bash "$t" >"$LOG/$name.log" 2>&1
	rc=$?
	p=$(grep -c '^ok - ' "$LOG/$name.log")
	f=$(grep -c '^not ok - ' "$LOG/$name.log")
	if [[ $rc -ne 0 && $f -eq 0 ]]; then f=1; echo "$name exited $rc without reporting a failure:"; tail -5 "$LOG/$name.log"; fi
	PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
	printf '%-28s %3d passed %3d failed  (%ds)\n' "$name" "$p" "$f" $(($(date +%s) - start))
	grep -A12 '^not ok - ' "$LOG/$name.log" | head -40
done

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
