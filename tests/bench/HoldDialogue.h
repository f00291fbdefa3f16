#pragma once

#include <optional>

#include "Pop3Dialogue.h"

namespace postamt::bench {

// When the held sessions stop: set once every session is logged in.
struct HoldSchedule {
  std::optional<Clock::time_point> endsAt;
};

// hold mode: log in, then stay idle, sending NOOP every interval (RFC 1939
// section 5) until the schedule says stop, then QUIT. The session counts as
// healthy only if every NOOP and the QUIT were answered +OK.
class HoldDialogue : public Pop3Dialogue {
 public:
  HoldDialogue(std::string user, std::string password, Tally& tally, const HoldSchedule& schedule, Clock::duration interval);
  Step onTick(Connection& connection, Clock::time_point now) override;

 protected:
  Step begin(Connection& connection) override;
  Step transact(Connection& connection) override;

 private:
  enum class State { Idle, Noop, Quit };
  Tally& tally_;
  const HoldSchedule& schedule_;
  Clock::duration interval_;
  State state_ = State::Idle;
  Clock::time_point nextNoop_;
};

}  // namespace postamt::bench
