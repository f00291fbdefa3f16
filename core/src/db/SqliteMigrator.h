#pragma once

#include <stdexcept>
#include <string>

namespace postamt::db {

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MigrationReport {
  int versionBefore = 0;
  int versionAfter = 0;
};

// Brings the SQLite database at `path` (created if missing) to the newest
// schema in schemas/sqlite: each pending migration in its own transaction,
// recorded in schema_version. Running it again changes nothing; a database
// newer than this build is refused rather than touched.
MigrationReport migrateSqlite(const std::string& path);

}  // namespace postamt::db
