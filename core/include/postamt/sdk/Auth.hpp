// Authentication sources in C++: derive from Auth, then hand
// authApi<YourAuth>() to POSTAMT_PLUGIN (Plugin.hpp).
#ifndef POSTAMT_SDK_AUTH_HPP
#define POSTAMT_SDK_AUTH_HPP

#include <postamt/abi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include "postamt/sdk/Boundary.hpp"
#include "postamt/sdk/Error.hpp"
#include "postamt/sdk/Host.hpp"
#include "postamt/sdk/Instance.hpp"
#include "postamt/sdk/Mailbox.hpp"
#include "postamt/sdk/Settings.hpp"

namespace postamt::sdk {

// An authentication source. One instance serves every session, so every
// member must be thread-safe. Answers are return values (POSTAMT_OK, _DENIED,
// _NOT_FOUND, _EXISTS); failures throw Error (a database that is down:
// POSTAMT_TEMP_FAIL). The management functions are optional: those a class
// does not override answer POSTAMT_UNSUPPORTED.
class Auth {
 public:
  using UserFn = std::function<void(const std::string& address, bool enabled)>;

  virtual ~Auth() = default;

  // POSTAMT_OK, POSTAMT_DENIED (wrong password or disabled), POSTAMT_NOT_FOUND.
  virtual postamt_status verifyPassword(const Mailbox& user, std::string_view password) = 0;
  // POSTAMT_OK for an enabled user, POSTAMT_DENIED for a disabled one, POSTAMT_NOT_FOUND.
  virtual postamt_status lookup(const Mailbox& user) = 0;

  // POSTAMT_OK or POSTAMT_EXISTS.
  virtual postamt_status addUser(const Mailbox&, const std::string& /*password*/) { return POSTAMT_UNSUPPORTED; }
  // POSTAMT_OK or POSTAMT_NOT_FOUND, as are the two below.
  virtual postamt_status setPassword(const Mailbox&, const std::string& /*password*/) { return POSTAMT_UNSUPPORTED; }
  virtual postamt_status setEnabled(const Mailbox&, bool /*enabled*/) { return POSTAMT_UNSUPPORTED; }
  virtual postamt_status deleteUser(const Mailbox&) { return POSTAMT_UNSUPPORTED; }
  // Calls `each` per user of the tenant, ordered by address.
  virtual postamt_status listUsers(std::int64_t /*tenantId*/, const UserFn& /*each*/) { return POSTAMT_UNSUPPORTED; }
  // The stored password ("{SCHEME}...") of an enabled user into `stored`: POSTAMT_OK, POSTAMT_DENIED (disabled),
  // POSTAMT_NOT_FOUND. For SASL mechanisms that check a proof against it (SCRAM).
  virtual postamt_status fetchCredentials(const Mailbox&, std::string& /*stored*/) { return POSTAMT_UNSUPPORTED; }
};

namespace detail {

template <class T>
struct AuthAdapter : InstanceAdapter<Auth, T> {
  using InstanceAdapter<Auth, T>::self;

  static std::string text(const char* s) {
    if (s == nullptr) throw Error(POSTAMT_PERM_FAIL, "no password given");
    return s;
  }

  static postamt_status verifyPassword(void* instance, const postamt_mailbox* user, const char* password, std::size_t length,
                                       postamt_error* error) noexcept {
    return guarded(error,
                   [&] { return self(instance).verifyPassword(Mailbox::from(*user), std::string_view(password, length)); });
  }

  static postamt_status lookup(void* instance, const postamt_mailbox* user, postamt_error* error) noexcept {
    return guarded(error, [&] { return self(instance).lookup(Mailbox::from(*user)); });
  }

  static postamt_status addUser(void* instance, const postamt_mailbox* user, const char* password,
                                postamt_error* error) noexcept {
    return guarded(error, [&] { return self(instance).addUser(Mailbox::from(*user), text(password)); });
  }

  static postamt_status setPassword(void* instance, const postamt_mailbox* user, const char* password,
                                    postamt_error* error) noexcept {
    return guarded(error, [&] { return self(instance).setPassword(Mailbox::from(*user), text(password)); });
  }

  static postamt_status setEnabled(void* instance, const postamt_mailbox* user, int enabled, postamt_error* error) noexcept {
    return guarded(error, [&] { return self(instance).setEnabled(Mailbox::from(*user), enabled != 0); });
  }

  static postamt_status deleteUser(void* instance, const postamt_mailbox* user, postamt_error* error) noexcept {
    return guarded(error, [&] { return self(instance).deleteUser(Mailbox::from(*user)); });
  }

  static postamt_status listUsers(void* instance, std::int64_t tenantId, postamt_user_fn each, void* context,
                                  postamt_error* error) noexcept {
    return guarded(error, [&] {
      return self(instance).listUsers(tenantId,
                                      [&](const std::string& address, bool enabled) { each(context, address.c_str(), enabled); });
    });
  }

  static postamt_status fetchCredentials(void* instance, const postamt_mailbox* user, char* out, std::size_t capacity,
                                         postamt_error* error) noexcept {
    return guarded(error, [&] {
      std::string stored;
      const postamt_status status = self(instance).fetchCredentials(Mailbox::from(*user), stored);
      if (status != POSTAMT_OK) return status;
      if (stored.size() >= capacity) throw Error(POSTAMT_PERM_FAIL, "stored credentials longer than the host's buffer");
      stored.copy(out, stored.size());
      out[stored.size()] = '\0';
      return POSTAMT_OK;
    });
  }
};

}  // namespace detail

// The C table for auth class T, which derives from Auth and is constructible
// from (Host, const Settings&). One static table per T.
template <class T>
const postamt_auth_api* authApi() noexcept {
  using A = detail::AuthAdapter<T>;
  static const postamt_auth_api api = {
      sizeof(postamt_auth_api), &A::create,     &A::destroy,    &A::verifyPassword, &A::lookup, &A::addUser,
      &A::setPassword,          &A::setEnabled, &A::deleteUser, &A::listUsers,      &A::fetchCredentials};
  return &api;
}

}  // namespace postamt::sdk

#endif
