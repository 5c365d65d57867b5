#pragma once
// The planner: from the registry's catalog and the applied set, which revisions to apply or
// revert, in which order. Pure; no database.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../core/errors.hpp"
#include "../detail/text.hpp"
#include "../registry/registry.hpp"

namespace strata {

// A registry's catalog seen at run time: apply order, parents as positions.
struct catalog {
  std::span<const detail::catalog_entry> entries;
  std::span<const std::uint32_t> parent_positions;
  std::size_t (*position_of)(std::string_view) = nullptr;  // the registry's hash lookup; size() if unknown

  std::size_t size() const { return entries.size(); }
  std::optional<std::size_t> find(std::string_view id) const {
    const std::size_t k = position_of(id);
    if (k < entries.size()) return k;
    return std::nullopt;
  }
  std::span<const std::uint32_t> parents_of(std::size_t k) const {
    return parent_positions.subspan(entries[k].parent_positions_begin, entries[k].parent_count);
  }
  // ancestors[k] is true for `target` itself and every ancestor of it.
  std::vector<bool> ancestors_of(std::size_t target) const {
    std::vector<bool> in(size(), false);
    in[target] = true;
    for (std::size_t k = target + 1; k-- > 0;)  // parents come before children in apply order
      if (in[k])
        for (std::uint32_t p : parents_of(k)) in[p] = true;
    return in;
  }
};

template <class R>
constexpr catalog catalog_of() {
  return catalog{std::span<const detail::catalog_entry>(R::entries.data(), R::entries.size()),
                 std::span<const std::uint32_t>(R::parent_positions.data(), R::parent_positions.size()),
                 &R::position_of};
}

struct plan {
  std::vector<std::size_t> steps;  // catalog positions, in the order to run them
};

namespace detail {
inline std::size_t resolve_target(const catalog& c, std::string_view target) {
  if (auto k = c.find(target)) return *k;
  throw target_error("unknown revision '" + std::string(target) + "': not in this build's registry (head " +
                     std::string(c.size() ? c.entries[c.size() - 1].id : std::string_view("none")) + ")");
}
}  // namespace detail

// Apply everything up to `target` (empty: the head) that is not applied yet, parents first.
inline plan plan_upgrade(const catalog& c, const std::vector<bool>& applied, std::string_view target = {}) {
  plan p;
  if (c.size() == 0) return p;
  const std::size_t t = target.empty() ? c.size() - 1 : detail::resolve_target(c, target);
  const std::vector<bool> wanted = c.ancestors_of(t);
  for (std::size_t k = 0; k < c.size(); ++k)
    if (wanted[k] && !applied[k]) p.steps.push_back(k);
  return p;
}

// The next `count` pending revisions in apply order (Alembic's `upgrade +N`).
inline plan plan_upgrade_next(const catalog& c, const std::vector<bool>& applied, std::size_t count) {
  plan p;
  for (std::size_t k = 0; k < c.size() && p.steps.size() < count; ++k)
    if (!applied[k]) p.steps.push_back(k);
  if (p.steps.size() < count)
    throw target_error("cannot apply " + detail::count_of(count, "revision") + ": only " +
                       std::to_string(p.steps.size()) + (p.steps.size() == 1 ? " is" : " are") + " pending");
  return p;
}

// Revert what is applied and not an ancestor of `target` ("base": everything), children first.
// The target must be applied: reverting "down to" a revision the database never reached would
// revert unrelated branches.
inline plan plan_downgrade(const catalog& c, const std::vector<bool>& applied, std::string_view target) {
  plan p;
  std::vector<bool> keep(c.size(), false);
  if (target != "base") {
    const std::size_t t = detail::resolve_target(c, target);
    if (!applied[t])
      throw target_error("downgrade target " + std::string(target) +
                         " is not applied: a downgrade target must be an applied revision (or base); nothing was changed");
    keep = c.ancestors_of(t);
  }
  for (std::size_t k = c.size(); k-- > 0;)
    if (applied[k] && !keep[k]) p.steps.push_back(k);
  return p;
}

// Revert the last `count` applied revisions (in apply order), children first.
inline plan plan_downgrade_last(const catalog& c, const std::vector<bool>& applied, std::size_t count) {
  plan p;
  for (std::size_t k = c.size(); k-- > 0 && p.steps.size() < count;)
    if (applied[k]) p.steps.push_back(k);
  if (p.steps.size() < count)
    throw target_error("cannot revert " + detail::count_of(count, "revision") + ": only " +
                       std::to_string(p.steps.size()) + (p.steps.size() == 1 ? " is" : " are") + " applied");
  return p;
}

// Heads of an applied set: applied revisions that no applied revision lists as a parent.
inline std::vector<std::string> heads_of(const catalog& c, const std::vector<bool>& applied) {
  std::vector<bool> is_parent(c.size(), false);
  for (std::size_t k = 0; k < c.size(); ++k)
    if (applied[k])
      for (std::uint32_t p : c.parents_of(k)) is_parent[p] = true;
  std::vector<std::string> heads;
  for (std::size_t k = 0; k < c.size(); ++k)
    if (applied[k] && !is_parent[k]) heads.emplace_back(c.entries[k].id);
  return heads;
}

}  // namespace strata
