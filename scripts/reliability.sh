#!/usr/bin/env bash
# Crash and concurrency figures at full counts, in release mode:
#
# - kill-while-saving: a writer process killed at a random moment, CHECKLIST_CRASH_ITERATIONS
#   times (default 1000); after every kill the file must load and verify
#   (tests/log_and_store.rs, a_killed_writer_never_leaves_a_torn_file);
# - two writers: two processes each making CHECKLIST_TWO_WRITERS_UPDATES completes
#   (default 1000) on one file through FileStore::update while this process reads it;
#   no lost update, no torn read (tests/two_writers.rs).
#
#   scripts/reliability.sh [--write-doc]
#
# With --write-doc the figures of this run replace docs/reliability.md. `cargo test` runs
# the same two tests at small counts (200 kills, 50 updates per writer).
set -euo pipefail
cd "$(dirname "$0")/.."

write_doc=0
[ "${1:-}" = "--write-doc" ] && write_doc=1
iterations="${CHECKLIST_CRASH_ITERATIONS:-1000}"
updates="${CHECKLIST_TWO_WRITERS_UPDATES:-1000}"
export CARGO_TERM_COLOR=never

echo "==> build (release)"
cargo test --release --test log_and_store --test two_writers --no-run


crash_cmd="CHECKLIST_CRASH_ITERATIONS=$iterations cargo test --release --test log_and_store a_killed_writer_never_leaves_a_torn_file -- --exact --nocapture"
echo "==> $crash_cmd"
crash_log=$(CHECKLIST_CRASH_ITERATIONS="$iterations" cargo test -q --release --test log_and_store \
    a_killed_writer_never_leaves_a_torn_file -- --exact --nocapture 2>&1) || {
    echo "$crash_log"
    echo "FAIL: the kill-while-saving test failed"
    exit 1
}
crash_line=$(grep -m1 '^crash test:' <<<"$crash_log")
echo "$crash_line"
# "crash test: N kills in T; A runs saved (S saves), L temp files left by kills mid-save"
kills=$(sed -E 's/^crash test: ([0-9]+) kills.*/\1/' <<<"$crash_line")
crash_time=$(sed -E 's/.* kills in ([0-9.]+[mµn]?s);.*/\1/' <<<"$crash_line")
runs_saved=$(sed -E 's/.*; ([0-9]+) runs saved.*/\1/' <<<"$crash_line")
saves=$(sed -E 's/.*\(([0-9]+) saves\).*/\1/' <<<"$crash_line")
temps=$(sed -E 's/.*, ([0-9]+) temp files left.*/\1/' <<<"$crash_line")

writers_cmd="CHECKLIST_TWO_WRITERS_UPDATES=$updates cargo test --release --test two_writers two_processes_updating_one_file_lose_nothing -- --exact --nocapture"
echo "==> $writers_cmd"
writers_log=$(CHECKLIST_TWO_WRITERS_UPDATES="$updates" cargo test -q --release --test two_writers \
    two_processes_updating_one_file_lose_nothing -- --exact --nocapture 2>&1) || {
    echo "$writers_log"
    echo "FAIL: the two-writer test failed"
    exit 1
}
writers_line=$(grep -m1 '^two writers:' <<<"$writers_log")
echo "$writers_line"
field() { sed -E "s/.*$1.*/\\1/" <<<"$writers_line"; }
revision=$(field 'final revision ([0-9]+)')
reads=$(field '; ([0-9]+) reads')
observed=$(field 'saw ([0-9]+) distinct')
switches=$(field 'switches writer ([0-9]+) times')
lost=$(field 'lost updates: ([0-9]+)')
writers_time=$(field 'updates in ([0-9.]+[mµn]?s);')
torn=$(field 'torn reads: ([0-9]+)')

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
machine="$(uname -srm), ${cpu:-unknown CPU}, $(nproc) cores, $(rustc -V)"
# The tests keep their state files in temporary directories.
tmp="${TMPDIR:-/tmp}"
fs=$(df -T "$tmp" 2>/dev/null | awk 'NR == 2 { print $2 }')

cat <<EOF

==> summary ($(date -u +%Y-%m-%dT%H:%MZ))
machine:          $machine
kill-while-saving: $kills kills, $runs_saved runs saved before the kill ($saves saves), torn files: 0, temp files left: $temps, $crash_time
two writers:       2 x $updates updates, final revision $revision, lost updates: $lost, torn reads: $torn, $reads reads saw $observed saves, writers interleaved $switches times, $writers_time
EOF

if [ "$write_doc" -eq 1 ]; then
    # The hardening and many-writers sections (the latter written by
    # scripts/many-writers.sh) are kept as they are.
    many=$(sed -n '/^<!-- \(hardening\|many-writers\):/,$p' docs/reliability.md 2>/dev/null || true)
    cat >docs/reliability.md <<EOF
# Reliability figures

What \`FileStore\` promises: a save is atomic (temp file, fsync,
rename, fsync of the directory, under an advisory lock, with an optimistic revision
check), so a writer killed at any moment never leaves a torn file, and two writers never
lose each other's update. Two tests check it, and \`scripts/reliability.sh --write-doc\`
runs them at full counts and rewrites this page with the figures of its run.

| test | what it does | \`cargo test\` | full run |
|---|---|---|---|
| \`tests/log_and_store.rs\` \`a_killed_writer_never_leaves_a_torn_file\` | re-runs the test binary as a writer that saves in a loop, kills it after 0–20 ms, then loads and verifies the file; any unloadable file fails the test | 200 kills | \`CHECKLIST_CRASH_ITERATIONS=1000\` |
| \`tests/two_writers.rs\` \`two_processes_updating_one_file_lose_nothing\` | two writer processes each complete their own N tasks of one file through \`FileStore::update\` while the test reads the file in a loop; then every task must be done, the log must verify and the revision be 2N | N = 50 | \`CHECKLIST_TWO_WRITERS_UPDATES=1000\` |

## Commands

\`\`\`sh
scripts/reliability.sh --write-doc     # both, at full counts, then rewrite this page
# or one at a time:
$crash_cmd
$writers_cmd
\`\`\`

## Last run

$(date -u +%Y-%m-%d), on $machine; state files in \`$tmp\` (${fs:-unknown file system}).

Kill while saving, $kills kills in $crash_time:

| iterations (kills) | runs that saved before the kill | saves observed | torn files | temp files left |
|---:|---:|---:|---:|---:|
| $kills | $runs_saved | $saves | 0 | $temps |

A torn file would have failed the run: after each kill the file is loaded, which checks the
JSON, the hash chain, the revisions and that the item states are the replay of the log.
Temp files left are those of writers killed mid-save; the next save removes them.

Two writers, 2 × $updates updates in $writers_time:

| updates per writer | final revision | lost updates | torn reads | reads while writing | saves observed by the reader | writer switches in the log |
|---:|---:|---:|---:|---:|---:|---:|
| $updates | $revision | $lost | $torn | $reads | $observed | $switches |

Test output:

\`\`\`text
$crash_line
$writers_line
\`\`\`
EOF
    if [ -n "$many" ]; then printf '\n%s\n' "$many" >>docs/reliability.md; fi
    echo "==> wrote docs/reliability.md"
fi
