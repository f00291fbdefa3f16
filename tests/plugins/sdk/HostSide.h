#pragma once

// What the host hands a store through the ABI, for the SDK's tests: a message source over a string, and a host
// that offers no services.
#include <postamt/abi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

namespace postamt::sdk::hostside {

inline postamt_message_source sourceOf(const std::string& text) {
  return {text.size(), const_cast<std::string*>(&text),
          [](void* context, std::uint64_t offset, char* buffer, std::size_t capacity, std::size_t* got) noexcept {
            const std::string& message = *static_cast<std::string*>(context);
            *got = std::min(capacity, static_cast<std::size_t>(message.size() - offset));
            std::memcpy(buffer, message.data() + offset, *got);
            return POSTAMT_OK;
          }};
}

inline const postamt_host_api kNoHost{sizeof(postamt_host_api), nullptr, nullptr, nullptr};

}  // namespace postamt::sdk::hostside
