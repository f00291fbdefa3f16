#pragma once

#include <Poco/Data/SessionPool.h>
#include <Poco/Data/Statement.h>

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

// The lookup every login makes, prepared once per session: written out with
// Poco::Data's `session << sql, now`, SQLite parsed the SELECT anew for every
// login, a fifth of a login's CPU. Each prepared lookup keeps one pooled session
// checked out, and at most half the pool's sessions (none of a pool of one) are
// kept so, so every other unit of work still finds one. For SQLite sessions (SqlAuth.cpp says why). Thread-safe.
class PreparedLookups {
 public:
  // `sql` takes (tenant_id, address) and yields (password, enabled as an integer).
  PreparedLookups(Poco::Data::SessionPool& pool, std::string sql);
  ~PreparedLookups();
  PreparedLookups(const PreparedLookups&) = delete;
  PreparedLookups& operator=(const PreparedLookups&) = delete;

  // False when it could not answer: every prepared lookup is busy, or the database failed it (its session is
  // then given back, and the caller asks again through the pool, which knows how to recover). True otherwise,
  // with `found` empty when there is no such user.
  bool find(std::int64_t tenantId, const std::string& address, std::optional<StoredUser>& found);

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
