#pragma once

#include <functional>
#include <optional>
#include <string>

#include "sasl/Mechanism.h"
#include "sasl/ScramSecret.h"
#include "sasl/SecretSource.h"

namespace postamt::sasl {

// SCRAM-SHA-256 (RFC 5802, RFC 7677), server side, without channel binding (that is SCRAM-SHA-256-PLUS). The
// password never crosses the wire and the server keeps only a ScramSecret; the client proves it knows the password
// and the server proves, in its final message, that it knows the secret.
class ScramSha256 : public Mechanism {
 public:
  // `serverNonce` makes the server's part of the nonce (RFC 5802 section 5.1, "r="); tests pass a fixed one.
  explicit ScramSha256(SecretSource secrets, std::function<std::string()> serverNonce = randomNonce);

  Step step(std::string_view response) override;

  static std::string randomNonce();

 private:
  Step clientFirst(std::string_view message);
  Step clientFinal(std::string_view message);

  enum class Expecting { ClientFirst, ClientFinal, EmptyResponse };

  SecretSource secrets_;
  std::function<std::string()> serverNonce_;
  Expecting expecting_ = Expecting::ClientFirst;
  std::string user_;
  std::string gs2Header_;
  std::string clientFirstBare_;
  std::string serverFirst_;
  std::string nonce_;
  ScramSecret secret_;
  bool secretFound_ = false;
};

}  // namespace postamt::sasl
