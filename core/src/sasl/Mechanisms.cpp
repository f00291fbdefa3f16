#include "sasl/Mechanisms.h"

#include "sasl/Login.h"
#include "sasl/Plain.h"
#include "sasl/ScramSha256.h"

namespace postamt::sasl {
namespace {

template <class M>
std::unique_ptr<Mechanism> make(const SecretSource&) {
  return std::make_unique<M>();
}

std::unique_ptr<Mechanism> makeScramSha256(const SecretSource& secrets) { return std::make_unique<ScramSha256>(secrets); }

// Strongest first: clients that pick the first mechanism they know then pick well.
constexpr MechanismInfo kMechanisms[] = {
    {"SCRAM-SHA-256", false, &makeScramSha256},
    {"PLAIN", true, &make<Plain>},
    {"LOGIN", true, &make<Login>},
};

}  // namespace

std::span<const MechanismInfo> allMechanisms() { return kMechanisms; }

std::vector<std::string_view> offeredMechanisms(bool cleartextAllowed) {
  std::vector<std::string_view> names;
  for (const auto& mechanism : kMechanisms)
    if (cleartextAllowed || !mechanism.sendsPasswordInClear) names.push_back(mechanism.name);
  return names;
}

}  // namespace postamt::sasl
