#pragma once
// strata::registry<Ms...>: the checked revision graph. Naming a registry (even in a `using`
// declaration) runs every check; a defect stops the build with a diagnostic naming the culprit.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/type.hpp>

#include "../detail/chars.hpp"
#include "../detail/hash.hpp"
#include "../dsl/body.hpp"
#include "../dsl/migration.hpp"
#include "diagnostics.hpp"
#include "graph_check.hpp"

namespace strata {
namespace detail {

// The I-th listed type; Hana's basic_tuple indexes without recursion. Used on error paths only.
template <std::size_t I, class... Ms>
using nth_type = typename decltype(+boost::hana::at_c<I>(boost::hana::basic_tuple<boost::hana::type<Ms>...>{}))::type;

template <class M, std::size_t K>
inline constexpr std::string_view parent_view = M::parents[K];

template <class M, bool Up>
inline constexpr std::string_view refused_statement = [] {
  constexpr const migration_facts& f = facts<M>;
  constexpr std::string_view text = Up ? f.up_text : f.down_text;
  constexpr statement_span sp = Up ? f.up_scan.first_refused : f.down_scan.first_refused;
  return text.substr(sp.begin, sp.end - sp.begin);
}();

template <class M, bool Up>
inline constexpr std::string_view unterminated_at = [] {
  constexpr const migration_facts& f = facts<M>;
  return (Up ? f.up_text : f.down_text).substr(Up ? f.up_scan.error_at : f.down_scan.error_at, 40);
}();

// Fires the one diagnostic for a body defect of M.
template <class M>
constexpr void report_body_defect() {
  constexpr body_defect d = facts<M>.defect;
  if constexpr (d == body_defect::lacks_up) {
    (void)diag::migration_lacks_up<M>{};
  } else if constexpr (d == body_defect::up_signature) {
    (void)diag::up_has_wrong_signature<M>{};
  } else if constexpr (d == body_defect::lacks_down) {
    (void)diag::migration_lacks_down<M>{};
  } else if constexpr (d == body_defect::down_signature) {
    (void)diag::down_has_wrong_signature<M>{};
  } else if constexpr (d == body_defect::up_unterminated || d == body_defect::down_unterminated) {
    (void)diag::sql_body_is_unterminated<M, spell<M::id>, spell<unterminated_at<M, d == body_defect::up_unterminated>>>{};
  } else if constexpr (d == body_defect::up_refused_in_transaction || d == body_defect::down_refused_in_transaction) {
    (void)diag::statement_cannot_run_in_a_transaction<
        M, spell<M::id>, spell<refused_statement<M, d == body_defect::up_refused_in_transaction>, 80>>{};
  }
}

// What the executor needs of one migration at run time.
struct catalog_entry {
  std::string_view id;
  const std::string_view* parents;
  std::size_t parent_count;
  const migration_facts* facts;
  std::uint32_t parent_positions_begin;  // into registry_of::parent_positions
};

template <class... Ms>
struct graph_of {
  static constexpr std::size_t size = sizeof...(Ms);
  static constexpr std::size_t edge_count = [] {
    std::size_t counts[] = {0, Ms::parents.size()...};
    std::size_t total = 0;
    for (std::size_t c : counts) total += c;
    return total;
  }();
  static constexpr std::size_t capacity = table_capacity(size);

  static constexpr std::array<std::string_view, size> list_ids{Ms::id...};
  static constexpr std::array<std::uint64_t, size> hashes{Ms::id_hash...};
  static constexpr std::array<const migration_facts*, size> facts_by_list{&facts<Ms>...};
  static constexpr std::array<std::size_t, size> parent_counts{Ms::parents.size()...};
  static constexpr std::array<const std::uint64_t*, size> parent_hashes{Ms::parent_hashes.data()...};
  static constexpr std::array<const std::string_view*, size> parent_ids{Ms::parents.data()...};

  static constexpr id_table<capacity> table = build_id_table<capacity, size>(hashes.data(), list_ids.data());
  static constexpr parent_links<size, edge_count> links =
      resolve_parents<size, edge_count>(table, hashes.data(), list_ids.data(), parent_counts.data(),
                                        parent_hashes.data(), parent_ids.data());
  static constexpr apply_order<size> order = (table.error == graph_error::none && links.error == graph_error::none)
                                                 ? order_revisions(links)
                                                 : apply_order<size>{};

  static constexpr std::uint32_t first_body_defect = [] {
    const migration_facts* const* f = facts_by_list.data();
    for (std::uint32_t i = 0; i < size; ++i)
      if (f[i]->defect != body_defect::none) return i;
    return no_index;
  }();

  // One verdict, then `if constexpr`, so that a defect prints one diagnostic, not a cascade.
  static constexpr bool bodies_checked = [] {
    if constexpr (first_body_defect != no_index) report_body_defect<nth_type<first_body_defect, Ms...>>();
    return true;
  }();

