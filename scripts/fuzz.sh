#!/usr/bin/env bash
# Runs every cargo-fuzz target for a given time and prints what libFuzzer reports.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Seeds come from
# the repository's example checklists, a state document made by the example, and the
# real-world corpus when CHECKLIST_CORPUS is set. Crashes land in fuzz/artifacts/TARGET/;
# turn each into a regression test before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(parse state_load render_roundtrip)
fi

seeds="target/fuzz-seeds"
mkdir -p "$seeds/markdown" "$seeds/state"
cp examples/checklists/*.md "$seeds/markdown/"
if [ -n "${CHECKLIST_CORPUS:-}" ]; then
    cp "$CHECKLIST_CORPUS"/*.md "$seeds/markdown/" 2>/dev/null || true
fi
if [ ! -f target/checklist-demo/state.json ]; then
    cargo run -q --example production_deployment -- target/checklist-demo >/dev/null
fi
cp target/checklist-demo/state.json "$seeds/state/"

for target in "${targets[@]}"; do
    case "$target" in
        state_load) seed="$seeds/state" ;;
        *) seed="$seeds/markdown" ;;
    esac
    corpus="fuzz/corpus/$target"
    mkdir -p "$corpus"
    echo "==> $target for ${seconds}s"
    log="target/fuzz-$target.log"
    start=$(date +%s)
    status=0
    cargo +nightly fuzz run "$target" "$corpus" "$seed" -- \
        -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || status=$?
    end=$(date +%s)
    execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)
    cov=$(grep -E '^#[0-9]+.*DONE' "$log" | tail -1 | grep -oE 'cov: [0-9]+' || true)
    crashes=$(ls "fuzz/artifacts/$target" 2>/dev/null | grep -c -E '^(crash|timeout|oom|leak)-' || true)
    echo "$target: ${execs:-?} executions in $((end - start))s, ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l) inputs, exit $status, artifacts $crashes"
done
