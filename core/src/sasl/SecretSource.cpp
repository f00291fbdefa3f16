#include "sasl/SecretSource.h"

#include <utility>

#include "sasl/StoredNotation.h"

namespace postamt::sasl {

std::optional<std::string> storedIn(const StoredSecret& secret, std::string_view scheme) {
  if (secret.status != StoredSecret::Status::Found) return std::nullopt;
  auto notation = parseStoredNotation(secret.stored);
  if (!notation || !sameSchemeName(notation->scheme, scheme)) return std::nullopt;
  return std::move(notation->payload);
}

std::optional<std::string> storedPlain(const StoredSecret& secret) {
  for (const auto scheme : {"PLAIN", "CLEAR", "CLEARTEXT"})
    if (auto password = storedIn(secret, scheme)) return password;
  return std::nullopt;
}

}  // namespace postamt::sasl