  static constexpr bool checked = [] {
    if constexpr (table.error == graph_error::duplicate_id) {
      using M = nth_type<table.second, Ms...>;
      using First = nth_type<table.first, Ms...>;
      if constexpr (std::is_same_v<M, First>)
        (void)diag::migration_type_is_listed_twice<M, spell<M::id>>{};
      else
        (void)diag::revision_id_is_duplicated<M, spell<M::id>, First>{};
    } else if constexpr (links.error == graph_error::unknown_parent) {
      using M = nth_type<links.child, Ms...>;
      (void)diag::parent_revision_is_unknown<M, spell<M::id>, spell<parent_view<M, links.parent_slot>>>{};
    } else if constexpr (order.error == graph_error::cycle) {
      using M = nth_type<order.in_cycle, Ms...>;
      using P = nth_type<order.cycle_parent, Ms...>;
      (void)diag::revision_graph_has_cycle_through<M, spell<M::id>, spell<P::id>>{};
    } else if constexpr (order.error == graph_error::many_heads) {
      using M = nth_type<order.head, Ms...>;
      using O = nth_type<order.other_head, Ms...>;
      (void)diag::revision_graph_has_more_than_one_head<M, spell<M::id>, O, spell<O::id>>{};
    }
    return true;
  }();
};

}  // namespace detail

template <class... Ms>
struct registry_of {
 private:
  using graph = detail::graph_of<Ms...>;
  static_assert(graph::bodies_checked && graph::checked);

  static constexpr std::uint32_t lookup(std::string_view id) {
    return graph::table.find(detail::hash_id(id), id, graph::hashes.data(), graph::list_ids.data());  // O(1)
  }

 public:
  static constexpr std::size_t size = sizeof...(Ms);

  // Every id in apply order: parents first, ties broken by list order.
  static constexpr std::array<std::string_view, size> ids = [] {
    std::array<std::string_view, size> out{};
    std::string_view* o = out.data();
    const std::string_view* list = graph::list_ids.data();
    for (std::size_t k = 0; k < size; ++k) o[k] = list[graph::order.order[k]];
    return out;
  }();

  static constexpr std::string_view head =
      size == 0 ? std::string_view{} : graph::list_ids[graph::order.head];

  static constexpr bool contains(std::string_view id) { return lookup(id) != detail::no_index; }

  // Position of `id` in `ids`. An unknown id is not a constant expression (a compile error there).
  static constexpr std::size_t index_of(std::string_view id) {
    const std::uint32_t i = lookup(id);
    if (i == detail::no_index) throw "strata::registry::index_of: unknown revision id";
    return graph::order.position[i];
  }

  // Whether `ancestor` is `id` itself or one of its ancestors.
  static constexpr bool is_ancestor(std::string_view ancestor, std::string_view id) {
    const std::uint32_t a = lookup(ancestor), b = lookup(id);
    if (a == detail::no_index || b == detail::no_index) return false;
    return detail::reaches(graph::links, a, b);
  }

  // Compile-time checksum of a migration's SQL bodies (0 for a migration with code bodies only).
  static constexpr std::uint64_t checksum(std::string_view id) {
    const std::uint32_t i = lookup(id);
    if (i == detail::no_index) throw "strata::registry::checksum: unknown revision id";
    return checksums_by_list[i];
  }

  // The runtime catalog, in apply order, with each revision's parents as apply positions.
  static constexpr std::array<detail::catalog_entry, size> entries = [] {
    const detail::catalog_entry by_list[] = {
        detail::catalog_entry{{}, nullptr, 0, nullptr, 0},
        detail::catalog_entry{Ms::id, Ms::parents.data(), Ms::parents.size(), &detail::facts<Ms>, 0}...};
    std::array<detail::catalog_entry, size> out{};
    std::uint32_t e = 0;
    for (std::size_t k = 0; k < size; ++k) {
      out[k] = by_list[graph::order.order[k] + 1];
      out[k].parent_positions_begin = e;
      e += static_cast<std::uint32_t>(out[k].parent_count);
    }
    return out;
  }();
  static constexpr std::array<std::uint32_t, graph::edge_count> parent_positions = [] {
    std::array<std::uint32_t, graph::edge_count> out{};
    std::size_t e = 0;
    for (std::size_t k = 0; k < size; ++k) {
      const std::uint32_t i = graph::order.order[k];
      for (std::uint32_t p = graph::links.begin[i]; p < graph::links.begin[i + 1]; ++p)
        out[e++] = graph::order.position[graph::links.index[p]];
    }
    return out;
  }();

  // The migration types in list order, for code that walks them (the executor's catalog).
  using types = boost::hana::basic_tuple<boost::hana::type<Ms>...>;

 private:
  static constexpr std::array<std::uint64_t, size> checksums_by_list{detail::facts<Ms>.checksum...};
};

namespace detail {
template <class... Ms>
struct checked_registry {
  static_assert(graph_of<Ms...>::bodies_checked && graph_of<Ms...>::checked);
  using type = registry_of<Ms...>;
};
}  // namespace detail

// Aliased through a checker so that `using app = strata::registry<...>;` already runs the checks.
template <class... Ms>
using registry = typename detail::checked_registry<Ms...>::type;

}  // namespace strata
