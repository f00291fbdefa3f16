#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace postamt::db {

struct Migration {
  std::string name;  // "001_initial.sql": the number orders them
  std::string sql;
};

// The schemas of schemas/sqlite and schemas/postgres, in order, compiled in.
const std::vector<Migration>& sqliteMigrations();
const std::vector<Migration>& postgresMigrations();

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MigrationReport {
  std::string database;  // what was migrated, without any password
  int versionBefore = 0;
  int versionAfter = 0;
};

// A database to bring up to date, in one transaction that keeps other
// migrators out until it ends. Destroying it rolls back what was not committed.
class SchemaTarget {
 public:
  virtual ~SchemaTarget() = default;
  virtual std::string description() const = 0;
  // Starts the transaction; the newest version in schema_version (0: none yet).
  virtual int begin() = 0;
  // Runs the migration's SQL and records `version` in schema_version.
  virtual void apply(const Migration& migration, int version) = 0;
  virtual void commit() = 0;
};

// Applies every migration newer than the target's version, all or none.
// Running it again changes nothing; a database newer than `migrations` is
// refused rather than touched.
MigrationReport migrate(SchemaTarget& target, const std::vector<Migration>& migrations);

}  // namespace postamt::db
