#include "HoldDialogue.h"

namespace postamt::bench {

HoldDialogue::HoldDialogue(std::string user, std::string password, Tally& tally, const HoldSchedule& schedule,
                           Clock::duration interval)
    : Pop3Dialogue(std::move(user), std::move(password)), tally_(tally), schedule_(schedule), interval_(interval) {}

Dialogue::Step HoldDialogue::begin(Connection&) {
  nextNoop_ = Clock::now() + interval_;
  state_ = State::Idle;
  return Step::Continue;
}

Dialogue::Step HoldDialogue::onTick(Connection& connection, Clock::time_point now) {
  if (!established() || state_ != State::Idle) return Step::Continue;
  if (schedule_.endsAt && now >= *schedule_.endsAt) {
    connection.send("QUIT\r\n");
    state_ = State::Quit;
  } else if (now >= nextNoop_) {
    connection.send("NOOP\r\n");
    state_ = State::Noop;
    nextNoop_ += interval_;
  }
  return Step::Continue;
}

Dialogue::Step HoldDialogue::transact(Connection& connection) {
  while (const auto line = connection.line()) {
    switch (state_) {
      case State::Idle:
        return fail("unsolicited reply while idle: " + std::string(*line));
      case State::Noop:
        if (!positive(*line, "NOOP")) return Step::Failed;
        ++tally_.noops;
        state_ = State::Idle;
        break;
      case State::Quit:
        return positive(*line, "QUIT") ? Step::Finished : Step::Failed;
    }
  }
  return Step::Continue;
}

}  // namespace postamt::bench
