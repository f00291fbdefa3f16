#include "tenant/Directory.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/String.h>
#include <Poco/Tuple.h>

using namespace Poco::Data::Keywords;

namespace postamt::tenant {
namespace {

using TenantRow = Poco::Tuple<std::int64_t, std::string, std::string, std::string>;

Tenant toTenant(const TenantRow& row) { return {row.get<0>(), row.get<1>(), row.get<2>(), row.get<3>()}; }

constexpr int kMaxSessions = 32;

const char* const kTenantColumns = "SELECT t.tenant_id, t.name, t.auth_instance, t.store_instance FROM tenants t ";

// PostgreSQL numbers its placeholders ($1, $2 ...; TOOLCHAIN pitfall 14); the
// statements here are written with SQLite's `?`, none of them inside a literal.
std::string numberedPlaceholders(const std::string& sql) {
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

const std::string& registeredConnector(const std::string& connector) {
  Poco::Data::SQLite::Connector::registerConnector();
  Poco::Data::PostgreSQL::Connector::registerConnector();
  return connector;
}

}  // namespace

// Runs one unit of work on a pooled session; database trouble becomes
// DirectoryError::Unavailable so callers answer [SYS/TEMP], not crash. A
// pooled session the server dropped while it sat idle (a database restart)
// fails its first statement and is then disconnected: the work moves on to
// another session, at most once per session the pool can hold.
template <typename Work>
auto Directory::withSession(Work work) {
  for (int attempt = 0;; ++attempt) {
    try {
      Poco::Data::Session session(pool_.get());
      try {
        if (!postgres_) {
          session.setProperty("connectionTimeout", std::size_t(5));  // seconds a writer waits for SQLite's lock
          session << "PRAGMA foreign_keys = ON", now;
        }
        return work(session);
      } catch (const Poco::Exception&) {
        if (session.isConnected() || attempt >= kMaxSessions) throw;
      }
    } catch (const DirectoryError&) {
      throw;
    } catch (const Poco::Exception& e) {
      throw DirectoryError(DirectoryError::Kind::Unavailable, "directory database: " + e.displayText());
    }
  }
}

std::string Directory::sql(const std::string& text) const { return postgres_ ? numberedPlaceholders(text) : text; }

std::optional<Tenant> Directory::oneTenant(Poco::Data::Session& session, const std::string& where, std::string key) {
  std::vector<TenantRow> rows;
  session << sql(kTenantColumns + where), into(rows), useRef(key), now;
  if (rows.empty()) return std::nullopt;
  return toTenant(rows.front());
}

Directory::Directory(const std::string& connector, const std::string& connect)
    : pool_(registeredConnector(connector), connect, 1, kMaxSessions, 60), postgres_(Poco::icompare(connector, "PostgreSQL") == 0) {}

std::optional<Tenant> Directory::tenantForDomain(const std::string& domain) {
  return withSession([&](Poco::Data::Session& s) {
    return oneTenant(s, "JOIN domains d ON d.tenant_id = t.tenant_id WHERE d.domain = ?", domain);
  });
}

std::optional<Tenant> Directory::tenant(const std::string& name) {
  return withSession([&](Poco::Data::Session& s) { return oneTenant(s, "WHERE t.name = ?", name); });
}

std::vector<Tenant> Directory::tenants() {
  return withSession([&](Poco::Data::Session& s) {
    std::vector<TenantRow> rows;
    s << std::string(kTenantColumns) + "ORDER BY t.name", into(rows), now;
    std::vector<Tenant> out;
    for (const auto& row : rows) out.push_back(toTenant(row));
    return out;
  });
}

std::vector<std::string> Directory::domains(std::int64_t tenantId) {
  return withSession([&](Poco::Data::Session& s) {
    std::vector<std::string> out;
    s << sql("SELECT domain FROM domains WHERE tenant_id = ? ORDER BY domain"), into(out), use(tenantId), now;
    return out;
  });
}

Tenant Directory::addTenant(const std::string& name, const std::string& authInstance, const std::string& storeInstance) {
  return withSession([&](Poco::Data::Session& s) {
    if (oneTenant(s, "WHERE t.name = ?", name)) throw DirectoryError(DirectoryError::Kind::Exists, "tenant " + name + " exists");
    std::string n = name, a = authInstance, st = storeInstance;
    s << sql("INSERT INTO tenants (name, auth_instance, store_instance) VALUES (?, ?, ?)"), use(n), use(a), use(st), now;
    return *oneTenant(s, "WHERE t.name = ?", name);
  });
}

void Directory::deleteTenant(const std::string& name) {
  withSession([&](Poco::Data::Session& s) {
    const auto found = oneTenant(s, "WHERE t.name = ?", name);
    if (!found) throw DirectoryError(DirectoryError::Kind::NotFound, "no tenant " + name);
    std::size_t domainCount = 0;
    std::int64_t id = found->id;
    s << sql("SELECT count(*) FROM domains WHERE tenant_id = ?"), into(domainCount), use(id), now;
    if (domainCount > 0) {
      throw DirectoryError(DirectoryError::Kind::InUse,
                           "tenant " + name + " still owns " + std::to_string(domainCount) + " domain(s); delete them first");
    }
    s << sql("DELETE FROM tenants WHERE tenant_id = ?"), use(id), now;
  });
}

void Directory::addDomain(const std::string& domain, const std::string& tenantName) {
  withSession([&](Poco::Data::Session& s) {
    const auto found = oneTenant(s, "WHERE t.name = ?", tenantName);
    if (!found) throw DirectoryError(DirectoryError::Kind::NotFound, "no tenant " + tenantName);
    if (auto owner = oneTenant(s, "JOIN domains d ON d.tenant_id = t.tenant_id WHERE d.domain = ?", domain)) {
      throw DirectoryError(DirectoryError::Kind::Exists, "domain " + domain + " already belongs to tenant " + owner->name);
    }
    std::int64_t id = found->id;
    std::string d = domain;
    s << sql("INSERT INTO domains (tenant_id, domain) VALUES (?, ?)"), use(id), use(d), now;
  });
}

void Directory::deleteDomain(const std::string& domain) {
  withSession([&](Poco::Data::Session& s) {
    std::string d = domain;
    Poco::Data::Statement statement(s);
    statement << sql("DELETE FROM domains WHERE domain = ?"), use(d);
    if (statement.execute() == 0) throw DirectoryError(DirectoryError::Kind::NotFound, "no domain " + domain);
  });
}

}  // namespace postamt::tenant
