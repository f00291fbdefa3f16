#pragma once

#include <Poco/Timestamp.h>

#include <string>

namespace postamt::auth {

// How one tenant's identity provider signs its OAuth 2.0 access tokens (JWTs, RFC 7519).
struct OAuthIssuer {
  std::string issuer;     // "iss"
  std::string audience;   // one of "aud"
  std::string algorithm;  // "HS256" (shared secret) or "RS256" (public key in PEM)
  std::string key;
};

struct TokenVerdict {
  bool valid = false;
  std::string reason;  // for the log: why a token was refused
};

// Whether `token` lets `user` in: signed with the issuer's algorithm and key (and no other algorithm, so an HS256
// token cannot pass off an RS256 public key as its secret), from the issuer, for the audience, not expired and
// already valid at `now` (RFC 7519 section 4.1), and about `user` (sasl::tokenSubject names whom; compared ASCII
// case-insensitively, as addresses are stored). A token without "exp" is refused: it would never end.
TokenVerdict verifyBearerToken(const OAuthIssuer& issuer, const std::string& token, const std::string& user,
                               Poco::Timestamp now = Poco::Timestamp());

}  // namespace postamt::auth
