#!/usr/bin/env bash
# Runs the hostile-input cases too big for the default test run (the `#[ignore]`d tests of
# tests/hostile_markdown.rs and tests/hostile_state.rs: a 50 MB checklist, 10,000 headings
# each deeper than the last, a 100 MB string in a state document), in release mode, one
# at a time, under one time budget for all of them. Prints each case's wall time.
#
#   scripts/hostile-big.sh [BUDGET_SECONDS]      (default: $HOSTILE_BIG_BUDGET or 300)
#
# The release build comes first and is not counted against the budget. Exits non-zero
# when a case fails or the budget runs out.
set -euo pipefail
cd "$(dirname "$0")/.."

budget="${1:-${HOSTILE_BIG_BUDGET:-300}}"
suites=(hostile_markdown hostile_state)
test_args=()
for s in "${suites[@]}"; do test_args+=(--test "$s"); done

echo "==> build (release)"
cargo test --release "${test_args[@]}" --no-run

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

start=$(now)
deadline=$(awk -v s="$start" -v b="$budget" 'BEGIN { printf "%d", s + b }')
failed=0
echo "==> ignored cases, budget ${budget}s"
for suite in "${suites[@]}"; do
    cases=$(cargo test -q --release --test "$suite" -- --ignored --list 2>/dev/null |
        sed -n 's/: test$//p')
    for case in $cases; do
        left=$((deadline - $(date +%s)))
        if [ "$left" -le 0 ]; then
            echo "FAIL  $suite::$case: the ${budget}s budget ran out before it started"
            failed=1
            continue
        fi
        t0=$(now)
        log="target/hostile-big-$suite-$case.log"
        if timeout --kill-after=5 "$left" cargo test -q --release --test "$suite" -- \
            --ignored --exact "$case" --nocapture >"$log" 2>&1; then
            echo "ok    $suite::$case  $(elapsed "$t0" "$(now)")s"
            grep -E '^(50 MB|[0-9]+ MB)' "$log" | sed 's/^/      /' || true
        else
            code=$?
            if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
                echo "FAIL  $suite::$case: out of time after $(elapsed "$t0" "$(now)")s"
            else
                echo "FAIL  $suite::$case (exit $code) after $(elapsed "$t0" "$(now)")s; log: $log"
                tail -20 "$log" | sed 's/^/      /'
            fi
            failed=1
        fi
    done
done
echo "==> total $(elapsed "$start" "$(now)")s of a ${budget}s budget"
exit "$failed"
