#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "postamt/sdk/Error.hpp"

// Just enough RAII over the sqlite3 C API for the store. Every failure throws
// sdk::Error: a busy database or an I/O error is POSTAMT_TEMP_FAIL, data that
// can never fit (a constraint, a body over SQLite's size limit) POSTAMT_PERM_FAIL.
namespace postamt::store_sqlite {

// Whether a commit waits for the disk. Messages need it (a delivered message
// survives a power cut); lock leases do not (after a crash the lease ends
// them anyway), and not waiting keeps a login off the disk.
enum class Durability { Synced, Unsynced };

// One connection, used by one thread at a time; foreign keys on, commits as
// durable as asked, a busy timeout.
class Connection {
 public:
  Connection(const std::string& path, int busyTimeoutMs, Durability durability);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* handle() const { return db_; }
  void exec(const char* sql);
  bool inTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
  int changes() const { return sqlite3_changes(db_); }

  // The statement for `sql`, prepared on first use and kept for the connection's life (the store's statements are
  // a fixed few): preparing them anew was a tenth of the server's CPU in the download benchmark. Null while the
  // same statement is in use already; the caller then prepares one of its own. The caller resets it and clears
  // inUse when done (Statement does).
  struct Prepared {
    sqlite3_stmt* statement = nullptr;
    bool inUse = false;
  };
  Prepared* takePrepared(std::string_view sql);

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, Prepared, std::less<>> prepared_;
};

class Statement {
 public:
  Statement(Connection& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, const std::string& value);
  // True while a row is ready; false once the statement is done.
  bool step();
  // Makes the statement ready to step again with new bindings.
  void reset();
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string text(int column) const;
  // Valid until the statement steps again or ends.
  std::string_view bytes(int column) const;

 private:
  Connection& db_;
  sqlite3_stmt* stmt_ = nullptr;
  Connection::Prepared* kept_ = nullptr;  // the connection's prepared statement, given back at the end; null: our own
};

// BEGIN IMMEDIATE: takes the write lock up front, so a busy database fails at
// the start (after the busy timeout) instead of halfway. Rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Connection& db_;
};

// Incremental I/O on one BLOB value, so a body never has to be in memory whole.
class Blob {
 public:
  Blob(Connection& db, const char* table, const char* column, std::int64_t row, bool writable);
  ~Blob();
  Blob(const Blob&) = delete;
  Blob& operator=(const Blob&) = delete;

  std::uint64_t size() const { return static_cast<std::uint64_t>(sqlite3_blob_bytes(blob_)); }
  void read(char* into, std::size_t count, std::uint64_t offset);
  void write(const char* from, std::size_t count, std::uint64_t offset);

 private:
  Connection& db_;
  sqlite3_blob* blob_ = nullptr;
};

// Connections shared by all threads of one store instance. A lease gives one
// connection to one thread; up to `keepIdle` connections stay open between uses.
class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection) : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_) pool_->giveBack(std::move(connection_));
    }
    Connection& operator*() const { return *connection_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  ConnectionPool(std::string path, int busyTimeoutMs, std::size_t keepIdle, Durability durability)
      : path_(std::move(path)), busyTimeoutMs_(busyTimeoutMs), keepIdle_(keepIdle), durability_(durability) {
    idle_.reserve(keepIdle_);  // giveBack() then never allocates
  }

  Lease acquire();

 private:
  void giveBack(std::unique_ptr<Connection> connection) noexcept;

  const std::string path_;
  const int busyTimeoutMs_;
  const std::size_t keepIdle_;
  const Durability durability_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace postamt::store_sqlite
