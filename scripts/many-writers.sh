#!/usr/bin/env bash
# Many writers on one database run, at scale, with random SIGKILLs, in release mode:
# W writer threads each run N `checklist complete`s of their own items, one process at a
# time, against SQLite and against PostgreSQL, while a killer thread SIGKILLs K of those
# processes at random moments (a killed complete is run again; if its process had
# committed, the retry finds the item done). Afterwards every item must be done with
# exactly one event, by its own writer, and the log must verify
# (checklist-cli/tests/many_writers.rs; `cargo test` runs it at 8 x 100 without kills).
#
#   scripts/many-writers.sh [--write-doc]
#
# CHECKLIST_MANY_WRITERS (default 16), CHECKLIST_MANY_UPDATES (250) and
# CHECKLIST_MANY_KILLS (200) set the counts; CHECKLIST_TEST_POSTGRES the server
# (default postgres://postgres@127.0.0.1:5432/test). With --write-doc the figures of
# this run replace the "Many writers on a database" section of docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."

write_doc=0
[ "${1:-}" = "--write-doc" ] && write_doc=1
export CHECKLIST_MANY_WRITERS="${CHECKLIST_MANY_WRITERS:-16}"
export CHECKLIST_MANY_UPDATES="${CHECKLIST_MANY_UPDATES:-250}"
export CHECKLIST_MANY_KILLS="${CHECKLIST_MANY_KILLS:-200}"
export CHECKLIST_TEST_POSTGRES="${CHECKLIST_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"
# Skipping PostgreSQL would make the figures half a run: fail instead.
export CHECKLIST_REQUIRE_POSTGRES=1
export CARGO_TERM_COLOR=never

load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)
echo "==> build (release)"
cargo test --release -p checklist-cli --test many_writers --no-run

cmd="CHECKLIST_MANY_WRITERS=$CHECKLIST_MANY_WRITERS CHECKLIST_MANY_UPDATES=$CHECKLIST_MANY_UPDATES CHECKLIST_MANY_KILLS=$CHECKLIST_MANY_KILLS cargo test --release -p checklist-cli --test many_writers -- --test-threads=1"
echo "==> $cmd"
# One store at a time, so that each has the machine to itself.
log=$(cargo test --release -p checklist-cli --test many_writers -- --test-threads=1 2>&1) || {
    echo "$log"
    echo "FAIL: the many-writers test failed"
    exit 1
}
sqlite_line=$(grep -o -m1 'many writers (sqlite):.*' <<<"$log")
postgres_line=$(grep -o -m1 'many writers (postgres):.*' <<<"$log")
echo "$sqlite_line"
echo "$postgres_line"

# "many writers (S): W x N completes in Ts (R completes/s); D items done, E events, hash
#  chain verified; lost updates: L; writer switches in the log: X; kills: K (C had
#  committed, U had not)"
row() {
    local line="$1"
    local store time rate done events lost switches kills committed uncommitted
    store=$(sed -E 's/^many writers \(([a-z]+)\).*/\1/' <<<"$line")
    time=$(sed -E 's/.* completes in ([0-9.]+s) .*/\1/' <<<"$line")
    rate=$(sed -E 's/.*\(([0-9]+) completes\/s\).*/\1/' <<<"$line")
    done=$(sed -E 's/.*; ([0-9]+) items done.*/\1/' <<<"$line")
    events=$(sed -E 's/.* items done, ([0-9]+) events.*/\1/' <<<"$line")
    lost=$(sed -E 's/.*lost updates: ([0-9]+).*/\1/' <<<"$line")
    switches=$(sed -E 's/.*switches in the log: ([0-9]+).*/\1/' <<<"$line")
    kills=$(sed -E 's/.*kills: ([0-9]+) .*/\1/' <<<"$line")
    committed=$(sed -E 's/.*\(([0-9]+) had committed.*/\1/' <<<"$line")
    uncommitted=$(sed -E 's/.*, ([0-9]+) had not\).*/\1/' <<<"$line")
    echo "| $store | $CHECKLIST_MANY_WRITERS × $CHECKLIST_MANY_UPDATES | $time | $rate | $done | $events | $lost | $kills | $committed | $uncommitted | $switches |"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
machine="$(uname -srm), ${cpu:-unknown CPU}, $(nproc) cores, $(rustc -V)"
server=$(psql "$CHECKLIST_TEST_POSTGRES" -Atc 'SHOW server_version' 2>/dev/null || echo unknown)

section=$(cat <<EOF
<!-- many-writers: written by scripts/many-writers.sh --write-doc -->
## Many writers on a database

What \`SqliteStore\` and \`PostgresStore\` promise beyond the file store: many processes
share one run, each \`checklist complete\` is one transaction that holds the database's
lock (SQLite's \`BEGIN IMMEDIATE\`, PostgreSQL's row lock on the run) from its load to
its save, and a writer killed at any moment leaves the run as it was before its
transaction. \`checklist-cli/tests/many_writers.rs\` runs $CHECKLIST_MANY_WRITERS writer
threads, each making $CHECKLIST_MANY_UPDATES \`checklist complete\`s of its own items
through the built binary, one process at a time, while a killer thread sends SIGKILL to
$CHECKLIST_MANY_KILLS of those processes at random moments; a killed complete is run
again (when its process had committed, the retry finds the item done). Then every item
must be done with exactly one event, by its own writer, and \`checklist log\` must verify
the hash chain. \`cargo test\` runs it at 8 × 100 without kills;
\`scripts/many-writers.sh --write-doc\` runs this and rewrites this section.

\`\`\`sh
scripts/many-writers.sh --write-doc
# that is:
$cmd
\`\`\`

$(date -u +%Y-%m-%d), on $machine; PostgreSQL $server on 127.0.0.1; SQLite (bundled) in \`${TMPDIR:-/tmp}\`; release build; load average $load at the start (the machine is shared with other builds, so the rates are low and vary; the counts are what the run proves).

| store | writers × completes | time | completes/s | items done | events | lost updates | kills | killed after commit | killed before commit | writer switches in the log |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
$(row "$sqlite_line")
$(row "$postgres_line")

A lost update, a second event for an item, or a log that does not verify would have
failed the run. Every process loads the run (verifying its whole log) twice: once to
open it, once inside its transaction; that load, which grows with the log, is most of a
complete's time.

Test output:

\`\`\`text
$sqlite_line
$postgres_line
\`\`\`
EOF
)

echo
echo "==> summary"
echo "$section" | grep '^|'

if [ "$write_doc" -eq 1 ]; then
    marker='<!-- many-writers: written by scripts/many-writers.sh --write-doc -->'
    doc=docs/reliability.md
    if grep -qF "$marker" "$doc"; then
        before=$(sed "/$(sed 's/[^^]/[&]/g; s/\^/\\^/g' <<<"$marker")/,\$d" "$doc")
    else
        before=$(cat "$doc")
    fi
    printf '%s\n\n%s\n' "$before" "$section" >"$doc"
    echo "==> wrote the many-writers section of $doc"
fi
