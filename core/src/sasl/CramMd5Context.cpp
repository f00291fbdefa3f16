// MD5's chaining values are what Dovecot stores, and only OpenSSL's low-level MD5 API exposes them; it is
// deprecated in OpenSSL 3, not removed, and the EVP API has no way to read an unfinished state.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "sasl/CramMd5Context.h"

#include <openssl/crypto.h>
#include <openssl/md5.h>

#include <cstdint>

#include "sasl/Hex.h"

namespace postamt::sasl {
namespace {

constexpr std::size_t kBlock = 64;  // MD5's block size (RFC 2104 section 2: B)
constexpr std::string_view kHex = "0123456789abcdef";

void appendWord(std::string& out, std::uint32_t word) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((word >> shift) & 0xff));
}

// The state after one block of the key XORed with `pad`.
void appendState(std::string& out, const std::string& key, unsigned char pad) {
  unsigned char block[kBlock];
  for (std::size_t i = 0; i < kBlock; ++i) block[i] = static_cast<unsigned char>(key[i]) ^ pad;
  MD5_CTX ctx;
  MD5_Init(&ctx);
  MD5_Update(&ctx, block, kBlock);
  appendWord(out, ctx.A);
  appendWord(out, ctx.B);
  appendWord(out, ctx.C);
  appendWord(out, ctx.D);
  OPENSSL_cleanse(block, sizeof block);
  OPENSSL_cleanse(&ctx, sizeof ctx);
}

std::optional<std::uint32_t> wordAt(std::string_view hex, std::size_t index) {
  std::uint32_t word = 0;
  for (int byte = 3; byte >= 0; --byte) {
    const auto pair = hex.substr(index * 8 + static_cast<std::size_t>(byte) * 2, 2);
    const auto lower = [](char c) { return c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c; };
    const auto high = kHex.find(lower(pair[0]));
    const auto low = kHex.find(lower(pair[1]));
    if (high == std::string_view::npos || low == std::string_view::npos) return std::nullopt;
    word = (word << 8) | static_cast<std::uint32_t>(high * 16 + low);
  }
  return word;
}

// An MD5 state that has consumed exactly one block, with the chaining values starting at word `first`.
std::optional<MD5_CTX> resumed(std::string_view hex, std::size_t first) {
  MD5_CTX ctx;
  MD5_Init(&ctx);
  const auto a = wordAt(hex, first), b = wordAt(hex, first + 1), c = wordAt(hex, first + 2), d = wordAt(hex, first + 3);
  if (!a || !b || !c || !d) return std::nullopt;
  ctx.A = *a;
  ctx.B = *b;
  ctx.C = *c;
  ctx.D = *d;
  ctx.Nl = kBlock * 8;  // the length so far, in bits
  return ctx;
}

}  // namespace

std::optional<std::string> hmacMd5FromContext(std::string_view contextHex, std::string_view message) {
  if (contextHex.size() != 64) return std::nullopt;
  auto outer = resumed(contextHex, 0);
  auto inner = resumed(contextHex, 4);
  if (!outer || !inner) return std::nullopt;
  unsigned char innerDigest[MD5_DIGEST_LENGTH];
  MD5_Update(&*inner, message.data(), message.size());
  MD5_Final(innerDigest, &*inner);
  std::string mac(MD5_DIGEST_LENGTH, '\0');
  MD5_Update(&*outer, innerDigest, sizeof innerDigest);
  MD5_Final(reinterpret_cast<unsigned char*>(mac.data()), &*outer);
  return mac;
}

std::string cramMd5Context(std::string_view password) {
  // RFC 2104 section 2: a key longer than a block is hashed first; a shorter one is padded with zeros.
  std::string key(kBlock, '\0');
  if (password.size() > kBlock) {
    MD5(reinterpret_cast<const unsigned char*>(password.data()), password.size(), reinterpret_cast<unsigned char*>(key.data()));
  } else {
    password.copy(key.data(), password.size());
  }
  std::string context;
  appendState(context, key, 0x5c);  // Dovecot's hmac_md5_get_cram_context: the outer state first
  appendState(context, key, 0x36);
  OPENSSL_cleanse(key.data(), key.size());
  return toHex(context);
}

}  // namespace postamt::sasl
