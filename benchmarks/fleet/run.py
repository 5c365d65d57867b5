#!/usr/bin/env python3
"""Fleets against a throwaway PostgreSQL (scripts/pg), each against a shell loop calling the
service's single-target command once per target (the "call it in a loop" answer):
  1. nothing pending: `fleet check` over SCHEMAS tenant schemas of one database and over DATABASES
     databases, against a loop of `check`, alternating runs, medians;
  2. applying 5 migrations: `fleet upgrade` with --jobs 1, 2, 4, 8 against a loop of `upgrade`,
     each run on fresh targets.
Usage: run.py BUILD_DIR [SCHEMAS] [DATABASES] [RUNS]  (BUILD_DIR configured with -DSTRATA_BUILD_BENCHMARKS=ON)"""
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

build = os.path.abspath(sys.argv[1])
schemas = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
databases = int(sys.argv[3]) if len(sys.argv) > 3 else 100
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
service = os.path.join(build, "benchmarks", "bench_fleet_service")

tmp = tempfile.mkdtemp(prefix="strata-fleet-bench-")
os.chmod(tmp, 0o755)
pg = os.path.join(tmp, "pg")
base_url = subprocess.check_output([os.path.join(root, "scripts", "pg"), "start", pg], text=True).strip()
query = "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY nspname"
tenant_names = ["tenant_%04d" % i for i in range(schemas)]
database_names = ["shard_%03d" % i for i in range(databases)]


def url(db):
    return base_url.rsplit("/", 1)[0] + "/" + db


def tenant_url(schema):  # the loop's way to give a tenant's unqualified SQL its schema
    return url("tenants") + "?options=" + urllib.parse.quote("-csearch_path=" + schema)


def psql(statement, db="postgres"):
    subprocess.run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", url(db), "-c", statement], check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))


def fresh_schemas():
    psql("DROP DATABASE IF EXISTS tenants WITH (FORCE)")
    psql("CREATE DATABASE tenants")
    psql("".join(f"CREATE SCHEMA {s};" for s in tenant_names), "tenants")


def fresh_databases():
    for d in database_names:
        psql(f"DROP DATABASE IF EXISTS {d} WITH (FORCE)")
        psql(f"CREATE DATABASE {d}")


def run(cmd, env, ok=(0,)):
    start = time.perf_counter()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, env=env).returncode
    if rc not in ok:
        raise SystemExit(f"{cmd[:3]} exited {rc}")
    return time.perf_counter() - start


env = dict(os.environ, DATABASE_URL=url("tenants"))
urls_file = os.path.join(tmp, "urls")
with open(urls_file, "w") as f:
    f.writelines(url(d) + "\n" for d in database_names)


def fleet(action, *args):
    return run([service, "fleet", action, *args], env)


def loop_schemas(action):
    start = time.perf_counter()
    for s in tenant_names:
        subprocess.run([service, action], check=True, stdout=subprocess.DEVNULL,
                       env=dict(env, DATABASE_URL=tenant_url(s), STRATA_SCHEMA=s))
    return time.perf_counter() - start


def loop_databases(action):
    start = time.perf_counter()
    for d in database_names:
        subprocess.run([service, action], check=True, stdout=subprocess.DEVNULL, env=dict(env, DATABASE_URL=url(d)))
    return time.perf_counter() - start


def ms(seconds):
    return "%.0f ms" % (seconds * 1000)


try:
    print(f"{schemas} tenant schemas in one database, {databases} databases, one local server; medians of {runs}")
    print("\n1. applying 5 migrations to every target (fresh targets each run)")
    for label, fleet_args, loop, fresh in [
            (f"{schemas} schemas", ["--schemas", query], lambda: loop_schemas("upgrade"), fresh_schemas),
            (f"{databases} databases", ["--databases", urls_file], lambda: loop_databases("upgrade"), fresh_databases)]:
        fresh()
        looped = loop()
        print(f"  {label}: loop of `upgrade`: {ms(looped)}")
        for jobs in (1, 2, 4, 8):
            fresh()
            t = fleet("upgrade", *fleet_args, "--jobs", str(jobs))
            print(f"  {label}: fleet upgrade --jobs {jobs}: {ms(t)}  ({looped / t:.1f}x faster than the loop)")
    print("\n2. nothing pending (every target at head), alternating fleet check and the loop")
    for label, fleet_args, loop in [(f"{schemas} schemas", ["--schemas", query], lambda: loop_schemas("check")),
                                    (f"{databases} databases", ["--databases", urls_file], lambda: loop_databases("check"))]:
        fleet_times, loop_times = [], []
        for _ in range(runs):
            fleet_times.append(fleet("check", *fleet_args, "--jobs", "4"))
            loop_times.append(loop())
        f, l = statistics.median(fleet_times), statistics.median(loop_times)
        print(f"  {label}: fleet check --jobs 4: {ms(f)}; loop of `check`: {ms(l)}; ratio {l / f:.0f}x")
finally:
    subprocess.run([os.path.join(root, "scripts", "pg"), "stop", pg], check=False)
