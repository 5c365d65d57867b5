// Prints the generated registry: its head, size, and each revision's reversibility and checksum.
#include <iostream>

#include <picked.hpp>

int main() {
  std::cout << "head " << picked::head << " size " << picked::size << "\n";
  for (const auto& e : strata::catalog_of<picked>().entries)
    std::cout << e.id << " " << (e.facts->down == strata::body_kind::irreversible ? "irreversible" : "reversible")
              << " transactional=" << e.facts->transactional << " checksum=" << picked::checksum(e.id) << "\n";
}
