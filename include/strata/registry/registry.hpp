#pragma once
// strata::registry<Ms...>: the checked revision graph. Naming a registry (even in a `using`
// declaration) runs every check; a defect stops the build with a diagnostic naming the culprit.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/type.hpp>

#include "../detail/chars.hpp"
#include "../detail/hash.hpp"
#include "../dsl/body.hpp"
#include "../dsl/migration.hpp"
#include "../core/errors.hpp"
#include "../core/diagnostics.hpp"
#include "graph_check.hpp"

namespace strata {
namespace detail {

// The I-th listed type; Hana's basic_tuple indexes without recursion. Used on error paths only.
template <std::size_t I, class... Ms>
using nth_type = typename decltype(+boost::hana::at_c<I>(boost::hana::basic_tuple<boost::hana::type<Ms>...>{}))::type;

template <class M, std::size_t K>
inline constexpr std::string_view parent_view = M::parents[K];

// The text a body diagnostic quotes: the statement, or the unterminated text from where it starts.
template <class M>
inline constexpr std::string_view defect_text = [] {
  constexpr const migration_facts& f = facts<M>;
  constexpr std::string_view text = f.defect_in_up ? f.up_text : f.down_text;
  return text.substr(f.defect_at.begin, f.defect_at.end - f.defect_at.begin);
}();

// The diagnostic for a body defect of M, as a type: instantiated (by sizeof) only when the
// registry is broken, outside any constant evaluation, so that it is the one error printed.
struct no_defect {};

template <class M, body_defect D = facts<M>.defect>
struct body_diagnostic {
  using type = no_defect;
};
template <class M>
struct body_diagnostic<M, body_defect::lacks_up> {
  using type = diag::migration_lacks_up<M>;
};
template <class M>
struct body_diagnostic<M, body_defect::up_signature> {
  using type = diag::up_has_wrong_signature<M>;
};
template <class M>
struct body_diagnostic<M, body_defect::lacks_down> {
  using type = diag::migration_lacks_down<M>;
};
template <class M>
struct body_diagnostic<M, body_defect::down_signature> {
  using type = diag::down_has_wrong_signature<M>;
};
template <class M>
struct body_diagnostic<M, body_defect::unterminated> {
  using type = diag::sql_body_is_unterminated<M, spell<M::id>, spell<defect_text<M>>>;
};
template <class M>
struct body_diagnostic<M, body_defect::atomic_routine> {
  using type = diag::sql_standard_function_body_is_not_supported<M, spell<M::id>, spell<defect_text<M>, 80>>;
};
template <class M>
struct body_diagnostic<M, body_defect::not_idempotent> {
  using type = diag::statement_must_be_idempotent_outside_a_transaction<M, spell<M::id>, spell<defect_text<M>, 80>>;
};
template <class M>
struct body_diagnostic<M, body_defect::refused_in_transaction> {
  using type = diag::statement_cannot_run_in_a_transaction<M, spell<M::id>, spell<defect_text<M>, 80>>;
};

enum class verdict : std::uint8_t { ok, body, duplicate_id, unknown_parent, cycle, many_heads };

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

  static constexpr bool ids_are_valid = [] {
    const bool valid[] = {true, Ms::ids_are_valid...};
    for (bool v : valid)
      if (!v) return false;
    return true;
  }();

