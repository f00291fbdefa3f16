// auth-sql: users in an SQL table (schemas/*/users) through Poco::Data.
// Settings: connector ("SQLite" or "PostgreSQL"), connect (required: for
// SQLite the database file, for PostgreSQL a libpq conninfo), password_scheme
// for new passwords ("SHA512-CRYPT"), pool_size (32: at most that many
// sessions at once; a login waits up to 5 s for one when all are out),
// password_query (optional: read users from a table of
// your own instead, read-only; see PasswordQuery.h), rehash_on_login
// ("false"; "true" stores a password that verified in another scheme again in
// password_scheme, so imported users move to it as they log in).
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "PasswordQuery.h"
#include "PreparedLookups.h"
#include "postamt/sdk/Auth.hpp"
#include "postamt/sdk/Plugin.hpp"
#include "postamt/sdk/PooledSession.hpp"

namespace postamt::auth_sql {
namespace {

using namespace Poco::Data::Keywords;
using Poco::Data::Session;
using Poco::Data::Statement;

const std::string kName = "auth-sql";

// All the SQL of one database flavour. Parameters are always bound in the
// order given, so a PostgreSQL flavour differs only in its $1, $2 placeholders
// and its session setup.
struct Flavour {
  std::string connector;
  char parameterMark;                     // of numbered parameters: ?1 or $1
  std::vector<std::string> sessionSetup;  // run on every new session
  std::string checkTable;
  std::string selectUser;      // tenant_id, address -> password, enabled
  std::string insertUser;      // tenant_id, address, password; no row when it exists
  std::string updatePassword;  // password, tenant_id, address
  std::string rehashPassword;  // password, tenant_id, address, the old password: no row when it changed meanwhile
  std::string updateEnabled;   // enabled, tenant_id, address
  std::string deleteUser;      // tenant_id, address
  std::string listUsers;       // tenant_id -> address, enabled
};

const Flavour kSqlite = {
    "SQLite",
    '?',
    // WAL and a busy timeout: concurrent writers wait a few seconds instead of
    // failing at once with "database is locked".
    {"PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON"},
    "SELECT COUNT(*) FROM users WHERE 1 = 0",
    "SELECT password, enabled FROM users WHERE tenant_id = ? AND address = ?",
    "INSERT INTO users (tenant_id, address, password, enabled) VALUES (?, ?, ?, 1) ON CONFLICT DO NOTHING",
    "UPDATE users SET password = ? WHERE tenant_id = ? AND address = ?",
    "UPDATE users SET password = ? WHERE tenant_id = ? AND address = ? AND password = ?",
    "UPDATE users SET enabled = ? WHERE tenant_id = ? AND address = ?",
    "DELETE FROM users WHERE tenant_id = ? AND address = ?",
    "SELECT address, enabled FROM users WHERE tenant_id = ? ORDER BY address",
};

// schemas/postgres keeps `enabled` as a boolean; the code reads and binds it as 0 or 1.
const Flavour kPostgres = {
    "PostgreSQL",
    '$',
    {},
    "SELECT COUNT(*) FROM users WHERE 1 = 0",
    "SELECT password, enabled::int FROM users WHERE tenant_id = $1 AND address = $2",
    "INSERT INTO users (tenant_id, address, password, enabled) VALUES ($1, $2, $3, true) ON CONFLICT DO NOTHING",
    "UPDATE users SET password = $1 WHERE tenant_id = $2 AND address = $3",
    "UPDATE users SET password = $1 WHERE tenant_id = $2 AND address = $3 AND password = $4",
    "UPDATE users SET enabled = ($1 <> 0) WHERE tenant_id = $2 AND address = $3",
    "DELETE FROM users WHERE tenant_id = $1 AND address = $2",
    "SELECT address, enabled::int FROM users WHERE tenant_id = $1 ORDER BY address",
};

const Flavour& flavourFor(const std::string& connector) {
  if (connector == kSqlite.connector) return kSqlite;
  if (connector == kPostgres.connector) return kPostgres;
  throw sdk::Error(POSTAMT_PERM_FAIL, "connector '" + connector + "' is not supported (known: SQLite, PostgreSQL)");
}

// Keeps the Poco::Data connector registered for as long as an instance lives;
// Poco counts registrations, so the host and other instances keep theirs.
class ConnectorRegistration {
 public:
  ConnectorRegistration() {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::PostgreSQL::Connector::registerConnector();
  }
  ~ConnectorRegistration() {
    Poco::Data::PostgreSQL::Connector::unregisterConnector();
    Poco::Data::SQLite::Connector::unregisterConnector();
  }
  ConnectorRegistration(const ConnectorRegistration&) = delete;
  ConnectorRegistration& operator=(const ConnectorRegistration&) = delete;
};

// A session pool that prepares each new session as its flavour needs.
class FlavouredPool : public Poco::Data::SessionPool {
 public:
  FlavouredPool(const Flavour& flavour, const std::string& connect, int maxSessions)
      : SessionPool(flavour.connector, connect, 1, maxSessions), flavour_(flavour) {}

