#include "events/EventBus.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>

namespace postamt::events {
namespace {

Event numbered(std::uint64_t n) {
  Event event(POSTAMT_EVENT_MESSAGE_RETRIEVED, Origin{n % 3 + 1, "pop3", "127.0.0.1", false});
  event.count = n;
  return event;
}

// Records what it receives; can be made to hold the first event until released.
class Recorder : public Subscriber {
 public:
  explicit Recorder(bool holdFirst = false, bool throwOnOdd = false) : held_(holdFirst), throwOnOdd_(throwOnOdd) {}

  const std::string& name() const override { return name_; }

  void onEvent(const Event& event) override {
    std::unique_lock<std::mutex> lock(mutex_);
    entered_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return !held_; });
    if (throwOnOdd_ && event.count % 2 == 1) throw std::runtime_error("a subscriber's own failure");
    counts_.push_back(event.count);
  }

  void waitUntilEntered() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return entered_; });
  }

  void release() {
    std::lock_guard<std::mutex> guard(mutex_);
    held_ = false;
    changed_.notify_all();
  }

  std::vector<std::uint64_t> counts() {
    std::lock_guard<std::mutex> guard(mutex_);
    return counts_;
  }

 private:
  std::string name_ = "recorder";
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_;
  bool throwOnOdd_;
  bool entered_ = false;
  std::vector<std::uint64_t> counts_;
};

TEST(EventBusTest, EverySubscriberGetsEveryEventInOrder) {
  auto first = std::make_shared<Recorder>();
  auto second = std::make_shared<Recorder>();
  EventBus bus(1000);
  bus.subscribe(first);
  bus.subscribe(second);
  for (std::uint64_t n = 0; n < 200; ++n) bus.publish(numbered(n));
  bus.stop();  // delivers what is queued first

  std::vector<std::uint64_t> expected;
  for (std::uint64_t n = 0; n < 200; ++n) expected.push_back(n);
  EXPECT_EQ(first->counts(), expected);
  EXPECT_EQ(second->counts(), expected);
  EXPECT_EQ(bus.stats()[0].delivered, 200u);
  EXPECT_EQ(bus.stats()[0].dropped, 0u);
}

TEST(EventBusTest, ASubscriberThatFallsBehindLosesWhatDoesNotFitAndNobodyWaits) {
  auto slow = std::make_shared<Recorder>(/*holdFirst=*/true);
  EventBus bus(4);
  bus.subscribe(slow);
  bus.publish(numbered(0));
  slow->waitUntilEntered();  // event 0 is in the subscriber's hands, the queue is empty
  for (std::uint64_t n = 1; n <= 100; ++n) bus.publish(numbered(n));  // would hang here if publish waited
  slow->release();
  bus.stop();

  EXPECT_EQ(slow->counts(), (std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(bus.stats()[0].delivered, 5u);
  EXPECT_EQ(bus.stats()[0].dropped, 96u);
}

TEST(EventBusTest, ASubscriberThatThrowsLosesOnlyThatEvent) {
  auto flaky = std::make_shared<Recorder>(false, /*throwOnOdd=*/true);
  EventBus bus(100);
  bus.subscribe(flaky);
  for (std::uint64_t n = 0; n < 6; ++n) bus.publish(numbered(n));
  bus.stop();
  EXPECT_EQ(flaky->counts(), (std::vector<std::uint64_t>{0, 2, 4}));
}

TEST(EventBusTest, EventsAfterStopAreDroppedAndCounted) {
  auto recorder = std::make_shared<Recorder>();
  EventBus bus(100);
  bus.subscribe(recorder);
  bus.stop();
  bus.publish(numbered(1));
  EXPECT_TRUE(recorder->counts().empty());
  EXPECT_EQ(bus.stats()[0].dropped, 1u);
}

TEST(EventBusTest, TheAbiViewCarriesEveryField) {
  Event event(POSTAMT_EVENT_AUTH_FAILED, Origin{7, "pop3s", "::1", true});
  event.tenantId = 3;
  event.tenant = "demo";
  event.user = "alice@demo.test";
  event.detail = "wrong password";
  const postamt_event view = event.view();
  EXPECT_EQ(view.size, sizeof(postamt_event));
  EXPECT_EQ(view.type, POSTAMT_EVENT_AUTH_FAILED);
  EXPECT_EQ(view.session, 7u);
  EXPECT_STREQ(view.listener, "pop3s");
  EXPECT_STREQ(view.remote_address, "::1");
  EXPECT_EQ(view.tls, 1);
  EXPECT_EQ(view.tenant_id, 3);
  EXPECT_STREQ(view.tenant, "demo");
  EXPECT_STREQ(view.user, "alice@demo.test");
  EXPECT_STREQ(view.uidl, "");
  EXPECT_STREQ(view.detail, "wrong password");
  EXPECT_GT(view.time_usec, 1'700'000'000'000'000);
}

}  // namespace
}  // namespace postamt::events
