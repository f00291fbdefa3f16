// The audit file: one line per event, appended and flushed at once, from any
// number of threads.
#pragma once

#include <cstdint>
#include <fstream>
#include <mutex>
#include <postamt/sdk/Mailbox.hpp>
#include <string>

namespace store_audit {

class AuditTrail {
 public:
  explicit AuditTrail(const std::string& path);  // throws postamt::sdk::Error when the file cannot be opened

  // "2026-11-27T05:40:00Z expunged tenant=1 address=alice@demo.test uidl=... size=123"; uidl "-" when unknown.
  void write(const char* event, const postamt::sdk::Mailbox& mailbox, const std::string& uidl, std::uint64_t size);

 private:
  std::mutex mutex_;  // the store serves every session at once; lines must not interleave
  std::ofstream out_;
};

}  // namespace store_audit