 protected:
  void customizeSession(Session& session) override {
    for (const std::string& sql : flavour_.sessionSetup) session << sql, now;
  }

 private:
  const Flavour& flavour_;
};

// Thread-safe: every unit of work takes its own session from the pool.
class SqlAuth : public sdk::Auth {
 public:
  SqlAuth(sdk::Host host, const sdk::Settings& settings)
      : host_(host),
        flavour_(flavourFor(settings.get("connector", "SQLite"))),
        scheme_(settings.get("password_scheme", "SHA512-CRYPT")),
        rehashOnLogin_(flag(settings, "rehash_on_login")),
        pool_(flavour_, settings.get("connect"), poolSize(settings)) {
    if (settings.has("password_query")) {
      query_.emplace(settings.get("password_query"), flavour_.parameterMark);
      try {
        find(sdk::Mailbox{});  // runs it once: a typo or a missing table fails now, not at the first login
      } catch (const sdk::Error& e) {
        throw sdk::Error(POSTAMT_PERM_FAIL, "setting 'password_query' does not run: " + std::string(e.what()));
      }
      return;
    }
    checkScheme();
    try {
      Session session(pool_.get());
      session << flavour_.checkTable, now;
    } catch (const Poco::Exception& e) {
      throw sdk::Error(POSTAMT_PERM_FAIL,
                       "no users table in '" + settings.get("connect") + "' (run postamtctl db init): " + e.displayText());
    }
  }

  postamt_status verifyPassword(const sdk::Mailbox& user, std::string_view password) override {
    std::optional<User> found = find(user);
    if (!found) return POSTAMT_NOT_FOUND;
    postamt_status check = host_.verifyPassword(found->password, password);
    if (check == POSTAMT_UNSUPPORTED) {
      host_.log(POSTAMT_LOG_WARNING, kName, "the stored password of " + user.address + " uses an unknown scheme");
      return POSTAMT_DENIED;
    }
    if (check != POSTAMT_OK) return check;
    if (!found->enabled) return POSTAMT_DENIED;
    // A password_query's table belongs to someone else: it is never written.
    if (rehashOnLogin_ && !query_ && !storedIn(found->password, scheme_)) rehash(user, found->password, password);
    return POSTAMT_OK;
  }

  postamt_status lookup(const sdk::Mailbox& user) override {
    std::optional<User> found = find(user);
    if (!found) return POSTAMT_NOT_FOUND;
    return found->enabled ? POSTAMT_OK : POSTAMT_DENIED;
  }

  postamt_status fetchCredentials(const sdk::Mailbox& user, std::string& stored) override {
    std::optional<User> found = find(user);
    if (!found) return POSTAMT_NOT_FOUND;
    if (!found->enabled) return POSTAMT_DENIED;
    stored = std::move(found->password);
    return POSTAMT_OK;
  }

