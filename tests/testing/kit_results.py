"""Runs a binary of the testing kit's cases and compares its GoogleTest results with what its
defects should give: each case of `expected` fails with each of its words (a case with no words
passes), every other case passes. Used by check_defects.py (PostgreSQL) and tests/sqlite/check_kit.py."""
import json
import os
import subprocess
import sys
import tempfile


def check(binary, expected, env=None):
    """Returns (problems, names of the cases run, names of the .db files the run left in its TMPDIR)."""
    must_fail = {name for name, words in expected.items() if words}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "results.json")
        run = subprocess.run([binary, f"--gtest_output=json:{out}"], capture_output=True, text=True,
                             env=dict(os.environ, TMPDIR=tmp, **(env or {})))
        sys.stdout.write(run.stdout[-4000:])
        results = json.load(open(out))
        left = [f for f in os.listdir(tmp) if f.endswith(".db")]
    problems, names = [], []
    for suite in results["testsuites"]:
        for case in suite["testsuite"]:
            name = f"{suite['name']}.{case['name']}"
            names.append(name)
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
    if must_fail and run.returncode == 0:
        problems.append("the binary exited 0 although cases failed")
    return problems, names, left
