#pragma once
// strata::baseline<R>(conn, tool): a database another tool migrated comes under strata. Reads that
// tool's own history table, stamps the revisions it had applied (logged as 'baseline'), and
// changes nothing else; a dirty or failed state there is refused, naming the version.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "../core/connection.hpp"
#include "../core/errors.hpp"
#include "../core/options.hpp"
#include "../detail/text.hpp"
#include "../dsl/formats.hpp"
#include "../dsl/source.hpp"
#include "dialect.hpp"
#include "executor.hpp"

namespace strata {

// Whether `baseline --from` reads `tool`'s history: a format with a history table of its own (dsl/formats/).
constexpr bool baseline_reads(std::string_view tool) noexcept {
  const folder_format* f = folder_format_named(tool);
  return f && !f->history_table.empty();
}

namespace detail {

// Each revision's version: its file's, or the leading digits of its id for C++ migrations.
template <class R>
std::vector<std::string_view> versions_of(const catalog& cat) {
  std::vector<std::string_view> out(cat.size());
  for (std::size_t k = 0; k < cat.size(); ++k) {
    out[k] = leading_version(cat.entries[k].id);
    if constexpr (from_folder<R>)
      for (const source_file& f : migration_source<R>::files)
        if (f.id == cat.entries[k].id) out[k] = f.version;
  }
  return out;
}

}  // namespace detail

// What a baseline does with a version the tool applied whose migration this build lacks (its file
// deleted since): refused, or passed over with a warning, as the tool was told to (Flyway's
// `ignoreMigrationPatterns = *:missing`).
enum class missing_versions { refused, ignored };

// `table`: the tool's table where a team renamed it (`schema_om`, `audit.goose_versions`); the
// tool's own name when empty.
template <class R, connection Given>
report baseline(Given& given, std::string_view tool, const options& o = {}, std::string_view table_name = {},
                missing_versions missing = missing_versions::refused) {
  auto conn = detail::bind<R>(given);
  using C = decltype(conn);
  using D = detail::protocol_for<C>;
  if (!baseline_reads(tool))
    throw target_error("baseline --from " + std::string(tool) + ": not a tool strata reads (" +
                       folder_format_names(true) + ")");
  std::string table(folder_format_named(tool)->history_table);
  if (!table_name.empty()) {  // each part quoted: the name is the user's
    table.clear();
    for (std::string_view rest = table_name;;) {
      const std::size_t dot = rest.find('.');
      table += D::quoted(rest.substr(0, dot));
      if (dot == std::string_view::npos) break;
      table += '.';
      rest.remove_prefix(dot + 1);
    }
  }
  const std::string nothing = "; nothing was changed";
  rows found;
  try {
    found = conn.query(D::foreign_history_sql(tool, table), {});
  } catch (const database_error& e) {
    if (D::undefined_table(e.sqlstate()))
      throw validation_error({}, std::string(tool) + "'s table " + table +
                                     " is not in this database (" + std::string(D::name_lookup) + ")" + nothing);
    if (D::undefined_column(e.sqlstate()))
      throw validation_error({}, table + " is not laid out as " + std::string(tool) + " makes it (" + e.what() + ")" +
                                     nothing);
    throw;
  }
  std::vector<std::string> applied_versions;
  std::string baseline_version;
  for (const row& r : found) {
    if (r.size() < 2 || !r[0] || !r[1]) continue;
    const std::string& v = *r[0];
    const std::string& state = *r[1];
    const auto same = [&](const std::string& other) { return detail::compare_versions(other, v) == 0; };
    if (state == "dirty")
      throw validation_error({v}, std::string(tool) + " left version " + v +
                                      " dirty (it failed halfway): repair the database and clear it with " +
                                      std::string(tool) + " first" + nothing);
    if (state == "failed")
      throw validation_error({v}, std::string(tool) + " recorded version " + v +
                                      " as failed: repair the database and its record with " + std::string(tool) +
                                      " first" + nothing);
    if (state == "applied" && std::none_of(applied_versions.begin(), applied_versions.end(), same))
      applied_versions.push_back(v);
    else if (state == "unapplied")
      applied_versions.erase(std::remove_if(applied_versions.begin(), applied_versions.end(), same),
                             applied_versions.end());
    else if (state == "baseline")
      baseline_version = v;
  }

  const catalog cat = catalog_of<R>();
  const std::vector<std::string_view> versions = detail::versions_of<R>(cat);
  std::vector<bool> applied(cat.size(), false);
  std::vector<std::string> passed_over;
  for (const std::string& v : applied_versions) {
    const auto k = std::find_if(versions.begin(), versions.end(),
                                [&](std::string_view mine) { return !mine.empty() && detail::compare_versions(mine, v) == 0; });
    if (k == versions.end() && missing == missing_versions::ignored) {
      passed_over.push_back(v);
      continue;
    }
    if (k == versions.end())
      throw validation_error({v}, std::string(tool) + " applied version " + v +
                                      ", which this build's registry does not have (head " + std::string(R::head) +
                                      "): restore its file, or pass it over with --ignore-missing if " + std::string(tool) +
                                      " was told to ignore it" + nothing);
    applied[static_cast<std::size_t>(k - versions.begin())] = true;
  }
  if (!baseline_version.empty())
    for (std::size_t k = 0; k < cat.size(); ++k)
      if (!versions[k].empty() && detail::compare_versions(versions[k], baseline_version) <= 0) applied[k] = true;
  std::size_t target = cat.size();
  for (std::size_t k = 0; k < cat.size(); ++k)
    if (applied[k]) target = k;
  if (target == cat.size())
    throw validation_error({}, table + " records no applied migration: nothing to baseline" + nothing);
  const std::vector<bool> wanted = cat.ancestors_of(target);
  for (std::size_t k = 0; k < cat.size(); ++k)
    if (wanted[k] != applied[k])
      throw validation_error({std::string(cat.entries[k].id)},
                             std::string(tool) + " has " + std::string(cat.entries[target].id) + " applied but " +
                                 (applied[k] ? "also " : "not ") + std::string(cat.entries[k].id) +
                                 (applied[k] ? ", which is not one of its ancestors" : ", one of its ancestors") +
                                 ": a baseline records a revision with exactly its ancestors" + nothing);
  const auto strata_history_is_empty = [&](const detail::history_view& h) {
    const auto n = std::count(h.applied.begin(), h.applied.end(), true) +
                   std::count(h.started.begin(), h.started.end(), true) + static_cast<long>(h.unknown.size());
    if (n > 0)
      throw validation_error({}, "strata's history already records " + detail::count_of(static_cast<std::size_t>(n), "revision") +
                                     ": baseline is for a database another tool migrated" + nothing);
  };
  report r = detail::stamp_as<R>(conn, cat.entries[target].id, o, "baseline", strata_history_is_empty);
  for (const std::string& v : passed_over) {
    r.warnings.push_back(std::string(tool) + " applied version " + v +
                         ", which this build does not have: passed over (--ignore-missing); strata does not record it");
    detail::log(o, log_level::warning, r.warnings.back());
  }
  detail::log(o, log_level::info, "baseline from " + std::string(tool) + ": " +
                                      detail::count_of(r.stamped.size(), "revision") + " recorded as applied");
  return r;
}

}  // namespace strata
