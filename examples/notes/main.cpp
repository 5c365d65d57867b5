// notes: a command-line notes application on an SQLite file that migrates itself at start-up.
//
//   notes add TEXT [#tag ...]     a note (words starting with # are its tags)
//   notes list [#tag]             every note, or those with the tag
//   notes delete ID               a note and its tags
//   notes db COMMAND ...          strata's command line on the same file (status, downgrade base, --sql, ...)
//
// The file is $NOTES_DB (default notes.db). Every start but `notes db` upgrades it first: one
// statement when nothing is pending.
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <notes_migrations.hpp>
#include <strata/cli.hpp>
#include <strata/sqlite.hpp>

namespace {

std::string database_path() {
  const char* path = std::getenv("NOTES_DB");
  return path && *path ? path : "notes.db";
}

int usage() {
  std::cerr << "usage: notes add TEXT [#tag ...] | list [#tag] | delete ID | db COMMAND ...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string command = argv[1];
  if (command == "db") {  // DATABASE_URL defaults to the notes file
    const std::string url = "sqlite:" + database_path();
    strata::cli::io streams;
    streams.getenv = [url](const char* name) -> const char* {
      const char* set = std::getenv(name);
      return std::string_view(name) == "DATABASE_URL" && !set ? url.c_str() : set;
    };
    return strata::cli::main<notes_migrations>(argc - 1, argv + 1, streams);
  }
  try {
    strata::sqlite::connection db{database_path()};
    strata::options o;
    o.log = [](strata::log_level level, std::string_view message) {
      if (level >= strata::log_level::warning) std::cerr << "notes: " << message << "\n";
    };
    strata::upgrade<notes_migrations>(db, o);

    if (command == "add" && argc >= 3) {
      std::string body;
      std::vector<std::string> tags;
      for (int i = 2; i < argc; ++i) {
        const std::string word = argv[i];
        if (word.size() > 1 && word[0] == '#') tags.push_back(word.substr(1));
        else body += (body.empty() ? "" : " ") + word;
      }
      db.execute("BEGIN");
      const strata::rows id = db.query("INSERT INTO notes (body) VALUES ($1) RETURNING id", std::vector<strata::value>{body});
      for (const auto& tag : tags)
        db.query("INSERT OR IGNORE INTO tags (note_id, tag) VALUES ($1, $2)", std::vector<strata::value>{id.at(0).at(0), tag});
      db.execute("COMMIT");
      std::cout << *id.at(0).at(0) << "\n";
      return 0;
    }
    if (command == "list" && argc <= 3) {
      const std::string tag = argc == 3 && argv[2][0] == '#' ? argv[2] + 1 : "";
      const strata::rows notes = db.query(
          "SELECT n.id, n.title, n.body, coalesce((SELECT group_concat('#' || tag, ' ') FROM "
          "(SELECT tag FROM tags WHERE note_id = n.id ORDER BY tag)), '') FROM notes n "
          "WHERE $1 = '' OR EXISTS (SELECT 1 FROM tags t WHERE t.note_id = n.id AND t.tag = $1) ORDER BY n.id",
          std::vector<strata::value>{tag});
      for (const auto& n : notes)
        std::cout << *n[0] << "  " << *n[1] << (n[3]->empty() ? "" : "  " + *n[3]) << "\n    " << *n[2] << "\n";
      return 0;
    }
    if (command == "delete" && argc == 3) {
      db.query("DELETE FROM notes WHERE id = $1", std::vector<strata::value>{std::string(argv[2])});
      return 0;
    }
    return usage();
  } catch (const std::exception& e) {
    std::cerr << "notes: " << e.what() << "\n";
    return strata::exit_code_of(e);
  }
}
