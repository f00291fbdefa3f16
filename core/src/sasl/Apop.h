#pragma once

#include <string_view>

#include "sasl/SecretSource.h"

namespace postamt::sasl {

// RFC 1939 section 7, APOP: whether `digest` is MD5(timestamp password) in hex for the user's stored secret. MD5
// of the password itself can only be computed from the password, so only users stored as PLAIN can use APOP; for
// every other scheme the answer is no, as for a wrong password.
bool apopDigestMatches(const StoredSecret& secret, std::string_view timestamp, std::string_view digest);

}  // namespace postamt::sasl
