#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sasl/Mechanism.h"
#include "sasl/SecretSource.h"

namespace postamt::sasl {

// What a mechanism may need of the server: the users' stored secrets, bearer token checks, its host name.
struct ServerContext {
  SecretSource secrets;
  TokenVerifier tokens;
  std::string hostname;
};

// One row of the mechanism table: the IANA name, whether the password crosses the wire as it is, and the factory.
struct MechanismInfo {
  std::string_view name;
  bool sendsPasswordInClear;
  std::unique_ptr<Mechanism> (*create)(const ServerContext& server);
};

// Every mechanism this server implements, strongest first.
std::span<const MechanismInfo> allMechanisms();

// What CAPA's SASL line and a bare AUTH list: of the `enabled` names, those this server implements, strongest
// first. RFC 2595 section 6: mechanisms that send the password in the clear are left out where cleartext login is
// not allowed.
std::vector<std::string_view> offeredMechanisms(const std::vector<std::string>& enabled, bool cleartextAllowed);

}  // namespace postamt::sasl
