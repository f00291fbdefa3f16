#pragma once

#include <optional>
#include <string>

namespace Poco::JWT {
class Token;
}

namespace postamt::sasl {

// Whom an OAuth 2.0 access token (a JWT, RFC 7519) is about: its "email" claim, unless "email_verified" says false,
// else its "sub". Throws Poco::Exception for a claim of the wrong type.
std::string tokenSubject(const Poco::JWT::Token& token);

// The same, read from a token whose signature nobody has checked yet; nullopt when it is not a JWT that names
// anyone. Good only for choosing the keys that then check it, which must also find that it names this subject.
std::optional<std::string> unverifiedTokenSubject(const std::string& token);

}  // namespace postamt::sasl
