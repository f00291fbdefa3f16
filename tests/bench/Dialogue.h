#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "Connection.h"

namespace postamt::bench {

using Clock = std::chrono::steady_clock;

// What the dialogues of one run add up, beside the sessions the runner counts.
struct Tally {
  std::uint64_t octets = 0;          // multi-line RETR bodies, as sent
  std::uint64_t messages = 0;        // messages retrieved (download, big) or accepted (deliver)
  std::uint64_t sizeMismatches = 0;  // RETR bodies whose octets differ from the LIST size
  std::uint64_t noops = 0;           // NOOPs answered +OK (hold)
  double retrSeconds = 0;            // big: from RETR sent to the end of its body
  std::uint64_t rejected = 0;        // flood: wrong passwords answered -ERR
  std::uint64_t refused = 0;         // flood: connections refused or closed before PASS was answered
  std::uint64_t abandoned = 0;       // flood: attempts given up on because no answer came in time
};

// One session's client side as an explicit state machine. The runner calls
// onInput whenever bytes arrived and onTick now and then; the dialogue reads
// complete replies from the connection and queues its next command.
class Dialogue {
 public:
  enum class Step { Continue, Finished, Failed };

  virtual ~Dialogue() = default;
  virtual Step onInput(Connection& connection) = 0;
  virtual Step onTick(Connection&, Clock::time_point) { return Step::Continue; }
  // True once the session is logged in (hold waits for all before it holds).
  virtual bool established() const { return true; }
  const std::string& failure() const { return failure_; }

 protected:
  Step fail(std::string why) {
    failure_ = std::move(why);
    return Step::Failed;
  }

 private:
  std::string failure_;
};

}  // namespace postamt::bench
