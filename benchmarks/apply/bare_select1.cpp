// The floor for a service's start-up check: connect with libpqxx and run SELECT 1.
#include <iostream>

#include <pqxx/pqxx>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: bench_bare_select1 URL\n";
    return 2;
  }
  pqxx::connection c(argv[1]);
  pqxx::nontransaction tx(c);
  return tx.exec("SELECT 1")[0][0].as<int>() == 1 ? 0 : 1;
}
