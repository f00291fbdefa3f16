#include "tenant/PolicyDirectory.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Tuple.h>

#include <chrono>
#include <vector>

#include "tenant/DirectorySession.h"

using namespace Poco::Data::Keywords;

namespace postamt::tenant {
namespace {

// Microseconds since the epoch, and always past the previous version: a
// tenant whose policy is replaced never gets a version a frontend has cached.
std::int64_t nextVersion(Poco::Data::Session& s, std::int64_t tenantId) {
  std::int64_t previous = 0;
  s << inDialect(s, "SELECT coalesce(max(version), 0) FROM policies WHERE tenant_id = ?"), into(previous), use(tenantId), now;
  const std::int64_t clock =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return std::max(previous + 1, clock);
}

}  // namespace

PolicyDirectory::PolicyDirectory(const std::string& connector, const std::string& connect)
    : pool_((Poco::Data::SQLite::Connector::registerConnector(), Poco::Data::PostgreSQL::Connector::registerConnector(), connector),
            connect, 1, 32, 60),
      loginTimes_([this](std::int64_t tenantId, const std::string& address) { return readLastLogin(tenantId, address); },
                  [this](const std::vector<LoginTimes::Login>& logins) { writeLogins(logins); }) {}

std::optional<std::int64_t> PolicyDirectory::version(std::int64_t tenantId) {
  return withSession(pool_, [&](Poco::Data::Session& s) -> std::optional<std::int64_t> {
    std::vector<std::int64_t> rows;
    s << inDialect(s, "SELECT version FROM policies WHERE tenant_id = ?"), into(rows), use(tenantId), now;
    if (rows.empty()) return std::nullopt;
    return rows.front();
  });
}

std::optional<PolicyDirectory::StoredPolicy> PolicyDirectory::policy(std::int64_t tenantId) {
  return withSession(pool_, [&](Poco::Data::Session& s) -> std::optional<StoredPolicy> {
    std::vector<Poco::Tuple<std::string, std::string, std::int64_t>> rows;
    s << inDialect(s, "SELECT instance, script, version FROM policies WHERE tenant_id = ?"), into(rows), use(tenantId), now;
    if (rows.empty()) return std::nullopt;
    StoredPolicy stored{rows.front().get<0>(), rows.front().get<1>(), rows.front().get<2>(), {}};
    std::vector<Poco::Tuple<std::string, std::string>> fallbacks;
    s << inDialect(s, "SELECT hook, mode FROM policy_fallbacks WHERE tenant_id = ?"), into(fallbacks), use(tenantId), now;
    for (const auto& row : fallbacks) stored.fallbacks[row.get<0>()] = row.get<1>();
    return stored;
  });
}

bool PolicyDirectory::anyPolicy() {
  return withSession(pool_, [&](Poco::Data::Session& s) {
    std::int64_t count = 0;
    s << "SELECT count(*) FROM (SELECT 1 FROM policies LIMIT 1) AS any_policy", into(count), now;
    return count > 0;
  });
}

std::int64_t PolicyDirectory::setPolicy(std::int64_t tenantId, const std::string& instance, const std::string& script) {
  return withSession(pool_, [&](Poco::Data::Session& s) {
    std::int64_t version = nextVersion(s, tenantId);
    std::string i = instance, text = script;
    // updated_at keeps the time the policy was first set; the version says when it last changed.
    s << inDialect(s, "INSERT INTO policies (tenant_id, instance, script, version) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT (tenant_id) DO UPDATE SET instance = excluded.instance, script = excluded.script, "
                      "version = excluded.version"),
        use(tenantId), use(i), use(text), use(version), now;
    return version;
  });
}

bool PolicyDirectory::removePolicy(std::int64_t tenantId) {
  return withSession(pool_, [&](Poco::Data::Session& s) {
    std::size_t removed = 0;
    inTransaction(s, [&] {
      s << inDialect(s, "DELETE FROM policy_fallbacks WHERE tenant_id = ?"), use(tenantId), now;
      Poco::Data::Statement statement(s);
      statement << inDialect(s, "DELETE FROM policies WHERE tenant_id = ?"), use(tenantId);
      removed = statement.execute();
    });
    return removed > 0;
  });
}

void PolicyDirectory::setFallback(std::int64_t tenantId, const std::string& hook, const std::string& mode) {
  withSession(pool_, [&](Poco::Data::Session& s) {
    std::string h = hook, m = mode;
    // The mode and the new version together: a frontend never caches a version without the mode it brought.
    inTransaction(s, [&] {
      s << inDialect(s, "INSERT INTO policy_fallbacks (tenant_id, hook, mode) VALUES (?, ?, ?) "
                        "ON CONFLICT (tenant_id, hook) DO UPDATE SET mode = excluded.mode"),
          use(tenantId), use(h), use(m), now;
      std::int64_t version = nextVersion(s, tenantId);
      s << inDialect(s, "UPDATE policies SET version = ? WHERE tenant_id = ?"), use(version), use(tenantId), now;
    });
  });
}

std::optional<std::int64_t> PolicyDirectory::lastLogin(std::int64_t tenantId, const std::string& address) {
  return loginTimes_.last(tenantId, address);
}

void PolicyDirectory::recordLogin(std::int64_t tenantId, const std::string& address, std::int64_t at) {
  loginTimes_.record(tenantId, address, at);
}

std::optional<std::int64_t> PolicyDirectory::readLastLogin(std::int64_t tenantId, const std::string& address) {
  return withSession(pool_, [&](Poco::Data::Session& s) -> std::optional<std::int64_t> {
    std::vector<std::int64_t> rows;
    std::string a = address;
    s << inDialect(s, "SELECT at FROM last_logins WHERE tenant_id = ? AND address = ?"), into(rows), use(tenantId), use(a), now;
    if (rows.empty()) return std::nullopt;
    return rows.front();
  });
}

void PolicyDirectory::writeLogins(const std::vector<LoginTimes::Login>& logins) {
  withSession(pool_, [&](Poco::Data::Session& s) {
    // No fsync for these (WAL): a power cut may lose the last few, which costs at most one login delay not enforced.
    if (!isPostgres(s)) s << "PRAGMA synchronous = NORMAL", now;
    // Bound as columns, the upsert is prepared once for the whole batch, not once per login.
    std::vector<std::int64_t> tenantIds, ats;
    std::vector<std::string> addresses;
    for (const LoginTimes::Login& login : logins) {
      tenantIds.push_back(login.tenantId);
      addresses.push_back(login.address);
      ats.push_back(login.at);
    }
    inTransaction(s, [&] {
      s << inDialect(s, "INSERT INTO last_logins (tenant_id, address, at) VALUES (?, ?, ?) "
                        "ON CONFLICT (tenant_id, address) DO UPDATE SET at = excluded.at"),
          use(tenantIds), use(addresses), use(ats), now;
    });
  });
}

}  // namespace postamt::tenant
