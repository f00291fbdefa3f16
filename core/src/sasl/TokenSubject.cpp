#include "sasl/TokenSubject.h"

#include <Poco/Exception.h>
#include <Poco/JWT/Token.h>

namespace postamt::sasl {

std::string tokenSubject(const Poco::JWT::Token& token) {
  return token.payload().has("email") ? token.payload().getValue<std::string>("email") : token.getSubject();
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
