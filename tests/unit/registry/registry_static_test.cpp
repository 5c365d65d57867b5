// Every registry member on valid graphs, checked at compile time: building this file is the test.
#include <type_traits>

#include <strata/strata.hpp>

namespace {

template <strata::fixed_string Id, strata::fixed_string... Parents>
struct m : strata::migration<Id, Parents...> {
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 2"};
};

// One migration.
using one = strata::registry<m<"only">>;
static_assert(one::size == 1);
static_assert(one::ids[0] == "only");
static_assert(one::head == "only");
static_assert(one::contains("only") && !one::contains("other"));
static_assert(one::index_of("only") == 0);
static_assert(one::is_ancestor("only", "only"));

// A chain listed backwards: the order follows parents, not the list.
using a = m<"a">;
using b = m<"b", "a">;
using c = m<"c", "b">;
using chain = strata::registry<c, b, a>;
static_assert(chain::ids == std::array<std::string_view, 3>{"a", "b", "c"});
static_assert(chain::head == "c");
static_assert(chain::index_of("c") == 2);
static_assert(chain::is_ancestor("a", "c") && !chain::is_ancestor("c", "a"));
static_assert(!chain::is_ancestor("a", "zzz") && !chain::is_ancestor("zzz", "a"));

// A diamond: root -> left, right -> merge. Ties between left and right go by list order.
using root = m<"root">;
using left = m<"left", "root">;
using right = m<"right", "root">;
using merge = m<"merge", "left", "right">;
using diamond = strata::registry<merge, right, left, root>;
static_assert(diamond::ids == std::array<std::string_view, 4>{"root", "right", "left", "merge"});
using diamond2 = strata::registry<root, left, right, merge>;
static_assert(diamond2::ids == std::array<std::string_view, 4>{"root", "left", "right", "merge"});
static_assert(diamond::head == "merge");
static_assert(diamond::is_ancestor("left", "merge") && diamond::is_ancestor("right", "merge"));
static_assert(!diamond::is_ancestor("left", "right") && !diamond::is_ancestor("right", "left"));

// A merge of three parents.
using p1 = m<"p1", "root">;
using p2 = m<"p2", "root">;
using p3 = m<"p3", "root">;
using join3 = m<"join3", "p3", "p1", "p2">;
using three = strata::registry<join3, p3, p2, p1, root>;
static_assert(three::size == 5);
static_assert(three::ids[0] == "root" && three::ids[4] == "join3");
static_assert(three::ids[1] == "p3" && three::ids[2] == "p2" && three::ids[3] == "p1");
static_assert(three::head == "join3");

// Several roots joined by a merge.
using r1 = m<"r1">;
using r2 = m<"r2">;
using r3 = m<"r3", "r2">;
using joined = m<"joined", "r1", "r3">;
using roots = strata::registry<joined, r3, r1, r2>;
static_assert(roots::ids == std::array<std::string_view, 4>{"r1", "r2", "r3", "joined"});
static_assert(roots::head == "joined");
static_assert(!roots::is_ancestor("r1", "r3"));

// Shuffled lists of one graph give orders that respect every parent link.
using s1 = strata::registry<joined, r1, r2, r3>;
using s2 = strata::registry<r3, joined, r2, r1>;
template <class R>
constexpr bool parents_first() {
  return R::index_of("r2") < R::index_of("r3") && R::index_of("r3") < R::index_of("joined") &&
         R::index_of("r1") < R::index_of("joined");
}
static_assert(parents_first<s1>() && parents_first<s2>() && parents_first<roots>());
static_assert(s1::head == "joined" && s2::head == "joined");

// Ids: the whole allowed alphabet and the length limit.
using long_id = m<"01234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567">;
static_assert(long_id::id.size() == 128);
using alphabet = m<"Az09_.-">;
static_assert(strata::registry<long_id>::head.size() == 128);
static_assert(strata::registry<alphabet>::contains("Az09_.-"));
static_assert(strata::is_valid_revision_id("a") && !strata::is_valid_revision_id("") &&
              !strata::is_valid_revision_id("a b") && !strata::is_valid_revision_id("é"));

// Checksums of SQL migrations; code migrations have none (0).
struct code_only : strata::migration<"code_only"> {
  static void up(strata::transaction&) {}
  static void down(strata::transaction&) {}
};
struct sql_up_irreversible : strata::migration<"sql_irrev", "code_only"> {
  static constexpr strata::sql up{"UPDATE t SET x = 1"};
  static constexpr auto down = strata::irreversible;
};
using mixed = strata::registry<code_only, sql_up_irreversible, m<"tail", "sql_irrev">>;
static_assert(mixed::checksum("code_only") == 0);
static_assert(mixed::checksum("sql_irrev") == strata::sql_checksum("UPDATE t SET x = 1", ""));
static_assert(mixed::checksum("tail") == strata::sql_checksum("SELECT 1", "SELECT 2"));

// Members migration<> gives every type.
static_assert(merge::id == "merge");
static_assert(merge::parents == std::array<std::string_view, 2>{"left", "right"});
static_assert(root::parents.empty());

// A non-transactional migration may hold statements refused inside a transaction block.
struct concurrent_index : strata::migration<"idx", "root"> {
  static constexpr bool transactional = false;
  static constexpr std::string_view description = "index users by email";
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (x)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS i"};
};
using with_index = strata::registry<root, concurrent_index>;
static_assert(with_index::head == "idx");
static_assert(!strata::detail::facts<strata::default_dialect, concurrent_index>.transactional);
static_assert(strata::detail::facts<strata::default_dialect, concurrent_index>.description == "index users by email");

// The dialect is an optional first type; PostgreSQL's is the default, with or without a policy.
static_assert(std::is_same_v<strata::registry<strata::postgresql::dialect, root, concurrent_index>, with_index>);
static_assert(std::is_same_v<with_index::dialect, strata::postgresql::dialect>);
static_assert(std::is_same_v<strata::registry<strata::postgresql::dialect, strata::lint_policy<>, root, concurrent_index>,
                             strata::registry<strata::lint_policy<>, root, concurrent_index>>);
static_assert(strata::dialect<strata::postgresql::dialect>);
static_assert(!strata::dialect<root>);

}  // namespace

int main() {}
