#!/usr/bin/env python3
"""Times strata's migration generator (what strata_add_migrations runs at build time) on folders
of N files in several formats: the median of RUNS runs of the whole process each.
Usage: run.py GENERATOR [N] [RUNS]"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

generator = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5

up = ("CREATE TABLE t{i} (id bigserial PRIMARY KEY, name text NOT NULL, -- a comment; with a semicolon\n"
      "  created_at timestamptz NOT NULL DEFAULT now());\n"
      "CREATE FUNCTION f{i}() RETURNS int LANGUAGE sql AS $$ SELECT {i}; $$;\n")
down = "DROP FUNCTION f{i}();\nDROP TABLE t{i};\n"
layouts = {
    "strata": lambda i: {f"{i:05d}_step.sql": f"-- strata:description step {i}\n-- strata:up\n{up.format(i=i)}-- strata:down\n{down.format(i=i)}"},
    "goose": lambda i: {f"{i:05d}_step.sql": f"-- +goose Up\n{up.format(i=i)}-- +goose Down\n{down.format(i=i)}"},
    "golang-migrate": lambda i: {f"{i:06d}_step.up.sql": up.format(i=i), f"{i:06d}_step.down.sql": down.format(i=i)},
    "flyway": lambda i: {f"V{i}__step.sql": up.format(i=i), f"U{i}__step.sql": down.format(i=i)},
}
print(f"{n} migrations per folder, {runs} runs each, median wall time of the generator")
with tempfile.TemporaryDirectory() as tmp:
    for name, files in layouts.items():
        folder = os.path.join(tmp, name)
        os.makedirs(folder)
        count = 0
        for i in range(1, n + 1):
            for file, text in files(i).items():
                with open(os.path.join(folder, file), "w") as f:
                    f.write(text)
                count += 1
        out = os.path.join(tmp, f"{name}.hpp")
        times = []
        for _ in range(runs):
            if os.path.exists(out):
                os.remove(out)
            started = time.perf_counter()
            subprocess.run([generator, "bench", folder, "auto", out], check=True)
            times.append(time.perf_counter() - started)
        text = open(out).read()
        assert "#error" not in text and text.count("strata::migration<") == n, f"{name}: generated header is wrong"
        print(f"  {name:15s} {count:5d} files  {statistics.median(times) * 1000:7.0f} ms  ({os.path.getsize(out) // 1024} KiB header)")
