#pragma once

#include <string_view>

#include "sasl/Step.h"

namespace postamt::sasl {

// One SASL mechanism's server side for one exchange (RFC 4422 section 3): a small state machine fed the decoded
// client responses, in order. Pure: no sockets, no base64, no clock.
class Mechanism {
 public:
  virtual ~Mechanism() = default;

  // The first challenge, when the client gave no initial response (RFC 4422 section 3.3). Mechanisms where the
  // client speaks first (PLAIN, SCRAM) ask with an empty challenge.
  virtual Step start() { return Step::challengeWith({}); }
  // The next client response (the initial response, if the client sent one).
  virtual Step step(std::string_view response) = 0;
};

}  // namespace postamt::sasl