  // One verdict; the first defect found is the one reported. A migration whose own id check
  // failed has printed its error already.
  static constexpr verdict result = !ids_are_valid                                   ? verdict::ok
                                    : first_body_defect != no_index                    ? verdict::body
                                    : table.error == graph_error::duplicate_id      ? verdict::duplicate_id
                                    : links.error == graph_error::unknown_parent    ? verdict::unknown_parent
                                    : order.error == graph_error::cycle             ? verdict::cycle
                                    : order.error == graph_error::many_heads        ? verdict::many_heads
                                                                                    : verdict::ok;
};

// The I-th listed type of a graph; on error paths only (a member alias in graph_of would make
// g++ build Hana's 3000-element tuple type for every registry).
template <class G, std::size_t I>
struct nth_of;
template <class... Ms, std::size_t I>
struct nth_of<graph_of<Ms...>, I> {
  using type = nth_type<I, Ms...>;
};

template <class G, verdict V = G::result>
struct graph_diagnostic {
  using type = no_defect;
};
template <class G>
struct graph_diagnostic<G, verdict::body> {
  using type = typename body_diagnostic<typename nth_of<G, G::first_body_defect>::type>::type;
};
template <class G>
struct graph_diagnostic<G, verdict::duplicate_id> {
  using M = typename nth_of<G, G::table.second>::type;
  using First = typename nth_of<G, G::table.first>::type;
  using type = std::conditional_t<std::is_same_v<M, First>, diag::migration_type_is_listed_twice<M, spell<M::id>>,
                                  diag::revision_id_is_duplicated<M, spell<M::id>, First>>;
};
template <class G>
struct graph_diagnostic<G, verdict::unknown_parent> {
  using M = typename nth_of<G, G::links.child>::type;
  using type = diag::parent_revision_is_unknown<M, spell<M::id>, spell<parent_view<M, G::links.parent_slot>>>;
};
template <class G>
struct graph_diagnostic<G, verdict::cycle> {
  using M = typename nth_of<G, G::order.in_cycle>::type;
  using P = typename nth_of<G, G::order.cycle_parent>::type;
  using type = diag::revision_graph_has_cycle_through<M, spell<M::id>, spell<P::id>>;
};
template <class G>
struct graph_diagnostic<G, verdict::many_heads> {
  using M = typename nth_of<G, G::order.head>::type;
  using O = typename nth_of<G, G::order.other_head>::type;
  using type = diag::revision_graph_has_more_than_one_head<M, spell<M::id>, O, spell<O::id>>;
};

}  // namespace detail

template <class... Ms>
struct registry_of {
 private:
  using graph = detail::graph_of<Ms...>;

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
    // Indices are bounds-checked: a broken graph is reported already, with no follow-on errors.
    for (std::size_t k = 0; k < size; ++k) {
      const std::uint32_t i = graph::order.order[k];
      o[k] = i < size ? list[i] : std::string_view{};
    }
    return out;
  }();

  static constexpr std::string_view head =
      graph::order.head == detail::no_index ? std::string_view{} : graph::list_ids[graph::order.head];

  static constexpr bool contains(std::string_view id) { return lookup(id) != detail::no_index; }

  // Position of `id` in `ids`. An unknown id is not a constant expression (a compile error there).
  static constexpr std::size_t index_of(std::string_view id) {
    const std::size_t k = position_of(id);
    if (k == size) throw target_error("unknown revision id '" + std::string(id) + "' (registry::index_of)");
    return k;
  }

  // Position of `id` in `ids`, or `size` when the registry does not know it.
  static constexpr std::size_t position_of(std::string_view id) noexcept {
    const std::uint32_t i = lookup(id);
    return i == detail::no_index ? size : graph::order.position[i];
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
    if (i == detail::no_index) throw target_error("unknown revision id '" + std::string(id) + "' (registry::checksum)");
    return graph::facts_by_list[i]->checksum;
  }

  // The runtime catalog, in apply order, with each revision's parents as apply positions.
  static constexpr std::array<detail::catalog_entry, size> entries = [] {
    std::array<detail::catalog_entry, size> out{};
    std::uint32_t e = 0;
    for (std::size_t k = 0; k < size; ++k) {
      const std::uint32_t i = graph::order.order[k];
      if (i >= size) continue;
      out[k] = {graph::list_ids[i], graph::parent_ids[i], graph::parent_counts[i], graph::facts_by_list[i], e};
      e += static_cast<std::uint32_t>(graph::parent_counts[i]);
    }
    return out;
  }();
  static constexpr std::array<std::uint32_t, graph::edge_count> parent_positions = [] {
    std::array<std::uint32_t, graph::edge_count> out{};
    std::size_t e = 0;
    for (std::size_t k = 0; k < size; ++k) {
      const std::uint32_t i = graph::order.order[k];
      if (i >= size) continue;
      for (std::uint32_t p = graph::links.begin[i]; p < graph::links.begin[i + 1] && e < graph::edge_count; ++p) {
        const std::uint32_t parent = graph::links.index[p];
        out[e++] = parent < size ? graph::order.position[parent] : 0;
      }
    }
    return out;
  }();
};

namespace detail {
// sizeof instantiates the diagnostic type of a broken registry (its static_assert is the error),
// and nothing when the registry is sound.
template <class... Ms>
struct checked_registry {
  static_assert(sizeof(typename graph_diagnostic<graph_of<Ms...>>::type) > 0);
  using type = registry_of<Ms...>;
};
}  // namespace detail

// Aliased through a checker so that `using app = strata::registry<...>;` already runs the checks.
template <class... Ms>
using registry = typename detail::checked_registry<Ms...>::type;

}  // namespace strata
