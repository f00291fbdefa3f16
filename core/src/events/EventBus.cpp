#include "events/EventBus.h"

#include <chrono>
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
      // A busy subscriber takes this one with the rest of its batch: waking it is for when it sleeps, or when
      // the queue half fills while it lingers.
      if (!idle_ && queue_.size() != capacity_ / 2) return;
      idle_ = false;
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
  // Delivers in batches: a wake-up per event was a context switch per RETR. After the first event of a batch the
  // thread lingers a moment for the rest, unless the queue fills up or the bus stops.
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    std::deque<Event> batch;
    for (;;) {
      idle_ = true;
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is delivered
      idle_ = false;
      wake_.wait_for(lock, kLinger, [this] { return stopping_ || queue_.size() >= capacity_ / 2; });
      batch.swap(queue_);
      lock.unlock();
      for (const Event& event : batch) {
        try {
          subscriber_->onEvent(event);
        } catch (...) {
          // A subscriber's failure loses its one event, never the thread.
        }
      }
      const std::size_t count = batch.size();
      batch.clear();
      lock.lock();
      delivered_ += count;
    }
  }

  static constexpr std::chrono::milliseconds kLinger{2};

  const std::shared_ptr<Subscriber> subscriber_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Event> queue_;
  bool stopping_ = false;
  bool idle_ = false;  // the thread waits for an event and must be woken
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