  postamt_status addUser(const sdk::Mailbox& user, const std::string& password) override {
    refuseManagingQueriedUsers();
    std::string hash = host_.hashPassword(password, scheme_);
    return rowsChanged(flavour_.insertUser, Poco::Int64(user.tenantId), user.address, hash) ? POSTAMT_OK : POSTAMT_EXISTS;
  }

  postamt_status setPassword(const sdk::Mailbox& user, const std::string& password) override {
    refuseManagingQueriedUsers();
    std::string hash = host_.hashPassword(password, scheme_);
    return rowsChanged(flavour_.updatePassword, hash, Poco::Int64(user.tenantId), user.address) ? POSTAMT_OK : POSTAMT_NOT_FOUND;
  }

  postamt_status setEnabled(const sdk::Mailbox& user, bool enabled) override {
    refuseManagingQueriedUsers();
    return rowsChanged(flavour_.updateEnabled, enabled ? 1 : 0, Poco::Int64(user.tenantId), user.address) ? POSTAMT_OK
                                                                                                          : POSTAMT_NOT_FOUND;
  }

  postamt_status deleteUser(const sdk::Mailbox& user) override {
    refuseManagingQueriedUsers();
    return rowsChanged(flavour_.deleteUser, Poco::Int64(user.tenantId), user.address) ? POSTAMT_OK : POSTAMT_NOT_FOUND;
  }

  // Reads the whole list first, so a slow caller does not hold a session.
  postamt_status listUsers(std::int64_t tenant, const UserFn& each) override {
    refuseManagingQueriedUsers();
    std::vector<std::string> addresses;
    std::vector<int> enabled;
    withSession([&](Session& session) {
      Poco::Int64 tenantId = tenant;
      session << flavour_.listUsers, into(addresses), into(enabled), use(tenantId), now;
    });
    for (std::size_t i = 0; i < addresses.size(); ++i) each(addresses[i], enabled[i] != 0);
    return POSTAMT_OK;
  }

 private:
  using User = StoredUser;

  static int poolSize(const sdk::Settings& settings) {
    std::int64_t size = settings.getInt("pool_size", 32);
    if (size < 1 || size > 4096) throw sdk::Error(POSTAMT_PERM_FAIL, "setting 'pool_size' must be between 1 and 4096");
    return static_cast<int>(size);
  }

  static bool flag(const sdk::Settings& settings, const std::string& key) {
    const std::string value = settings.get(key, "false");
    if (value != "true" && value != "false") throw sdk::Error(POSTAMT_PERM_FAIL, "setting '" + key + "' must be true or false");
    return value == "true";
  }

  // Whether `stored` ("{SCHEME}...") is in `scheme`; names compare case-insensitively, as in Dovecot.
  static bool storedIn(const std::string& stored, const std::string& scheme) {
    if (stored.size() < scheme.size() + 2 || stored[0] != '{' || stored[scheme.size() + 1] != '}') return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
      if (std::toupper(static_cast<unsigned char>(stored[i + 1])) != std::toupper(static_cast<unsigned char>(scheme[i])))
        return false;
    return true;
  }

  // The login goes on whatever happens here: a failed rehash only leaves the old hash, which still verifies.
  void rehash(const sdk::Mailbox& user, const std::string& oldHash, std::string_view password) {
    try {
      const std::string hash = host_.hashPassword(password, scheme_);
      if (rowsChanged(flavour_.rehashPassword, hash, Poco::Int64(user.tenantId), user.address, oldHash))
        host_.log(POSTAMT_LOG_INFO, kName, "stored the password of " + user.address + " again as " + scheme_);
    } catch (const sdk::Error& e) {
      host_.log(POSTAMT_LOG_WARNING, kName, "could not rehash the password of " + user.address + ": " + e.what());
    }
  }

  // A scheme the host cannot hash is a configuration error: report it now, not at the first add_user.
  void checkScheme() const {
    try {
      host_.hashPassword("", scheme_);
    } catch (const sdk::Error& e) {
      throw sdk::Error(POSTAMT_PERM_FAIL, "setting 'password_scheme': " + std::string(e.what()));
    }
  }

