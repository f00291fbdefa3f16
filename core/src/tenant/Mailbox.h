#pragma once

#include <postamt/abi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postamt::tenant {

// A login or recipient name split at its last '@' and folded to lower case.
struct Address {
  std::string localPart;
  std::string domain;

  std::string full() const { return localPart + "@" + domain; }

  // Accepts "local@domain", or "local" when a default domain is configured.
  // Refuses empty parts, control characters, spaces and names over 254 octets
  // (RFC 5321 section 4.5.3.1.3 path limit).
  static std::optional<Address> parse(std::string_view text, std::string_view defaultDomain = {});
};

// An address resolved to the tenant that owns its domain.
struct Mailbox {
  std::int64_t tenantId = 0;
  Address address;
  std::string fullAddress;

  Mailbox(std::int64_t tenant, Address a) : tenantId(tenant), address(std::move(a)), fullAddress(address.full()) {}

  // The ABI view; valid while this Mailbox lives.
  postamt_mailbox view() const {
    return {tenantId, fullAddress.c_str(), address.localPart.c_str(), address.domain.c_str()};
  }
};

}  // namespace postamt::tenant
