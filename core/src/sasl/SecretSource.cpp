#include "sasl/SecretSource.h"

#include <algorithm>

namespace postamt::sasl {

std::optional<std::string_view> storedIn(const StoredSecret& secret, std::string_view scheme) {
  if (secret.status != StoredSecret::Status::Found) return std::nullopt;
  const std::string_view stored = secret.stored;
  const auto close = stored.find('}');
  if (stored.empty() || stored.front() != '{' || close == std::string_view::npos) return std::nullopt;
  const auto name = stored.substr(1, close - 1);
  const auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
  if (!std::equal(name.begin(), name.end(), scheme.begin(), scheme.end(), [&](char a, char b) { return upper(a) == upper(b); }))
    return std::nullopt;
  return stored.substr(close + 1);
}

std::optional<std::string_view> storedPlain(const StoredSecret& secret) {
  for (const auto scheme : {"PLAIN", "CLEAR", "CLEARTEXT"})
    if (const auto password = storedIn(secret, scheme)) return password;
  return std::nullopt;
}

}  // namespace postamt::sasl
