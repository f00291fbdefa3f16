#pragma once

#include <Poco/Data/SessionPool.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tenant/LoginTimes.h"

namespace postamt::tenant {

// The tenants' policies as the directory database keeps them (schemas/sqlite/
// 003_policies.sql), so every frontend runs the same script: the script and
// the policy instance that runs it, each hook's fallback, and when each user
// last logged in. Thread-safe; every call reads or writes the database, except
// that logins are written behind, a second's worth at a time (LoginTimes).
class PolicyDirectory {
 public:
  PolicyDirectory(const std::string& connector, const std::string& connect);

  struct StoredPolicy {
    std::string instance;  // "policy.main"
    std::string script;
    std::int64_t version = 0;
    std::map<std::string, std::string> fallbacks;  // hook -> "open" or "closed"
  };
  // The cheap question a frontend asks at most once a second per tenant.
  std::optional<std::int64_t> version(std::int64_t tenantId);
  std::optional<StoredPolicy> policy(std::int64_t tenantId);
  bool anyPolicy();
  // Stores the script under a version the tenant has never had.
  std::int64_t setPolicy(std::int64_t tenantId, const std::string& instance, const std::string& script);
  // Removes the script and its fallbacks; false when the tenant had none.
  bool removePolicy(std::int64_t tenantId);
  // A new version too, so frontends pick the change up with the script.
  void setFallback(std::int64_t tenantId, const std::string& hook, const std::string& mode);

  std::optional<std::int64_t> lastLogin(std::int64_t tenantId, const std::string& address);
  void recordLogin(std::int64_t tenantId, const std::string& address, std::int64_t at);

 private:
  std::optional<std::int64_t> readLastLogin(std::int64_t tenantId, const std::string& address);
  void writeLogins(const std::vector<LoginTimes::Login>& logins);

  Poco::Data::SessionPool pool_;
  LoginTimes loginTimes_;  // after pool_: writes what is pending with it as it goes
};

}  // namespace postamt::tenant
