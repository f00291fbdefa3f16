#pragma once

#include <string>

#include "db/Migrations.h"

namespace postamt::db {

// Brings the PostgreSQL database named by the libpq `conninfo` to the newest
// schema in schemas/postgres; see migrate(). Errors name the server, never the password.
MigrationReport migratePostgres(const std::string& conninfo);

}  // namespace postamt::db
