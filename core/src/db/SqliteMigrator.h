#pragma once

#include <string>

#include "db/Migrations.h"

namespace postamt::db {

// Brings the SQLite database at `path` (created if missing) to the newest
// schema in schemas/sqlite; see migrate().
MigrationReport migrateSqlite(const std::string& path);

}  // namespace postamt::db
