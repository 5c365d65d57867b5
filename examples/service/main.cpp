// example_service: migrates its database as it starts, then serves a small HTTP API.
//   example_service [serve]      migrate (DATABASE_URL, STRATA_* variables, with retries), then serve on $PORT
//   example_service COMMAND ...  the strata command line: status, upgrade, downgrade base, history, ...
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <strata/cli.hpp>
#include <strata/pq.hpp>

#include "migrations.hpp"

namespace {

httplib::Server* running_server = nullptr;

void stop_server(int) {
  if (running_server) running_server->stop();
}

int serve() {
  strata::startup_config cfg = strata::startup_config::from_env();
  const strata::report migrated = strata::migrate_on_startup<example::migrations>(cfg);

  pqxx::connection db(cfg.database_url);
  std::mutex db_mutex;
  const std::string head = migrated.head_after;

  httplib::Server server;
  server.Get("/health", [&](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(db_mutex);
    const std::string current = pqxx::nontransaction(db)
                                    .exec("SELECT revision FROM strata_history WHERE revision = '" +
                                          std::string(example::migrations::head) + "'")
                                    .empty()
                                    ? "behind"
                                    : "ok";
    const nlohmann::json body{{"status", current}, {"schema_head", head}, {"build_head", example::migrations::head}};
    res.set_content(body.dump(), "application/json");
  });
  server.Get("/users", [&](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(db_mutex);
    nlohmann::json users = nlohmann::json::array();
    for (const auto& row : pqxx::nontransaction(db).exec(
             "SELECT id, email, display_name, status::text FROM users ORDER BY id"))
      users.push_back({{"id", row[0].as<long long>()}, {"email", row[1].c_str()},
                       {"display_name", row[2].is_null() ? "" : row[2].c_str()}, {"status", row[3].c_str()}});
    res.set_content(users.dump(), "application/json");
  });
  server.Post("/users", [&](const httplib::Request& req, httplib::Response& res) {
    const auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.contains("email") || !body["email"].is_string()) {
      res.status = 400;
      res.set_content(R"({"error":"expected {\"email\": \"...\"}"})", "application/json");
      return;
    }
    std::lock_guard lock(db_mutex);
    try {
      pqxx::work tx(db);
      const auto row = tx.exec_params1(
          "INSERT INTO users (email, display_name) VALUES ($1, split_part($1, '@', 1)) RETURNING id",
          body["email"].get<std::string>());
      tx.commit();
      res.status = 201;
      res.set_content(nlohmann::json{{"id", row[0].as<long long>()}}.dump(), "application/json");
    } catch (const pqxx::unique_violation&) {
      res.status = 409;
      res.set_content(R"({"error":"email already registered"})", "application/json");
    }
  });

  const char* port_text = std::getenv("PORT");
  const int port = port_text ? std::atoi(port_text) : 8080;
  running_server = &server;
  std::signal(SIGINT, stop_server);
  std::signal(SIGTERM, stop_server);
  std::cerr << "example_service: schema at " << head << ", listening on http://127.0.0.1:" << port << std::endl;
  if (!server.listen("127.0.0.1", port)) {
    std::cerr << "example_service: cannot listen on port " << port << std::endl;
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 1 || std::string_view(argv[1]) == "serve") {
    try {
      return serve();
    } catch (const std::exception& e) {  // the command line's exit codes: 2 configuration, 4 no database, ...
      std::cerr << "example_service: " << e.what() << std::endl;
      return strata::exit_code_of(e);
    }
  }
  return strata::cli::main<example::migrations>(argc, argv);
}
