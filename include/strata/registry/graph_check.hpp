#pragma once
// The revision graph's verdict, computed by a few linear constexpr passes over arrays built by
// pack expansion: a hash table of ids, parent resolution, then Kahn's algorithm with a min-heap
// on list position. Each pass is its own constant evaluation, which keeps every one well under
// clang's per-evaluation step limit at thousands of migrations. Plain arrays and pointers, not
// std::array::operator[]: g++ evaluates a constexpr function call far slower than a subscript.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../detail/hash.hpp"

namespace strata::detail {

enum class graph_error : std::uint8_t {
  none,
  duplicate_id,
  unknown_parent,
  cycle,
  many_heads,
};

inline constexpr std::uint32_t no_index = 0xffffffffU;

constexpr std::size_t table_capacity(std::size_t n) {
  std::size_t cap = 2;
  while (cap < 2 * n) cap *= 2;
  return cap;
}

// Open addressing, linear probing; slots hold list index + 1. Strings are compared only when
// two hashes are equal.
template <std::size_t Cap>
struct id_table {
  std::uint32_t slots[Cap]{};
  graph_error error = graph_error::none;
  std::uint32_t first = no_index, second = no_index;  // two migrations sharing an id (or one type twice)

  constexpr std::uint32_t find(std::uint64_t h, std::string_view id, const std::uint64_t* hashes,
                               const std::string_view* ids) const {
    for (std::size_t s = h & (Cap - 1);; s = (s + 1) & (Cap - 1)) {
      const std::uint32_t e = slots[s];
      if (e == 0) return no_index;
      if (hashes[e - 1] == h && same_text(ids[e - 1], id)) return e - 1;
    }
  }
};

template <std::size_t Cap, std::size_t N>
constexpr id_table<Cap> build_id_table(const std::uint64_t* hashes, const std::string_view* ids) {
  id_table<Cap> t;
  for (std::uint32_t i = 0; i < N; ++i) {
    std::size_t s = hashes[i] & (Cap - 1);
    for (;; s = (s + 1) & (Cap - 1)) {
      const std::uint32_t e = t.slots[s];
      if (e == 0) break;
      if (hashes[e - 1] == hashes[i] && same_text(ids[e - 1], ids[i])) {
        if (t.error == graph_error::none) {
          t.error = graph_error::duplicate_id;
          t.first = e - 1;
          t.second = i;
        }
        break;
      }
    }
    if (t.slots[s] == 0) t.slots[s] = i + 1;
  }
  return t;
}

// Parents as list indices, in compressed rows: parents of i are index[begin[i] .. begin[i+1]).
template <std::size_t N, std::size_t E>
struct parent_links {
  std::uint32_t begin[N + 1]{};
  std::uint32_t index[E + 1]{};
  graph_error error = graph_error::none;
  std::uint32_t child = no_index, parent_slot = no_index;  // unknown parent: child's k-th parent
};

template <std::size_t N, std::size_t E, std::size_t Cap>
constexpr parent_links<N, E> resolve_parents(const id_table<Cap>& table, const std::uint64_t* hashes,
                                             const std::string_view* ids, const std::size_t* parent_counts,
                                             const std::uint64_t* const* parent_hashes,
                                             const std::string_view* const* parent_ids) {
  parent_links<N, E> l;
  std::uint32_t e = 0;
  for (std::uint32_t i = 0; i < N; ++i) {
    l.begin[i] = e;
    const std::uint64_t* ph = parent_hashes[i];
    const std::string_view* pi = parent_ids[i];
    for (std::uint32_t k = 0; k < parent_counts[i]; ++k) {
      const std::uint32_t p = table.find(ph[k], pi[k], hashes, ids);
      if (p == no_index && l.error == graph_error::none) {
        l.error = graph_error::unknown_parent;
        l.child = i;
        l.parent_slot = k;
      }
      l.index[e++] = p;
    }
  }
  l.begin[N] = e;
  return l;
}

// Apply order: Kahn's algorithm, always taking the ready revision listed first.
template <std::size_t N>
struct apply_order {
  std::uint32_t order[N + 1]{};     // list indices in apply order
  std::uint32_t position[N + 1]{};  // list index -> position in `order`
  graph_error error = graph_error::none;
  std::uint32_t head = no_index, other_head = no_index;
  std::uint32_t in_cycle = no_index, cycle_parent = no_index;
};

template <std::size_t N, std::size_t E>
constexpr apply_order<N> order_revisions(const parent_links<N, E>& l) {
  apply_order<N> out;
  if constexpr (N == 0) {
    return out;
  } else {
    // children in compressed rows, from the parent rows
    std::uint32_t child_begin[N + 1]{};
    std::uint32_t children[E + 1]{};
    std::uint32_t pending[N]{};  // parents not yet applied
    std::uint32_t fill[N]{};
    for (std::uint32_t e = 0; e < E; ++e) ++child_begin[l.index[e] + 1];
    for (std::uint32_t i = 0; i < N; ++i) child_begin[i + 1] += child_begin[i];
    for (std::uint32_t i = 0; i < N; ++i) {
      pending[i] = l.begin[i + 1] - l.begin[i];
      for (std::uint32_t e = l.begin[i]; e < l.begin[i + 1]; ++e) {
        const std::uint32_t p = l.index[e];
        children[child_begin[p] + fill[p]++] = i;
      }
    }
    // a binary min-heap of ready list indices, written out inline (no lambdas: see above)
    std::uint32_t heap[N]{};
    std::size_t heap_size = 0;
    for (std::uint32_t i = 0; i < N; ++i)
      if (pending[i] == 0) heap[heap_size++] = i;  // ascending: already a heap
    std::size_t done = 0;
    while (heap_size > 0) {
      const std::uint32_t v = heap[0];
      const std::uint32_t last = heap[--heap_size];
      std::size_t c = 0;
      for (;;) {
        std::size_t m = 2 * c + 1;
        if (m >= heap_size) break;
        if (m + 1 < heap_size && heap[m + 1] < heap[m]) ++m;
        if (heap[m] >= last) break;
        heap[c] = heap[m];
        c = m;
      }
      if (heap_size > 0) heap[c] = last;
      out.position[v] = static_cast<std::uint32_t>(done);
      out.order[done++] = v;
      for (std::uint32_t k = child_begin[v]; k < child_begin[v + 1]; ++k) {
        const std::uint32_t child = children[k];
        if (--pending[child] != 0) continue;
        std::size_t up = heap_size++;
        while (up > 0 && heap[(up - 1) / 2] > child) {
          heap[up] = heap[(up - 1) / 2];
          up = (up - 1) / 2;
        }
        heap[up] = child;
      }
    }
    if (done != N) {
      // Walk unapplied parents from an unapplied revision until one repeats: it is on a cycle.
      std::uint8_t seen[N]{};
      std::uint32_t v = 0;
      while (pending[v] == 0) ++v;
      for (;;) {
        seen[v] = 1;
        std::uint32_t next = no_index;
        for (std::uint32_t e = l.begin[v]; e < l.begin[v + 1]; ++e)
          if (pending[l.index[e]] != 0) {
            next = l.index[e];
            break;
          }
        if (seen[next]) {
          out.in_cycle = next;
          out.cycle_parent = v;
          break;
        }
        v = next;
      }
      out.error = graph_error::cycle;
      return out;
    }
    for (std::uint32_t i = 0; i < N; ++i) {
      if (child_begin[i + 1] != child_begin[i]) continue;
      if (out.head == no_index) out.head = i;
      else if (out.other_head == no_index) out.other_head = i;
    }
    if (out.other_head != no_index) out.error = graph_error::many_heads;
    return out;
  }
}

// is_ancestor over list indices: a depth-first walk up the parent rows of `b`.
template <std::size_t N, std::size_t E>
constexpr bool reaches(const parent_links<N, E>& l, std::uint32_t a, std::uint32_t b) {
  if (a == b) return true;
  std::uint8_t seen[N + 1]{};
  std::uint32_t stack[N + 1]{};
  std::size_t top = 0;
  stack[top++] = b;
  seen[b] = 1;
  while (top > 0) {
    const std::uint32_t v = stack[--top];
    for (std::uint32_t e = l.begin[v]; e < l.begin[v + 1]; ++e) {
      const std::uint32_t p = l.index[e];
      if (p == a) return true;
      if (!seen[p]) {
        seen[p] = 1;
        stack[top++] = p;
      }
    }
  }
  return false;
}

}  // namespace strata::detail
