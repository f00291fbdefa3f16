#pragma once

#include "sasl/Mechanism.h"

namespace postamt::sasl {

// PLAIN (RFC 4616): one message "[authzid] NUL authcid NUL passwd". This server lets nobody act for someone else,
// so an authorization identity must be empty or the authentication identity itself.
class Plain : public Mechanism {
 public:
  Step step(std::string_view response) override;
};

}  // namespace postamt::sasl
