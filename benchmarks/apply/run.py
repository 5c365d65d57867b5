#!/usr/bin/env python3
"""Whole-process benchmarks against a throwaway PostgreSQL (scripts/pg):
  1. apply 200 migrations: strata vs `psql -f` (same statements and history rows) vs the same
     script sent in one round trip (`psql -c`), alternating runs, medians and median ratios;
  2. no-op start-up (database at head): strata vs a bare libpqxx program running SELECT 1,
     alternating runs, and the statements each sends (server log, log_statement = all);
  3. migrate_on_startup with the database at head, the instance registering (README "Rolling
     deploys") or not (STRATA_INSTANCE_HEARTBEAT=0), alternating runs, as timed in the process.
Usage: run.py BUILD_DIR [RUNS]   (BUILD_DIR configured with -DSTRATA_BUILD_BENCHMARKS=ON)"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

build = os.path.abspath(sys.argv[1])
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
strata_apply = os.path.join(build, "benchmarks", "bench_strata_apply")
bare = os.path.join(build, "benchmarks", "bench_bare_select1")
startup = os.path.join(build, "benchmarks", "bench_strata_startup")
generated = os.path.join(build, "benchmarks", "generated")
script = os.path.join(generated, "script.sql")
one_message = open(os.path.join(generated, "script_one_round_trip.sql")).read()

tmp = tempfile.mkdtemp(prefix="strata-bench-")
os.chmod(tmp, 0o755)
pg = os.path.join(tmp, "pg")
base_url = subprocess.check_output([os.path.join(root, "scripts", "pg"), "start", pg], text=True).strip()


def url(db):
    return base_url.rsplit("/", 1)[0] + "/" + db


def sql(statement, db="postgres"):
    subprocess.run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", url(db), "-c", statement], check=True,
                   stdout=subprocess.DEVNULL)


def timed(cmd, env=None):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def fresh(db):
    sql(f"DROP DATABASE IF EXISTS {db}")
    sql(f"CREATE DATABASE {db}")
    return url(db)


try:
    apply_times = {"strata": [], "psql -f": [], "one round trip": []}
    for i in range(runs):
        apply_times["strata"].append(timed([strata_apply, fresh(f"s{i}")]))
        apply_times["psql -f"].append(timed(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-f", script, fresh(f"p{i}")]))
        apply_times["one round trip"].append(timed(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-c", one_message, fresh(f"o{i}")]))
    ratio_psql = statistics.median(s / p for s, p in zip(apply_times["strata"], apply_times["psql -f"]))
    ratio_one = statistics.median(s / o for s, o in zip(apply_times["strata"], apply_times["one round trip"]))
    print(f"## Applying 200 migrations (4 statements and a history row each), {runs} alternating runs\n")
    print("| runner | median s |\n|---|---|")
    for k, v in apply_times.items():
        print(f"| {k} | {statistics.median(v):.3f} |")
    print(f"\nmedian ratio strata / psql -f: **{ratio_psql:.2f}**; strata / one round trip: **{ratio_one:.2f}**\n")

    head_db = fresh("at_head")
    subprocess.run([strata_apply, head_db], check=True)
    noop = {"strata no-op upgrade": [], "bare libpqxx SELECT 1": []}
    for i in range(max(runs * 5, 30)):
        noop["strata no-op upgrade"].append(timed([strata_apply, head_db]))
        noop["bare libpqxx SELECT 1"].append(timed([bare, head_db]))
    ratio_noop = statistics.median(s / b for s, b in zip(noop["strata no-op upgrade"], noop["bare libpqxx SELECT 1"]))

    # statements sent, from the server's log
    log_path = os.path.join(pg, "server.log")
    counts = {}
    env = dict(os.environ, PGOPTIONS="-c log_statement=all -c application_name=bench_count")
    for name, cmd in (("strata no-op upgrade", [strata_apply, head_db]), ("bare libpqxx SELECT 1", [bare, head_db])):
        before = open(log_path, errors="replace").read().count("\n")
        subprocess.run(cmd, check=True, env=env)
        time.sleep(0.3)
        lines = open(log_path, errors="replace").read().splitlines()[before:]
        counts[name] = sum(1 for l in lines if "LOG:  statement:" in l or "LOG:  execute" in l)
    print(f"## No-op start-up (database at head, 200 migrations), {len(noop['bare libpqxx SELECT 1'])} alternating runs\n")
    print("| program | median ms | statements sent |\n|---|---|---|")
    for k, v in noop.items():
        print(f"| {k} | {statistics.median(v) * 1000:.1f} | {counts[k]} |")
    print(f"\nmedian ratio strata / bare: **{ratio_noop:.2f}**")

    def startup_ms(heartbeat):
        env = dict(os.environ, STRATA_INSTANCE_HEARTBEAT=heartbeat)
        return float(subprocess.run([startup, head_db], check=True, capture_output=True, text=True, env=env).stdout)

    starts = {"registering (heartbeat 10 s)": [], "not registering (STRATA_INSTANCE_HEARTBEAT=0)": []}
    for i in range(max(runs * 5, 30)):
        starts["registering (heartbeat 10 s)"].append(startup_ms("10"))
        starts["not registering (STRATA_INSTANCE_HEARTBEAT=0)"].append(startup_ms("0"))
    ratio_start = statistics.median(r / n for r, n in zip(*starts.values()))
    print(f"\n## migrate_on_startup, database at head, {len(starts['registering (heartbeat 10 s)'])} alternating runs\n")
    print("| start-up | median ms (connect included) |\n|---|---|")
    for k, v in starts.items():
        print(f"| {k} | {statistics.median(v):.1f} |")
    print(f"\nmedian ratio registering / not: **{ratio_start:.2f}**")
finally:
    subprocess.run([os.path.join(root, "scripts", "pg"), "stop", pg])
    subprocess.run(["rm", "-rf", tmp])
