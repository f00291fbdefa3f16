#include "sasl/TokenSubject.h"

#include <Poco/Exception.h>
#include <Poco/JWT/Token.h>

namespace postamt::sasl {

std::string tokenSubject(const Poco::JWT::Token& token) {
  const auto& claims = token.payload();
  // An address the identity provider itself says is unverified (OpenID Connect Core section 5.1: email_verified,
  // a boolean some providers send as a string) may have been typed by anyone, another user's included.
  const Poco::Dynamic::Var verified = claims.get("email_verified");  // empty when absent
  const bool unverified = !verified.isEmpty() && verified.toString() == "false";
  return claims.has("email") && !unverified ? claims.getValue<std::string>("email") : token.getSubject();
}

std::optional<std::string> unverifiedTokenSubject(const std::string& token) {
  try {
    const std::string subject = tokenSubject(Poco::JWT::Token(token));  // parses, checks no signature
    if (!subject.empty()) return subject;
  } catch (const Poco::Exception&) {
    // Not a JWT, or a claim of the wrong type: it names nobody.
  }
  return std::nullopt;
}

}  // namespace postamt::sasl
