#pragma once
// The command line's `new NAME`: the next migration file in the registry's folder and format (the
// next version, or a timestamp where the folder uses timestamps), with the head as its parent; for
// a registry of C++ types, a skeleton type to paste.

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "../core/errors.hpp"
#include "../dsl/formats.hpp"
#include "../dsl/source.hpp"
#include "../exec/executor.hpp"

namespace strata::cli::detail {

inline bool is_migration_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

inline std::string plus_one(std::string digits) {
  for (std::size_t i = digits.size(); i-- > 0;) {
    if (digits[i] == '9') {
      digits[i] = '0';
    } else {
      ++digits[i];
      return digits;
    }
  }
  return "1" + digits;
}

inline std::string utc_timestamp(std::chrono::system_clock::time_point now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &utc);
  return buf;
}

// The version after `versions` (in version order), as the folder of `format` writes them.
inline std::string next_version(const std::vector<std::string_view>& versions, const folder_format& format,
                                std::chrono::system_clock::time_point now) {
  std::string_view last;
  for (auto v : versions)
    if (!v.empty()) last = v;
  if (last.empty() && !format.timestamps) return std::string(format.first_version_width - 1, '0') + "1";
  if (format.dotted) {  // the last part, in the folder's own scheme: V1_28 after V1_27, V2.2 after V2.1, V12 after V11
    const std::size_t cut = last.find_last_of("._");
    const std::size_t from = cut == std::string_view::npos ? 0 : cut + 1;
    std::string part = plus_one(std::string(last.substr(from)));
    if (part.size() < last.size() - from) part.insert(0, last.size() - from - part.size(), '0');
    return std::string(last.substr(0, from)) + part;
  }
  if (last.empty() || last.size() >= 12) {  // timestamps
    const std::string stamp = utc_timestamp(now);
    return strata::detail::compare_versions(stamp, last) > 0 ? stamp : plus_one(std::string(last));
  }
  std::string next = plus_one(std::string(last));
  if (next.size() < last.size()) next.insert(0, last.size() - next.size(), '0');
  return next;
}

inline std::string words_of(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (c == '_') c = ' ';
  return out;
}

// Creates the files and returns what to print: their paths, or the C++ skeleton.
template <class R>
std::string new_migration(std::string_view name, std::chrono::system_clock::time_point now) {
  if (!is_migration_name(name))
    throw target_error("a migration's name is letters, digits and _ (up to 64), like add_orders");
  const catalog cat = catalog_of<R>();
  if constexpr (from_folder<R>) {
    using source = migration_source<R>;
    std::vector<std::string_view> versions;
    for (const source_file& f : source::files) versions.push_back(f.version);
    const folder_format* format = folder_format_named(source::format);
    if (!format) throw target_error("the registry's folder format '" + std::string(source::format) + "' is unknown to this build");
    const std::string v = next_version(versions, *format, now);
    const std::string stem = v + "_" + std::string(name);
    std::vector<std::pair<std::string, std::string>> files;  // name, text
    switch (format->layout) {
      case folder_layout::sections:
        files.push_back({stem + ".sql", (format->names_parents ? "-- strata:description " + words_of(name) +
                                                                     "\n-- strata:parents " + std::string(R::head) + "\n"
                                                               : std::string()) +
                                            std::string(format->up_marker) + "\n\n" + std::string(format->down_marker) + "\n"});
        break;
      case folder_layout::pairs: {
        // as the folder writes them: sqlx folders may hold single <version>_<name>.sql files
        const bool single = !source::files.empty() && !std::string_view(source::files.back().file).ends_with(".up.sql");
        if (single) files = {{stem + ".sql", ""}};
        else files = {{stem + ".up.sql", ""}, {stem + ".down.sql", ""}};
        break;
      }
      case folder_layout::versioned: files.push_back({"V" + v + "__" + std::string(name) + ".sql", ""}); break;
    }
    const std::filesystem::path dir(source::directory);
    if (!std::filesystem::is_directory(dir))  // moved or renamed since the build, or another machine
      throw target_error("the registry's folder " + dir.string() +
                         " does not exist: it is the folder strata_add_migrations read when this program was built; "
                         "run `new` from a build of the sources that hold it, or create it again");
    for (const auto& [file, text] : files)
      if (std::filesystem::exists(dir / file)) throw target_error((dir / file).string() + " exists already");
    std::string out;
    for (const auto& [file, text] : files) {
      std::ofstream f(dir / file, std::ios::binary);
      f << text;
      if (!f) throw target_error("cannot write " + (dir / file).string());
      out += (dir / file).string() + "\n";
    }
    if (format->layout == folder_layout::versioned)
      out += "(its undo migration, if any: U" + v + "__" + std::string(name) + ".sql)\n";
    return out;
  } else {
    std::vector<std::string_view> versions;
    for (const auto& e : cat.entries) versions.push_back(strata::detail::leading_version(e.id));
    std::sort(versions.begin(), versions.end(),
              [](std::string_view a, std::string_view b) { return strata::detail::compare_versions(a, b) < 0; });
    const std::string id = next_version(versions, *folder_format_named("strata"), now) + "_" + std::string(name);
    return "// This registry lists C++ types: add this one to your migrations, and to strata::registry<..., " +
           std::string(name) + ">.\nstruct " + std::string(name) + " : strata::migration<\"" + id + "\", \"" +
           std::string(R::head) + "\"> {\n  static constexpr std::string_view description = \"" + words_of(name) +
           "\";\n  static constexpr strata::sql up{\"\"};\n  static constexpr strata::sql down{\"\"};\n};\n";
  }
}

}  // namespace strata::cli::detail
