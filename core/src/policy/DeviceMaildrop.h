#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "policy/DeviceView.h"
#include "pop3/Maildrop.h"
#include "tenant/DeviceDirectory.h"

namespace postamt::policy {

// A maildrop as one device of its user sees it (policies/README.md "Several
// devices"): without the messages this device has deleted, and with DELE+QUIT
// turned into this device's deletion. Only when the last device that held a
// message deletes it does the store expunge it (and its keep-on-server rule
// apply). Wraps the store's maildrop, so every store plugin works unchanged.
class DeviceMaildrop : public pop3::Maildrop {
 public:
  struct Owner {
    std::int64_t tenantId;
    std::string address;
    std::string device;
  };
  // Reads the user's recorded deletions; throws DirectoryError when it cannot.
  DeviceMaildrop(std::unique_ptr<pop3::Maildrop> inner, tenant::DeviceDirectory& directory, Owner owner, std::int64_t now,
                 std::int64_t graceSeconds);

  const std::vector<pop3::MessageInfo>& messages() const override { return listing_; }
  std::size_t read(std::size_t index, std::uint64_t offset, std::span<char> buffer) override;
  void expunge(const std::vector<std::size_t>& indexes) override;
  void markRetrieved(std::size_t index) noexcept override;

 private:
  std::unique_ptr<pop3::Maildrop> inner_;
  tenant::DeviceDirectory& directory_;
  Owner owner_;
  std::int64_t now_;
  DeviceView view_;
  std::vector<pop3::MessageInfo> listing_;
};

// The background purge's part: expunges what no device holds any more (by the
// `recorded` devices and deletions) in an opened maildrop, and forgets
// deletions of messages that are gone. Returns how many messages it released.
std::size_t releaseUnheld(pop3::Maildrop& maildrop, tenant::DeviceDirectory& directory, const tenant::UserDevices& recorded,
                          std::int64_t tenantId, const std::string& address, std::int64_t now, std::int64_t graceSeconds);

}  // namespace postamt::policy
