#pragma once

#include <postamt/abi.h>

#include <string>

namespace postamt::delivery {

// A message source with lines in front of another one: one recipient's copy
// carrying its policy's tag, while the spool stays as it arrived.
class PrefixedSource {
 public:
  PrefixedSource(std::string prefix, const postamt_message_source& rest) : prefix_(std::move(prefix)), rest_(rest) {}

  // Valid while this object and `rest` live.
  postamt_message_source source() { return {prefix_.size() + rest_.size, this, &PrefixedSource::read}; }

 private:
  static postamt_status read(void* context, std::uint64_t offset, char* buffer, std::size_t capacity, std::size_t* got) noexcept;

  std::string prefix_;
  postamt_message_source rest_;
};

}  // namespace postamt::delivery
