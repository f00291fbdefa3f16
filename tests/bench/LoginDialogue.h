#pragma once

#include "Pop3Dialogue.h"

namespace postamt::bench {

// login mode: after USER/PASS, STAT and QUIT; what a mail client polling an
// empty or unchanged maildrop does.
class LoginDialogue : public Pop3Dialogue {
 public:
  using Pop3Dialogue::Pop3Dialogue;

 protected:
  Step begin(Connection& connection) override;
  Step transact(Connection& connection) override;

 private:
  bool quitting_ = false;
};

}  // namespace postamt::bench
