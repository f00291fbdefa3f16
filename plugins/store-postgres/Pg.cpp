#include "Pg.h"

#include <cstring>

namespace postamt::store_postgres {
namespace {

// libpq's messages end in a newline; ours are one line.
std::string oneLine(const char* text) {
  std::string line = text != nullptr ? text : "";
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  for (char& c : line)
    if (c == '\n') c = ' ';
  return line;
}

// SQLSTATE classes that say "try again later" (PostgreSQL manual, appendix A):
// 08 connection exception, 40 transaction rollback (deadlock, serialization),
// 53 insufficient resources (too many connections), 57 operator intervention
// (admin shutdown, cannot connect now), and 55P03 lock not available.
bool transient(const char* sqlstate) {
  if (sqlstate == nullptr || std::strlen(sqlstate) != 5) return false;
  const std::string state(sqlstate);
  const std::string category = state.substr(0, 2);
  return category == "08" || category == "40" || category == "53" || category == "57" || state == "55P03";
}

// Where the server is, for messages: never the conninfo itself, which may hold a password.
std::string serverOf(PGconn* db) {
  const char* host = PQhost(db);
  const char* port = PQport(db);
  const char* name = PQdb(db);
  return std::string("PostgreSQL ") + (name ? name : "?") + " on " + (host ? host : "?") + ":" + (port ? port : "?");
}

}  // namespace

Params& Params::add(std::string value) {
  texts_.push_back(std::move(value));
  values_.push_back(texts_.back().c_str());
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::addArray(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    literal += i ? ",\"" : "\"";
    for (char c : values[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  return add(literal + "}");
}

Params& Params::addOctets(const char* data, std::size_t size) {
  values_.push_back(data);
  lengths_.push_back(static_cast<int>(size));
  formats_.push_back(1);
  return *this;
}

Connection::Connection(const std::string& conninfo, const std::vector<PreparedStatement>& statements, int statementTimeoutMs) {
  // Defaults first: the conninfo (expanded in place of dbname) overrides them. A database that
  // hangs, or a peer gone without a word, must end in [SYS/TEMP], not in sessions stuck for good.
  const std::string options = "-c statement_timeout=" + std::to_string(statementTimeoutMs);
  const char* keywords[] = {"connect_timeout", "application_name", "options", "keepalives_idle", "keepalives_interval",
                            "keepalives_count", "dbname", nullptr};
  const char* values[] = {"5", "postamt store-postgres", options.c_str(), "30", "10", "3", conninfo.c_str(), nullptr};
  db_ = PQconnectdbParams(keywords, values, 1);
  if (db_ == nullptr) throw sdk::Error(POSTAMT_TEMP_FAIL, "out of memory connecting to PostgreSQL");
  if (PQstatus(db_) != CONNECTION_OK) {
    const std::string message = "cannot connect to " + serverOf(db_) + ": " + oneLine(PQerrorMessage(db_));
    PQfinish(db_);
    throw sdk::Error(POSTAMT_TEMP_FAIL, message);
  }
  for (const PreparedStatement& statement : statements) {
    try {
      check(PQprepare(db_, statement.name, statement.sql, 0, nullptr), statement.name);
    } catch (...) {
      PQfinish(db_);
      throw;
    }
  }
}

Result Connection::run(const char* statement, const Params& params, bool binaryResult) {
  return check(PQexecPrepared(db_, statement, params.count(), params.values(), params.lengths(), params.formats(),
                              binaryResult ? 1 : 0),
               statement);
}

void Connection::exec(const char* sql) { check(PQexec(db_, sql), sql); }

bool Connection::takeProgress() {
  const bool made = progress_;
  progress_ = false;
  return made;
}

Result Connection::check(PGresult* raw, const char* what) {
  Result result(raw);
  const ExecStatusType status = PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    progress_ = true;
    return result;
  }
  const char* sqlstate = raw != nullptr ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const bool temporary = raw == nullptr || broken() || transient(sqlstate);
  throw sdk::Error(temporary ? POSTAMT_TEMP_FAIL : POSTAMT_PERM_FAIL,
                   serverOf(db_) + ", " + what + ": " + oneLine(PQerrorMessage(db_)));
}

Transaction::~Transaction() {
  if (done_ || db_.broken()) return;
  try {
    db_.exec("ROLLBACK");
  } catch (const std::exception&) {
    // The connection is gone or unusable; the server rolls back on its own.
  }
}

ConnectionPool::ConnectionPool(std::string conninfo, std::vector<PreparedStatement> statements, std::size_t size,
                               std::chrono::milliseconds wait, int statementTimeoutMs)
    : conninfo_(std::move(conninfo)),
      statements_(std::move(statements)),
      size_(size),
      wait_(wait),
      statementTimeoutMs_(statementTimeoutMs) {
  idle_.reserve(size_);  // giveBack() then never allocates
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!returned_.wait_for(lock, wait_, [&] { return leased_ < size_; }))
    throw sdk::Error(POSTAMT_TEMP_FAIL, "all " + std::to_string(size_) + " database connections stayed busy for " +
                                            std::to_string(wait_.count()) + " ms");
  ++leased_;
  if (!idle_.empty()) {
    std::unique_ptr<Connection> connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
  }
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<Connection>(conninfo_, statements_, statementTimeoutMs_));
  } catch (...) {
    lock.lock();
    --leased_;
    returned_.notify_one();
    throw;
  }
}

// A connection that broke (or, after a failed ROLLBACK, is still inside a
// transaction) is closed; its slot is free for a new one.
void ConnectionPool::giveBack(std::unique_ptr<Connection> connection) noexcept {
  std::unique_lock<std::mutex> lock(mutex_);
  --leased_;
  if (connection->reusable()) idle_.push_back(std::move(connection));
  returned_.notify_one();
  lock.unlock();
  connection.reset();
}

}  // namespace postamt::store_postgres
