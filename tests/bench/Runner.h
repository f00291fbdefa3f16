#pragma once

#include <netinet/in.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "Dialogue.h"
#include "TlsClient.h"

namespace postamt::bench {

struct RunnerSettings {
  sockaddr_in server{};
  std::optional<sockaddr_in> source;  // the local address connections are made from; none: the kernel picks
  TlsMode tlsMode = TlsMode::None;
  TlsClient* tls = nullptr;  // with a TLS mode: the client side every connection's TLS comes from
  int concurrency = 1;
  long maxSessions = 1;
  Clock::duration duration{};  // zero: sessions start until maxSessions or the factory says stop
  Clock::duration sessionTimeout = std::chrono::seconds(60);
  Clock::duration wallLimit = std::chrono::minutes(10);
  int maxOpening = 0;  // sessions connecting or logging in at once; zero: no limit beyond concurrency
};

// Which session a dialogue is made for: its slot (0..concurrency-1) and how
// many sessions that slot ran before.
struct SessionTicket {
  int slot = 0;
  long round = 0;
};

// Makes the dialogue of the next session, or nullptr when there is no more work.
using DialogueFactory = std::function<std::unique_ptr<Dialogue>(const SessionTicket&)>;

struct RunResult {
  long started = 0;
  long finished = 0;  // sessions whose dialogue ran to its end
  long failed = 0;
  std::string firstFailure;
  std::vector<double> latencyMs;  // of each finished session: connect to its last reply
  double elapsedSeconds = 0;      // first connect to the end of the last session
};

// Drives up to `concurrency` sessions at once over non-blocking sockets and
// one epoll set, in this thread: each session's connection plus its dialogue,
// started as slots free up, until the count, the duration or the factory ends
// the run. Every session is bounded by the session timeout and the whole run
// by the wall limit.
class Runner {
 public:
  Runner(RunnerSettings settings, DialogueFactory factory);
  ~Runner();
  // Called once no more sessions will start and none is still logging in, with
  // the number of sessions then logged in.
  void onReady(std::function<void(int)> ready) { ready_ = std::move(ready); }
  RunResult run();

 private:
  struct Slot;
  void startSessions(Clock::time_point now);
  void handle(Slot& slot, std::uint32_t events, Clock::time_point now);
  void settle(Slot& slot, Dialogue::Step step, Clock::time_point now);
  // `reason` overrides what the dialogue or the socket says about a failure.
  void end(Slot& slot, Dialogue::Step step, Clock::time_point now, std::string_view reason = {});
  void tick(Clock::time_point now);
  void watch(Slot& slot, bool add);

  RunnerSettings settings_;
  DialogueFactory factory_;
  std::function<void(int)> ready_;
  int epoll_ = -1;
  std::vector<Slot> slots_;
  std::vector<int> freeSlots_;
  int active_ = 0;
  int opening_ = 0;
  bool noMoreSessions_ = false;
  Clock::time_point start_;
  Clock::time_point lastEnd_;
  RunResult result_;
};

}  // namespace postamt::bench
