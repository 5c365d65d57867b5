#!/usr/bin/env python3
"""A migrations folder that changes between builds of one project (tests/formats/pickup): each
change is picked up by `cmake --build` alone, and each defect fails the build naming its file.
Usage: check_folder.py STRATA_SOURCE_DIR WORK_DIR CXX"""
import os
import re
import shutil
import subprocess
import sys

source, work, cxx = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
folder = os.path.join(work, "migrations")
build = os.path.join(work, "build")
shutil.copytree(os.path.join(source, "tests", "formats", "goose"), folder)
problems = []

def configure(lint_from=""):
    subprocess.run(["cmake", "-S", os.path.join(source, "tests", "formats", "pickup"), "-B", build,
                    f"-DCMAKE_CXX_COMPILER={cxx}", f"-DSTRATA_SOURCE_DIR={source}", f"-DMIGRATIONS_DIR={folder}",
                    f"-DLINT_FROM={lint_from}"],
                   check=True, capture_output=True, text=True, env={**os.environ, "CXXFLAGS": ""})

def build_and_show():
    """(ok, output): cmake --build, then the program's output when it built."""
    r = subprocess.run(["cmake", "--build", build], capture_output=True, text=True)
    if r.returncode != 0:
        return False, r.stdout + r.stderr
    return True, subprocess.run([os.path.join(build, "show")], check=True, capture_output=True, text=True).stdout

def write(name, text, newline="\n"):
    with open(os.path.join(folder, name), "w", newline=newline) as f:
        f.write(text)

def checksum(output, revision):
    m = re.search(re.escape(revision) + r" \S+ transactional=\d checksum=(\d+)", output)
    return m.group(1) if m else None

def expect(what, condition, output):
    if not condition:
        problems.append(f"{what}:\n{output[-3000:]}")

configure()
ok, out = build_and_show()
expect("first build: six revisions, head 00006", ok and "head 00006_users_display_name size 6" in out, out)
expect("goose NO TRANSACTION", "00004_orders_by_status reversible transactional=0" in out, out)
first_sum = checksum(out, "00003_order_total")

write("00007_add_note.sql", "-- +goose Up\nALTER TABLE users ADD COLUMN note text;\n")
ok, out = build_and_show()
expect("a file added: picked up, and irreversible without a Down",
       ok and "head 00007_add_note size 7" in out and "00007_add_note irreversible" in out, out)
added_sum = checksum(out, "00007_add_note")

write("00007_add_note.sql", "-- +goose Up\nALTER TABLE users ADD COLUMN note varchar(200);\n")
ok, out = build_and_show()
expect("a file edited: its checksum changes", ok and checksum(out, "00007_add_note") not in (None, added_sum), out)

with open(os.path.join(folder, "00003_order_total.sql")) as f:
    text = f.read()
write("00003_order_total.sql", text, newline="\r\n")
ok, out = build_and_show()
expect("line endings: the checksum of a CRLF file is the LF file's", ok and checksum(out, "00003_order_total") == first_sum, out)

os.remove(os.path.join(folder, "00007_add_note.sql"))
ok, out = build_and_show()
expect("a file removed: gone from the registry", ok and "head 00006_users_display_name size 6" in out, out)

write("00006_again.sql", "-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 1;\n")
ok, out = build_and_show()
expect("two files with one version: a compile error naming both",
       not ok and "two migrations have version 00006: 00006_again.sql and 00006_users_display_name.sql" in out, out)
os.remove(os.path.join(folder, "00006_again.sql"))

write("00007_bad_index.sql", "-- +goose Up\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);\n"
      "-- +goose Down\nDROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\n")
ok, out = build_and_show()
expect("a statement refused in a transaction: the error names the file, line and column, in goose's words",
       not ok and re.search(r"00007_bad_index\.sql:2:1: error: cannot-run-in-a-transaction: CREATE INDEX CONCURRENTLY "
                            r"IF NOT EXISTS users_email_idx ON users \(email\); .*`-- \+goose NO TRANSACTION`", out), out)
os.remove(os.path.join(folder, "00007_bad_index.sql"))

write("00007_oops.sql", "-- +goose Up\nCREATE TABLE t (x int);\n-- +goose Down\nDROP TABLE t;\n")
write("00008_other_tool.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n")
ok, out = build_and_show()
expect("a folder mixing formats is refused naming files of each",
       not ok and "the folder mixes formats" in out and "00008_other_tool.sql (dbmate)" in out, out)
