#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pop3/Maildrop.h"
#include "tenant/DeviceDirectory.h"

namespace postamt::policy {

// What one device of a user sees of the maildrop, and which messages no
// registered device holds any more (policies/README.md "Several devices").
// A device sees every message until it has deleted it; a message is released
// for the real expunge once every registered device has deleted it, or once
// the grace period after its first deletion has ended. Pure: the store's
// listing and the recorded deletions in, indexes into that listing out.
class DeviceView {
 public:
  // `device` empty: no device of its own (the background purge).
  DeviceView(const std::vector<pop3::MessageInfo>& stored, const tenant::UserDevices& recorded, std::string device,
             std::int64_t now, std::int64_t graceSeconds);

  // The store indexes this device lists, in the store's order.
  const std::vector<std::size_t>& visible() const { return visible_; }
  // The store indexes every device has deleted or whose grace has ended.
  const std::vector<std::size_t>& released() const { return released_; }
  // Recorded deletions of messages the store no longer has.
  const std::vector<std::string>& vanished() const { return vanished_; }

  // Of the store indexes this device deletes now, those it is the last to hold.
  std::vector<std::size_t> releasedBy(const std::vector<std::size_t>& deleted) const;

 private:
  struct Deleters {
    std::set<std::string> devices;
    std::int64_t firstAt = 0;
  };
  bool deletedByEveryDevice(const std::set<std::string>& deleters) const;

  const std::vector<pop3::MessageInfo>& stored_;
  std::set<std::string> devices_;
  std::string device_;
  std::map<std::string, Deleters> deleters_;  // by UIDL
  std::vector<std::size_t> visible_;
  std::vector<std::size_t> released_;
  std::vector<std::string> vanished_;
};

}  // namespace postamt::policy
