// A user's maildrop address, copied out of postamt_mailbox.
#ifndef POSTAMT_SDK_MAILBOX_HPP
#define POSTAMT_SDK_MAILBOX_HPP

#include <postamt/abi.h>

#include <cstdint>
#include <string>

namespace postamt::sdk {

// An owned copy, so it stays valid after the call that passed it. `address` is
// "local@domain" in lower case, already resolved to `tenantId` by the host.
struct Mailbox {
  std::int64_t tenantId = 0;
  std::string address;
  std::string localPart;
  std::string domain;

  static Mailbox from(const postamt_mailbox& mailbox) {
    auto text = [](const char* s) { return s != nullptr ? std::string(s) : std::string(); };
    return Mailbox{mailbox.tenant_id, text(mailbox.address), text(mailbox.local_part), text(mailbox.domain)};
  }
};

}  // namespace postamt::sdk

#endif
