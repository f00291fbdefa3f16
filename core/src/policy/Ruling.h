#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <postamt/sdk/Policy.hpp>
#include <stdexcept>
#include <string>

namespace postamt::policy {

// A decision that is not what its hook expects; the hook then falls back.
class MalformedDecision : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What asking a tenant's policy at one hook came to.
template <typename Rule>
struct Ruling {
  enum class Kind {
    Default,  // no policy, no such hook, or the script failed and the hook fails open
    Decided,  // `rule` holds the script's decision
    Refused,  // the script failed and the hook fails closed: refuse for now
  };
  Kind kind = Kind::Default;
  Rule rule{};
};

// Reading a decision's fields; each throws MalformedDecision naming the field.
namespace field {
// Refuses any field not in `known`: a misspelt field must not pass silently.
void onlyKnown(const sdk::PolicyValues& values, std::initializer_list<const char*> known);
std::optional<std::string> text(const sdk::PolicyValues& values, const char* name);
// One line a client may be shown: printable ASCII, at most 200 characters.
std::optional<std::string> clientText(const sdk::PolicyValues& values, const char* name);
std::optional<std::int64_t> count(const sdk::PolicyValues& values, const char* name);  // 0 or more
}  // namespace field

}  // namespace postamt::policy
