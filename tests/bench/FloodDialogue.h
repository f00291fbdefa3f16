#pragma once

#include <string>

#include "Dialogue.h"

namespace postamt::bench {

// flood mode: a password guesser. Greeting, USER, PASS with a wrong password, then it hangs up and tries again on
// a new connection. A server may answer -ERR (rejected), refuse earlier or close (refused), or delay its answer
// (a brute-force penalty like Dovecot's auth_failure_delay, issue 4 item 7): the guesser gives up after `patience`
// and counts the attempt as abandoned. None of these is a failure of the run; only a +OK to the wrong password is.
class FloodDialogue : public Dialogue {
 public:
  FloodDialogue(std::string user, std::string password, Tally& tally, Clock::duration patience);
  Step onInput(Connection& connection) override;
  Step onTick(Connection& connection, Clock::time_point now) override;

 private:
  enum class Phase { Greeting, User, Pass };
  Step refused();

  std::string user_;
  std::string password_;
  Tally& tally_;
  Clock::duration patience_;
  Clock::time_point started_ = Clock::now();
  Phase phase_ = Phase::Greeting;
};

}  // namespace postamt::bench
