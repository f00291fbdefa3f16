#pragma once

#include <postamt/abi.h>

#include <cstdint>
#include <string>

namespace postamt::events {

// Where an event happened: one connection, as the network layer knows it.
struct Origin {
  std::uint64_t session = 0;  // numbers this run's connections from 1
  std::string listener;       // the listener's name from the config
  std::string remoteAddress;
  bool tls = false;
};

// One event, owning its strings so it can wait in a subscriber's queue.
struct Event {
  postamt_event_type type = POSTAMT_EVENT_CONNECTION_OPENED;
  Origin origin;
  std::int64_t timeUsec = 0;
  std::int64_t tenantId = 0;
  std::string tenant;
  std::string user;
  std::string uidl;
  std::uint64_t octets = 0;
  std::uint64_t count = 0;
  std::string detail;
  postamt_status status = POSTAMT_OK;

  // Stamped with the current time.
  Event(postamt_event_type type, Origin origin);

  // The ABI's view; valid while this Event lives.
  postamt_event view() const;
};

}  // namespace postamt::events
