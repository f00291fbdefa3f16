#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "postamt/sdk/Error.hpp"

// Just enough RAII over libpq for the store. Every failure throws sdk::Error:
// a lost connection, a server shutting down, too many connections or a
// deadlock is POSTAMT_TEMP_FAIL; anything else (a constraint, a missing
// table) POSTAMT_PERM_FAIL. Messages never include the conninfo.
namespace postamt::store_postgres {

// One statement's outcome. Values are text, or binary when the statement asked for it.
class Result {
 public:
  explicit Result(PGresult* result) : result_(result) {}
  ~Result() { PQclear(result_); }
  Result(Result&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  Result& operator=(Result&& other) noexcept {
    std::swap(result_, other.result_);
    return *this;
  }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const { return PQntuples(result_); }
  std::int64_t integer(int row, int column) const { return std::stoll(PQgetvalue(result_, row, column)); }
  std::string text(int row, int column) const { return PQgetvalue(result_, row, column); }
  const char* data(int row, int column) const { return PQgetvalue(result_, row, column); }
  std::size_t length(int row, int column) const { return static_cast<std::size_t>(PQgetlength(result_, row, column)); }

 private:
  PGresult* result_;
};

// The parameters of one statement, in order: integers and text as text,
// octets as binary (bytea), so a body chunk is never escaped or copied.
class Params {
 public:
  Params() = default;
  Params(Params&&) = default;  // a moved deque keeps its elements where values_ points
  Params(const Params&) = delete;
  Params& operator=(const Params&) = delete;

  Params& add(std::int64_t value) { return add(std::to_string(value)); }
  Params& add(std::string value);
  // A PostgreSQL array literal of `values`, each quoted, so any text arrives as itself.
  Params& addArray(const std::vector<std::string>& values);
  // Refers to `data`, which must outlive the statement.
  Params& addOctets(const char* data, std::size_t size);

  int count() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  std::deque<std::string> texts_;  // a deque: growing it leaves earlier values where values_ points
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// A statement every connection prepares once, run by name.
struct PreparedStatement {
  const char* name;
  const char* sql;
};

// One server connection, used by one thread at a time.
class Connection {
 public:
  // Each statement may run `statementTimeoutMs` on the server; a dead peer is
  // noticed by TCP keepalives. Settings in the conninfo win over both.
  Connection(const std::string& conninfo, const std::vector<PreparedStatement>& statements, int statementTimeoutMs);
  ~Connection() { PQfinish(db_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs a prepared statement; results come back binary when asked.
  Result run(const char* statement, const Params& params = Params(), bool binaryResult = false);
  void exec(const char* sql);
  bool broken() const { return PQstatus(db_) != CONNECTION_OK; }
  bool reusable() const { return !broken() && PQtransactionStatus(db_) == PQTRANS_IDLE; }
  // Whether any statement succeeded since the last call: a unit of work that
  // failed before that can be repeated on another connection.
  bool takeProgress();

 private:
  Result check(PGresult* result, const char* what);

  PGconn* db_;
  bool progress_ = false;
};

// BEGIN now; ROLLBACK when destroyed uncommitted.
class Transaction {
 public:
  explicit Transaction(Connection& db) : db_(db) { db_.exec("BEGIN"); }
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.exec("COMMIT");
    done_ = true;
  }

 private:
  Connection& db_;
  bool done_ = false;
};

// At most `size` connections, shared by every session of one store instance:
// a session holds one only for the duration of one operation. Connections are
// opened when first needed and replaced when the server dropped them.
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
    Connection* operator->() const { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  ConnectionPool(std::string conninfo, std::vector<PreparedStatement> statements, std::size_t size,
                 std::chrono::milliseconds wait, int statementTimeoutMs);

  // Waits up to `wait` for a free connection; POSTAMT_TEMP_FAIL after that.
  Lease acquire();

  // Runs work(Connection&). A connection the server closed while it sat idle
  // (a restart) fails on its first statement; such a failure, with nothing
  // done yet, is retried once on a new connection.
  template <class Work>
  auto run(Work&& work) -> decltype(work(std::declval<Connection&>())) {
    for (int attempt = 0;; ++attempt) {
      Lease lease = acquire();
      lease->takeProgress();
      try {
        return work(*lease);
      } catch (const sdk::Error&) {
        if (attempt > 0 || !lease->broken() || lease->takeProgress()) throw;
      }
    }
  }

 private:
  void giveBack(std::unique_ptr<Connection> connection) noexcept;

  const std::string conninfo_;
  const std::vector<PreparedStatement> statements_;
  const std::size_t size_;
  const std::chrono::milliseconds wait_;
  const int statementTimeoutMs_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t leased_ = 0;
};

}  // namespace postamt::store_postgres
