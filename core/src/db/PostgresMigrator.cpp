#include "db/PostgresMigrator.h"

#include <libpq-fe.h>

#include <memory>

namespace postamt::db {
namespace {

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Any constant will do, as long as only migrators take it: it makes a second
// `postamtctl db migrate` wait for the first instead of failing on its tables.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7067387279)";  // "postamt" in a bigint

// libpq's messages end in a newline; ours are one line.
std::string messageOf(PGconn* db) {
  std::string text = PQerrorMessage(db);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// "database postamt on 10.0.0.5:5432": what to name in messages, never the conninfo (it may hold a password).
std::string describe(PGconn* db) {
  const char* host = PQhost(db);
  return std::string("PostgreSQL database ") + PQdb(db) + " on " + (host ? host : "?") + ":" + PQport(db);
}

Connection connect(const std::string& conninfo) {
  char* parseError = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parseError);
  if (options == nullptr) {
    std::string text = parseError ? parseError : "out of memory";
    PQfreemem(parseError);
    throw MigrationError("directory.connect is not a PostgreSQL connection string: " + text);
  }
  PQconninfoFree(options);
  Connection db(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(db.get()) != CONNECTION_OK)
    throw MigrationError("cannot connect to " + describe(db.get()) + ": " + messageOf(db.get()));
  return db;
}

class PostgresSchema : public SchemaTarget {
 public:
  explicit PostgresSchema(const std::string& conninfo) : db_(connect(conninfo)) {
    exec("SET client_min_messages = warning", "configuring the session");  // no NOTICEs on stderr
  }
  ~PostgresSchema() override {
    if (open_) Result(PQexec(db_.get(), "ROLLBACK"), &PQclear);
  }

  std::string description() const override { return describe(db_.get()); }

  // PostgreSQL's DDL is transactional: the whole run commits or nothing does.
  int begin() override {
    exec("BEGIN", "starting the migration");
    open_ = true;
    exec(kMigrationLock, "waiting for other migrations");
    exec("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)", "creating schema_version");
    Result version = exec("SELECT coalesce(max(version), 0) FROM schema_version", "reading schema_version");
    return std::stoi(PQgetvalue(version.get(), 0, 0));
  }

  void apply(const Migration& migration, int version) override {
    exec(migration.sql, migration.name);
    exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(version) + ")", migration.name);
  }

  void commit() override {
    exec("COMMIT", "committing the migration");
    open_ = false;
  }

 private:
  Result exec(const std::string& sql, const std::string& what) {
    Result result(PQexec(db_.get(), sql.c_str()), &PQclear);
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      throw MigrationError(what + ": " + messageOf(db_.get()));
    return result;
  }

  Connection db_;
  bool open_ = false;
};

}  // namespace

MigrationReport migratePostgres(const std::string& conninfo) {
  PostgresSchema schema(conninfo);
  return migrate(schema, postgresMigrations());
}

}  // namespace postamt::db
