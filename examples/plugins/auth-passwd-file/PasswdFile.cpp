#include "PasswdFile.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace passwd_file {
namespace {

std::string lowerCase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

}  // namespace

PasswdFile PasswdFile::parse(std::string_view text) {
  PasswdFile file;
  std::size_t number = 0;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;

    const std::size_t userEnd = line.find(':');
    if (userEnd == 0 || userEnd == std::string_view::npos)
      throw std::runtime_error("line " + std::to_string(number) + " has no user:password fields");
    const std::string_view rest = line.substr(userEnd + 1);
    file.passwords_[lowerCase(line.substr(0, userEnd))] = std::string(rest.substr(0, rest.find(':')));
  }
  return file;
}

std::optional<std::string> PasswdFile::password(const std::string& user) const {
  const auto found = passwords_.find(lowerCase(user));
  if (found == passwords_.end()) return std::nullopt;
  return found->second;
}

}  // namespace passwd_file
