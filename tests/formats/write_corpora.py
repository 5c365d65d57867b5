#!/usr/bin/env python3
"""Writes the format corpora in tests/formats/<format>/: one schema (users, an enum and orders
with a foreign key, a plpgsql function whose $$ body holds semicolons, a concurrent index outside
a transaction, a view, a column added later), spelled in each tool's own file layout and
annotations. The folders are committed; this script is how they were written.
Usage: write_corpora.py [OUT_DIR]"""
import os
import shutil
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))

# (name, up, down, transactional, has a $$ body)
migrations = [
    ("create_users",
     "-- the people who order; one row each\n"
     "CREATE TABLE users (\n"
     "  id bigserial PRIMARY KEY,\n"
     "  email text NOT NULL UNIQUE,\n"
     "  created_at timestamptz NOT NULL DEFAULT now()\n"
     ");\n"
     "COMMENT ON TABLE users IS 'people; who order';\n",
     "DROP TABLE users;\n", True, False),
    ("create_orders",
     "CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');\n"
     "CREATE TABLE orders (\n"
     "  id bigserial PRIMARY KEY,\n"
     "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE, -- owner; cascade\n"
     "  status order_status NOT NULL DEFAULT 'new',\n"
     "  total_cents bigint NOT NULL CHECK (total_cents >= 0)\n"
     ");\n",
     "DROP TABLE orders;\nDROP TYPE order_status;\n", True, False),
    ("order_total",
     "/* totals are computed on read; no cache */\n"
     "CREATE FUNCTION order_total(p_user bigint) RETURNS bigint\n"
     "LANGUAGE plpgsql STABLE AS $$\n"
     "DECLARE\n"
     "  total bigint;\n"
     "BEGIN\n"
     "  SELECT coalesce(sum(total_cents), 0) INTO total FROM orders WHERE user_id = p_user;\n"
     "  RETURN total;\n"
     "END;\n"
     "$$;\n",
     "DROP FUNCTION order_total(bigint);\n", True, True),
    ("orders_by_status",
     "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\n",
     "DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;\n", False, False),
    ("paid_orders",
     "CREATE VIEW paid_orders AS\n"
     "  SELECT o.id, o.user_id, o.total_cents -- paid; not yet shipped\n"
     "  FROM orders o\n"
     "  WHERE o.status = 'paid';\n",
     "DROP VIEW paid_orders;\n", True, False),
    ("users_display_name",
     "ALTER TABLE users ADD COLUMN display_name text;\n",
     "ALTER TABLE users DROP COLUMN display_name;\n", True, False),
]

def write(folder, name, text):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "w") as f:
        f.write(text)

def fresh(fmt):
    folder = os.path.join(out, fmt)
    shutil.rmtree(folder, ignore_errors=True)
    return folder

# golang-migrate: <version>_<name>.up.sql / .down.sql, as golang-migrate runs them: no annotation
# (the concurrent index runs outside a transaction because it must), and a file of several
# statements wrapped in BEGIN; ... COMMIT; (golang-migrate's own way to make a file atomic)
d = fresh("golang-migrate")
for i, (name, up, down, tx, _) in enumerate(migrations, 1):
    if name == "create_orders":
        up, down = f"BEGIN;\n\n{up}\nCOMMIT;\n", f"begin;\n{down}commit;\n"
    write(d, f"{i:06d}_{name}.up.sql", up)
    write(d, f"{i:06d}_{name}.down.sql", down)

# sqlx: timestamps, reversible pairs, -- no-transaction on the first line
d = fresh("sqlx")
for i, (name, up, down, tx, _) in enumerate(migrations, 1):
    mark = "" if tx else "-- no-transaction\n"
    write(d, f"2024010112{i:04d}_{name}.up.sql", mark + up)
    write(d, f"2024010112{i:04d}_{name}.down.sql", mark + down)

# goose: one file, -- +goose Up / Down, NO TRANSACTION, StatementBegin/End around a $$ body
d = fresh("goose")
for i, (name, up, down, tx, body) in enumerate(migrations, 1):
    text = "" if tx else "-- +goose NO TRANSACTION\n"
    up_text = f"-- +goose StatementBegin\n{up}-- +goose StatementEnd\n" if body else up
    text += f"-- +goose Up\n{up_text}\n-- +goose Down\n{down}"
    write(d, f"{i:05d}_{name}.sql", text)

# dbmate: -- migrate:up [transaction:false] / -- migrate:down
d = fresh("dbmate")
for i, (name, up, down, tx, _) in enumerate(migrations, 1):
    opt = "" if tx else " transaction:false"
    write(d, f"2024010112{i:04d}_{name}.sql", f"-- migrate:up{opt}\n{up}\n-- migrate:down{opt}\n{down}")

# Flyway: V<version>__<description>.sql, undo U<version>__...; versions 1, 2, 2.1, 3, 10, 11; the
# concurrent index with no <file>.conf (Flyway, like strata, sees it cannot run in a transaction)
d = fresh("flyway")
for version, (name, up, down, tx, _) in zip(["1", "2", "2.1", "3", "10", "11"], migrations):
    desc = name.capitalize()
    write(d, f"V{version}__{desc}.sql", up)
    write(d, f"U{version}__{desc}.sql", down)

# strata: -- strata:up / down, with parents (a branch and its merge), descriptions, no-transaction
d = fresh("strata")
parents = {5: "0004_orders_by_status", 6: "0004_orders_by_status"}
for i, (name, up, down, tx, _) in enumerate(migrations, 1):
    head = f"-- strata:description {name.replace('_', ' ')}\n"
    if i in parents:
        head += f"-- strata:parents {parents[i]}\n"
    if not tx:
        head += "-- strata:no-transaction\n"
    write(d, f"{i:04d}_{name}.sql", f"{head}-- strata:up\n{up}\n-- strata:down\n{down}")
write(d, "0007_merge.sql", "-- strata:description joins the two branches\n"
      "-- strata:parents 0005_paid_orders 0006_users_display_name\n-- strata:up\n-- strata:down\n")
