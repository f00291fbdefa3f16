#pragma once

#include <chrono>
#include <string_view>

#include "events/EventBus.h"
#include "metrics/Registry.h"

namespace postamt::metrics {

// The metrics of what sessions do, labelled by tenant and listener: fed by
// the event bus (connections, logins, retrievals, deletions, deliveries,
// quota refusals, store errors) and by the connections themselves (how long
// each command took to answer).
class SessionMetrics : public events::Subscriber {
 public:
  explicit SessionMetrics(Registry& registry);

  const std::string& name() const override { return name_; }
  void onEvent(const events::Event& event) override;

  // `line` begins with the command; its keyword (or "other") labels the time.
  void commandAnswered(const std::string& listener, std::string_view line, std::chrono::duration<double> took);

 private:
  std::string name_ = "metrics";
  Registry& registry_;
};

// The first word of a command line in upper case when it is a POP3 or LMTP
// command, else "other": what a client sends must not grow the number of series.
std::string commandKeyword(std::string_view line);

}  // namespace postamt::metrics
