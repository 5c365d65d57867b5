#!/usr/bin/env python3
"""Times the testing kit on 50 revisions: bench_stairway (STRATA_MIGRATION_TESTS) as a whole
process, RUNS times, on the server at STRATA_TEST_DATABASE_URL (or a throwaway one the kit starts,
whose start-up is then included). Prints the median wall time, the stairway's part of it, and the
median time of one stairway case (up, down, up, three schema snapshots).
Usage: run.py BUILD_DIR [RUNS]"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

build, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
binary = os.path.join(build, "benchmarks", "bench_stairway")
walls, stairs, steps = [], [], []
with tempfile.TemporaryDirectory() as tmp:
    for _ in range(runs):
        out = os.path.join(tmp, "r.json")
        started = time.perf_counter()
        r = subprocess.run([binary, f"--gtest_output=json:{out}"], capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        if r.returncode != 0:
            sys.exit("bench_stairway failed:\n" + r.stdout[-3000:])
        cases = [c for s in json.load(open(out))["testsuites"] for c in s["testsuite"]]
        stair = [float(c["time"].rstrip("s")) for c in cases if c["name"].startswith("stairway_")]
        stairs.append(sum(stair))
        steps.extend(stair)
print(f"runs: {runs}, stairway cases per run: {len(steps) // runs}")
print(f"whole process (median): {statistics.median(walls):.2f} s")
print(f"the stairway's cases (median sum): {statistics.median(stairs):.2f} s")
print(f"one stairway case (median): {statistics.median(steps) * 1000:.0f} ms")
