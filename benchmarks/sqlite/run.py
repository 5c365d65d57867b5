#!/usr/bin/env python3
"""SQLite, whole processes side by side, alternating runs, medians:
  1. apply N migrations to an empty file: strata (bench_sqlite_apply) against the sqlite3 shell
     running the same statements and history rows, one transaction per migration;
  2. the no-op start-up on the migrated file: strata (one statement) against a bare program that
     opens the file and reads PRAGMA user_version.
Usage: run.py BUILD_DIR [RUNS]  (BUILD_DIR configured with -DSTRATA_BUILD_BENCHMARKS=ON)"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

build = os.path.abspath(sys.argv[1])
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
bench = os.path.join(build, "benchmarks")
strata_apply = os.path.join(bench, "bench_sqlite_apply")
bare = os.path.join(bench, "bench_bare_user_version")
script = os.path.join(bench, "generated_sqlite", "script.sql")
tmp = tempfile.mkdtemp(prefix="strata-sqlite-bench-")


def fresh(name):
    path = os.path.join(tmp, name)
    for suffix in ("", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def timed(cmd, stdin=None):
    start = time.perf_counter()
    with open(stdin) if stdin else open(os.devnull) as given:
        rc = subprocess.run(cmd, stdin=given, stdout=subprocess.DEVNULL).returncode
    took = (time.perf_counter() - start) * 1000
    if rc != 0:
        sys.exit(f"{cmd[0]} exited {rc}")
    return took


def count(path, sql):
    return subprocess.check_output(["sqlite3", path, sql], text=True).strip()


apply_strata, apply_shell = [], []
for _ in range(runs):
    a = fresh("strata.db")
    apply_strata.append(timed([strata_apply, a]))
    b = fresh("shell.db")
    apply_shell.append(timed(["sqlite3", "-bail", b], stdin=script))
assert count(a, "SELECT count(*) FROM strata_history") == count(b, "SELECT count(*) FROM strata_history") == "200"

noop_strata, noop_bare = [], []
for _ in range(runs):
    noop_strata.append(timed([strata_apply, a]))
    noop_bare.append(timed([bare, a]))


def line(what, xs, ys, x_name, y_name):
    mx, my = statistics.median(xs), statistics.median(ys)
    print(f"{what}: {x_name} {mx:.1f} ms, {y_name} {my:.1f} ms (medians of {runs}, alternating): {mx / my:.2f}x")


line("apply 200 migrations to an empty file", apply_strata, apply_shell, "strata", "sqlite3 shell")
line("no-op start-up", noop_strata, noop_bare, "strata", "open + user_version")