  // Runs one unit of work on a pooled session; a database failure is
  // temporary. A pooled session the server dropped while it sat idle (a
  // database restart) fails its first statement and is then disconnected: the
  // work moves on to another session, at most once per session of the pool.
  template <class Work>
  auto withSession(Work&& work) -> decltype(work(std::declval<Session&>())) {
    for (int attempt = 0;; ++attempt) {
      try {
        Session session = sdk::pooledSession(pool_);
        try {
          return work(session);
        } catch (const Poco::Exception&) {
          if (session.isConnected() || attempt >= pool_.capacity()) throw;
        }
      } catch (const Poco::Exception& e) {
        throw sdk::Error(POSTAMT_TEMP_FAIL, "user database: " + e.displayText());
      }
    }
  }

  // The users of a password_query belong to whatever manages that table.
  void refuseManagingQueriedUsers() const {
    if (query_)
      throw sdk::Error(POSTAMT_UNSUPPORTED,
                       "this auth instance reads its users through password_query; manage them where that table is managed");
  }

  std::optional<User> find(const sdk::Mailbox& user) {
    if (query_) return findByQuery(user);
    if (LookupAnswer prepared = lookups_ ? lookups_->find(user.tenantId, user.address) : std::nullopt) return *prepared;
    return withSession([&](Session& session) -> std::optional<User> {
      Poco::Int64 tenantId = user.tenantId;
      std::string address = user.address;
      std::vector<std::string> passwords;
      std::vector<int> enabled;
      session << flavour_.selectUser, into(passwords), into(enabled), use(tenantId), use(address), now;
      if (passwords.empty()) return std::nullopt;
      return User{passwords.front(), enabled.front() != 0};
    });
  }

  std::optional<User> findByQuery(const sdk::Mailbox& user) {
    return withSession([&](Session& session) -> std::optional<User> {
      std::vector<std::string> values = query_->values(user);  // bound by reference: alive until execute()
      Statement statement(session);
      statement << query_->sql();
      for (std::string& value : values) statement, use(value);
      statement.execute();
      Poco::Data::RecordSet rows(statement);
      if (rows.rowCount() == 0) return std::nullopt;
      if (rows.rowCount() > 1)
        throw sdk::Error(POSTAMT_PERM_FAIL, "password_query found " + std::to_string(rows.rowCount()) + " users for " +
                                                user.address + "; it must find at most one");
      const bool enabled = rows.columnCount() < 2 || isEnabledFlag(rows.value(1, 0).convert<std::string>());
      return User{rows.value(0, 0).convert<std::string>(), enabled};
    });
  }

  // Runs an INSERT, UPDATE or DELETE with `values` bound in order; whether it changed a row.
  template <class... Values>
  bool rowsChanged(const std::string& sql, Values... values) {
    return withSession([&](Session& session) {
      Statement statement(session);
      (statement << sql, ..., use(values));
      return statement.execute() != 0;
    });
  }

  sdk::Host host_;
  const Flavour& flavour_;
  const std::string scheme_;
  const bool rehashOnLogin_;
  ConnectorRegistration registration_;  // outlives the pool
  FlavouredPool pool_;
  // After pool_: its sessions come from there. SQLite only: Poco 1.11's PostgreSQL connector frees twice the result
  // of a statement that fails when executed again, so a database that goes away would crash postamtd.
  std::optional<PreparedLookups> lookups_ =
      &flavour_ == &kSqlite ? std::make_optional<PreparedLookups>(pool_, flavour_.selectUser) : std::nullopt;
  std::optional<PasswordQuery> query_;
};

}  // namespace
}  // namespace postamt::auth_sql

POSTAMT_PLUGIN("auth-sql", POSTAMT_PLUGIN_VERSION, nullptr, postamt::sdk::authApi<postamt::auth_sql::SqlAuth>())
