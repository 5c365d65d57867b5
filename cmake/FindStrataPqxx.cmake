# strata_find_pqxx(<out-var>): sets <out-var> to the targets for libpqxx and libpq (strata calls
# libpq itself: PQconninfoParse), or to "" when not found.
# Prefers libpqxx's own CMake package (a libpqxx 7 built from source has one); Debian ships only
# pkg-config.
function(strata_find_pqxx out)
  find_package(PkgConfig QUIET)
  find_package(libpqxx CONFIG QUIET)
  if(TARGET libpqxx::pqxx AND PKG_CONFIG_FOUND)
    pkg_check_modules(STRATA_LIBPQ QUIET IMPORTED_TARGET GLOBAL libpq)
    if(TARGET PkgConfig::STRATA_LIBPQ)
      set(${out} "libpqxx::pqxx;PkgConfig::STRATA_LIBPQ" PARENT_SCOPE)
      return()
    endif()
  endif()
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(STRATA_PQXX QUIET IMPORTED_TARGET GLOBAL libpqxx libpq)
    if(TARGET PkgConfig::STRATA_PQXX)
      set(${out} PkgConfig::STRATA_PQXX PARENT_SCOPE)
      return()
    endif()
  endif()
  set(${out} "" PARENT_SCOPE)
endfunction()
