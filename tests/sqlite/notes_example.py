#!/usr/bin/env python3
"""The notes example end to end on SQLite files: it migrates itself at start-up, strata's command
line runs as `notes db ...` with every exit code, a downgrade's table rebuild keeps the tags, a held
write lock gives exit 6, and the binary links no PostgreSQL library.
Usage: notes_example.py NOTES_BINARY"""
import os
import sqlite3
import subprocess
import sys
import tempfile

notes = sys.argv[1]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def run(db, *args, env=None):
    e = dict(os.environ, NOTES_DB=db)
    e.pop("DATABASE_URL", None)
    e.update(env or {})
    p = subprocess.run([notes, *args], env=e, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "notes.db")
    code, out, err = run(db, "add", "buy", "milk", "#home")
    check(code == 0 and out.strip() == "1", f"first note: {code} {out!r} {err!r}")
    run(db, "add", "call", "bob", "about", "the", "long", "weekend", "plans", "#work", "#phone")
    code, out, _ = run(db, "list", "#work")
    check("call bob about the l..." in out and "buy milk" not in out, f"list #work: {out!r}")

    code, out, _ = run(db, "db", "status")
    check(code == 0 and "0005_default_title" in out, f"status: {code} {out!r}")
    check(run(db, "db", "check")[0] == 0, "check at head exits 0")
    con = sqlite3.connect(db)
    check(con.execute("SELECT count(*) FROM strata_history").fetchone()[0] == 5, "5 revisions recorded")
    con.close()

    # Down past the rebuild (its down rebuilds notes again): the tags stay.
    code, out, err = run(db, "db", "downgrade", "0003_title")
    check(code == 0, f"downgrade: {code} {out!r} {err!r}")
    check(run(db, "db", "check")[0] == 3, "check with pending revisions exits 3")
    con = sqlite3.connect(db)
    check(con.execute("SELECT count(*) FROM tags").fetchone()[0] == 3, "the tags survive the rebuild's down")
    con.close()
    code, out, _ = run(db, "db", "upgrade", "--sql")
    check(code == 0 and "BEGIN IMMEDIATE;" in out and "CREATE TABLE notes_new" in out, f"--sql: {out[:300]!r}")
    check(run(db, "db", "check")[0] == 3, "--sql changed nothing")
    code, out, _ = run(db, "list")  # migrates itself at start-up
    check(code == 0 and "#phone #work" in out, f"list after start-up upgrade: {out!r}")
    check(run(db, "db", "check")[0] == 0, "the start-up upgraded to head")

    # The application enforces foreign keys: deleting a note deletes its tags.
    run(db, "delete", "2")
    con = sqlite3.connect(db)
    check(con.execute("SELECT count(*) FROM tags").fetchone()[0] == 1, "delete cascades to the note's tags")

    # Another process holds the write lock: the command line gives up with exit 6.
    con.isolation_level = None
    con.execute("BEGIN IMMEDIATE")
    code, _, err = run(db, "db", "downgrade", "base", "--lock-timeout", "1")
    check(code == 6 and "migration lock" in err, f"held lock: {code} {err!r}")
    con.execute("ROLLBACK")
    con.close()

    # An edited revision: verify exits 5 naming it.
    con = sqlite3.connect(db)
    con.execute("UPDATE strata_history SET checksum = '0000000000000001' WHERE revision = '0002_tags'")
    con.commit()
    con.close()
    code, _, err = run(db, "db", "verify")
    check(code == 5 and "0002_tags" in err, f"verify: {code} {err!r}")
    check(run(db, "db", "repair")[0] == 0 and run(db, "db", "verify")[0] == 0, "repair, then verify passes")

    code, out, _ = run(db, "db", "schema")
    check(code == 0 and "trigger notes_default_title" in out and "foreign key tags (note_id)" in out, f"schema: {out!r}")
    code, _, err = run(db, "db", "downgrade", "base")
    check(code == 0, f"downgrade base: {err!r}")
    con = sqlite3.connect(db)
    left = sorted(r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'"))
    check(left == ["strata_history", "strata_instances", "strata_log"], f"after base: {left}")
    con.close()

    # URLs: the memory database, and a URL of another database refused before anything runs.
    code, out, err = run(db, "db", "upgrade", env={"DATABASE_URL": "sqlite::memory:"})
    check(code == 0 and "5 applied" in out, f"sqlite::memory: {code} {out!r} {err!r}")
    code, _, err = run(db, "db", "status", env={"DATABASE_URL": "postgresql://app:secret@localhost/app"})
    check(code == 4 and "not an SQLite one" in err and "secret" not in err, f"a PostgreSQL URL: {code} {err!r}")
    code, _, err = run(db, "db", "status", env={"DATABASE_URL": "sqlite:///nonexistent/folder/app.db"})
    check(code == 4 and "could not open the SQLite database /nonexistent/folder/app.db" in err and "SQLITE_CANTOPEN" in err,
          f"a file that cannot be opened: {code} {err!r}")
    not_a_database = os.path.join(tmp, "not_a_database.db")
    with open(not_a_database, "w") as f:
        f.write("this is a text file, not an SQLite database\n" * 100)
    code, _, err = run(db, "db", "upgrade", env={"DATABASE_URL": "sqlite:" + not_a_database})
    check(code != 0 and "SQLITE_NOTADB" in err, f"a file that is no database: {code} {err!r}")
    code, out, err = run(db, "db", "status", "--database-url", "sqlite://" + os.path.join(tmp, "other.db"))
    check(code == 0 and "pending: 5" in out, f"--database-url sqlite:///...: {code} {out!r} {err!r}")

    # Adopting a golang-migrate history on SQLite: its table as golang-migrate's sqlite3 driver makes it.
    adopted = os.path.join(tmp, "adopted.db")
    con = sqlite3.connect(adopted)
    con.execute("CREATE TABLE schema_migrations (version uint64, dirty bool)")
    con.execute("INSERT INTO schema_migrations VALUES (2, 0)")
    con.commit()
    con.close()
    code, out, err = run(adopted, "db", "baseline", "--from", "golang-migrate")
    check(code == 0, f"baseline --from golang-migrate: {code} {out!r} {err!r}")
    con = sqlite3.connect(adopted)
    stamped = [r[0] for r in con.execute("SELECT revision FROM strata_history ORDER BY revision")]
    con.close()
    check(stamped == ["0001_notes", "0002_tags"], f"baseline stamped {stamped}")

    # A fleet of SQLite files: one URL a line.
    urls = os.path.join(tmp, "fleet.txt")
    with open(urls, "w") as f:
        f.write("".join(f"sqlite://{os.path.join(tmp, f'shard{i}.db')}\n" for i in range(3)))
    check(run(db, "db", "fleet", "check", "--databases", urls)[0] == 3, "fleet check with pending files exits 3")
    code, out, err = run(db, "db", "fleet", "upgrade", "--databases", urls, "--jobs", "2")
    check(code == 0 and out.count("applied") >= 3, f"fleet upgrade: {code} {out!r} {err!r}")
    check(run(db, "db", "fleet", "check", "--databases", urls)[0] == 0, "fleet check after the upgrade exits 0")
    code, _, err = run(db, "db", "fleet", "check", "--schemas", "SELECT 1")
    check(code == 2 and "--databases" in err, f"fleet --schemas on SQLite: {code} {err!r}")

libraries = subprocess.run(["ldd", notes], capture_output=True, text=True).stdout
check("libsqlite3" in libraries and "libpq" not in libraries, f"linked libraries: {libraries!r}")

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
print("notes example: every check passed")
