#pragma once
// Fleets over libpqxx: upgrade_fleet, status_fleet and check_fleet opening a strata::pq::connection
// per URL (README "Fleets").

#include <string>

#include "../adapters/pqxx.hpp"
#include "fleet.hpp"

namespace strata {

namespace detail {
inline pq::connection connect_pq(const std::string& url) { return pq::connection{url}; }
}  // namespace detail

template <class R>
fleet_report upgrade_fleet(const fleet_targets& targets, const fleet_options& o = {}) {
  return upgrade_fleet<R>(targets, o, detail::connect_pq);
}

template <class R>
fleet_report status_fleet(const fleet_targets& targets, const fleet_options& o = {}) {
  return status_fleet<R>(targets, o, detail::connect_pq);
}

template <class R>
fleet_report check_fleet(const fleet_targets& targets, const fleet_options& o = {}) {
  return check_fleet<R>(targets, o, detail::connect_pq);
}

}  // namespace strata
