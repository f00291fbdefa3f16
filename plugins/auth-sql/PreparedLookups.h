#pragma once

#include <Poco/Data/SessionPool.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace postamt::auth_sql {

// A user's row as the lookup reads it.
struct StoredUser {
  std::string password;  // Dovecot notation: '{SCHEME}...'
  bool enabled;
};

// What a prepared lookup answers: nothing when it could not answer (every prepared lookup is busy, or the database
// failed it; the caller asks again through the pool, which knows how to recover), else the user's row if there is one.
using LookupAnswer = std::optional<std::optional<StoredUser>>;

// The lookup every login makes, prepared once per session: Poco::Data prepares a statement anew at every execution
// (SQLite parsing the SELECT for every login), so each lookup keeps a sqlite3 statement on its own session. Each prepared
// lookup keeps one pooled session checked out, and at most half the pool's sessions (none of a pool of one) are kept
// so, so every other unit of work still finds one. For SQLite sessions only (SqlAuth.cpp says why). Thread-safe.
class PreparedLookups {
 public:
  // `sql` takes (tenant_id, address) and yields (password, enabled as an integer).
  PreparedLookups(Poco::Data::SessionPool& pool, std::string sql);
  ~PreparedLookups();
  PreparedLookups(const PreparedLookups&) = delete;
  PreparedLookups& operator=(const PreparedLookups&) = delete;

  LookupAnswer find(std::int64_t tenantId, const std::string& address);

 private:
  struct Lookup;
  std::unique_ptr<Lookup> take();
  void giveBack(std::unique_ptr<Lookup> lookup);

  Poco::Data::SessionPool& pool_;
  const std::string sql_;
  const std::size_t capacity_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Lookup>> idle_;
  std::size_t created_ = 0;  // idle or in use
};

}  // namespace postamt::auth_sql
