#include "tenant/Directory.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/String.h>
#include <Poco/Tuple.h>

#include "tenant/DirectorySession.h"

using namespace Poco::Data::Keywords;

namespace postamt::tenant {
namespace {

using TenantRow = Poco::Tuple<std::int64_t, std::string, std::string, std::string>;

Tenant toTenant(const TenantRow& row) { return {row.get<0>(), row.get<1>(), row.get<2>(), row.get<3>()}; }

constexpr int kMaxSessions = 32;

const char* const kTenantColumns = "SELECT t.tenant_id, t.name, t.auth_instance, t.store_instance FROM tenants t ";

const std::string& registeredConnector(const std::string& connector) {
  Poco::Data::SQLite::Connector::registerConnector();
  Poco::Data::PostgreSQL::Connector::registerConnector();
  return connector;
}

}  // namespace

// Runs one unit of work on a pooled session (DirectorySession.h: errors become
// DirectoryError, sessions a restarted database dropped are replaced).
template <typename Work>
auto Directory::withSession(Work work) {
  return tenant::withSession(pool_, std::move(work));
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

// The id of the tenant called `name`; DirectoryError(NotFound) when there is none.
std::int64_t Directory::existingTenantId(Poco::Data::Session& session, const std::string& name) {
  const auto found = oneTenant(session, "WHERE t.name = ?", name);
  if (!found) throw DirectoryError(DirectoryError::Kind::NotFound, "no tenant " + name);
  return found->id;
}

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
    std::int64_t id = existingTenantId(s, name);
    std::size_t domainCount = 0;
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
    std::int64_t id = existingTenantId(s, tenantName);
    if (auto owner = oneTenant(s, "JOIN domains d ON d.tenant_id = t.tenant_id WHERE d.domain = ?", domain)) {
      throw DirectoryError(DirectoryError::Kind::Exists, "domain " + domain + " already belongs to tenant " + owner->name);
    }
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

std::vector<net::TenantCertificate> Directory::certificates() {
  return withSession([&](Poco::Data::Session& s) {
    std::vector<Poco::Tuple<std::string, std::string, std::string>> rows;
    s << sql("SELECT t.name, c.certificate_file, c.key_file FROM tenant_certificates c "
             "JOIN tenants t ON t.tenant_id = c.tenant_id ORDER BY t.name"),
        into(rows), now;
    std::vector<net::TenantCertificate> out;
    for (const auto& row : rows) out.push_back({row.get<0>(), {row.get<1>(), row.get<2>()}});
    return out;
  });
}

net::DomainOwners Directory::domainOwners() {
  return withSession([&](Poco::Data::Session& s) {
    // Every tenant's, with a certificate or not: a tenant without one still owns its names against the others'.
    std::vector<Poco::Tuple<std::string, std::string>> rows;
    s << sql("SELECT d.domain, t.name FROM domains d JOIN tenants t ON t.tenant_id = d.tenant_id"), into(rows), now;
    net::DomainOwners owners;
    for (const auto& row : rows) owners.add(row.get<0>(), row.get<1>());
    return owners;
  });
}

void Directory::setCertificate(const std::string& tenantName, const std::string& certificateFile, const std::string& keyFile) {
  withSession([&](Poco::Data::Session& s) {
    std::int64_t id = existingTenantId(s, tenantName);
    std::string certificate = certificateFile, key = keyFile;
    s << sql("INSERT INTO tenant_certificates (tenant_id, certificate_file, key_file) VALUES (?, ?, ?) "
             "ON CONFLICT (tenant_id) DO UPDATE SET certificate_file = excluded.certificate_file, key_file = excluded.key_file"),
        use(id), use(certificate), use(key), now;
  });
}

void Directory::removeCertificate(const std::string& tenantName) {
  withSession([&](Poco::Data::Session& s) {
    std::int64_t id = existingTenantId(s, tenantName);
    Poco::Data::Statement statement(s);
    statement << sql("DELETE FROM tenant_certificates WHERE tenant_id = ?"), use(id);
    if (statement.execute() == 0)
      throw DirectoryError(DirectoryError::Kind::NotFound, "tenant " + tenantName + " has no certificate");
  });
}

std::optional<auth::OAuthIssuer> Directory::oauthIssuer(std::int64_t tenantId) {
  return withSession([&](Poco::Data::Session& s) -> std::optional<auth::OAuthIssuer> {
    std::vector<Poco::Tuple<std::string, std::string, std::string, std::string>> rows;
    s << sql("SELECT issuer, audience, algorithm, key FROM tenant_oauth WHERE tenant_id = ?"), into(rows), use(tenantId), now;
    if (rows.empty()) return std::nullopt;
    const auto& row = rows.front();
    return auth::OAuthIssuer{row.get<0>(), row.get<1>(), row.get<2>(), row.get<3>()};
  });
}

void Directory::setOAuthIssuer(const std::string& tenantName, const std::optional<auth::OAuthIssuer>& issuer) {
  withSession([&](Poco::Data::Session& s) {
    std::int64_t id = existingTenantId(s, tenantName);
    // Replaced in one transaction: a login never finds the tenant's old issuer gone and the new one not yet there.
    inTransaction(s, [&] {
      s << sql("DELETE FROM tenant_oauth WHERE tenant_id = ?"), use(id), now;
      if (!issuer) return;
      auth::OAuthIssuer row = *issuer;
      s << sql("INSERT INTO tenant_oauth (tenant_id, issuer, audience, algorithm, key) VALUES (?, ?, ?, ?, ?)"), use(id),
          use(row.issuer), use(row.audience), use(row.algorithm), use(row.key), now;
    });
  });
}

}  // namespace postamt::tenant
