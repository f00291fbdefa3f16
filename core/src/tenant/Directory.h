#pragma once

#include <Poco/Data/SessionPool.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth/OAuthToken.h"
#include "net/ServerContext.h"
#include "net/ServerNames.h"

namespace postamt::tenant {

struct Tenant {
  std::int64_t id = 0;
  std::string name;
  std::string authInstance;   // "auth.main": a plugin instance declared in the config
  std::string storeInstance;  // "store.main"
};

class DirectoryError : public std::runtime_error {
 public:
  enum class Kind { Unavailable, NotFound, Exists, InUse };
  DirectoryError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// The tenant directory: which tenant owns a domain and which plugin instances
// it uses. Lives in the database so every frontend and postamtctl see the
// same. Thread-safe; every call reads the database, so changes made by
// postamtctl apply to the next call (MailboxResolver remembers domains for a second).
class Directory {
 public:
  // connector: "SQLite" (connect: the file) or "PostgreSQL" (connect: a libpq conninfo).
  Directory(const std::string& connector, const std::string& connect);

  std::optional<Tenant> tenantForDomain(const std::string& domain);
  std::optional<Tenant> tenant(const std::string& name);
  std::vector<Tenant> tenants();
  std::vector<std::string> domains(std::int64_t tenantId);

  Tenant addTenant(const std::string& name, const std::string& authInstance, const std::string& storeInstance);
  void deleteTenant(const std::string& name);  // refused while it still owns domains
  void addDomain(const std::string& domain, const std::string& tenantName);
  void deleteDomain(const std::string& domain);

  // Every tenant's own TLS certificate.
  std::vector<net::TenantCertificate> certificates();
  // Which tenant every domain belongs to, for the certificates' names.
  net::DomainOwners domainOwners();
  void setCertificate(const std::string& tenantName, const std::string& certificateFile, const std::string& keyFile);
  void removeCertificate(const std::string& tenantName);
  // The identity provider whose JWTs the tenant's users may log in with (OAUTHBEARER, XOAUTH2), if any.
  std::optional<auth::OAuthIssuer> oauthIssuer(std::int64_t tenantId);
  // Sets it, or with nothing removes it.
  void setOAuthIssuer(const std::string& tenantName, const std::optional<auth::OAuthIssuer>& issuer);

 private:
  template <typename Work>
  auto withSession(Work work);
  std::string sql(const std::string& text) const;  // in this database's placeholder style
  std::optional<Tenant> oneTenant(Poco::Data::Session& session, const std::string& where, std::string key);
  std::int64_t existingTenantId(Poco::Data::Session& session, const std::string& name);

  Poco::Data::SessionPool pool_;
  const bool postgres_;
};

}  // namespace postamt::tenant
