#include "events/EventBus.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace postamt::events {

class EventBus::Subscription {
 public:
  Subscription(std::shared_ptr<Subscriber> subscriber, std::size_t capacity)
      : subscriber_(std::move(subscriber)), capacity_(capacity), thread_([this] { run(); }) {}

  ~Subscription() { stop(); }

  void offer(const Event& event) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      if (stopping_ || queue_.size() >= capacity_) {
        ++dropped_;
        return;
      }
      queue_.push_back(event);
    }
    wake_.notify_one();
  }

  void stop() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  Stats stats() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return Stats{subscriber_->name(), delivered_, dropped_};
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is delivered
      Event event = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      try {
        subscriber_->onEvent(event);
      } catch (...) {
        // A subscriber's failure loses its one event, never the thread.
      }
      lock.lock();
      ++delivered_;
    }
  }

  const std::shared_ptr<Subscriber> subscriber_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Event> queue_;
  bool stopping_ = false;
  std::uint64_t delivered_ = 0;
  std::uint64_t dropped_ = 0;
  std::thread thread_;  // last: starts once everything above is built
};

EventBus::EventBus(std::size_t queueCapacity) : queueCapacity_(queueCapacity) {}

EventBus::~EventBus() { stop(); }

void EventBus::subscribe(std::shared_ptr<Subscriber> subscriber) {
  subscriptions_.push_back(std::make_unique<Subscription>(std::move(subscriber), queueCapacity_));
}

void EventBus::publish(const Event& event) {
  for (const auto& subscription : subscriptions_) subscription->offer(event);
}

void EventBus::stop() {
  for (const auto& subscription : subscriptions_) subscription->stop();
}

std::vector<EventBus::Stats> EventBus::stats() const {
  std::vector<Stats> all;
  for (const auto& subscription : subscriptions_) all.push_back(subscription->stats());
  return all;
}

}  // namespace postamt::events
