#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace postamt::fuzz {

// How every target reads libFuzzer's bytes. The first octet's low three bits say how many chunk sizes follow, one
// octet each (size = octet + 1); its high five bits are flags that each target gives a meaning of its own (a failing
// store, a size limit). The rest is the payload, handed to the code under test in chunks of those sizes in turn, so
// the fuzzer also chooses where the input is split: line protocols break at buffer boundaries. Without sizes the
// payload comes in one piece. A seed is therefore "\0" followed by the text as a client would send it.
class ChunkedInput {
 public:
  ChunkedInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return;
    header_ = data[0];
    std::size_t at = 1;
    for (std::size_t count = header_ & 0x07; count > 0 && at < size; --count) sizes_.push_back(data[at++] + 1u);
    payload_ = std::string_view(reinterpret_cast<const char*>(data) + at, size - at);
  }

  // Flag 0 to 4: bits 3 to 7 of the first octet.
  bool flag(int number) const { return (header_ >> (3 + number)) & 1; }

  std::string_view payload() const { return payload_; }

  std::vector<std::string_view> chunks() const {
    if (sizes_.empty()) return {payload_};
    std::vector<std::string_view> pieces;
    std::string_view rest = payload_;
    for (std::size_t next = 0; !rest.empty(); next = (next + 1) % sizes_.size()) {
      pieces.push_back(rest.substr(0, sizes_[next]));
      rest.remove_prefix(pieces.back().size());
    }
    return pieces;
  }

 private:
  std::uint8_t header_ = 0;
  std::vector<std::size_t> sizes_;
  std::string_view payload_;
};

}  // namespace postamt::fuzz
