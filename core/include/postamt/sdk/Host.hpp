// The services postamtd offers a plugin.
#ifndef POSTAMT_SDK_HOST_HPP
#define POSTAMT_SDK_HOST_HPP

#include <postamt/abi.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "postamt/sdk/Error.hpp"

namespace postamt::sdk {

// A thin, copyable view of postamt_host_api. Thread-safe; valid as long as the
// instance it was given to. Failures throw Error with the host's own status
// (POSTAMT_UNSUPPORTED when the host is too old to offer a function).
class Host {
 public:
  explicit Host(const postamt_host_api* api) : api_(api) {
    if (api_ == nullptr) throw Error(POSTAMT_PERM_FAIL, "no host api");
  }

  // Never pass a password here.
  void log(postamt_log_level level, const std::string& source, const std::string& message) const noexcept {
    if (offers(offsetof(postamt_host_api, log) + sizeof api_->log) && api_->log != nullptr)
      api_->log(level, source.c_str(), message.c_str());
  }

  // POSTAMT_OK on a match, POSTAMT_DENIED on a mismatch, POSTAMT_UNSUPPORTED
  // for a scheme the host does not know. `stored` is "{SCHEME}hash".
  postamt_status verifyPassword(const std::string& stored, std::string_view password) const {
    if (!offers(offsetof(postamt_host_api, verify_password) + sizeof api_->verify_password) || api_->verify_password == nullptr)
      throw Error(POSTAMT_UNSUPPORTED, "host offers no verify_password");
    return api_->verify_password(stored.c_str(), password.data(), password.size());
  }

  // "{SCHEME}hash" of `password`; an empty scheme means the host's default.
  std::string hashPassword(std::string_view password, const std::string& scheme = std::string()) const {
    if (!offers(offsetof(postamt_host_api, hash_password) + sizeof api_->hash_password) || api_->hash_password == nullptr)
      throw Error(POSTAMT_UNSUPPORTED, "host offers no hash_password");
    char out[1024];
    char text[256] = "";
    postamt_error error{text, sizeof text};
    postamt_status status =
        api_->hash_password(scheme.empty() ? nullptr : scheme.c_str(), password.data(), password.size(), out, sizeof out, &error);
    if (status != POSTAMT_OK) throw Error(status, std::string("hashing a password failed: ") + text);
    return out;
  }

 private:
  // Whether the host's struct is long enough to hold a field ending at `end`.
  bool offers(std::size_t end) const noexcept { return api_->size >= end; }

  const postamt_host_api* api_;
};

}  // namespace postamt::sdk

#endif
