#!/usr/bin/env python3
"""The header layers, bottom up, and what the database-neutral layers may not hold.
1. No header includes one of a layer above its own.
2. No header uses a name declared only in a higher layer (a namespace, class, struct, concept or
   enum of it) without including it: a forward declaration hides a tie no include shows.
3. core/ dsl/ registry/ plan/ exec/ schema/ detail/ hold no database's text outside comments:
   transaction keywords, setting names, SQLSTATE codes, a dialect's namespace, URL shapes,
   statement grammar. That text lives in backend/<database>/.
Usage: layers.py INCLUDE_DIR"""
import os
import re
import sys

layers = [("core", "detail"), ("dsl",), ("backend",), ("registry",), ("plan",), ("exec",), ("schema",), ("adapters",),
          ("startup",), ("fleet",), ("cli",), ("testing",)]
neutral = {"core", "detail", "dsl", "registry", "plan", "exec", "schema"}
rank = {d: i for i, group in enumerate(layers) for d in group}
root = os.path.join(sys.argv[1], "strata")

# What a database's text looks like: in string literals, or in the code itself.
in_strings = [
    (r'\b(BEGIN|COMMIT|ROLLBACK|SAVEPOINT)\b', "a transaction keyword"),
    (r'\b(SET|RESET|SHOW)\s+[A-Za-z_]', "a SET or RESET statement"),
    (r'(?<!strata\.)\b(lock_timeout|statement_timeout|search_path|standard_conforming_strings)\b', "a setting's name"),
    (r'^[0-9][0-9A-Z][0-9A-Z]{3}$', "an SQLSTATE code"),
    (r'postgres(ql)?://|sqlite:', "a URL shape"),
    (r'\b(CREATE|DROP|ALTER|INSERT|UPDATE|DELETE|SELECT|INDEX|CONCURRENTLY|TABLE)\b', "statement grammar"),
    (r'\bpg_[a-z_]+\(', "a server function"),
]
in_code = [
    (r'\b(postgresql|sqlite)::', "a dialect's namespace"),
    (r'\b(take|is|keyword_at)\([^()]*"[a-z_]+"', "statement grammar (a keyword test)"),
]


def literals(line):
    return [m.group(1) for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', line)]


def code_lines(path):
    """Each line without its // comment (string literals kept)."""
    in_block = False
    for number, line in enumerate(open(path), 1):
        out, i, in_string = "", 0, False
        while i < len(line):
            if in_block:
                end = line.find("*/", i)
                if end < 0:
                    i = len(line)
                    continue
                in_block, i = False, end + 2
                continue
            c = line[i]
            if in_string:
                out += c
                if c == "\\":
                    out += line[i + 1:i + 2]
                    i += 2
                    continue
                if c == '"':
                    in_string = False
            elif line.startswith("//", i):
                break
            elif line.startswith("/*", i):
                in_block, i = True, i + 2
                continue
            elif c == '"':
                in_string = True
                out += c
            elif c == "'" and i + 2 < len(line) and line[i + 2] == "'":
                out += line[i:i + 3]
                i += 3
                continue
            else:
                out += c
            i += 1
        yield number, out


headers = {}
for folder, _, files in os.walk(root):
    for name in files:
        path = os.path.join(folder, name)
        rel = os.path.relpath(path, root)
        headers[rel] = path


def layer_of(rel):
    top = rel.split(os.sep)[0]
    return top if top in rank else None


def includes_of(rel):
    out = []
    for line in open(headers[rel]):
        m = re.match(r'#include "([^"]+)"', line)
        if m:
            out.append(os.path.relpath(os.path.normpath(os.path.join(os.path.dirname(headers[rel]), m.group(1))), root))
    return out


def reach(rel, seen=None):
    seen = set() if seen is None else seen
    for target in includes_of(rel):
        if target not in seen and target in headers:
            seen.add(target)
            reach(target, seen)
    return seen


declaration = re.compile(r'^\s*(?:template\s*<[^>]*>\s*)?(?:namespace|struct|class|concept|enum class|enum)\s+'
                         r'((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)\s*(?:[:{=]|final|$)')
declared = {}  # name -> headers defining it (a namespace counts where something is defined in it)
forward = re.compile(r'^\s*(?:template\s*<[^>]*>\s*)?(?:struct|class)\s+\w+\s*;\s*$')
for rel, path in headers.items():
    opened = []  # namespaces opened and not yet holding a definition
    for _, line in code_lines(path):
        m = declaration.match(line)
        if m and line.lstrip().startswith("namespace"):
            opened = m.group(1).split("::")
            continue
        if re.match(r'^\}\s*$', line.strip() and line or "") and opened:
            opened = []
        if line.strip() and not forward.match(line) and not line.lstrip().startswith("}"):
            for part in opened:
                declared.setdefault(part, set()).add(rel)
            opened = []
        if m and not line.rstrip().endswith(";"):
            for part in m.group(1).split("::"):
                declared.setdefault(part, set()).add(rel)

bad = []
for rel in sorted(headers):
    top = layer_of(rel)
    if top is None:
        continue  # the umbrella headers and version.hpp include anything
    for target in includes_of(rel):
        target_top = layer_of(target)
        if target_top and rank[target_top] > rank[top]:
            bad.append(f"{rel} includes {target} (a higher layer)")
    visible = reach(rel) | {rel}
    for number, line in code_lines(headers[rel]):
        for word in set(re.findall(r'\b([a-z_][a-z0-9_]*)\s*::', re.sub(r'"(?:[^"\\]|\\.)*"', '""', line))):
            owners = declared.get(word, set())
            if not owners or owners & visible:
                continue
            owner_ranks = {rank[layer_of(o)] for o in owners if layer_of(o)}
            if owner_ranks and min(owner_ranks) > rank[top]:
                bad.append(f"{rel}:{number}: uses {word}:: of a higher layer ({sorted(owners)[0]}) without its include")
        if top in neutral:
            found = [what for pattern, what in in_code if re.search(pattern, line)]
            found += [what for text in literals(line) for pattern, what in in_strings if re.search(pattern, text)]
            for what in dict.fromkeys(found):
                bad.append(f"{rel}:{number}: {what} in a database-neutral layer: {line.strip()}")
print("\n".join(bad) if bad else f"layers respected in {root}")
sys.exit(1 if bad else 0)
