// A migration runner process for the multi-process tests: strata_pg_runner SET URL.
#include <cstdio>
#include <cstring>
#include <iostream>

#include <strata/pq.hpp>

#include "migrations.hpp"
#include <fmt_resume.hpp>  // tests/formats/resume, a goose folder

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: strata_pg_runner race|pooled|killable|resumable|goose_resumable URL\n");
    return 2;
  }
  try {
    strata::pq::connection db{argv[2]};
    const strata::options o{.lock_timeout = std::chrono::seconds(60)};
    namespace sets = strata::testing::sets;
    const strata::report r = std::strcmp(argv[1], "race") == 0        ? strata::upgrade<sets::race>(db, o)
                             : std::strcmp(argv[1], "pooled") == 0    ? strata::upgrade<sets::pooled>(db, o)
                             : std::strcmp(argv[1], "resumable") == 0 ? strata::upgrade<sets::resumable>(db, o)
                             : std::strcmp(argv[1], "goose_resumable") == 0 ? strata::upgrade<fmt_resume>(db, o)
                                                                      : strata::upgrade<sets::killable>(db, o);
    std::cout << r << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << e.what() << std::endl;
    return 1;
  }
}
