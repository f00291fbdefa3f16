#pragma once

#include <string>
#include <vector>

namespace postamt::db {

struct Migration {
  std::string name;  // "001_initial.sql": the number orders them
  std::string sql;
};

// The SQLite schema of the embedded default, in order.
const std::vector<Migration>& sqliteMigrations();

}  // namespace postamt::db
