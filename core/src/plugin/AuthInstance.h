#pragma once

#include <postamt/abi.h>

#include <functional>
#include <string>
#include <string_view>

#include "tenant/Mailbox.h"

namespace postamt::plugin {

// A named auth instance ("auth.main") created from an auth plugin. Shared by
// all sessions; the plugin is thread-safe by contract (abi.h).
class AuthInstance {
 public:
  AuthInstance(std::string name, const postamt_auth_api& api, const postamt_settings& settings);  // throws PluginError
  ~AuthInstance();
  AuthInstance(const AuthInstance&) = delete;
  AuthInstance& operator=(const AuthInstance&) = delete;

  struct Result {
    postamt_status status = POSTAMT_PERM_FAIL;
    std::string error;  // for the log; never holds the password
  };
  Result verifyPassword(const tenant::Mailbox& user, std::string_view password);
  Result lookup(const tenant::Mailbox& user);
  // Management; POSTAMT_UNSUPPORTED when the plugin is read-only.
  Result addUser(const tenant::Mailbox& user, const std::string& password);
  Result setPassword(const tenant::Mailbox& user, const std::string& password);
  Result setEnabled(const tenant::Mailbox& user, bool enabled);
  Result deleteUser(const tenant::Mailbox& user);
  // The user's stored "{SCHEME}..." secret; POSTAMT_UNSUPPORTED when the plugin gives none out (ABI < 1.2).
  Result fetchCredentials(const tenant::Mailbox& user, std::string& stored);
  Result listUsers(std::int64_t tenantId, const std::function<void(const std::string& address, bool enabled)>& each);

  const std::string& name() const { return name_; }

 private:
  std::string name_;
  const postamt_auth_api& api_;
  void* instance_ = nullptr;
};

}  // namespace postamt::plugin