os.remove(os.path.join(folder, "00008_other_tool.sql"))
ok, out = build_and_show()
expect("fixed: builds again", ok and "head 00007_oops size 7" in out, out)

# Every finding of the folder in one build, each at its file:LINE:COL; then the history adopted
# with LINT_FROM (the old files keep their unsafe statements), while a new unsafe file still fails.
write("00008_unsafe.sql", "-- +goose Up\nCREATE INDEX users_name ON users (email);\n\n  ALTER TABLE users DROP COLUMN email;\n"
      "-- +goose Down\nSELECT 1;\n")
write("00009_unsafe_too.sql", "-- +goose Up\nALTER TABLE users RENAME COLUMN email TO mail;\n")
ok, out = build_and_show()
expect("every finding at once, at file:LINE:COL with the rule, the statement and the alternative",
       not ok and "00008_unsafe.sql:2:1: error: require-concurrent-index-creation: CREATE INDEX users_name ON users (email); " in out
       and "00008_unsafe.sql:4:3: error: ban-drop-column: ALTER TABLE users DROP COLUMN email; " in out
       and "00009_unsafe_too.sql:2:1: error: renaming-column: ALTER TABLE users RENAME COLUMN email TO mail; " in out
       and "3 finding(s)" in out, out)
configure("00009_unsafe_too")
ok, out = build_and_show()
expect("LINT_FROM the head: the history is adopted as written", ok and "head 00009_unsafe_too size 9" in out, out)
write("00010_new.sql", "-- +goose Up\nALTER TABLE users ADD COLUMN age int NOT NULL;\n")
ok, out = build_and_show()
expect("after LINT_FROM a new unsafe file still fails, alone",
       not ok and "00010_new.sql:2:1: error: adding-required-field" in out and "1 finding(s)" in out
       and "00008_unsafe.sql" not in out, out)
write("00010_new.sql", "-- +goose Up\nALTER TABLE users ADD COLUMN age int;\n")
ok, out = build_and_show()
expect("mended: builds", ok and "head 00010_new size 10" in out, out)
configure()
for name in ("00008_unsafe.sql", "00009_unsafe_too.sql", "00010_new.sql"):
    os.remove(os.path.join(folder, name))

# Flyway's repeatable migrations are refused, naming the file (the generator run by hand).
generator = os.path.join(build, "strata_generate_migrations")
flyway = os.path.join(work, "flyway")
shutil.copytree(os.path.join(source, "tests", "formats", "flyway"), flyway)
with open(os.path.join(flyway, "R__refresh_views.sql"), "w") as f:
    f.write("CREATE OR REPLACE VIEW v AS SELECT 1;\n")
header = os.path.join(work, "flyway.hpp")
subprocess.run([generator, "fly", flyway, "auto", header], check=True)
text = open(header).read()
expect("Flyway's R__ files are refused naming the file",
       "R__refresh_views.sql" in text and "repeatable" in text and "#error" in text, text)

def generate(fmt_folder, files):
    """The generator run by hand on a folder of FILES ({name: text}): the header it writes."""
    d = os.path.join(work, fmt_folder)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, text in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(text if isinstance(text, bytes) else text.encode())
    out = os.path.join(work, fmt_folder + ".hpp")
    subprocess.run([generator, "gen", d, "auto", out], capture_output=True)  # findings fail it; the header is read
    return open(out).read()

def reading_errors(header):
    """The header's #error lines from reading the folder (not the analysis's findings, `file:L:C: error:`)."""
    return [l for l in header.splitlines() if l.startswith("#error") and not re.search(r":\d+:\d+: error: ", l)]

def compile_with(fmt_folder, checks):
    """Compiles (-Werror) a file that includes FMT_FOLDER's generated header, then CHECKS."""
    cpp = os.path.join(work, fmt_folder + ".cpp")
    with open(cpp, "w") as f:
        f.write(f'#include "{fmt_folder}.hpp"\n' + checks)
    return subprocess.run([cxx, "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
                           "-I", os.path.join(source, "include"), cpp], capture_output=True, text=True)

def member(header, type_name, member_name):
    """The declaration of MEMBER_NAME in the generated struct TYPE_NAME, or ''."""
    m = re.search(r"struct " + type_name + r" \{.*?\n};", header, re.S)
    found = re.search(r"static constexpr \S+ " + member_name + r" = [^\n]*", m.group(0)) if m else None
    return found.group(0) if found else ""

