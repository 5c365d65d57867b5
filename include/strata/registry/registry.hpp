#pragma once
// strata::registry<Ms...>: the checked revision graph. Naming a registry (even in a `using`
// declaration) runs every check; a defect stops the build with a diagnostic naming the culprit.
// An optional first type names the dialect (core/dialect.hpp; the default: backend/default.hpp),
// whose language makes every check of the bodies.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/type.hpp>

#include "../detail/chars.hpp"
#include "../detail/hash.hpp"
#include "../backend/default.hpp"
#include "../core/dialect.hpp"
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
template <class D, class M>
inline constexpr std::string_view defect_text = [] {
  constexpr const migration_facts& f = facts<D, M>;
  constexpr std::string_view text = f.defect_in_up ? f.up_text : f.down_text;
  return text.substr(f.defect_at.begin, f.defect_at.end - f.defect_at.begin);
}();

// The diagnostic for a body defect of M, as a type: instantiated (by sizeof) only when the
// registry is broken, outside any constant evaluation, so that it is the one error printed.
struct no_defect {};

template <class D, class M, body_defect Defect = facts<D, M>.defect>
struct body_diagnostic {
  using type = no_defect;
};
template <class D, class M>
struct body_diagnostic<D, M, body_defect::lacks_up> {
  using type = diag::migration_lacks_up<M>;
};
template <class D, class M>
struct body_diagnostic<D, M, body_defect::up_signature> {
  using type = diag::up_has_wrong_signature<M>;
};
template <class D, class M>
struct body_diagnostic<D, M, body_defect::lacks_down> {
  using type = diag::migration_lacks_down<M>;
};
template <class D, class M>
struct body_diagnostic<D, M, body_defect::down_signature> {
  using type = diag::down_has_wrong_signature<M>;
};
template <class D, class M>
struct body_diagnostic<D, M, body_defect::unterminated> {
  using type = diag::sql_body_is_unterminated<M, spell<M::id>, spell<defect_text<D, M>>>;
};
template <class D, class M>
struct body_diagnostic<D, M, body_defect::unsplittable> {
  using type = diag::sql_standard_function_body_is_not_supported<M, spell<M::id>, spell<defect_text<D, M>, 80>,
                                                                 spell<D::language::unsplittable_advice>>;
};
// A malformed allowance: the comment line, or the migration's `allow` member.
template <class D, class M>
inline constexpr std::string_view allowance_text = [] {
  constexpr const migration_facts& f = facts<D, M>;
  return f.defect_at.end > f.defect_at.begin ? defect_text<D, M> : f.allow;
}();
template <class D, class M>
struct body_diagnostic<D, M, body_defect::bad_allowance> {
  using type = diag::lint_allowance_is_malformed<M, spell<M::id>, spell<allowance_text<D, M>, 100>>;
};
template <class D, class M>
struct body_diagnostic<D, M, body_defect::not_idempotent> {
  using type = diag::statement_must_be_idempotent_outside_a_transaction<M, spell<M::id>, spell<defect_text<D, M>, 80>,
                                                                         spell<D::language::idempotent_forms>>;
};
template <class D, class M>
struct body_diagnostic<D, M, body_defect::refused_in_transaction> {
  using type = diag::statement_cannot_run_in_a_transaction<M, spell<M::id>, spell<defect_text<D, M>, 80>>;
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

template <class D, class... Ms>
struct graph_of {
  using dialect = D;
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
  static constexpr std::array<const migration_facts*, size> facts_by_list{&facts<D, Ms>...};
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
template <class D, class... Ms, std::size_t I>
struct nth_of<graph_of<D, Ms...>, I> {
  using type = nth_type<I, Ms...>;
};

template <class G, verdict V = G::result>
struct graph_diagnostic {
  using type = no_defect;
};
template <class G>
struct graph_diagnostic<G, verdict::body> {
  using type = typename body_diagnostic<typename G::dialect, typename nth_of<G, G::first_body_defect>::type>::type;
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

template <class D, class... Ms>
struct registry_of {
 private:
  using graph = detail::graph_of<D, Ms...>;

  static constexpr std::uint32_t lookup(std::string_view id) {
    return graph::table.find(detail::hash_id(id), id, graph::hashes.data(), graph::list_ids.data());  // O(1)
  }

