#!/usr/bin/env python3
"""SQLite, whole processes side by side, alternating runs, medians:
  1. apply N migrations to an empty file: strata (bench_sqlite_apply) against the sqlite3 shell
     running the same statements and history rows, one transaction per migration;
  2. the no-op start-up on the migrated file: strata (one statement) against a bare program that
     opens the file and reads PRAGMA user_version; whole processes, and inside them (each prints
     the microseconds from opening the file to the end of its check). And the bare program's first
     query of a table instead (SQLite then reads the file's schema, as an application's first query
     does; PRAGMA user_version does not).
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


def timed(cmd, stdin=None, inside=None):
    start = time.perf_counter()
    with open(stdin) if stdin else open(os.devnull) as given:
        p = subprocess.run(cmd, stdin=given, stdout=subprocess.PIPE, text=True)
    took = (time.perf_counter() - start) * 1000
    if p.returncode != 0:
        sys.exit(f"{cmd[0]} exited {p.returncode}")
    if inside is not None:
        inside.append(int(p.stdout.split()[-1]) / 1000)
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

noop_strata, noop_bare, inside_strata, inside_bare, inside_table = [], [], [], [], []
for _ in range(runs):
    noop_strata.append(timed([strata_apply, a], inside=inside_strata))
    noop_bare.append(timed([bare, a], inside=inside_bare))
    timed([bare, a, "SELECT count(*) FROM t0000"], inside=inside_table)


def line(what, xs, ys, x_name, y_name):
    mx, my = statistics.median(xs), statistics.median(ys)
    print(f"{what}: {x_name} {mx:.1f} ms, {y_name} {my:.1f} ms (medians of {runs}, alternating): {mx / my:.2f}x")


line("apply 200 migrations to an empty file", apply_strata, apply_shell, "strata", "sqlite3 shell")
line("no-op start-up, whole processes", noop_strata, noop_bare, "strata", "open + user_version")
line("no-op start-up, from opening the file to the end of the check", inside_strata, inside_bare, "strata",
     "open + user_version")
line("no-op start-up, from opening the file to the end of the check", inside_strata, inside_table, "strata",
     "open + a first query of a table")
