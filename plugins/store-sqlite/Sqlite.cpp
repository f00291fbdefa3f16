#include "Sqlite.h"

#include <limits>

namespace postamt::store_sqlite {
namespace {

postamt_status statusOf(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
      return POSTAMT_PERM_FAIL;
    default:
      return POSTAMT_TEMP_FAIL;  // busy, locked, I/O, full disk: worth a retry
  }
}

[[noreturn]] void fail(sqlite3* db, int rc, const std::string& what) {
  throw sdk::Error(statusOf(rc), what + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

int blobOffset(std::size_t count, std::uint64_t offset) {
  if (offset + count > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
    throw sdk::Error(POSTAMT_PERM_FAIL, "blob offset beyond SQLite's limit");
  return static_cast<int>(offset);
}

}  // namespace

Connection::Connection(const std::string& path, int busyTimeoutMs, Durability durability) {
  int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open " + path + ": " + (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)) +
                          " (is it initialised? run postamtctl db init)";
    sqlite3_close(db_);
    throw sdk::Error(POSTAMT_TEMP_FAIL, message);
  }
  sqlite3_busy_timeout(db_, busyTimeoutMs);
  try {
    exec("PRAGMA foreign_keys = ON");
    exec(durability == Durability::Synced ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF");
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

Connection::~Connection() {
  for (auto& [sql, prepared] : prepared_) sqlite3_finalize(prepared.statement);
  sqlite3_close(db_);
}

Connection::Prepared* Connection::takePrepared(std::string_view sql) {
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    sqlite3_stmt* statement = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (rc != SQLITE_OK) fail(db_, rc, "preparing a statement");
    found = prepared_.emplace(std::string(sql), Prepared{statement, false}).first;
  }
  if (found->second.inUse) return nullptr;
  found->second.inUse = true;
  return &found->second;  // a map node stays where it is
}

void Connection::exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(db_, rc, sql);
}

Statement::Statement(Connection& db, const char* sql) : db_(db), kept_(db.takePrepared(sql)) {
  if (kept_ != nullptr) {
    stmt_ = kept_->statement;
    return;
  }
  int rc = sqlite3_prepare_v2(db_.handle(), sql, -1, &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db_.handle(), rc, "preparing a statement");
}

Statement::~Statement() {
  if (kept_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  // Ready for the next user: no row held (which would keep a read snapshot open), no old values bound.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  kept_->inUse = false;
}

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(db_.handle(), rc, "binding a value");
  return *this;
}

Statement& Statement::bind(int index, const std::string& value) {
  int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_.handle(), rc, "binding a value");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_.handle(), rc, sqlite3_sql(stmt_));
}

void Statement::reset() { sqlite3_reset(stmt_); }

std::string Statement::text(int column) const {
  const unsigned char* value = sqlite3_column_text(stmt_, column);
  return value != nullptr ? std::string(reinterpret_cast<const char*>(value), sqlite3_column_bytes(stmt_, column))
                          : std::string();
}

std::string_view Statement::bytes(int column) const {
  const void* value = sqlite3_column_blob(stmt_, column);
  return value != nullptr
             ? std::string_view(static_cast<const char*>(value), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string_view();
}

// Kept prepared, as every statement is: each login opens and closes its maildrop in a transaction.
Transaction::Transaction(Connection& db) : db_(db) { Statement(db_, "BEGIN IMMEDIATE").step(); }

Transaction::~Transaction() {
  // SQLite has already rolled back after some errors (a full disk, an I/O error).
  if (db_.inTransaction()) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() { Statement(db_, "COMMIT").step(); }

Blob::Blob(Connection& db, const char* table, const char* column, std::int64_t row, bool writable) : db_(db) {
  int rc = sqlite3_blob_open(db_.handle(), "main", table, column, row, writable ? 1 : 0, &blob_);
  if (rc != SQLITE_OK) {
    sqlite3_blob_close(blob_);
    fail(db_.handle(), rc, std::string("opening ") + table + "." + column + " of row " + std::to_string(row));
  }
}

Blob::~Blob() { sqlite3_blob_close(blob_); }

void Blob::read(char* into, std::size_t count, std::uint64_t offset) {
  int rc = sqlite3_blob_read(blob_, into, static_cast<int>(count), blobOffset(count, offset));
  if (rc != SQLITE_OK) fail(db_.handle(), rc, "reading a blob");
}

void Blob::write(const char* from, std::size_t count, std::uint64_t offset) {
  int rc = sqlite3_blob_write(blob_, from, static_cast<int>(count), blobOffset(count, offset));
  if (rc != SQLITE_OK) fail(db_.handle(), rc, "writing a blob");
}

ConnectionPool::Lease ConnectionPool::acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
  }
  return Lease(*this, std::make_unique<Connection>(path_, busyTimeoutMs_, durability_));
}

void ConnectionPool::giveBack(std::unique_ptr<Connection> connection) noexcept {
  if (connection->inTransaction()) return;  // left mid-transaction by a failure: close it, never reuse it
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.size() < keepIdle_) idle_.push_back(std::move(connection));
}

}  // namespace postamt::store_sqlite
