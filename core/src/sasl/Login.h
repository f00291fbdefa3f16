#pragma once

#include <optional>
#include <string>

#include "sasl/Mechanism.h"

namespace postamt::sasl {

// LOGIN (draft-murchison-sasl-login-00): the server asks "Username:", then "Password:". Obsolete, yet what
// Outlook and many phones still send; it carries the password in the clear, as PLAIN does.
class Login : public Mechanism {
 public:
  Step start() override;
  Step step(std::string_view response) override;

 private:
  std::optional<std::string> user_;
};

}  // namespace postamt::sasl
