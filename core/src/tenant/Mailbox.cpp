#include "tenant/Mailbox.h"

#include <Poco/String.h>

#include <algorithm>

namespace postamt::tenant {
namespace {

constexpr std::size_t kMaxAddressLength = 254;

std::string lower(std::string_view text) { return Poco::toLower(std::string(text)); }

bool acceptable(std::string_view part) {
  return !part.empty() && std::none_of(part.begin(), part.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f || c == '@'; });
}

}  // namespace

std::optional<Address> Address::parse(std::string_view text, std::string_view defaultDomain) {
  if (text.size() > kMaxAddressLength) return std::nullopt;
  const auto at = text.rfind('@');
  Address address;
  if (at == std::string_view::npos) {
    if (defaultDomain.empty()) return std::nullopt;
    address = {lower(text), lower(defaultDomain)};
  } else {
    address = {lower(text.substr(0, at)), lower(text.substr(at + 1))};
  }
  if (!acceptable(address.localPart) || !acceptable(address.domain)) return std::nullopt;
  return address;
}

}  // namespace postamt::tenant
