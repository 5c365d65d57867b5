// Run-time costs of the core: splitting and checksumming SQL, planning over a registry.
#include <benchmark/benchmark.h>

#include <string>

#include <strata/strata.hpp>

namespace {

std::string body(int statements) {
  std::string s;
  for (int i = 0; i < statements; ++i)
    s += "CREATE TABLE t" + std::to_string(i) +
         " (id bigserial PRIMARY KEY, note text DEFAULT 'a;b'); -- comment; here\n"
         "COMMENT ON TABLE t" + std::to_string(i) + " IS 'it''s; quoted';\n";
  return s;
}

void split(benchmark::State& state) {
  const std::string text = body(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    std::size_t n = 0;
    strata::split_statements(text, [&](std::string_view, std::size_t) { ++n; });
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(split)->Arg(10)->Arg(1000);

void checksum(benchmark::State& state) {
  const std::string text = body(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(strata::sql_checksum(text, "DROP TABLE t"));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(checksum)->Arg(10)->Arg(1000);

template <strata::fixed_string Id, strata::fixed_string... Parents>
struct m : strata::migration<Id, Parents...> {
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 1"};
};
using chain = strata::registry<m<"a">, m<"b", "a">, m<"c", "b">, m<"d", "c">, m<"e", "d">, m<"f", "e">, m<"g", "f">,
                               m<"h", "g">>;

void plan_upgrade(benchmark::State& state) {
  const strata::catalog c = strata::catalog_of<chain>();
  std::vector<bool> applied(c.size(), false);
  for (std::size_t k = 0; k < c.size() / 2; ++k) applied[k] = true;
  for (auto _ : state) benchmark::DoNotOptimize(strata::plan_upgrade(c, applied).steps.size());
}
BENCHMARK(plan_upgrade);

}  // namespace
