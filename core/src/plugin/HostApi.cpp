#include "plugin/HostApi.h"

#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "auth/ConcurrencyGate.h"
#include "auth/PasswordHash.h"
#include "auth/VerifiedPasswords.h"
#include "config/LogFields.h"
#include "sasl/StoredNotation.h"

namespace postamt::plugin {
namespace {

std::mutex defaultSchemeMutex;
std::string defaultScheme = "SHA512-CRYPT";

std::string currentDefaultScheme() {
  std::lock_guard<std::mutex> lock(defaultSchemeMutex);
  return defaultScheme;
}

void writeError(postamt_error* error, std::string_view text) noexcept {
  if (error == nullptr || error->text == nullptr || error->capacity == 0) return;
  std::size_t length = std::min(text.size(), error->capacity - 1);
  std::memcpy(error->text, text.data(), length);
  error->text[length] = '\0';
}

Poco::Message::Priority priorityOf(postamt_log_level level) {
  switch (level) {
    case POSTAMT_LOG_ERROR:
      return Poco::Message::PRIO_ERROR;
    case POSTAMT_LOG_WARNING:
      return Poco::Message::PRIO_WARNING;
    case POSTAMT_LOG_INFO:
      return Poco::Message::PRIO_INFORMATION;
    case POSTAMT_LOG_DEBUG:
      return Poco::Message::PRIO_DEBUG;
  }
  return Poco::Message::PRIO_INFORMATION;
}

void log(postamt_log_level level, const char* source, const char* message) noexcept {
  try {
    Poco::Logger& logger = Poco::Logger::get(source != nullptr && *source != '\0' ? source : "plugin");
    logger.log(Poco::Message(logger.name(), message != nullptr ? message : "", priorityOf(level)));
  } catch (...) {
    // A failing log channel must not fail the plugin's operation.
  }
}

postamt_status verifyPassword(const char* stored, const char* password, size_t passwordLength) noexcept {
  if (stored == nullptr || (password == nullptr && passwordLength != 0)) return POSTAMT_DENIED;
  try {
    const std::string_view given(password != nullptr ? password : "", passwordLength);
    if (auth::verifiedPasswords().contains(stored, given)) return POSTAMT_OK;
    std::optional<auth::ConcurrencyGate::Pass> pass;
    if (auth::isDeliberatelySlow(stored)) pass.emplace(auth::slowHashGate());
    switch (auth::verifyPassword(stored, given)) {
      case auth::PasswordCheck::Match:
        auth::verifiedPasswords().remember(stored, given);
        return POSTAMT_OK;
      case auth::PasswordCheck::Mismatch:
        return POSTAMT_DENIED;
      case auth::PasswordCheck::Malformed:
        // The host is not told whose it is; the scheme narrows the search, and the plugin's failure line follows.
        Poco::Logger::get("auth").warning("a stored password hash is malformed; the login is denied: scheme=" +
                                          config::fieldValue(sasl::storedScheme(stored).value_or("(no closing brace)")));
        return POSTAMT_DENIED;
      case auth::PasswordCheck::UnknownScheme:
        return POSTAMT_UNSUPPORTED;
    }
    return POSTAMT_DENIED;
  } catch (...) {
    return POSTAMT_TEMP_FAIL;  // out of memory: the same password may verify on retry
  }
}

postamt_status hashPassword(const char* scheme, const char* password, size_t passwordLength, char* out, size_t outCapacity,
                            postamt_error* error) noexcept {
  try {
    if (password == nullptr && passwordLength != 0) throw std::invalid_argument("no password given");
    // A rehash is to the tenant's preferred scheme, nearly always a slow one: gating the few fast ones costs little.
    const auth::ConcurrencyGate::Pass pass(auth::slowHashGate());
    std::string hash = auth::hashPassword(scheme != nullptr ? std::string(scheme) : currentDefaultScheme(),
                                          std::string_view(password != nullptr ? password : "", passwordLength));
    if (out == nullptr || hash.size() >= outCapacity) {
      writeError(error, "the output buffer is too small for the hash (" + std::to_string(hash.size() + 1) + " bytes needed)");
      return POSTAMT_PERM_FAIL;
    }
    std::memcpy(out, hash.c_str(), hash.size() + 1);
    return POSTAMT_OK;
  } catch (const auth::UnknownScheme& e) {
    writeError(error, e.what());
    return POSTAMT_UNSUPPORTED;
  } catch (const std::invalid_argument& e) {
    writeError(error, e.what());
    return POSTAMT_PERM_FAIL;
  } catch (const std::exception& e) {
    writeError(error, e.what());
    return POSTAMT_TEMP_FAIL;
  } catch (...) {
    writeError(error, "unknown error while hashing");
    return POSTAMT_TEMP_FAIL;
  }
}

const postamt_host_api kHostApi = {sizeof(postamt_host_api), &log, &verifyPassword, &hashPassword};

}  // namespace

const postamt_host_api& hostApi() { return kHostApi; }

void setDefaultPasswordScheme(const std::string& scheme) {
  if (!auth::canHash(scheme)) throw std::invalid_argument("'" + scheme + "' cannot be used to hash new passwords");
  std::lock_guard<std::mutex> lock(defaultSchemeMutex);
  defaultScheme = scheme;
}

}  // namespace postamt::plugin
