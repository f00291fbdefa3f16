#include "AuditTrail.h"

#include <ctime>
#include <postamt/sdk/Error.hpp>

namespace store_audit {

AuditTrail::AuditTrail(const std::string& path) : out_(path, std::ios::app | std::ios::binary) {
  if (!out_) throw postamt::sdk::Error(POSTAMT_PERM_FAIL, "cannot open " + path + " for appending");
}

void AuditTrail::write(const char* event, const postamt::sdk::Mailbox& mailbox, const std::string& uidl, std::uint64_t size) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  const std::lock_guard<std::mutex> lock(mutex_);
  out_ << stamp << ' ' << event << " tenant=" << mailbox.tenantId << " address=" << mailbox.address << " uidl=" << uidl
       << " size=" << size << '\n'
       << std::flush;
}

}  // namespace store_audit
