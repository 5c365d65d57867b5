#!/usr/bin/env python3
"""Generates the apply benchmark's workload: N migrations of four statements each, as
  migrations_N.hpp           a strata registry (`bench::migrations`)
  script.sql                 the same statements and history rows for `psql -f` (a round trip each)
  script_one_round_trip.sql  the same script, sent by `psql -c` as one message
Usage: generate.py N OUT_DIR"""
import os
import sys

n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)

def statements(i):
    t = f"t{i:04d}"
    return [f"CREATE TABLE {t} (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
            f"CREATE INDEX {t}_name_idx ON {t} (name)",
            f"INSERT INTO {t} (name) VALUES ('first'), ('second; with a semicolon')",
            f"COMMENT ON TABLE {t} IS 'created by migration {i}'"]

def rev(i):
    return f"{i:04d}_create_t{i:04d}"

with open(os.path.join(out, f"migrations_{n}.hpp"), "w") as h:
    h.write("#pragma once\n#include <strata/strata.hpp>\nnamespace bench {\n")
    for i in range(n):
        parent = f', "{rev(i - 1)}"' if i else ""
        body = ";\\n".join(s.replace('"', '\\"') for s in statements(i))
        h.write(f'struct m{i:04d} : strata::migration<"{rev(i)}"{parent}> {{\n'
                f'  static constexpr strata::sql up{{"{body}"}};\n'
                f'  static constexpr strata::sql down{{"DROP TABLE t{i:04d}"}};\n}};\n')
    h.write("using migrations = strata::registry<" + ", ".join(f"m{i:04d}" for i in range(n)) + ">;\n}\n")

history = ("CREATE TABLE IF NOT EXISTS strata_history (revision text PRIMARY KEY, parents text[] NOT NULL DEFAULT '{}', "
           "checksum text, checksum_version integer NOT NULL DEFAULT 1, description text, "
           "applied_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint NOT NULL DEFAULT 0, "
           "applied_by text NOT NULL DEFAULT current_user);\n")
parts = [history]
for i in range(n):
    parts.append("BEGIN;\n")
    parts.extend(s + ";\n" for s in statements(i))
    parent = f"'{{{rev(i - 1)}}}'" if i else "'{}'"
    parts.append(f"INSERT INTO strata_history (revision, parents, checksum, execution_ms) VALUES ('{rev(i)}', {parent}, "
                 f"'0000000000000000', 1);\nCOMMIT;\n")
script = "".join(parts)
with open(os.path.join(out, "script.sql"), "w") as f:
    f.write(script)
with open(os.path.join(out, "script_one_round_trip.sql"), "w") as f:
    f.write(script)
