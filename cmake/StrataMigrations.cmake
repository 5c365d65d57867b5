# strata_add_migrations(<name> DIRECTORY <dir> [FORMAT auto|<format>] [DIALECT postgresql|sqlite] [LINT_FROM <revision>]
#                       [LINT_OFF <rule>...])
#   formats: strata golang-migrate sqlx goose dbmate flyway
#   DIALECT: the database the registry is for (its lexer, rules and protocol); default postgresql.
#   LINT_FROM: lint only the revisions after <revision> (adopting a history); LINT_OFF: rules not linted.
#   The folder's strata.conf may say the same (lint-from = <revision>, lint-off = <rule>, <rule>).
#
# An INTERFACE target <name> whose header <name>.hpp declares one migration type per file of <dir>
# (.sql files in one format, C++ migration headers *.hpp) and `using <name> = strata::registry<...>`.
# The folder is the list: a file added, edited or removed is picked up by the next build.
# The generator is a small C++ program built once per project from strata's own source.

if(EXISTS "${CMAKE_CURRENT_LIST_DIR}/../tools/generate_migrations.cpp")
  set(STRATA_GENERATOR_SOURCE "${CMAKE_CURRENT_LIST_DIR}/../tools/generate_migrations.cpp")  # a source tree
else()
  set(STRATA_GENERATOR_SOURCE "${CMAKE_CURRENT_LIST_DIR}/generate_migrations.cpp")  # installed
endif()
set(STRATA_GENERATOR_SOURCE "${STRATA_GENERATOR_SOURCE}" CACHE INTERNAL "strata's migration generator")

function(strata_add_migrations name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "DIRECTORY;FORMAT;DIALECT;LINT_FROM" "LINT_OFF")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "strata_add_migrations(${name}): unexpected arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_DIRECTORY)
    message(FATAL_ERROR "strata_add_migrations(${name}): DIRECTORY <folder of migrations> is required")
  endif()
  if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "strata_add_migrations(${name}): the name is the registry's C++ name: letters, digits and _")
  endif()
  get_filename_component(dir "${ARG_DIRECTORY}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT IS_DIRECTORY "${dir}")
    message(FATAL_ERROR "strata_add_migrations(${name}): ${dir} is not a folder")
  endif()
  if(NOT ARG_FORMAT)
    set(ARG_FORMAT auto)
  endif()
  # The formats are strata's headers' (include/strata/dsl/formats/): the generator names them
  # when FORMAT is none of them.

  if(NOT TARGET strata_generate_migrations)
    add_executable(strata_generate_migrations "${STRATA_GENERATOR_SOURCE}")
    target_compile_features(strata_generate_migrations PRIVATE cxx_std_20)
    # strata's headers for its rules (ids, versions, statements); they need no library
    target_link_libraries(strata_generate_migrations PRIVATE strata::strata)
    # optimized in every build type: it runs at each build that changes a folder
    target_compile_options(strata_generate_migrations PRIVATE $<$<CXX_COMPILER_ID:GNU,Clang>:-O2>)
  endif()
  # CONFIGURE_DEPENDS: the build checks the folder's listing and re-configures when it changed.
  set(policy)
  if(ARG_DIALECT AND NOT ARG_DIALECT STREQUAL "postgresql")
    if(NOT ARG_DIALECT STREQUAL "sqlite")
      message(FATAL_ERROR "strata_add_migrations(${name}): DIALECT ${ARG_DIALECT} is not one of postgresql, sqlite")
    endif()
    list(APPEND policy --dialect "${ARG_DIALECT}")
  endif()
  if(ARG_LINT_FROM)
    list(APPEND policy --lint-from "${ARG_LINT_FROM}")
  endif()
  foreach(rule IN LISTS ARG_LINT_OFF)
    list(APPEND policy --lint-off "${rule}")
  endforeach()
  file(GLOB files CONFIGURE_DEPENDS "${dir}/*.sql" "${dir}/*.hpp" "${dir}/*.sql.conf" "${dir}/*.go" "${dir}/strata.conf")
  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/strata_migrations/${name}")
  # The listing, rewritten only when it changes: a removed file regenerates the header too.
  list(JOIN files "\n" listing)
  file(CONFIGURE OUTPUT "${out_dir}/files.txt" CONTENT "${ARG_FORMAT}\n${policy}\n${listing}\n")
  add_custom_command(OUTPUT "${out_dir}/${name}.hpp"
    COMMAND strata_generate_migrations "${name}" "${dir}" "${ARG_FORMAT}" "${out_dir}/${name}.hpp" ${policy}
    DEPENDS strata_generate_migrations ${files} "${out_dir}/files.txt"
    COMMENT "strata: migrations ${name} from ${dir}"
    VERBATIM)
  add_custom_target(${name}_generate DEPENDS "${out_dir}/${name}.hpp")
  add_library(${name} INTERFACE)
  add_dependencies(${name} ${name}_generate)  # followed by every target that links ${name}
  target_include_directories(${name} INTERFACE "${out_dir}" "${dir}")
  if(TARGET strata::strata)
    target_link_libraries(${name} INTERFACE strata::strata)
  endif()
endfunction()
