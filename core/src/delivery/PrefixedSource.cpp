#include "delivery/PrefixedSource.h"

#include <algorithm>
#include <cstring>

namespace postamt::delivery {

// A read stops at the end of the prefix: a store asks again from there (abi.h: reads up to `capacity`).
postamt_status PrefixedSource::read(void* context, std::uint64_t offset, char* buffer, std::size_t capacity,
                                    std::size_t* got) noexcept {
  auto& self = *static_cast<PrefixedSource*>(context);
  if (offset < self.prefix_.size()) {
    *got = std::min<std::size_t>(capacity, self.prefix_.size() - static_cast<std::size_t>(offset));
    std::memcpy(buffer, self.prefix_.data() + offset, *got);
    return POSTAMT_OK;
  }
  return self.rest_.read(self.rest_.context, offset - self.prefix_.size(), buffer, capacity, got);
}

}  // namespace postamt::delivery
