#!/usr/bin/env python3
"""Runs the SQLite kit binary and checks its GoogleTest results: exactly the expected cases fail,
each with the expected words; every other case (the notes example's among them) passes.
Usage: check_kit.py BINARY"""
import os
import sys

expected = {
    "index_left_behind__migrations.stairway_0002_by_body": ["after 0002_by_body down: index notes_by_body is still there"],
    "index_left_behind__migrations.downgrade_to_base": [],  # the table goes, its index with it: passes
    "contraction_before_deploy__migrations.stairway_0002_drop_legacy": [
        "0002_drop_legacy is before_deploy, so it runs while the previous release still does", "removed column notes.legacy"],
    "rebuild_changes_type__migrations.stairway_0002_checked": [
        "after 0002_checked down: column notes.body: text not null before, blob after"],
}
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "testing"))
from kit_results import check  # noqa: E402

problems, names, left = check(sys.argv[1], expected)
notes_cases = [n for n in names if n.startswith("notes_migrations.")]
if len(notes_cases) != 7:  # upgrade_to_head, 5 stairway steps, downgrade_to_base
    problems.append(f"the notes example's cases: {sorted(notes_cases)}")
if left:
    problems.append(f"test files left behind: {left}")
if problems:
    sys.exit("\n".join(problems))
print(f"{len(names)} cases: the defects fail as expected, the others pass")
