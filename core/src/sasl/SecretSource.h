#pragma once

#include <functional>
#include <string>

namespace postamt::sasl {

// A user's stored secret in Dovecot's "{SCHEME}..." notation, for mechanisms that check a proof against it
// instead of receiving the password (SCRAM).
struct StoredSecret {
  enum class Status {
    Found,
    Missing,   // no such user, a disabled one, or no secret this source can give: all look alike to the client
    TempFail,  // the source is down
  };
  Status status = Status::Missing;
  std::string stored;
};

using SecretSource = std::function<StoredSecret(const std::string& user)>;

}  // namespace postamt::sasl
