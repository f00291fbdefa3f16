#include "FloodDialogue.h"

namespace postamt::bench {

FloodDialogue::FloodDialogue(std::string user, std::string password, Tally& tally, Clock::duration patience)
    : user_(std::move(user)), password_(std::move(password)), tally_(tally), patience_(patience) {}

Dialogue::Step FloodDialogue::refused() {
  ++tally_.refused;
  return Step::Finished;
}

Dialogue::Step FloodDialogue::onInput(Connection& connection) {
  while (const auto line = connection.line()) {
    if (!line->starts_with("+OK")) {
      if (phase_ != Phase::Pass) return refused();
      ++tally_.rejected;
      return Step::Finished;
    }
    switch (phase_) {
      case Phase::Greeting:
        connection.send("USER " + user_ + "\r\n");
        phase_ = Phase::User;
        break;
      case Phase::User:
        connection.send("PASS " + password_ + "\r\n");
        phase_ = Phase::Pass;
        break;
      case Phase::Pass:
        return fail("PASS with a wrong password answered: " + std::string(*line));
    }
  }
  return connection.peerClosed() ? refused() : Step::Continue;
}

Dialogue::Step FloodDialogue::onTick(Connection&, Clock::time_point now) {
  if (now - started_ < patience_) return Step::Continue;
  ++tally_.abandoned;
  return Step::Finished;
}

}  // namespace postamt::bench
