#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace postamt::sasl {

// `count` bytes from OpenSSL's CSPRNG; throws std::runtime_error when it has none.
std::string randomBytes(std::size_t count);

// A challenge in RFC 5322 msg-id form, "<random@host>", unique per call: CRAM-MD5's challenge (RFC 2195 section 2)
// and APOP's greeting timestamp (RFC 1939 section 7). Random rather than process-ID.clock, so it tells nothing.
std::string uniqueMessageId(std::string_view host);

}  // namespace postamt::sasl
