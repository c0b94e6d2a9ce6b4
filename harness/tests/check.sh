#!/bin/sh
# harness-check, in one process tree so that scripts/vm-run boots at most one VM:
#   check.sh ZXCONFORM SAMPLE_BINARY REFERENCE.so EMPTY.so WORK_DIR FILTER...
# Runs every test even when one fails; exits 1 if any did.
zxconform=$1 sample=$2 reference=$3 empty=$4 work=$5
shift 5
python=${PYTHON:-/usr/bin/python3}
tests=$(dirname "$0")
failed=0
"$python" "$tests/test_sample.py" "$sample" "$reference" "$empty" "$work" || failed=$((failed + 1))
"$python" "$tests/test_determinism.py" "$zxconform" "$reference" "$work/determinism" "$@" \
    || failed=$((failed + 1))
"$python" "$tests/test_compare.py" "$work" || failed=$((failed + 1))
if [ "$failed" -ne 0 ]; then
    echo "harness-check: FAILED: $failed of 3 test groups failed"
    exit 1
fi
echo "harness-check: OK: the sample table, expectations, missing symbols, determinism, compare.py"
