#pragma once
// The exception of type E that `f` throws, or nothing (recorded as a test failure).

#include <optional>
#include <typeinfo>

#include <gtest/gtest.h>

namespace strata::testing {

template <class E, class F>
std::optional<E> thrown(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  }
  ADD_FAILURE() << "expected an exception of type " << typeid(E).name();
  return std::nullopt;
}

}  // namespace strata::testing
