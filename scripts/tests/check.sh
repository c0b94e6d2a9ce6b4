# Sourced by the shell tests (scripts/tests, vmm/tests): `check NAME EXPECTED ACTUAL` prints one
# line per check and counts it; `check_summary PREFIX [NOTE]` prints the counts and fails if any
# check did.
passed=0 failed=0

check() {
    if [ "$2" == "$3" ]; then
        passed=$((passed + 1)); echo "ok   $1"
    else
        failed=$((failed + 1)); echo "FAIL $1: expected [$2], got [$3]"
    fi
}

check_summary() {
    echo "$1: $passed passed, $failed failed${2:+ $2}"
    [ "$failed" -eq 0 ]
}
