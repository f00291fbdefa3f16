#include "PreparedLookups.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Exception.h>
#include <sqlite3.h>

#include <utility>

namespace postamt::auth_sql {

// One checked-out session with the lookup prepared on its own SQLite handle. Poco::Data prepares a statement
// anew at every execution, so the lookup is a kept sqlite3 statement, bound and reset for each login.
struct PreparedLookups::Lookup {
  Lookup(Poco::Data::SessionPool& pool, const std::string& sql) : session(pool.get()) {
    if (sqlite3_prepare_v3(Poco::Data::SQLite::Utility::dbHandle(session), sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &select,
                           nullptr) != SQLITE_OK) {
      throw Poco::Data::DataException("cannot prepare the login lookup");
    }
  }
  ~Lookup() { sqlite3_finalize(select); }
  Lookup(const Lookup&) = delete;
  Lookup& operator=(const Lookup&) = delete;

  // The user's row, bound to (tenant_id, address); nullopt when the database fails it.
  LookupAnswer run(std::int64_t tenantId, const std::string& address) {
    LookupAnswer answer;
    if (sqlite3_bind_int64(select, 1, tenantId) == SQLITE_OK &&
        sqlite3_bind_text(select, 2, address.data(), static_cast<int>(address.size()), SQLITE_STATIC) == SQLITE_OK) {
      switch (sqlite3_step(select)) {
        case SQLITE_ROW: {
          const auto* password = reinterpret_cast<const char*>(sqlite3_column_text(select, 0));
          answer.emplace(StoredUser{password != nullptr ? password : "", sqlite3_column_int(select, 1) != 0});
          break;
        }
        case SQLITE_DONE:
          answer.emplace(std::nullopt);
          break;
        default:
          break;
      }
    }
    sqlite3_reset(select);
    sqlite3_clear_bindings(select);  // the address was bound in place, not copied
    return answer;
  }

  Poco::Data::Session session;
  sqlite3_stmt* select = nullptr;
};

PreparedLookups::PreparedLookups(Poco::Data::SessionPool& pool, std::string sql)
    : pool_(pool), sql_(std::move(sql)), capacity_(static_cast<std::size_t>(pool.capacity() / 2)) {}

PreparedLookups::~PreparedLookups() = default;

LookupAnswer PreparedLookups::find(std::int64_t tenantId, const std::string& address) {
  std::unique_ptr<Lookup> lookup = take();
  if (!lookup) return std::nullopt;
  LookupAnswer answer = lookup->run(tenantId, address);
  if (!answer) {
    std::lock_guard lock(mutex_);
    --created_;  // the lookup and its session go: a failing connection is not kept
    return std::nullopt;
  }
  giveBack(std::move(lookup));
  return answer;
}

std::unique_ptr<PreparedLookups::Lookup> PreparedLookups::take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Lookup> lookup = std::move(idle_.back());
      idle_.pop_back();
      return lookup;
    }
    if (created_ >= capacity_) return nullptr;
    ++created_;
  }
  try {
    return std::make_unique<Lookup>(pool_, sql_);
  } catch (const Poco::Exception&) {
    std::lock_guard lock(mutex_);
    --created_;
    return nullptr;
  }
}

void PreparedLookups::giveBack(std::unique_ptr<Lookup> lookup) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(lookup));
}

}  // namespace postamt::auth_sql