# golang-migrate: BEGIN; ... COMMIT; around a file becomes comments (strata's own transaction),
# and a file holding a statement refused in a transaction runs outside one, as golang-migrate runs it.
text = generate("gm", {"1_users.up.sql": "CREATE TABLE users (id int);\n",
                       "2_mood.up.sql": "-- atomic\nBEGIN;\nCREATE TYPE mood AS ENUM ('a');\nALTER TABLE users ADD COLUMN m mood;\n commit ;\n",
                       "2_mood.down.sql": "BEGIN TRANSACTION;\nALTER TABLE users DROP COLUMN m;\nDROP TYPE mood;\nEND;\n",
                       "3_idx.up.sql": "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_idx ON users (id);\n",
                       "3_idx.down.sql": "DROP INDEX CONCURRENTLY IF EXISTS users_idx;\n",
                       "4_begin_inside.up.sql": "SELECT 1;\nBEGIN;\nSELECT 2;\nCOMMIT;\n",
                       "5_cluster.up.sql": "CLUSTER;\n"})
expect("golang-migrate: the BEGIN/COMMIT wrapper is commented out, line for line",
       '"-- BEGIN;\\n"' in text and '"--  commit ;\\n"' in text and '"-- BEGIN TRANSACTION;\\n"' in text
       and '"-- END;\\n"' in text and member(text, "file_2_mood_up_sql", "transactional") == "", text)
expect("golang-migrate: a BEGIN that does not wrap the file is left for the lint to name",
       '"BEGIN;\\n"' in text, text)
no_transaction = "static constexpr bool transactional = false;"
expect("golang-migrate: a concurrent index runs outside a transaction, as the generator reads its statements",
       member(text, "file_3_idx_up_sql", "transactional").startswith(no_transaction), text)
expect("golang-migrate: CLUSTER of every table is read so too",
       member(text, "file_5_cluster_up_sql", "transactional").startswith(no_transaction), text)
expect("golang-migrate: a word in a comment or a string is no statement",
       member(generate("gm_words", {"1_t.up.sql": "-- vacuum later, concurrently\nCREATE TABLE t (v text DEFAULT 'cluster');\n"}),
              "file_1_t_up_sql", "transactional") == "", text)
expect("golang-migrate: a file with no such word keeps the default",
       member(text, "file_1_users_up_sql", "transactional") == "", text)

# Every kind of statement PostgreSQL refuses in a transaction block makes a golang-migrate file
# non-transactional: the generator reads it with the registry's own classifier, and the compiler agrees.
# (DROP DATABASE is one, but the lint bans it in a migration.)
refused = ["CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (id)", "CREATE DATABASE d", "CREATE TABLESPACE s LOCATION '/x'",
           "CREATE SUBSCRIPTION s CONNECTION 'c' PUBLICATION p",
           "DROP INDEX CONCURRENTLY IF EXISTS i", "DROP TABLESPACE IF EXISTS s", "DROP SUBSCRIPTION IF EXISTS s",
           "ALTER SYSTEM SET work_mem = '8MB'", "ALTER DATABASE d SET TABLESPACE s",
           "ALTER SUBSCRIPTION s REFRESH PUBLICATION", "ALTER TABLE t DETACH PARTITION p CONCURRENTLY",
           "REINDEX SCHEMA public", "REINDEX DATABASE d", "REINDEX SYSTEM d", "REINDEX INDEX CONCURRENTLY i",
           "VACUUM t", "CLUSTER", "DISCARD ALL"]
files = {f"{n + 1}_s{n + 1}.up.sql": statement + ";\n" for n, statement in enumerate(refused)}
generate("refused", files)
compiled = compile_with("refused", "".join(f"static_assert(!strata_migrations_gen::file_{n + 1}_s{n + 1}_up_sql::transactional);\n"
                                          for n in range(len(refused))))
expect("golang-migrate: each statement refused in a transaction makes its file non-transactional",
       compiled.returncode == 0, compiled.stderr)

# Pairs are golang-migrate's layout and sqlx's: decided by evidence, and said when guessed.
def generate_with_warnings(fmt_folder, files):
    text = generate(fmt_folder, files)
    r = subprocess.run([generator, "gen", os.path.join(work, fmt_folder), "auto", os.path.join(work, fmt_folder + ".hpp")],
                       capture_output=True, text=True)
    return text, r.stderr
