#include "net/ServerNames.h"

namespace postamt::net {

void DomainOwners::add(std::string_view domain, std::string tenant) {
  byDomain_.insert_or_assign(Poco::toLower(std::string(domain)), std::move(tenant));
}

const std::string* DomainOwners::ownerOf(std::string_view name) const {
  std::string_view within = name.substr(name.rfind("*.", 0) == 0 ? 2 : 0);
  const std::string lower = Poco::toLower(std::string(within));
  // From the name itself outwards, label by label: the first domain found is the most specific.
  for (std::string_view rest = lower; !rest.empty();) {
    if (const auto found = byDomain_.find(std::string(rest)); found != byDomain_.end()) return &found->second;
    const std::size_t dot = rest.find('.');
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return nullptr;
}

}  // namespace postamt::net
