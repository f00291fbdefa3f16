#include "sasl/Mechanisms.h"

#include <algorithm>
#include <cctype>

#include "sasl/BearerToken.h"
#include "sasl/CramMd5.h"
#include "sasl/Login.h"
#include "sasl/Plain.h"
#include "sasl/Random.h"
#include "sasl/ScramSha256.h"

namespace postamt::sasl {
namespace {

template <class M>
std::unique_ptr<Mechanism> make(const ServerContext&) {
  return std::make_unique<M>();
}

std::unique_ptr<Mechanism> makeScramSha256(const ServerContext& server) { return std::make_unique<ScramSha256>(server.secrets); }

template <class M>
std::unique_ptr<Mechanism> makeBearer(const ServerContext& server) {
  return std::make_unique<M>(server.tokens);
}

std::unique_ptr<Mechanism> makeCramMd5(const ServerContext& server) {
  return std::make_unique<CramMd5>(server.secrets, uniqueMessageId(server.hostname));
}

// Strongest first: clients that pick the first mechanism they know then pick well.
constexpr MechanismInfo kMechanisms[] = {
    {"SCRAM-SHA-256", false, &makeScramSha256},
    {"CRAM-MD5", false, &makeCramMd5},
    // A bearer token is as good as a password for its lifetime: the cleartext rule applies.
    {"OAUTHBEARER", true, &makeBearer<OAuthBearer>},
    {"XOAUTH2", true, &makeBearer<XOAuth2>},
    {"PLAIN", true, &make<Plain>},
    {"LOGIN", true, &make<Login>},
};

}  // namespace

std::span<const MechanismInfo> allMechanisms() { return kMechanisms; }

std::vector<const MechanismInfo*> offeredMechanisms(bool cleartextAllowed, const std::vector<std::string>& enabled) {
  const auto isEnabled = [&](std::string_view name) {
    return enabled.empty() || std::any_of(enabled.begin(), enabled.end(), [&](const std::string& wanted) {
             return std::equal(name.begin(), name.end(), wanted.begin(), wanted.end(),
                               [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == std::toupper(static_cast<unsigned char>(b)); });
           });
  };
  std::vector<const MechanismInfo*> offered;
  for (const auto& mechanism : kMechanisms)
    if ((cleartextAllowed || !mechanism.sendsPasswordInClear) && isEnabled(mechanism.name)) offered.push_back(&mechanism);
  return offered;
}

}  // namespace postamt::sasl
