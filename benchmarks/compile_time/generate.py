#!/usr/bin/env python3
"""Generates N migrations (a chain with periodic branch-and-merge, shuffled list order,
multi-statement SQL bodies of a few hundred characters) in three variants:
  registry  - strata::registry<...> over the types (what a user compiles)
  array     - the same strata migration types, ids listed in a plain constexpr array
  standin   - the same source over a strata-free stand-in header (migration<> holds its id,
              sql holds its text): the cost of the C++ alone
Usage: generate.py N VARIANT OUT.cpp [SEED]"""
import random
import sys

n, variant, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 42
rng = random.Random(seed)

STANDIN = r'''
#include <array>
#include <cstddef>
#include <string_view>
namespace standin {
template <std::size_t N> struct fixed_string {
  char data[N + 1]{};
  constexpr fixed_string(const char (&t)[N + 1]) { for (std::size_t i = 0; i < N; ++i) data[i] = t[i]; }
  constexpr std::string_view view() const { return {data, N}; }
};
template <std::size_t M> fixed_string(const char (&)[M]) -> fixed_string<M - 1>;
template <fixed_string Id, fixed_string... Parents> struct migration {
  static constexpr std::string_view id = Id.view();
  static constexpr std::array<std::string_view, sizeof...(Parents)> parents{Parents.view()...};
};
struct sql {
  std::string_view text;
  template <std::size_t N> constexpr sql(const char (&t)[N]) : text(t, N - 1) {}
};
}
'''

def ident(i):
    return f"m{i:05d}"

def rev(i):
    return f"{i:05d}_change_{i}"

def body(i, kind):
    t = f"t{i}"
    if kind == "up":
        return (f"CREATE TABLE {t} (id bigserial PRIMARY KEY, name text NOT NULL DEFAULT 'n;a', "
                f"created_at timestamptz NOT NULL DEFAULT now()); -- table {i}\\n"
                f"COMMENT ON TABLE {t} IS 'created by migration {i}; it''s generated';\\n"
                f"CREATE INDEX {t}_name_idx ON {t} (name);\\n"
                f"INSERT INTO {t} (name) VALUES ('seed {i}'), ('second; row');\\n"
                f"/* backfill */ UPDATE {t} SET name = upper(name) WHERE id > 0")
    return f"DROP INDEX {t}_name_idx;\\nDROP TABLE {t}"

# Graph: mostly a chain; every 50th revision opens two branches that the next one merges.
parents = {}
i = 0
while i < n:
    if i == 0:
        parents[i] = []
        i += 1
    elif i % 50 == 0 and i + 2 < n:
        parents[i] = [i - 1]
        parents[i + 1] = [i - 1]
        parents[i + 2] = [i, i + 1]
        i += 3
    else:
        parents[i] = [i - 1]
        i += 1

ns = "standin" if variant == "standin" else "strata"
lines = []
if variant == "standin":
    lines.append(STANDIN)
else:
    lines.append("#include <strata/strata.hpp>")
for i in range(n):
    ps = "".join(f', "{rev(p)}"' for p in parents[i])
    lines.append(f'struct {ident(i)} : {ns}::migration<"{rev(i)}"{ps}> {{\n'
                 f'  static constexpr {ns}::sql up{{"{body(i, "up")}"}};\n'
                 f'  static constexpr {ns}::sql down{{"{body(i, "down")}"}};\n}};')
order = list(range(n))
rng.shuffle(order)
listed = ", ".join(ident(i) for i in order)
if variant == "registry":
    lines.append(f"using app_migrations = strata::registry<{listed}>;")
    lines.append(f'static_assert(app_migrations::size == {n});')
    lines.append(f'static_assert(app_migrations::head == "{rev(n - 1)}");')
    lines.append(f'static_assert(app_migrations::ids[0] == "{rev(0)}");')
else:
    lines.append(f"constexpr std::array<std::string_view, {n}> ids{{" +
                 ", ".join(f"{ident(i)}::id" for i in order) + "};")
    lines.append(f"static_assert(ids.size() == {n});")
lines.append("int main() {}")
open(out, "w").write("\n".join(lines) + "\n")
