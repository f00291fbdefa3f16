#include "net/ServerNames.h"

#include <algorithm>

namespace postamt::net {

bool withinDomains(std::string_view certificateName, const std::vector<std::string>& domains) {
  std::string name = Poco::toLower(std::string(certificateName));
  if (name.rfind("*.", 0) == 0) name.erase(0, 2);
  return std::any_of(domains.begin(), domains.end(), [&](const std::string& domain) {
    const std::string d = Poco::toLower(domain);
    return name == d || (name.size() > d.size() && name.compare(name.size() - d.size(), d.size(), d) == 0 &&
                         name[name.size() - d.size() - 1] == '.');
  });
}

}  // namespace postamt::net
