#include "plugin/AuthInstance.h"

#include <openssl/crypto.h>

#include <cstddef>

#include "plugin/HostApi.h"
#include "plugin/PluginCall.h"
#include "plugin/PluginHost.h"

namespace postamt::plugin {
namespace {

// Calls an optional management function of the ABI with the mailbox view.
template <typename Fn, typename... Args>
AuthInstance::Result callOptional(Fn fn, void* instance, const tenant::Mailbox& user, Args... args) {
  if (fn == nullptr) return {POSTAMT_UNSUPPORTED, "the auth plugin does not offer this"};
  ErrorText error;
  const postamt_mailbox view = user.view();
  const postamt_status status = fn(instance, &view, args..., error.get());
  return {status, status == POSTAMT_OK ? std::string() : error.describe(status)};
}

}  // namespace

AuthInstance::AuthInstance(std::string name, const postamt_auth_api& api, const postamt_settings& settings)
    : name_(std::move(name)), api_(api) {
  ErrorText error;
  instance_ = api_.create(&hostApi(), &settings, error.get());
  if (instance_ == nullptr) throw PluginError("cannot create " + name_ + ": " + error.describe(POSTAMT_PERM_FAIL));
}

AuthInstance::~AuthInstance() { api_.destroy(instance_); }

AuthInstance::Result AuthInstance::verifyPassword(const tenant::Mailbox& user, std::string_view password) {
  const std::string terminated(password);
  return callOptional(api_.verify_password, instance_, user, terminated.c_str(), terminated.size());
}

AuthInstance::Result AuthInstance::lookup(const tenant::Mailbox& user) { return callOptional(api_.lookup, instance_, user); }

AuthInstance::Result AuthInstance::addUser(const tenant::Mailbox& user, const std::string& password) {
  return callOptional(api_.add_user, instance_, user, password.c_str());
}

AuthInstance::Result AuthInstance::setPassword(const tenant::Mailbox& user, const std::string& password) {
  return callOptional(api_.set_password, instance_, user, password.c_str());
}

AuthInstance::Result AuthInstance::setEnabled(const tenant::Mailbox& user, bool enabled) {
  return callOptional(api_.set_enabled, instance_, user, enabled ? 1 : 0);
}

AuthInstance::Result AuthInstance::deleteUser(const tenant::Mailbox& user) { return callOptional(api_.delete_user, instance_, user); }

AuthInstance::Result AuthInstance::fetchCredentials(const tenant::Mailbox& user, std::string& stored) {
  // A plugin built against ABI 1.1 has a shorter table: the field is not there to read.
  if (api_.size < offsetof(postamt_auth_api, fetch_credentials) + sizeof api_.fetch_credentials) {
    return {POSTAMT_UNSUPPORTED, "the auth plugin gives out no stored credentials"};
  }
  char out[1024] = {};  // zeroed: GCC at -O3 cannot see that the plugin writes it before it is read
  auto result = callOptional(api_.fetch_credentials, instance_, user, out, sizeof out);
  if (result.status == POSTAMT_OK) stored.assign(out);
  OPENSSL_cleanse(out, sizeof out);
  return result;
}

AuthInstance::Result AuthInstance::listUsers(std::int64_t tenantId,
                                             const std::function<void(const std::string&, bool)>& each) {
  if (api_.list_users == nullptr) return {POSTAMT_UNSUPPORTED, "this auth plugin cannot list users"};
  ErrorText error;
  struct Listing {
    const std::function<void(const std::string&, bool)>& each;
    bool failed = false;
  } listing{each};
  const postamt_status status = api_.list_users(
      instance_, tenantId,
      [](void* context, const char* address, int enabled) noexcept {
        auto& l = *static_cast<Listing*>(context);
        try {
          l.each(address, enabled != 0);
        } catch (...) {
          l.failed = true;  // exceptions must not cross back into the plugin
        }
      },
      &listing, error.get());
  if (listing.failed) return {POSTAMT_TEMP_FAIL, "listing users failed in the host"};
  return {status, status == POSTAMT_OK ? std::string() : error.describe(status)};
}

}  // namespace postamt::plugin
