#!/usr/bin/env python3
"""Generates the SQLite benchmark's workload: N migrations of three statements each, as
  migrations_N.hpp   a strata registry on SQLite (`bench_sqlite::migrations`)
  script.sql         the same statements and history rows for the sqlite3 shell, one transaction
                     per migration (what a hand-written migration loop does)
Usage: generate.py N OUT_DIR"""
import os
import sys

n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)


def statements(i):
    t = f"t{i:04d}"
    return [f"CREATE TABLE {t} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)",
            f"CREATE INDEX {t}_name ON {t} (name)",
            f"INSERT INTO {t} (name) VALUES ('first'), ('second; with a semicolon')"]


def rev(i):
    return f"{i:04d}_create_t{i:04d}"


with open(os.path.join(out, f"migrations_{n}.hpp"), "w") as h:
    h.write("#pragma once\n#include <strata/sqlite.hpp>\nnamespace bench_sqlite {\n")
    for i in range(n):
        parent = f', "{rev(i - 1)}"' if i else ""
        body = ";\\n".join(s.replace('"', '\\"') for s in statements(i))
        h.write(f'struct m{i:04d} : strata::migration<"{rev(i)}"{parent}> {{\n'
                f'  static constexpr strata::sql up{{"{body}"}};\n'
                f'  static constexpr strata::sql down{{"DROP TABLE t{i:04d}"}};\n}};\n')
    h.write("using migrations = strata::registry<strata::sqlite::dialect, " + ", ".join(f"m{i:04d}" for i in range(n)) +
            ">;\n}\n")

parts = ["CREATE TABLE IF NOT EXISTS strata_history (revision TEXT PRIMARY KEY, parents TEXT NOT NULL DEFAULT '', "
         "checksum TEXT, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_ms INTEGER NOT NULL DEFAULT 0);\n"]
for i in range(n):
    parts.append("BEGIN IMMEDIATE;\n")
    parts.extend(s + ";\n" for s in statements(i))
    parent = f"'{rev(i - 1)}'" if i else "''"
    parts.append(f"INSERT INTO strata_history (revision, parents, checksum) VALUES ('{rev(i)}', {parent}, '0000000000000000');\n"
                 "COMMIT;\n")
with open(os.path.join(out, "script.sql"), "w") as f:
    f.write("".join(parts))
