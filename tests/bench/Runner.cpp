#include "Runner.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace postamt::bench {
namespace {

constexpr auto kTickEvery = std::chrono::milliseconds(20);
// More buffered than any reply line or any read can explain: the server is not speaking the protocol.
constexpr std::size_t kMaxBuffered = 8 * 1024 * 1024;

}  // namespace

struct Runner::Slot {
  int index = 0;
  long round = 0;
  std::unique_ptr<Connection> connection;
  std::unique_ptr<Dialogue> dialogue;
  bool established = false;
  std::uint32_t interest = 0;  // the epoll events asked for now
  Clock::time_point started;
  Clock::time_point heard;  // last connect or input: the session timeout counts from here
};

Runner::Runner(RunnerSettings settings, DialogueFactory factory)
    : settings_(std::move(settings)), factory_(std::move(factory)), slots_(static_cast<std::size_t>(settings_.concurrency)) {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  if (settings_.maxOpening <= 0) settings_.maxOpening = settings_.concurrency;
  for (int i = settings_.concurrency - 1; i >= 0; --i) {
    slots_[static_cast<std::size_t>(i)].index = i;
    freeSlots_.push_back(i);
  }
}

Runner::~Runner() { ::close(epoll_); }

void Runner::watch(Slot& slot, bool add) {
  const Connection& c = *slot.connection;
  const std::uint32_t interest = EPOLLIN | EPOLLRDHUP | ((!c.connected() || c.wantsWrite()) ? EPOLLOUT : 0u);
  if (!add && interest == slot.interest) return;
  slot.interest = interest;
  epoll_event event{};
  event.events = interest;
  event.data.u32 = static_cast<std::uint32_t>(slot.index);
  ::epoll_ctl(epoll_, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c.fd(), &event);
}

void Runner::startSessions(Clock::time_point now) {
  while (!noMoreSessions_) {
    if (result_.started >= settings_.maxSessions ||
        (settings_.duration != Clock::duration::zero() && now - start_ >= settings_.duration)) {
      noMoreSessions_ = true;
      break;
    }
    if (freeSlots_.empty() || opening_ >= settings_.maxOpening) break;
    Slot& slot = slots_[static_cast<std::size_t>(freeSlots_.back())];
    auto dialogue = factory_(SessionTicket{slot.index, slot.round});
    if (!dialogue) {
      noMoreSessions_ = true;
      break;
    }
    freeSlots_.pop_back();
    ++result_.started;
    ++active_;
    ++opening_;
    slot.dialogue = std::move(dialogue);
    slot.established = false;
    slot.started = slot.heard = now;
    slot.connection = std::make_unique<Connection>(settings_.server, settings_.source);
    if (slot.connection->fd() < 0) {
      end(slot, Dialogue::Step::Failed, now);
      continue;
    }
    if (settings_.tlsMode != TlsMode::None) {
      slot.connection->attachTls(std::make_unique<TlsConnection>(*settings_.tls, slot.connection->fd(), slot.index));
      if (settings_.tlsMode == TlsMode::Implicit) slot.connection->startTls();
    }
    watch(slot, true);
  }
}

void Runner::handle(Slot& slot, std::uint32_t events, Clock::time_point now) {
  Connection& c = *slot.connection;
  if (!c.connected()) {
    if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
    if (!c.finishConnect()) return end(slot, Dialogue::Step::Failed, now);
    slot.heard = now;
  }
  Dialogue::Step step = Dialogue::Step::Continue;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    const auto input = c.receive();
    if (input == Connection::Input::Error) return end(slot, Dialogue::Step::Failed, now);
    slot.heard = now;
    step = slot.dialogue->onInput(c);
    if (step == Dialogue::Step::Continue && input == Connection::Input::Closed) {
      return end(slot, Dialogue::Step::Failed, now);
    }
    if (step == Dialogue::Step::Continue && c.buffered() > kMaxBuffered) return end(slot, Dialogue::Step::Failed, now);
  }
  settle(slot, step, now);
}

// After the dialogue ran: end the session, or send what it queued and keep watching.
void Runner::settle(Slot& slot, Dialogue::Step step, Clock::time_point now) {
  if (step != Dialogue::Step::Continue) return end(slot, step, now);
  if (!slot.established && slot.dialogue->established()) {
    slot.established = true;
    --opening_;
  }
  if (!slot.connection->flush()) return end(slot, Dialogue::Step::Failed, now);
  watch(slot, false);
}

void Runner::end(Slot& slot, Dialogue::Step step, Clock::time_point now, std::string_view reason) {
  if (step == Dialogue::Step::Finished) {
    slot.connection->finish();
    ++result_.finished;
    result_.latencyMs.push_back(std::chrono::duration<double, std::milli>(now - slot.started).count());
  } else {
    ++result_.failed;
    if (result_.firstFailure.empty()) {
      const std::string& said = slot.dialogue->failure();
      const std::string& socket = slot.connection->error();
      result_.firstFailure = !reason.empty()   ? std::string(reason)
                             : !said.empty()   ? said
                             : !socket.empty() ? socket
                                               : "connection closed by the server";
    }
  }
  if (!slot.established) --opening_;
  slot.connection.reset();  // closing the socket also takes it out of the epoll set
  slot.dialogue.reset();
  ++slot.round;
  --active_;
  freeSlots_.push_back(slot.index);
  lastEnd_ = now;
}

void Runner::tick(Clock::time_point now) {
  for (auto& slot : slots_) {
    if (!slot.dialogue) continue;
    if (now - slot.heard > settings_.sessionTimeout) {
      end(slot, Dialogue::Step::Failed, now, "no reply within the session timeout");
      continue;
    }
    if (!slot.connection->connected()) continue;
    const Dialogue::Step step = slot.dialogue->onTick(*slot.connection, now);
    if (step != Dialogue::Step::Continue || slot.connection->wantsWrite()) settle(slot, step, now);
  }
}

RunResult Runner::run() {
  start_ = lastEnd_ = Clock::now();
  auto lastTick = start_;
  bool readyCalled = false;
  std::vector<epoll_event> events(1024);
  for (;;) {
    auto now = Clock::now();
    if (now - start_ > settings_.wallLimit) {
      for (auto& slot : slots_) {
        if (slot.dialogue) end(slot, Dialogue::Step::Failed, now, "wall time limit reached");
      }
      break;
    }
    startSessions(now);
    if (active_ == 0 && noMoreSessions_) break;
    if (!readyCalled && noMoreSessions_ && opening_ == 0) {
      readyCalled = true;
      if (ready_) ready_(active_);
    }
    const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                               static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(kTickEvery).count()));
    if (n < 0 && errno != EINTR) throw std::runtime_error(std::string("epoll_wait: ") + std::strerror(errno));
    now = Clock::now();
    for (int i = 0; i < n; ++i) {
      Slot& slot = slots_[events[static_cast<std::size_t>(i)].data.u32];
      // An earlier event of this round may have ended this session; slots are only reused in startSessions.
      if (slot.connection) handle(slot, events[static_cast<std::size_t>(i)].events, now);
    }
    if (now - lastTick >= kTickEvery) {
      tick(now);
      lastTick = now;
    }
  }
  result_.elapsedSeconds = std::chrono::duration<double>(lastEnd_ - start_).count();
  return result_;
}

}  // namespace postamt::bench
