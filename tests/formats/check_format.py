#!/usr/bin/env python3
"""One format's corpus, two ways, on a real PostgreSQL: strata (formats_cli FORMAT upgrade) and
psql running each file's up part in version order, read here independently of strata's generator.
The schemas (pg_dump --schema-only, strata's tables left out) must be equal; downgrade to base
must leave what an empty database has.
Usage: check_format.py FORMATS_CLI FORMAT CORPUS_DIR SERVER_URL_FILE"""
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

cli, fmt, corpus, url_file = sys.argv[1:5]
server = open(url_file).read().strip()

def with_db(name):
    parts = urllib.parse.urlsplit(server)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))

def psql(url, *args, **kw):
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, *args],
                          check=True, capture_output=True, text=True, **kw)

def version_key(v):
    return [int(p) for p in re.split(r"[._]", v) if p != ""]

def up_parts():
    """(version, up SQL) of each migration, in version order, as each tool reads its files."""
    out = []
    for name in os.listdir(corpus):
        path = os.path.join(corpus, name)
        text = open(path).read()
        if fmt in ("golang-migrate", "sqlx"):
            m = re.match(r"(\d+)_.*\.up\.sql$", name)
            if m:
                out.append((m.group(1), text))
            continue
        if fmt == "flyway":
            m = re.match(r"V([\d._]+)__.*\.sql$", name)
            if m:
                out.append((m.group(1), text))
            continue
        m = re.match(r"(\d+)_.*\.sql$", name)
        if not m:
            continue
        start, stop = {"goose": (r"--\s*\+goose Up[^\n]*", r"--\s*\+goose Down[^\n]*"),
                       "dbmate": (r"--\s*migrate:up[^\n]*", r"--\s*migrate:down[^\n]*"),
                       "strata": (r"--\s*strata:up[^\n]*", r"--\s*strata:down[^\n]*")}[fmt]
        up = re.split(stop, re.split(start, text, maxsplit=1)[1], maxsplit=1)[0]
        out.append((m.group(1), up))
    return [sql for _, sql in sorted(out, key=lambda p: version_key(p[0]))]

def dump(url):
    r = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "--exclude-table=public.strata_*", "-d", url], check=True, capture_output=True, text=True)
    # pg_dump's header names its version, and newer ones guard the script with a random key
    return "\n".join(l for l in r.stdout.splitlines()
                     if not l.startswith(("-- Dumped", "\\restrict", "\\unrestrict")))

def strata(url, *args):
    r = subprocess.run([cli, fmt, *args], env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"formats_cli {fmt} {' '.join(args)} exited {r.returncode}:\n{r.stdout}{r.stderr}")
    return r.stdout

tag = f"strata_fmt_{re.sub('[^a-z]', '_', fmt)}_{os.getpid()}"
names = {k: f"{tag}_{k}" for k in ("strata", "psql", "empty")}
for n in names.values():
    psql(server, "-c", f"DROP DATABASE IF EXISTS {n}", "-c", f"CREATE DATABASE {n}")
problems = []
try:
    a, b, empty = (with_db(names[k]) for k in ("strata", "psql", "empty"))
    print(strata(a, "upgrade"))
    with tempfile.TemporaryDirectory() as tmp:
        for i, sql in enumerate(up_parts()):
            path = os.path.join(tmp, f"{i}.sql")
            open(path, "w").write(sql)
            psql(b, "-f", path)
    by_strata, by_psql = dump(a), dump(b)
    if "CREATE TABLE public.orders" not in by_strata or "order_total" not in by_strata:
        problems.append("strata's schema lacks the corpus's objects")
    if by_strata != by_psql:
        import difflib
        problems.append("schemas differ (strata, psql):\n" + "\n".join(difflib.unified_diff(
            by_strata.splitlines(), by_psql.splitlines(), lineterm="")))
    status = strata(a, "status")
    if "pending: 0" not in status:
        problems.append("status after upgrade:\n" + status)
    strata(a, "downgrade", "base")
    if dump(a) != dump(empty):
        problems.append("downgrade to base left something behind")
    strata(a, "upgrade")
    again = dump(a)
    if again != by_psql:
        import difflib
        problems.append("upgrade after downgrade to base differs (strata, psql):\n" + "\n".join(difflib.unified_diff(
            again.splitlines(), by_psql.splitlines(), lineterm="")))
finally:
    for n in names.values():
        psql(server, "-c", f"DROP DATABASE IF EXISTS {n} WITH (FORCE)")
print("\n".join(problems) if problems else f"{fmt}: strata and psql give the same schema; downgrade to base leaves nothing")
sys.exit(1 if problems else 0)
