#include "DotTerminatedBody.h"

#include <cstring>
#include <optional>

namespace postamt::bench {
namespace {

constexpr std::string_view kTerminator = "\r\n.\r\n";  // CRLF ending the last line, then ".", CRLF
constexpr std::size_t kKeep = kTerminator.size() - 1;

}  // namespace

std::size_t DotTerminatedBody::feed(std::string_view bytes) {
  if (done_) return 0;
  // Where the terminator starts, counted from the first body octet; -2 when the
  // body is empty, since the tail starts with the status line's CRLF.
  std::optional<std::int64_t> terminatorAt;
  const auto fed = static_cast<std::int64_t>(fed_);
  std::string joined = tail_;
  joined.append(bytes.substr(0, kKeep));
  if (const auto at = joined.find(kTerminator); at != std::string::npos) {
    terminatorAt = fed - static_cast<std::int64_t>(tail_.size()) + static_cast<std::int64_t>(at);
  } else if (const void* hit = memmem(bytes.data(), bytes.size(), kTerminator.data(), kTerminator.size())) {
    terminatorAt = fed + (static_cast<const char*>(hit) - bytes.data());
  }

  if (!terminatorAt) {
    fed_ += bytes.size();
    joined = tail_;
    joined.append(bytes.substr(bytes.size() > kKeep ? bytes.size() - kKeep : 0));
    tail_ = joined.substr(joined.size() > kKeep ? joined.size() - kKeep : 0);
    return bytes.size();
  }
  done_ = true;
  octets_ = static_cast<std::uint64_t>(*terminatorAt + 2);
  const auto used = static_cast<std::size_t>(*terminatorAt + static_cast<std::int64_t>(kTerminator.size()) - fed);
  fed_ += used;
  return used;
}

}  // namespace postamt::bench
