#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "events/Event.h"

namespace postamt::events {

// Something that wants every event: an events plugin instance, the metrics.
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual const std::string& name() const = 0;
  // Called from the subscriber's own thread, one event at a time, in order.
  virtual void onEvent(const Event& event) = 0;
};

// Hands events from sessions to subscribers without ever making a session
// wait: each subscriber has a bounded queue and a thread of its own. A
// subscriber that falls behind loses the events that do not fit, and they are
// counted. One queue per subscriber keeps every session's events in order.
class EventBus {
 public:
  explicit EventBus(std::size_t queueCapacity);
  ~EventBus();  // stop()s
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // At start, before the first publish().
  void subscribe(std::shared_ptr<Subscriber> subscriber);
  // Cheap to call when nobody subscribed: publishers may skip building events.
  bool wanted() const { return !subscriptions_.empty(); }
  // Thread-safe; never blocks on a subscriber.
  void publish(const Event& event);
  // Delivers what is queued, then ends the subscribers' threads. Events
  // published afterwards are dropped.
  void stop();

  struct Stats {
    std::string subscriber;
    std::uint64_t delivered = 0;
    std::uint64_t dropped = 0;
  };
  std::vector<Stats> stats() const;

 private:
  class Subscription;
  const std::size_t queueCapacity_;
  std::vector<std::unique_ptr<Subscription>> subscriptions_;
};

}  // namespace postamt::events
