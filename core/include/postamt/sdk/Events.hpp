// Event subscribers in C++: derive from Events, then hand eventsApi<YourEvents>()
// to POSTAMT_PLUGIN (Plugin.hpp) as its fourth kind.
#ifndef POSTAMT_SDK_EVENTS_HPP
#define POSTAMT_SDK_EVENTS_HPP

#include <postamt/abi.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "postamt/sdk/Instance.hpp"

namespace postamt::sdk {

// One event, as a view: valid only during Events::onEvent(); copy what you keep.
struct Event {
  postamt_event_type type;
  std::uint64_t session;
  std::int64_t timeUsec;
  std::string_view listener;
  std::string_view remoteAddress;
  bool tls;
  std::int64_t tenantId;
  std::string_view tenant;
  std::string_view user;
  std::string_view uidl;
  std::uint64_t octets;
  std::uint64_t count;
  std::string_view detail;
  postamt_status status;

  static Event from(const postamt_event& e) {
    auto text = [](const char* s) { return s != nullptr ? std::string_view(s) : std::string_view(); };
    return Event{e.type,     e.session,   e.time_usec,    text(e.listener), text(e.remote_address),
                 e.tls != 0, e.tenant_id, text(e.tenant), text(e.user),     text(e.uidl),
                 e.octets,   e.count,     text(e.detail), e.status};
  }
};

// "connection-opened", "auth-failed", ...: the names the example plugins and the logs use.
constexpr std::string_view eventName(postamt_event_type type) noexcept {
  switch (type) {
    case POSTAMT_EVENT_CONNECTION_OPENED: return "connection-opened";
    case POSTAMT_EVENT_CONNECTION_CLOSED: return "connection-closed";
    case POSTAMT_EVENT_AUTH_SUCCEEDED: return "auth-succeeded";
    case POSTAMT_EVENT_AUTH_FAILED: return "auth-failed";
    case POSTAMT_EVENT_MAILDROP_OPENED: return "maildrop-opened";
    case POSTAMT_EVENT_MESSAGE_RETRIEVED: return "message-retrieved";
    case POSTAMT_EVENT_MESSAGE_DELETED: return "message-deleted";
    case POSTAMT_EVENT_UPDATE_COMMITTED: return "update-committed";
    case POSTAMT_EVENT_MESSAGE_DELIVERED: return "message-delivered";
    case POSTAMT_EVENT_QUOTA_REFUSED: return "quota-refused";
  }
  return "unknown";
}

// A subscriber. The host calls onEvent() from one thread per instance, in the
// order the events happened, so a subclass needs no locking of its own. It may
// take its time (write a file, send a datagram): sessions never wait for it,
// and what does not fit the host's queue meanwhile is dropped and counted. An
// exception thrown from onEvent() is logged by nobody and loses that one
// event: handle your own errors.
class Events {
 public:
  virtual ~Events() = default;
  virtual void onEvent(const Event& event) = 0;
};

namespace detail {

template <class T>
struct EventsAdapter : InstanceAdapter<Events, T> {
  static void onEvent(void* instance, const postamt_event* event) noexcept {
    guarded(nullptr, [&] {
      InstanceAdapter<Events, T>::self(instance).onEvent(Event::from(*event));
      return POSTAMT_OK;
    });
  }
};

}  // namespace detail

// The C table for subscriber class T. One static table per T.
template <class T>
const postamt_events_api* eventsApi() noexcept {
  using A = detail::EventsAdapter<T>;
  static const postamt_events_api api = {sizeof(postamt_events_api), &A::create, &A::destroy, &A::onEvent};
  return &api;
}

}  // namespace postamt::sdk

#endif
