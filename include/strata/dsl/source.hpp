#pragma once
// Where a registry's migrations come from, when strata_add_migrations generated it from a folder:
// the command line's `new`, `baseline --from` and `lint --all` read it.

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace strata {

struct source_file {
  std::string_view id;       // the revision
  std::string_view version;  // its file's version ("0003", Flyway's "1.2")
  std::string_view file;     // its file's name in the folder
  std::size_t up_line = 1;   // where its up body starts in the file
  std::string_view down_file{};  // its down's file when that is another (golang-migrate's .down.sql)
  std::size_t down_line = 1;
};

// Specialized by the generated header: `directory`, `format` and `files` (in version order).
// Not defined for a registry of C++ types.
template <class Registry>
struct migration_source;

template <class Registry>
concept from_folder = requires { migration_source<Registry>::directory; };

namespace detail {

// Versions compare as numbers: leading zeros do not count ("00003" is goose's 3), and Flyway's
// dotted parts compare one by one ("2.1" < "10").
inline int compare_versions(std::string_view a, std::string_view b) noexcept {
  while (!a.empty() || !b.empty()) {
    auto part = [](std::string_view& v) {
      const std::size_t end = std::min(v.find_first_of("._"), v.size());
      std::string_view p = v.substr(0, end);
      v.remove_prefix(std::min(end + 1, v.size()));
      while (!p.empty() && p.front() == '0') p.remove_prefix(1);
      return p;
    };
    const std::string_view x = part(a), y = part(b);
    if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    if (const int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

// A revision id's version where no folder says it: its leading digits ("0003_orders" -> "0003").
inline std::string_view leading_version(std::string_view id) noexcept {
  std::size_t n = 0;
  while (n < id.size() && id[n] >= '0' && id[n] <= '9') ++n;
  return id.substr(0, n);
}

}  // namespace detail

}  // namespace strata
