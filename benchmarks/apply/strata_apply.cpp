// Applies the generated migrations (or finds them applied) with strata: bench_strata_apply URL
#include <iostream>

#include <strata/pq.hpp>

#include "migrations_200.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: bench_strata_apply URL\n";
    return 2;
  }
  try {
    strata::pq::connection db{argv[1]};
    const strata::report r = strata::upgrade<bench::migrations>(db);
    return r.applied.size() == 200 || !r.changed() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
