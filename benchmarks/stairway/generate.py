#!/usr/bin/env python3
"""Generates the stairway benchmark's registry: N revisions (N a multiple of 5) on N/5 tables,
each table getting a table, a column, a concurrent index, an enum column and a NOT VALID check.
Usage: generate.py N OUT_FILE"""
import sys

n, out = int(sys.argv[1]), sys.argv[2]
bodies = [
    ("CREATE TABLE {t} (id bigserial PRIMARY KEY, name text NOT NULL)", "DROP TABLE {t}", True),
    ("ALTER TABLE {t} ADD COLUMN note text",
     "ALTER TABLE {t} DROP COLUMN note", True),
    ("CREATE INDEX CONCURRENTLY IF NOT EXISTS {t}_name_idx ON {t} (name)",
     "DROP INDEX CONCURRENTLY IF EXISTS {t}_name_idx", False),
    ("CREATE TYPE {t}_state AS ENUM ('new', 'done');\\nALTER TABLE {t} ADD COLUMN state {t}_state",
     "ALTER TABLE {t} DROP COLUMN state; DROP TYPE {t}_state", True),
    ("ALTER TABLE {t} ADD CONSTRAINT {t}_name_length CHECK (length(name) < 100) NOT VALID",
     "ALTER TABLE {t} DROP CONSTRAINT {t}_name_length", True),
]
ids = [f"{i:04d}_step" for i in range(n)]
with open(out, "w") as h:
    h.write("#pragma once\n#include <strata/strata.hpp>\nnamespace stairway_bench {\n")
    for i in range(n):
        up, down, transactional = bodies[i % 5]
        t = f"t{i // 5:03d}"
        parent = f', "{ids[i - 1]}"' if i else ""
        h.write(f'struct m{i:04d} : strata::migration<"{ids[i]}"{parent}> {{\n')
        if not transactional:
            h.write("  static constexpr bool transactional = false;\n")
        h.write(f'  static constexpr strata::sql up{{"{up.format(t=t)}"}};\n'
                f'  static constexpr strata::sql down{{"{down.format(t=t)}"}};\n}};\n')
    h.write("using migrations = strata::registry<" + ", ".join(f"m{i:04d}" for i in range(n)) + ">;\n}\n")
