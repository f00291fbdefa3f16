#pragma once

#include <string>

#include "sasl/Mechanism.h"
#include "sasl/SecretSource.h"

namespace postamt::sasl {

// CRAM-MD5 (RFC 2195): the server sends a unique msg-id, the client answers "user SP hex(HMAC-MD5(password,
// challenge))". Only users whose password is stored as it is (PLAIN) or as Dovecot's {CRAM-MD5} context can use it;
// for all others it fails like a wrong password.
class CramMd5 : public Mechanism {
 public:
  // `challenge` is the msg-id to send, e.g. "<1896.697170952@postoffice.example.net>"; unique per exchange.
  CramMd5(SecretSource secrets, std::string challenge);

  Step start() override;
  Step step(std::string_view response) override;

 private:
  SecretSource secrets_;
  std::string challenge_;
  bool challenged_ = false;
};

}  // namespace postamt::sasl
