#!/usr/bin/env bash
# Old against new in one run: builds the benches of an older revision beside this
# checkout's, then runs each bench's ratio table for both, alternating, so that both see
# the same machine at the same moment. Ratios (ours / baseline in the same process) are
# what is compared; absolute numbers move with the machine's load.
#
#   scripts/bench-compare.sh OLD_REV [ROUNDS] [BENCH...]
#
# ROUNDS defaults to 1; BENCH defaults to every bench both revisions have. The tables go
# to target/bench-compare/<bench>.<old|new>.<round>.md, and round 1's to standard output.
set -euo pipefail
cd "$(dirname "$0")/.."

old_rev="${1:?usage: scripts/bench-compare.sh OLD_REV [ROUNDS] [BENCH...]}"
rounds="${2:-1}"
shift $(( $# >= 2 ? 2 : 1 ))
out=target/bench-compare
old_tree="$out/old-tree"
mkdir -p "$out"
export CARGO_TERM_COLOR=never CHECKLIST_BENCH=ratios

echo "==> old tree at $old_rev"
if [ -d "$old_tree" ]; then
    git -C "$old_tree" checkout -q --detach "$old_rev"
else
    git worktree add -q --detach "$old_tree" "$old_rev"
fi

benches=("$@")
if [ ${#benches[@]} -eq 0 ]; then
    for f in benches/*.rs; do
        name=$(basename "$f" .rs)
        [ -f "$old_tree/benches/$name.rs" ] && benches+=("$name")
    done
fi

echo "==> build (bench profile): ${benches[*]}"
for b in "${benches[@]}"; do
    cargo bench --bench "$b" --no-run -q
    (cd "$old_tree" && cargo bench --bench "$b" --no-run -q)
done

run() { # tree bench label round
    local tree=$1 bench=$2 label=$3 round=$4
    (cd "$tree" && cargo bench -q --bench "$bench" >/dev/null 2>&1) || {
        echo "   $label $bench failed" >&2
        return 1
    }
    cp "$tree/target/bench-results/$bench.md" "$out/$bench.$label.$round.md"
}

for round in $(seq 1 "$rounds"); do
    for b in "${benches[@]}"; do
        # Alternate which goes first, so neither always runs on a warmer machine.
        if (( round % 2 )); then order=(old new); else order=(new old); fi
        for label in "${order[@]}"; do
            tree=.
            [ "$label" = old ] && tree="$old_tree"
            echo "==> round $round: $b ($label)"
            run "$tree" "$b" "$label" "$round"
        done
    done
done

echo
echo "==> the tables, old then new (round 1 of $rounds; all rounds in $out)"
for b in "${benches[@]}"; do
    for label in old new; do
        echo
        echo "## $b ($label)"
        cat "$out/$b.$label.1.md"
    done
done
