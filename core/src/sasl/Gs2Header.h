#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace postamt::sasl {

// The GS2 header (RFC 5801 section 4) that SCRAM (RFC 5802 section 7) and OAUTHBEARER (RFC 7628 section 3.1)
// messages begin with: gs2-cbind-flag "," [authzid] ",". This server does no channel binding, so "p=" is refused;
// "y" (the client could bind but thinks the server cannot) is true and accepted.
struct Gs2Header {
  std::string authzid;     // decoded; empty when the client named none
  std::size_t length = 0;  // octets of the header, both commas included
  std::string error;       // set when the header is unusable; then nothing else is
};
Gs2Header parseGs2Header(std::string_view message);

// RFC 5802 section 5.1 saslname: "," is written "=2C" and "=" "=3D"; any other "=" or a raw "," is malformed.
std::optional<std::string> decodeSaslName(std::string_view name);

}  // namespace postamt::sasl
