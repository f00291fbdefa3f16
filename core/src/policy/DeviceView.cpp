#include "policy/DeviceView.h"

#include <algorithm>

namespace postamt::policy {

DeviceView::DeviceView(const std::vector<pop3::MessageInfo>& stored, const tenant::UserDevices& recorded, std::string device,
                       std::int64_t now, std::int64_t graceSeconds)
    : stored_(stored), devices_(recorded.devices.begin(), recorded.devices.end()), device_(std::move(device)) {
  for (const auto& deletion : recorded.deletions) {
    Deleters& deleters = deleters_[deletion.uidl];
    if (deleters.devices.empty() || deletion.at < deleters.firstAt) deleters.firstAt = deletion.at;
    deleters.devices.insert(deletion.device);
  }
  std::set<std::string> listed;  // of the UIDLs with deletions, those the store still has
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const auto it = deleters_.find(stored[i].uidl);
    if (it == deleters_.end()) {
      visible_.push_back(i);
      continue;
    }
    listed.insert(it->first);
    const bool graceEnded = graceSeconds > 0 && now - it->second.firstAt >= graceSeconds;
    if (graceEnded || deletedByEveryDevice(it->second.devices)) {
      released_.push_back(i);
    } else if (!it->second.devices.contains(device_)) {
      visible_.push_back(i);
    }
  }
  for (const auto& [uidl, deleters] : deleters_) {
    if (!listed.contains(uidl)) vanished_.push_back(uidl);
  }
}

bool DeviceView::deletedByEveryDevice(const std::set<std::string>& deleters) const {
  return std::includes(deleters.begin(), deleters.end(), devices_.begin(), devices_.end());
}

std::vector<std::size_t> DeviceView::releasedBy(const std::vector<std::size_t>& deleted) const {
  std::vector<std::size_t> out;
  for (const std::size_t index : deleted) {
    const auto it = deleters_.find(stored_.at(index).uidl);
    std::set<std::string> deleters = it == deleters_.end() ? std::set<std::string>{} : it->second.devices;
    deleters.insert(device_);
    if (deletedByEveryDevice(deleters)) out.push_back(index);
  }
  return out;
}

}  // namespace postamt::policy
