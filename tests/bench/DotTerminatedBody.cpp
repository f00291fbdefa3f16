#include "DotTerminatedBody.h"

#include <cstring>
#include <optional>

namespace postamt::bench {
namespace {

constexpr std::string_view kTerminator = "\r\n.\r\n";  // CRLF ending the last line, then ".", CRLF
constexpr std::size_t kKeep = kTerminator.size() - 1;

// The first terminator wholly inside `bytes`. Its "." is the rarest of its
// octets in mail (base64 has none), so memchr walks to each dot at memory
// speed and only a dot has its CRLFs checked: a third of memmem's cost, and the
// load generator's CPU is CPU the servers under test do not get.
const char* findTerminator(std::string_view bytes) {
  if (bytes.size() < kTerminator.size()) return nullptr;
  const char* const last = bytes.data() + bytes.size() - 3;  // the last place a dot can have CRLF after it
  for (const char* dot = bytes.data() + 2; dot <= last;) {
    dot = static_cast<const char*>(std::memchr(dot, '.', static_cast<std::size_t>(last - dot + 1)));
    if (!dot) return nullptr;
    if (std::string_view(dot - 2, kTerminator.size()) == kTerminator) return dot - 2;
    ++dot;
  }
  return nullptr;
}

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
  } else if (const char* hit = findTerminator(bytes)) {
    terminatorAt = fed + (hit - bytes.data());
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
