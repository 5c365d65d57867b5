#!/usr/bin/env python3
"""Runs the defects binary and checks its GoogleTest results: exactly the expected cases fail,
each with the expected words; every other case passes.  Usage: check_defects.py BINARY"""
import os
import sys

expected = {
    "enum_left_behind__migrations.stairway_0002_orders": [
        "after 0002_orders down: type order_status is still there"],
    "enum_left_behind__migrations.downgrade_to_base": [
        "after downgrade to base: type order_status is still there"],
    "wrong_index_dropped__migrations.stairway_0002_users_by_name": [
        "after 0002_users_by_name down: index users_email_idx is missing",
        "after 0002_users_by_name down: index users_name_idx is still there"],
    "column_type_changed__migrations.stairway_0002_drop_email": [
        "after 0002_drop_email down: column users.email: text before, character varying(200) after"],
    "contraction_before_deploy__migrations.stairway_0003_drop_legacy": [
        "0003_drop_legacy is before_deploy, so it runs while the previous release still does",
        "removed column users.legacy",
        "changed column users.code: text -> integer"],
}
# Every other case passes: the downgrades to base of the last two registries end with the table
# dropped, and a stairway after a failed one starts again from an empty database.
must_fail = set(expected)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kit_results import check  # noqa: E402

problems, names, _ = check(sys.argv[1], expected)
seen = len(names)
if seen != 4 + 4 + 5 + 6:
    problems.append(f"{seen} cases ran, expected 19")
print("\n".join(problems) if problems else f"all {seen} cases as expected ({len(must_fail)} defects caught)")
sys.exit(1 if problems else 0)
