#pragma once

#include <string>
#include <string_view>

#include "sasl/Mechanism.h"
#include "sasl/SecretSource.h"

namespace postamt::sasl {

// What OAUTHBEARER (RFC 7628) and XOAUTH2 (Google's older form) share: one client message naming a user and a
// bearer token, which the user's tenant checks. A refused token gets a JSON error as a challenge, which the
// client acknowledges before the exchange fails (RFC 7628 section 3.2.2); a token is never logged or echoed.
class BearerToken : public Mechanism {
 public:
  explicit BearerToken(TokenVerifier tokens);
  Step step(std::string_view response) override;

 protected:
  struct Credentials {
    std::string user;
    std::string token;
    std::string error;  // set when the message is malformed
  };
  virtual Credentials parse(std::string_view message) const = 0;
  virtual std::string errorJson() const = 0;

  // RFC 7628 section 3.1: the key=value pairs, each ended by %x01, after `offset`, with a final %x01; the Bearer
  // token of "auth" (RFC 6750 section 2.1: "Bearer" is case-insensitive).
  static bool readPairs(std::string_view pairs, std::string& user, std::string& token, std::string_view userKey);

 private:
  TokenVerifier tokens_;
  bool refused_ = false;
  std::string refusedUser_;
};

class OAuthBearer : public BearerToken {
 public:
  using BearerToken::BearerToken;

 private:
  Credentials parse(std::string_view message) const override;
  std::string errorJson() const override;
};

class XOAuth2 : public BearerToken {
 public:
  using BearerToken::BearerToken;

 private:
  Credentials parse(std::string_view message) const override;
  std::string errorJson() const override;
};

}  // namespace postamt::sasl
