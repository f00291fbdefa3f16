#include "policy/DeviceMaildrop.h"

#include <algorithm>
#include <iterator>

#include "tenant/Directory.h"

namespace postamt::policy {
namespace {

std::vector<std::string> uidlsOf(const std::vector<pop3::MessageInfo>& stored, const std::vector<std::size_t>& indexes) {
  std::vector<std::string> out;
  for (const std::size_t index : indexes) out.push_back(stored.at(index).uidl);
  return out;
}

// Expunges `released` in the store, then forgets the deletions of what is gone:
// the recorded deletions never outlive their message.
void expungeReleased(pop3::Maildrop& inner, tenant::DeviceDirectory& directory, std::int64_t tenantId, const std::string& address,
                     const DeviceView& view, const std::vector<std::size_t>& released) {
  std::vector<std::string> gone = uidlsOf(inner.messages(), released);  // as listed before the store changes anything
  if (!released.empty()) inner.expunge(released);
  gone.insert(gone.end(), view.vanished().begin(), view.vanished().end());
  try {
    directory.forgetDeletions(tenantId, address, gone);
  } catch (const tenant::DirectoryError&) {
    // Left over rows name messages the store no longer has: the next opening finds them vanished and tries again.
  }
}

}  // namespace

DeviceMaildrop::DeviceMaildrop(std::unique_ptr<pop3::Maildrop> inner, tenant::DeviceDirectory& directory, Owner owner,
                               std::int64_t now, std::int64_t graceSeconds)
    : inner_(std::move(inner)),
      directory_(directory),
      owner_(std::move(owner)),
      now_(now),
      view_(inner_->messages(), directory.userDevices(owner_.tenantId, owner_.address), owner_.device, now, graceSeconds) {
  for (const std::size_t index : view_.visible()) listing_.push_back(inner_->messages()[index]);
}

std::size_t DeviceMaildrop::read(std::size_t index, std::uint64_t offset, std::span<char> buffer) {
  return inner_->read(view_.visible().at(index), offset, buffer);
}

void DeviceMaildrop::markRetrieved(std::size_t index) noexcept {
  if (index < view_.visible().size()) inner_->markRetrieved(view_.visible()[index]);
}

// RFC 1939 section 6: the UPDATE state. The store expunges what this device was the last to hold, together with
// what was released before this session began; the other deletions are this device's alone. The store goes
// first: should recording fail after it, the client hears -ERR and sees those messages again next time.
void DeviceMaildrop::expunge(const std::vector<std::size_t>& indexes) {
  std::vector<std::size_t> deleted;
  for (const std::size_t index : indexes) deleted.push_back(view_.visible().at(index));
  std::vector<std::size_t> released = view_.releasedBy(deleted);
  std::vector<std::size_t> held;
  std::set_difference(deleted.begin(), deleted.end(), released.begin(), released.end(), std::back_inserter(held));
  released.insert(released.end(), view_.released().begin(), view_.released().end());
  std::sort(released.begin(), released.end());
  expungeReleased(*inner_, directory_, owner_.tenantId, owner_.address, view_, released);
  try {
    directory_.recordDeletions(owner_.tenantId, owner_.address, owner_.device, uidlsOf(inner_->messages(), held), now_);
  } catch (const tenant::DirectoryError& e) {
    throw pop3::StoreError(std::string("cannot record the device's deletions: ") + e.what(), true);
  }
}

std::size_t releaseUnheld(pop3::Maildrop& maildrop, tenant::DeviceDirectory& directory, const tenant::UserDevices& recorded,
                          std::int64_t tenantId, const std::string& address, std::int64_t now, std::int64_t graceSeconds) {
  const DeviceView view(maildrop.messages(), recorded, {}, now, graceSeconds);
  expungeReleased(maildrop, directory, tenantId, address, view, view.released());
  return view.released().size();
}

}  // namespace postamt::policy
