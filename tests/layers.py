#!/usr/bin/env python3
"""The header layers, bottom up: no header includes one of a layer above its own.
Usage: layers.py INCLUDE_DIR"""
import os
import re
import sys

layers = [("core", "detail"), ("dsl",), ("registry",), ("plan",), ("exec",), ("schema",), ("backend", "adapters"), ("startup",), ("cli",), ("testing",)]
rank = {d: i for i, group in enumerate(layers) for d in group}
root = os.path.join(sys.argv[1], "strata")
bad = []
for folder, _, files in os.walk(root):
    for name in files:
        path = os.path.join(folder, name)
        rel = os.path.relpath(path, root)
        top = rel.split(os.sep)[0]
        if top not in rank:
            continue  # the umbrella headers and version.hpp include anything
        for line in open(path):
            m = re.match(r'#include "([^"]+)"', line)
            if not m:
                continue
            target = os.path.relpath(os.path.normpath(os.path.join(os.path.dirname(path), m.group(1))), root)
            target_top = target.split(os.sep)[0]
            if target_top in rank and rank[target_top] > rank[top]:
                bad.append(f"{rel} includes {target} (a higher layer)")
print("\n".join(bad) if bad else f"layers respected in {root}")
sys.exit(1 if bad else 0)
