#pragma once
// upgrade_with_data: a registry's revisions applied one by one on a kit database of PostgreSQL
// (testing/database.hpp), with data hooks around given revisions, to test a data migration
// against rows.

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "../adapters/pqxx.hpp"
#include "../exec/executor.hpp"
#include "database.hpp"
#include "migration_tests.hpp"

namespace strata::testing {

// Functions run before and after given revisions while upgrade_with_data applies them one by one
// (pytest-alembic's before_revision_data / at_revision_data): put rows in before a backfill, check
// them after it.
class data_hooks {
 public:
  using hook = std::function<void(database&)>;
  data_hooks& before(std::string revision, hook h) {
    hooks_[std::move(revision)].before.push_back(std::move(h));
    return *this;
  }
  data_hooks& after(std::string revision, hook h) {
    hooks_[std::move(revision)].after.push_back(std::move(h));
    return *this;
  }

  struct around {
    std::vector<hook> before, after;
  };
  // revision -> its hooks
  const std::map<std::string, around, std::less<>>& by_revision() const noexcept { return hooks_; }

 private:
  std::map<std::string, around, std::less<>> hooks_;
};

// Applies R's pending revisions one at a time in apply order, running each revision's hooks
// around it. Throws strata::target_error for a hook on a revision R does not have, or one that
// never ran because its revision was already applied.
template <class R>
void upgrade_with_data(database& db, const data_hooks& hooks, const options& o = test_options()) {
  for (const auto& [revision, _] : hooks.by_revision())
    if (!R::contains(revision))
      throw target_error("data hook for unknown revision '" + revision + "': not in the registry (head " +
                         std::string(R::head) + ")");
  pq::connection conn(db.url());
  const state s = status<R>(conn, o);
  for (const auto& [revision, _] : hooks.by_revision())
    if (std::find(s.pending.begin(), s.pending.end(), revision) == s.pending.end())
      throw target_error("data hook for '" + revision + "' cannot run: the revision is already applied");
  for (const std::string& revision : s.pending) {
    const auto found = hooks.by_revision().find(revision);
    if (found != hooks.by_revision().end())
      for (const auto& h : found->second.before) h(db);
    upgrade_next<R>(conn, 1, o);
    if (found != hooks.by_revision().end())
      for (const auto& h : found->second.after) h(db);
  }
}

}  // namespace strata::testing
