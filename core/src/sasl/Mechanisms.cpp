#include "sasl/Mechanisms.h"

#include <algorithm>

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

std::vector<std::string_view> offeredMechanisms(const std::vector<std::string>& enabled, bool cleartextAllowed) {
  std::vector<std::string_view> names;
  for (const auto& mechanism : kMechanisms) {
    if (std::find(enabled.begin(), enabled.end(), mechanism.name) == enabled.end()) continue;
    if (cleartextAllowed || !mechanism.sendsPasswordInClear) names.push_back(mechanism.name);
  }
  return names;
}

}  // namespace postamt::sasl
