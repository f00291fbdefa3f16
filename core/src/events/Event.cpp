#include "events/Event.h"

#include <chrono>
#include <utility>

namespace postamt::events {

Event::Event(postamt_event_type type, Origin origin)
    : type(type),
      origin(std::move(origin)),
      timeUsec(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                   .count()) {}

postamt_event Event::view() const {
  return postamt_event{sizeof(postamt_event),
                       type,
                       origin.session,
                       timeUsec,
                       origin.listener.c_str(),
                       origin.remoteAddress.c_str(),
                       origin.tls ? 1 : 0,
                       tenantId,
                       tenant.c_str(),
                       user.c_str(),
                       uidl.c_str(),
                       octets,
                       count,
                       detail.c_str(),
                       status};
}

}  // namespace postamt::events
