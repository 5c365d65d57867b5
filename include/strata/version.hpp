#pragma once
// strata's version: the one place it is written (CMakeLists.txt reads it from here).

#define STRATA_VERSION_MAJOR 0
#define STRATA_VERSION_MINOR 4
#define STRATA_VERSION_PATCH 0

#define STRATA_DETAIL_STRINGIFY2(x) #x
#define STRATA_DETAIL_STRINGIFY(x) STRATA_DETAIL_STRINGIFY2(x)

namespace strata {
inline constexpr const char* version = STRATA_DETAIL_STRINGIFY(STRATA_VERSION_MAJOR) "." STRATA_DETAIL_STRINGIFY(
    STRATA_VERSION_MINOR) "." STRATA_DETAIL_STRINGIFY(STRATA_VERSION_PATCH);
}  // namespace strata
