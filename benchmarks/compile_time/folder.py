#!/usr/bin/env python3
"""Compile time and peak memory of a registry generated from a folder of N goose files of realistic
SQL (about 3 kB each), with two versions of strata (each its own generator and headers), alternating:
the registry's TU (the header and one use of the registry) and, with --cli, the TU holding the
command line too. Usage: folder.py OLD_GIT_REF N [RUNS] [COMPILER] [--cli]"""
import os
import statistics
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
args = [a for a in sys.argv[1:] if not a.startswith("--")]
cli = "--cli" in sys.argv
old_ref, n = args[0], int(args[1])
runs = int(args[2]) if len(args) > 2 else 1
cxx = args[3] if len(args) > 3 else "g++"

columns = ",\n".join(f"  c{k} {'text' if k % 3 else 'bigint'}{' NOT NULL DEFAULT 0' if k % 3 == 0 else ''} -- column {k}; kept"
                     for k in range(40))
def up(i):
    return (f"-- +goose Up\n-- table {i}: what the service keeps of it, and why\nCREATE TABLE t{i} (\n  id bigserial PRIMARY KEY,\n"
            f"{columns}\n);\nCREATE INDEX t{i}_c1 ON t{i} (c1);\nCOMMENT ON TABLE t{i} IS 'step {i}; see the design notes';\n"
            f"INSERT INTO t{i} (c0, c1) VALUES (1, 'a ''quoted'' value; not a statement end');\n"
            f"CREATE FUNCTION f{i}() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM t{i}); END; $$;\n")
def down(i):
    return f"-- +goose Down\nDROP FUNCTION f{i}();\nDROP TABLE t{i};\n"

def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)

with tempfile.TemporaryDirectory() as tmp:
    folder = os.path.join(tmp, "migrations")
    os.makedirs(folder)
    size = 0
    for i in range(1, n + 1):
        text = up(i) + down(i)
        size += len(text)
        with open(os.path.join(folder, f"{i:05d}_step.sql"), "w") as f:
            f.write(text)
    trees = {}
    for name, ref in (("old", old_ref), ("new", None)):
        tree = os.path.join(tmp, name)
        os.makedirs(tree)
        if ref:
            archive = subprocess.run(["git", "-C", root, "archive", ref, "include", "tools"], check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        else:
            run(["cp", "-r", os.path.join(root, "include"), os.path.join(root, "tools"), tree])
        generator = os.path.join(tree, "generate")
        run([cxx, "-std=c++20", "-O2", "-I", os.path.join(tree, "include"), os.path.join(tree, "tools", "generate_migrations.cpp"),
             "-o", generator])
        run([generator, "app", folder, "auto", os.path.join(tree, "gen", "app.hpp")])
        tu = os.path.join(tree, "tu.cpp")
        with open(tu, "w") as f:
            if cli:
                f.write('#include <strata/cli.hpp>\n#include <strata/pq.hpp>\n#include "app.hpp"\n'
                        "int main(int argc, char** argv) { return strata::cli::main<app>(argc, argv); }\n")
            else:
                f.write(f'#include "app.hpp"\nstatic_assert(app::size == {n});\nint main() {{ return app::head.size() == 0; }}\n')
        trees[name] = (tree, tu)
    results = {"old": [], "new": []}
    for _ in range(runs):
        for name in ("old", "new"):
            tree, tu = trees[name]
            cmd = ["/usr/bin/time", "-f", "%e %M", cxx, "-std=c++20", "-O0", "-I", os.path.join(tree, "include"),
                   "-I", os.path.join(tree, "gen"), "-I/usr/include/postgresql", "-c", tu, "-o", os.path.join(tree, "tu.o")]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"{name} failed to compile:\n{r.stderr[-2000:]}")
            seconds, kb = r.stderr.strip().splitlines()[-1].split()
            results[name].append((float(seconds), int(kb) // 1024))
    print(f"{cxx}, {'command-line' if cli else 'registry'} TU, N = {n} ({size / 1e6:.1f} MB of SQL), {runs} alternating run(s)")
    for name in ("old", "new"):
        times = [t for t, _ in results[name]]
        print(f"  {name:3} ({old_ref if name == 'old' else 'working tree'}): {' '.join(f'{t:.2f}' for t in times)} s, "
              f"peak {max(m for _, m in results[name])} MB")
    om = statistics.median(t for t, _ in results["old"])
    nm = statistics.median(t for t, _ in results["new"])
    print(f"  ratio of medians new/old: {nm / om:.3f}")