text, warned = generate_with_warnings("pairs_sqlx", {"1_a.up.sql": "CREATE TABLE a (id int);\n", "1_a.down.sql": "DROP TABLE a;\n",
                                                     "2_i.up.sql": "-- no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON a (id);\n",
                                                     "2_i.down.sql": "-- no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS i;\n"})
expect("pairs with sqlx's -- no-transaction are read as sqlx, without a warning",
       'format = "sqlx"' in text and "warning" not in warned, text + warned)
text, warned = generate_with_warnings("pairs_gm", {"1_a.up.sql": "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n",
                                                   "1_a.down.sql": "DROP TABLE a;\n"})
expect("pairs with golang-migrate's wrapper are read as golang-migrate, without a warning",
       'format = "golang-migrate"' in text and "warning" not in warned, text + warned)
text, warned = generate_with_warnings("pairs_plain", {"1_a.up.sql": "CREATE TABLE a (id int);\n", "1_a.down.sql": "DROP TABLE a;\n"})
expect("pairs that say nothing are read as golang-migrate, and the guess is said",
       'format = "golang-migrate"' in text and "warning: read as golang-migrate" in warned and "FORMAT sqlx" in warned,
       text + warned)

text = generate("gm_wrapped", {"1_x.up.sql": "BEGIN;\nCREATE TABLE x (id int);\nCOMMIT;\n",
                               "1_x.down.sql": "DROP INDEX CONCURRENTLY IF EXISTS x_idx;\nDROP TABLE x;\n"})
expect("golang-migrate: a wrapped file keeps its revision in one transaction, its pair's statements alike",
       member(text, "file_1_x_up_sql", "transactional") == "" and not reading_errors(text)
       and "1_x.down.sql:1:1: error: cannot-run-in-a-transaction: DROP INDEX CONCURRENTLY" in text, text)
text = generate("gm_wrapped_no_tx", {"1_x.up.sql": "BEGIN;\nCREATE TABLE x (id int);\nCOMMIT;\n",
                                     "1_x.down.sql": "-- strata:no-transaction\nDROP TABLE x;\n"})
expect("golang-migrate: a wrapped file whose pair says no-transaction is refused naming both",
       "1_x.up.sql: wrapped in BEGIN; ... COMMIT;, while 1_x.down.sql says no-transaction" in text, text)

text = generate("fly", {"V1__t.sql": "CREATE TABLE t (id int);\n",
                        "V2__idx.sql": "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_idx ON t (id);\n",
                        "V3__forced.sql": "CREATE TABLE u (id int);\n",
                        "V3__forced.sql.conf": "# by hand\nexecuteInTransaction=false\n",
                        "V4__kept.sql": "VACUUM t;\n", "V4__kept.sql.conf": "executeInTransaction=true\n"})
expect("Flyway: a concurrent index is detected, .conf decides where it is given",
       member(text, "file_V2__idx_sql", "transactional").startswith(no_transaction)
       and member(text, "file_V3__forced_sql", "transactional") == "static constexpr bool transactional = false;"
       and member(text, "file_V4__kept_sql", "transactional") == "", text)

text = generate("fly_callback", {"V1__t.sql": "CREATE TABLE t (id int);\n",
                                 "afterMigrate__grants.sql": "GRANT SELECT ON t TO PUBLIC;\n"})
expect("Flyway: a callback is refused naming the file, not taken for another format",
       "#error" in text and "afterMigrate__grants.sql: a Flyway callback (afterMigrate)" in text
       and "mixes formats" not in text, text)

text = generate("fly_placeholder", {"V1__t.sql": "CREATE TABLE t (id int);\n",
                                    "V2__grants.sql": "-- grants\nGRANT SELECT ON t TO ${reader};\n",
                                    "V3__literal.sql": "SELECT '${not_a_placeholder}';\n",
                                    "V3__literal.sql.conf": "placeholderReplacement=false\n"})
expect("Flyway: a placeholder is refused naming the file, its line and the placeholder",
       re.search(r'#line 2 "[^"]*V2__grants\.sql"\n#error "strata: V2__grants\.sql: Flyway placeholder \$\{reader\}', text)
       is not None and "V3__literal" not in text, text)

text = generate("fly_undo_conf", {"V1__t.sql": "CREATE TABLE t (id int);\n", "U1__t.sql": "DROP TABLE t;\n",
                                  "V1__t.sql.conf": "executeInTransaction=true\n",
                                  "U1__t.sql.conf": "executeInTransaction=false\n"})
