#!/usr/bin/env python3
"""Runs the SQLite kit binary and checks its GoogleTest results: exactly the expected cases fail,
each with the expected words; every other case (the notes example's among them) passes.
Usage: check_kit.py BINARY"""
import json
import os
import subprocess
import sys
import tempfile

expected = {
    "index_left_behind__migrations.stairway_0002_by_body": ["after 0002_by_body down: index notes_by_body is still there"],
    "index_left_behind__migrations.downgrade_to_base": [],  # the table goes, its index with it: passes
    "contraction_before_deploy__migrations.stairway_0002_drop_legacy": [
        "0002_drop_legacy is before_deploy, so it runs while the previous release still does", "removed column notes.legacy"],
    "rebuild_changes_type__migrations.stairway_0002_checked": [
        "after 0002_checked down: column notes.body: text not null before, blob after"],
}
must_fail = {name for name, words in expected.items() if words}

with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "results.json")
    run = subprocess.run([sys.argv[1], f"--gtest_output=json:{out}"], capture_output=True, text=True,
                         env=dict(os.environ, TMPDIR=tmp))
    sys.stdout.write(run.stdout[-4000:])
    results = json.load(open(out))
    left = [f for f in os.listdir(tmp) if f.endswith(".db")]

problems = []
names = set()
for suite in results["testsuites"]:
    for case in suite["testsuite"]:
        name = f"{suite['name']}.{case['name']}"
        names.add(name)
        messages = "\n".join(f["failure"] for f in case.get("failures", []))
        if name in must_fail:
            if not messages:
                problems.append(f"{name}: passed, but its defect should fail it")
            for words in expected[name]:
                if words not in messages:
                    problems.append(f"{name}: the failure does not say '{words}':\n{messages}")
        elif messages:
            problems.append(f"{name}: failed, but has no defect:\n{messages}")
for name in expected:
    if name not in names:
        problems.append(f"{name}: not run")
notes_cases = [n for n in names if n.startswith("notes_migrations.")]
if len(notes_cases) != 7:  # upgrade_to_head, 5 stairway steps, downgrade_to_base
    problems.append(f"the notes example's cases: {sorted(notes_cases)}")
if left:
    problems.append(f"test files left behind: {left}")
if problems:
    sys.exit("\n".join(problems))
print(f"{len(names)} cases: the {len(must_fail)} defects fail as expected, the others pass")
