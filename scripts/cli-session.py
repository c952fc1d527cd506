#!/usr/bin/env python3
"""Regenerates the output in docs/cli-session.md: runs every `$ ` line of its console
blocks in order, in a scratch directory, with the built `checklist` on PATH, NO_COLOR=1
and CHECKLIST_FIXED_TIME=2026-11-26T09:00:00Z, and writes what each printed (stdout and
stderr) under it. A line `<!-- $ COMMAND -->` outside the blocks runs too, unshown.

    cargo build -p checklist-cli && python3 scripts/cli-session.py
"""

import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "cli-session.md")
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BIN = os.path.join(TARGET, "debug")


def main() -> int:
    if not os.path.exists(os.path.join(BIN, "checklist")):
        print(f"no {BIN}/checklist: run `cargo build -p checklist-cli` first", file=sys.stderr)
        return 2
    lines = open(DOC, encoding="utf-8").read().split("\n")
    out = []
    env = dict(os.environ, NO_COLOR="1", CHECKLIST_FIXED_TIME="2026-11-26T09:00:00Z",
               PATH=BIN + os.pathsep + os.environ["PATH"])
    env.pop("CHECKLIST_STATE", None)
    env.pop("CHECKLIST_RUN", None)
    with tempfile.TemporaryDirectory() as scratch:
        os.symlink(os.path.join(ROOT, "examples"), os.path.join(scratch, "examples"))
        in_console = False
        skipping = False
        for line in lines:
            hidden = re.fullmatch(r"<!-- \$ (.*) -->", line)
            if hidden and not in_console:
                subprocess.run(["sh", "-c", hidden.group(1)], cwd=scratch, env=env,
                               capture_output=True, check=True)
                out.append(line)
                continue
            if line == "```console":
                in_console, skipping = True, False
                out.append(line)
                continue
            if in_console and line == "```":
                in_console, skipping = False, False
                out.append(line)
                continue
            if in_console and line.startswith("$ "):
                out.append(line)
                command = re.sub(r"\s+#.*$", "", line[2:])
                ran = subprocess.run(["sh", "-c", command + " 2>&1"], cwd=scratch, env=env,
                                     capture_output=True, text=True)
                out.extend(ran.stdout.rstrip("\n").split("\n") if ran.stdout else [])
                skipping = True
                continue
            if in_console and skipping:
                continue
            out.append(line)
    open(DOC, "w", encoding="utf-8").write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
