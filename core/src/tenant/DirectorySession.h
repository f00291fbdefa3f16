#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/String.h>

#include <string>

#include "postamt/sdk/PooledSession.hpp"
#include "tenant/Directory.h"

namespace postamt::tenant {

inline bool isPostgres(const Poco::Data::Session& session) { return Poco::icompare(session.connector(), "PostgreSQL") == 0; }

// PostgreSQL numbers its placeholders ($1, $2 ...; TOOLCHAIN pitfall 14); the
// directory's statements are written with SQLite's `?`, none inside a literal.
inline std::string numberedPlaceholders(const std::string& sql) {
  std::string out;
  int number = 0;
  for (char c : sql) {
    if (c == '?')
      out += "$" + std::to_string(++number);
    else
      out += c;
  }
  return out;
}

// A statement in the session's placeholder style.
inline std::string inDialect(const Poco::Data::Session& session, const std::string& sql) {
  return isPostgres(session) ? numberedPlaceholders(sql) : sql;
}

// Runs `work` in one transaction on `session`: all of it or, when it throws, none.
template <typename Work>
void inTransaction(Poco::Data::Session& session, Work work) {
  session.begin();
  try {
    work();
  } catch (...) {
    session.rollback();
    throw;
  }
  session.commit();
}

// Runs one unit of work on a pooled directory session; database trouble
// becomes DirectoryError::Unavailable so callers answer [SYS/TEMP], not crash.
// A pooled session the server dropped while it sat idle (a database restart)
// fails its first statement and is then disconnected: the work moves on to
// another session, at most once per session the pool can hold.
template <typename Work>
auto withSession(Poco::Data::SessionPool& pool, Work work) {
  for (int attempt = 0;; ++attempt) {
    try {
      Poco::Data::Session session = sdk::pooledSession(pool);  // a burst of logins waits for one
      try {
        if (!isPostgres(session)) {
          session.setProperty("connectionTimeout", std::size_t(5));  // seconds a writer waits for SQLite's lock
          session << "PRAGMA foreign_keys = ON", Poco::Data::Keywords::now;
        }
        return work(session);
      } catch (const Poco::Exception&) {
        if (session.isConnected() || attempt >= pool.capacity()) throw;
      }
    } catch (const DirectoryError&) {
      throw;
    } catch (const Poco::Exception& e) {
      throw DirectoryError(DirectoryError::Kind::Unavailable, "directory database: " + e.displayText());
    }
  }
}

}  // namespace postamt::tenant
