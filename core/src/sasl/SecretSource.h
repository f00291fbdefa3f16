#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

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

// Whether an OAuth 2.0 bearer token (RFC 6750) lets a user in, as the user's tenant decides.
enum class TokenCheck { Valid, Invalid, TempFail };
using TokenVerifier = std::function<TokenCheck(const std::string& user, const std::string& token)>;

// The part after "{SCHEME}", in the scheme's own encoding (StoredNotation.h), when a found secret is stored in
// `scheme` (names compare case-insensitively, as in Dovecot), else nothing: a mechanism that needs one scheme
// fails for the others like a wrong password.
std::optional<std::string> storedIn(const StoredSecret& secret, std::string_view scheme);

// The password itself, when it is stored as it is: {PLAIN} or Dovecot's aliases {CLEAR} and {CLEARTEXT}.
std::optional<std::string> storedPlain(const StoredSecret& secret);

}  // namespace postamt::sasl
