#!/usr/bin/env python3
"""A folder of .sql files read as SQLite's (strata_add_migrations(... DIALECT sqlite)): every finding
of SQLite's rules in one run, each with its file and line; the mended folder generates a registry
that names SQLite's dialect; an unknown dialect is a usage error.
Usage: folder_lint.py GENERATOR"""
import os
import subprocess
import sys
import tempfile

generator = sys.argv[1]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def write(folder, name, text):
    with open(os.path.join(folder, name), "w") as f:
        f.write(text)


def generate(folder, out, *extra):
    p = subprocess.run([generator, "app", folder, "golang-migrate", out, *extra], capture_output=True, text=True)
    return p.returncode, p.stderr


with tempfile.TemporaryDirectory() as tmp:
    m = os.path.join(tmp, "migrations")
    os.mkdir(m)
    write(m, "0001_t.up.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT);\n")
    write(m, "0001_t.down.sql", "DROP TABLE t;\n")
    write(m, "0002_x.up.sql", "-- widen x\nALTER TABLE t ALTER COLUMN x TYPE bigint;\n")
    write(m, "0002_x.down.sql", "SELECT 1;\n")
    write(m, "0003_n.up.sql", "SELECT 'ALTER TABLE t ALTER COLUMN x';\n\nALTER TABLE t ADD COLUMN n INTEGER NOT NULL;\n")
    write(m, "0003_n.down.sql", "ALTER TABLE t DROP COLUMN n;\n")
    out = os.path.join(tmp, "app.hpp")
    code, err = generate(m, out, "--dialect", "sqlite")
    check(code == 1, f"findings exit 1: {code} {err!r}")
    check(f"{m}/0002_x.up.sql:2:1: error: unsupported-alter-column: ALTER TABLE t ALTER COLUMN x TYPE bigint" in err,
          f"the ALTER COLUMN named with its file and line: {err!r}")
    check(f"{m}/0003_n.up.sql:3:1: error: adding-not-nullable-field: ALTER TABLE t ADD COLUMN n INTEGER NOT NULL" in err,
          f"the NOT NULL column named with its file and line: {err!r}")
    check("2 finding(s)" in err, f"both findings in one run: {err!r}")

    write(m, "0002_x.up.sql", "CREATE TABLE t_new (id INTEGER PRIMARY KEY, x BIGINT);\nINSERT INTO t_new SELECT id, x FROM t;\n"
                              "DROP TABLE t;\nALTER TABLE t_new RENAME TO t;\n")
    write(m, "0003_n.up.sql", "ALTER TABLE t ADD COLUMN n INTEGER NOT NULL DEFAULT 0;\n")
    code, err = generate(m, out, "--dialect", "sqlite")
    check(code == 0, f"the mended folder generates: {code} {err!r}")
    header = open(out).read() if os.path.exists(out) else ""
    check("#include <strata/backend/sqlite/dialect.hpp>" in header and "strata::sqlite::dialect," in header,
          "the registry names SQLite's dialect")
    check('analysed{"sqlite"' in header, "the bodies were analysed by SQLite's language")
    code, err = generate(m, out, "--dialect", "oracle")
    check(code == 2 and "unknown DIALECT oracle" in err, f"an unknown dialect: {code} {err!r}")

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
print("SQLite folder: every check passed")
