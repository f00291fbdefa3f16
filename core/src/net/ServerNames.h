#pragma once

#include <Poco/String.h>

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

namespace postamt::net {

// Which tenant each domain belongs to. A name belongs to the tenant of the most specific domain it is or lies
// within, so that where one tenant's domain holds another's subdomain ("a.test" and "shop.a.test"), neither
// tenant's certificate can serve the other's names.
class DomainOwners {
 public:
  void add(std::string_view domain, std::string tenant);
  // The tenant `name` belongs to; a wildcard "*.d" asks for d. Null: it lies within no domain.
  const std::string* ownerOf(std::string_view name) const;

 private:
  std::unordered_map<std::string, std::string> byDomain_;  // lower case
};

// What serves each TLS server name (RFC 6066 section 3): an exact name first, then a wildcard standing for the
// left-most label only (RFC 6125 section 6.4.3), so "*.example.com" serves "mail.example.com" but not
// "example.com" or "a.b.example.com". Names compare without regard to case (RFC 4343).
template <typename Value>
class ServerNames {
 public:
  // The first value added for a name keeps it.
  void add(std::string_view name, Value value) { byName_.emplace(Poco::toLower(std::string(name)), std::move(value)); }

  const Value* find(std::string_view serverName) const {
    const std::string name = Poco::toLower(std::string(serverName));
    if (auto exact = byName_.find(name); exact != byName_.end()) return &exact->second;
    const auto dot = name.find('.');
    if (dot == std::string::npos || dot == 0) return nullptr;
    if (auto wildcard = byName_.find("*" + name.substr(dot)); wildcard != byName_.end()) return &wildcard->second;
    return nullptr;
  }

  std::size_t size() const { return byName_.size(); }

 private:
  std::map<std::string, Value> byName_;
};

}  // namespace postamt::net