 public:
  using dialect = D;
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

// The safety lint's policy for a whole registry, given as the first type of the list:
//   using app = strata::registry<strata::lint_policy<strata::lint_from<"0042_orders">,
//                                                    strata::lint_off<"ban-drop-column">>, m1, m2, ...>;
// lint_from: only revisions after this one (in apply order) are linted, for a history older than
// strata; lint_off: rules switched off everywhere.
template <fixed_string Id>
struct lint_from {};
template <fixed_string... Rules>
struct lint_off {};
template <class... Settings>
struct lint_policy {};

namespace detail {

// A policy's settings: the rules switched off, the first rule name that is none, the lint_from id.
template <class L, class S>
struct policy_setting {
  static constexpr lint_rules_mask off = 0;
  static constexpr std::string_view unknown{};
};
template <class L, fixed_string... Rules>
struct policy_setting<L, lint_off<Rules...>> {
  static constexpr lint_rules_mask off = [] {
    lint_rules_mask bits = 0;
    for (std::string_view name : {std::string_view{}, Rules.view()...})
      if (!name.empty() && lint_rule_named<L>(name) != no_lint_rule) bits |= rule_bit(lint_rule_named<L>(name));
    return bits;
  }();
  static constexpr std::string_view unknown = [] {
    for (std::string_view name : {std::string_view{}, Rules.view()...})
      if (!name.empty() && lint_rule_named<L>(name) == no_lint_rule) return name;
    return std::string_view{};
  }();
};
template <class... S>
struct from_of {
  static constexpr fixed_string<0> value{""};
};
template <fixed_string Id, class... S>
struct from_of<lint_from<Id>, S...> {
  static constexpr auto value = Id;
};
template <class S0, class... S>
struct from_of<S0, S...> : from_of<S...> {};

template <class L, class... Settings>
struct policy_from {
  static constexpr lint_rules_mask off = (lint_rules_mask{0} | ... | policy_setting<L, Settings>::off);
  static constexpr std::string_view unknown_rule = [] {
    for (std::string_view u : {std::string_view{}, policy_setting<L, Settings>::unknown...})
      if (!u.empty()) return u;
    return std::string_view{};
  }();
  static constexpr auto from = from_of<Settings...>::value;
  static constexpr std::string_view from_view = from.view();
};

// The first lint finding of a migration with the rules of `off` allowed: rule, body and statement.
struct lint_finding {
  std::uint8_t rule = no_lint_rule;
  bool in_up = true;
  statement_span at{};
};
template <class D, class M, lint_rules_mask Off>
inline constexpr lint_finding finding_of = [] {
  using L = typename D::language;
  constexpr const migration_facts& f = facts<D, M>;
  std::uint64_t ignored = 0;
  analysis_context up_context = context_of<L>(f, true), down_context = context_of<L>(f, false);
  up_context.allowed |= Off;
  down_context.allowed |= Off;
  const sql_analysis up = L::analyse(f.up_text, ignored, up_context);
  if (up.first_rule != no_lint_rule) return lint_finding{up.first_rule, true, up.first_lint};
  const sql_analysis down = L::analyse(f.down_text, ignored, down_context);
  return lint_finding{down.first_rule, false, down.first_lint};
}();
template <class D, class M, lint_rules_mask Off>
inline constexpr std::string_view finding_text = [] {
  constexpr const lint_finding& l = finding_of<D, M, Off>;
  constexpr std::string_view text = l.in_up ? facts<D, M>.up_text : facts<D, M>.down_text;
  return text.substr(l.at.begin, l.at.end - l.at.begin);
}();
template <class D, class M, lint_rules_mask Off>
inline constexpr std::string_view finding_rule = D::language::lint_rules[finding_of<D, M, Off>.rule].name;
template <class D, class M, lint_rules_mask Off>
inline constexpr std::string_view finding_alternative = D::language::lint_rules[finding_of<D, M, Off>.rule].safe_alternative;

template <class G, lint_rules_mask Off, fixed_string From>
struct lint_stage {
  static constexpr std::uint32_t from_position = [] {
    if (From.view().empty()) return std::uint32_t{0};
    const std::uint32_t i = G::table.find(hash_id(From.view()), From.view(), G::hashes.data(), G::list_ids.data());
    if (i >= G::size) return no_index;
    const std::uint32_t* position = G::order.position;  // through a pointer: clang checks array bounds on folded indices
    return position[i] + 1;
  }();
  // The first migration (in apply order, from `From` on) whose statements break a rule not
  // switched off nor cleared by the earlier migrations (a widening), and the rules off for it.
  struct unsafe {
    std::uint32_t index = no_index;
    lint_rules_mask off = Off;
  };
  static constexpr unsafe found = [] {
    if (from_position == no_index) return unsafe{};
    const migration_facts* const* f = G::facts_by_list.data();
    const std::uint32_t* order = G::order.order;
    for (std::uint32_t k = from_position; k < G::size; ++k) {
      const std::uint32_t i = order[k];
      if (i >= G::size || (f[i]->lint_hits & ~Off) == 0) continue;
      lint_rules_mask cleared = 0;
      if (f[i]->lint_hits & ~Off & G::dialect::language::rules_history_may_clear) {
        std::vector<std::string_view> earlier;
        for (std::uint32_t j = 0; j < k; ++j) earlier.push_back(f[order[j]]->up_text);
        cleared = cleared_by_earlier<typename G::dialect::language>(*f[i], earlier);
      }
      if ((f[i]->lint_hits & ~(Off | cleared)) != 0) return unsafe{i, Off | cleared};
    }
    return unsafe{};
  }();
  static constexpr std::uint32_t first = found.index;
};

template <class G, lint_rules_mask Off, fixed_string From, bool Unsafe = lint_stage<G, Off, From>::first != no_index>
struct lint_diagnostic {
  using type = no_defect;
};
template <class G, lint_rules_mask Off, fixed_string From>
struct lint_diagnostic<G, Off, From, true> {
  using M = typename nth_of<G, lint_stage<G, Off, From>::first>::type;
  static constexpr lint_rules_mask off = lint_stage<G, Off, From>::found.off;
  using D = typename G::dialect;
  // A contraction in a migration of the default phase: the diagnostic says to make it after_deploy.
  static constexpr bool contraction = D::language::lint_rules[finding_of<D, M, off>.rule].breaks_running_release;
  using type = std::conditional_t<
      contraction,
      diag::statement_breaks_the_release_still_running_make_the_migration_after_deploy<
          M, spell<M::id>, spell<finding_rule<D, M, off>>, spell<finding_text<D, M, off>, 80>>,
      diag::statement_is_unsafe_on_a_live_table<M, spell<M::id>, spell<finding_rule<D, M, off>>,
                                                spell<finding_text<D, M, off>, 80>,
                                                spell<finding_alternative<D, M, off>, 128>>>;
};

// Whether a registry's own checks pass: only then is the lint run (one diagnostic per defect).
template <class G>
inline constexpr bool graph_is_sound = G::result == verdict::ok && G::ids_are_valid;

template <class G, class Policy>
struct lint_check {
  static constexpr bool unknown_from =
      !Policy::from.view().empty() && lint_stage<G, Policy::off, Policy::from>::from_position == no_index;
  using type = std::conditional_t<
      !Policy::unknown_rule.empty(), diag::lint_policy_names_an_unknown_rule<spell<Policy::unknown_rule>>,
      std::conditional_t<unknown_from, diag::lint_from_names_an_unknown_revision<spell<Policy::from_view>>,
                         typename lint_diagnostic<G, Policy::off, Policy::from>::type>>;
};

// sizeof instantiates the diagnostic type of a broken registry (its static_assert is the error),
// and nothing when the registry is sound. The lint runs only on a sound graph: one diagnostic per
// defect.
template <class D, class Policy, class... Ms>
struct checked_registry_with {
  static_assert(sizeof(typename graph_diagnostic<graph_of<D, Ms...>>::type) > 0);
  static_assert(sizeof(typename std::conditional_t<graph_is_sound<graph_of<D, Ms...>>, lint_check<graph_of<D, Ms...>, Policy>,
                                                   std::type_identity<no_defect>>::type) > 0);
  using type = registry_of<D, Ms...>;
};

// The list's optional leading types: a dialect, then a lint policy.
template <class D, class... Ms>
struct checked_registry_of : checked_registry_with<D, policy_from<typename D::language>, Ms...> {};
template <class D, class... Settings, class... Ms>
struct checked_registry_of<D, lint_policy<Settings...>, Ms...>
    : checked_registry_with<D, policy_from<typename D::language, Settings...>, Ms...> {};

template <class... Ms>
struct checked_registry : checked_registry_of<default_dialect, Ms...> {};
template <dialect D, class... Ms>
struct checked_registry<D, Ms...> : checked_registry_of<D, Ms...> {};

}  // namespace detail

// Aliased through a checker so that `using app = strata::registry<...>;` already runs the checks:
// strata::registry<[Dialect,] [lint_policy<...>,] migrations...>.
template <class... Ms>
using registry = typename detail::checked_registry<Ms...>::type;

}  // namespace strata
