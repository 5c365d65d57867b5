#pragma once
// The `--sql` script: a program rendered as the SQL the run would send, in the same order and
// with the same text; parameters shown as literals. A code body's statements are known only when
// it runs: the script stops before it rather than print a history write for what it does not run.

#include <sstream>
#include <string>

#include "../version.hpp"
#include "dialect.hpp"
#include "program.hpp"

namespace strata::detail {

// `text` with each $n replaced by its parameter as a literal (NULL for none).
template <class P>
std::string with_literals(std::string_view text, const std::vector<value>& params) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] >= '1' && text[i + 1] <= '9') {
      std::size_t n = 0, j = i + 1;
      while (j < text.size() && text[j] >= '0' && text[j] <= '9') n = n * 10 + static_cast<std::size_t>(text[j++] - '0');
      if (n >= 1 && n <= params.size()) {
        out += params[n - 1] ? P::literal(*params[n - 1]) : std::string("NULL");
        i = j - 1;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

template <class D>
std::string print_program(const catalog& cat, const program& prog, const options& o) {
  using P = typename D::protocol;
  const P t = tables_of<P>(o);
  std::size_t revisions = 0;
  for (const auto& u : prog.units) revisions += u.revisions.size();
  std::ostringstream out;
  out << "-- strata " << version << ": " << (prog.up ? "upgrade" : "downgrade") << ", " << revisions
      << " revision(s); nothing below has run\n";
  if (prog.create_schema) out << t.create_schema_sql() << ";\n";
  if (prog.create_tables) out << t.create_sql() << ";\n";
  if (prog.upgrade_layout) out << t.upgrade_layout_sql() << ";\n";
  for (const program_unit& u : prog.units) {
    std::size_t shown = cat.size();
    for (const program_step& s : u.steps) {
      if (s.revision != shown) {
        shown = s.revision;
        const auto& e = cat.entries[s.revision];
        out << "\n-- " << (prog.up ? "upgrade " : "downgrade ") << e.id
            << (e.facts->transactional ? "" : " (not transactional)")
            << (u.resume_at > 1 ? ", resumed at statement " + std::to_string(u.resume_at) : u.resumes() ? ", resumed" : "")
            << "\n";
      }
      switch (s.kind) {
        case step_kind::sql: out << s.text << ";\n"; break;
        case step_kind::sql_parameters: out << with_literals<P>(s.text, s.params) << ";\n"; break;
        case step_kind::code_body:
          out << "-- STOP: revision " << cat.entries[s.revision].id
              << " has a code body, whose statements are known only when it runs;\n"
              << "-- this script ends here. Run `" << (prog.up ? "upgrade" : "downgrade")
              << "` to apply it and what follows.\n";
          if (u.transactional) out << P::rollback_sql << ";\n";
          return out.str();
        case step_kind::wait_for_interrupted_run:
          out << "-- (strata waits for a backend of the interrupted run that still works on this revision)\n";
          break;
        case step_kind::drop_invalid_indexes:
          out << "-- (strata drops an INVALID index an interrupted or failed build of this revision left)\n";
          break;
        case step_kind::begin_locked:
          out << s.text << ";\n-- (" << P::lock_note << ")\n";
          break;
        case step_kind::skip_when_index_exists:
          out << "-- (resuming: strata runs the next statement only if the index it builds is missing)\n";
          break;
        case step_kind::skip_when_index_gone:
          out << "-- (resuming: strata runs the next statement only if the index it drops is still there)\n";
          break;
        case step_kind::hold_registrations:
          out << s.text << ";\n-- (after_deploy: strata stops here, rolling back, when a live instance runs a release "
              << "that lacks " << cat.entries[s.revision].id << ")\n";
          break;
        case step_kind::check_violations:
          out << "-- (where the connection enforces foreign keys: strata turned them off for the run, and rolls the "
              << "revision back if this finds a row breaking one: " << s.text << ")\n";
          break;
        case step_kind::check_indexes_valid:
          out << "-- (strata checks that the indexes this revision built are valid)\n";
          break;
      }
    }
    for (const auto& name : u.session_settings) out << P::reset_sql(name) << ";\n";
  }
  return out.str();
}

}  // namespace strata::detail
