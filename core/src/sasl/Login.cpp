#include "sasl/Login.h"

namespace postamt::sasl {

Step Login::start() { return Step::challengeWith("Username:"); }

// An initial response (curl sends one) is the user name: the same as the answer to "Username:".
Step Login::step(std::string_view response) {
  if (!user_) {
    if (response.empty()) return Step::failed("Missing user name");
    user_ = std::string(response);
    return Step::challengeWith("Password:");
  }
  if (response.empty()) return Step::failed("Missing password");
  return Step::passwordOf(std::move(*user_), std::string(response));
}

}  // namespace postamt::sasl