expect("Flyway: an undo run otherwise than its migration is refused naming both files",
       "#error" in text and "U1__t.sql: executeInTransaction differs between V1__t.sql and U1__t.sql" in text, text)

text = generate("fly_two_undos", {"V1__t.sql": "CREATE TABLE t (id int);\n", "U1__a.sql": "DROP TABLE t;\n",
                                  "U1.0__b.sql": "DROP TABLE t;\n"})
expect("Flyway: two undo files of one version are refused naming both",
       "two undo migrations have version" in text and "U1.0__b.sql and U1__a.sql" in text, text)
text = generate("fly_undo_decides", {"V1__t.sql": "CREATE TABLE IF NOT EXISTS t (id int);\n", "U1__t.sql": "DROP TABLE IF EXISTS t;\n",
                                     "U1__t.sql.conf": "executeInTransaction=false\n"})
expect("Flyway: executeInTransaction said on the undo alone is for the revision",
       member(text, "file_V1__t_sql", "transactional") == "static constexpr bool transactional = false;"
       and "#error" not in text, text)
text = generate("fly_not_placeholders", {"V1__t.sql": "SELECT '${';\nSELECT '${}';\nSELECT '${x\n}';\n",
                                         "createSchema.sql": "SELECT 1;\n"})
expect("Flyway: ${ without a name closed on its line is no placeholder; createSchema is a callback",
       "Flyway placeholder" not in text and "createSchema.sql: a Flyway callback (createSchema)" in text, text)

text = generate("fly_undo_version", {"V1__t.sql": "CREATE TABLE t (id int);\n", "U1.0__t.sql": "DROP TABLE t_undo;\n"})
expect("Flyway: an undo finds its migration by version as Flyway compares them (1.0 is 1)",
       "#error" not in text and "DROP TABLE t_undo" in text, text)

# Bytes reach PostgreSQL as written: UTF-8 kept as it is, a Latin-1 byte escaped, and the header
# compiles warning-free whatever the compiler's source encoding checks.
text = generate("encoding", {"00001_a.sql": "-- +goose Up\nSELECT 'naïve €';\n-- \u202e right to left\n".encode()
                                            + b"-- caf\xe9 \xff\n"})
expect("bytes: UTF-8 kept, other bytes and bidirectional overrides as octal escapes",
       "SELECT 'naïve €';" in text and '"-- caf\\351 \\377\\n"' in text
       and '"-- \\342\\200\\256 right to left\\n"' in text, text)
compiled = compile_with("encoding", "static_assert(gen::size == 1);\n")
expect("bytes: the header compiles warning-free", compiled.returncode == 0, compiled.stderr)

text = generate("bom", {"1_a.sql": b"\xef\xbb\xbf-- +goose Up\nSELECT 1;\n", "2_b.sql": "-- +goose Up\nSELECT 2;\n"})
expect("a byte order mark is dropped: the annotation after it is read",
       'format = "goose"' in text and "#error" not in text and "\\357" not in text, text)

text = generate("go", {"00001_a.sql": "-- +goose Up\nSELECT 1;\n", "00002_backfill.go": "package migrations\n",
                       "00010_later.go": "package migrations\n", "00009_earlier.go": "package migrations\n"})
expect("goose: Go migrations are refused naming each file, in version order",
       "#error" in text and 0 < text.find("00002_backfill.go: a Go migration") < text.find("00009_earlier.go: a Go migration")
       < text.find("00010_later.go: a Go migration"), text)

text = generate("bad_id", {"1_add users.up.sql": "SELECT 1;\n"})
expect("a file name that cannot be a revision id is refused naming the file",
       "#error" in text and "1_add users.up.sql: the file name makes the revision id '1_add users'" in text, text)

text = generate("same_name", {"0001_a-b.sql": "-- strata:parents\n-- strata:up\nSELECT 1;\n",
                              "0001_a_b.sql": "-- strata:parents 0001_a-b\n-- strata:up\nSELECT 1;\n"})
expect("two file names spelling one C++ name get two types",
       "struct file_0001_a_b_sql {" in text and "struct file_0001_a_b_sql_2 {" in text and "#error" not in text, text)

print("\n".join(problems) if problems else "every change picked up by cmake --build; every defect named its file")
sys.exit(1 if problems else 0)
