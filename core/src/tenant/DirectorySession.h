#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include "tenant/Directory.h"

namespace postamt::tenant {

// Runs one unit of work on a pooled directory session; database trouble
// becomes DirectoryError::Unavailable so callers answer [SYS/TEMP], not crash.
template <typename Work>
auto withSession(Poco::Data::SessionPool& pool, Work work) {
  try {
    Poco::Data::Session session(pool.get());
    session.setProperty("connectionTimeout", std::size_t(5));  // seconds a writer waits for SQLite's lock
    session << "PRAGMA foreign_keys = ON", Poco::Data::Keywords::now;
    return work(session);
  } catch (const DirectoryError&) {
    throw;
  } catch (const Poco::Exception& e) {
    throw DirectoryError(DirectoryError::Kind::Unavailable, "directory database: " + e.displayText());
  }
}

}  // namespace postamt::tenant
