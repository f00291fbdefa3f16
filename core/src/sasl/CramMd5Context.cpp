// MD5's chaining values are what Dovecot stores, and only OpenSSL's low-level MD5 API exposes them; it is
// deprecated in OpenSSL 3, not removed, and the EVP API has no way to read an unfinished state.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "sasl/CramMd5Context.h"

#include <openssl/crypto.h>
#include <openssl/md5.h>

#include <cstdint>

namespace postamt::sasl {
namespace {

constexpr std::size_t kBlock = 64;  // MD5's block size (RFC 2104 section 2: B)

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

}  // namespace

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
  static const char* const kHex = "0123456789abcdef";
  std::string hex;
  for (const char byte : context) {
    hex.push_back(kHex[(static_cast<unsigned char>(byte) >> 4) & 0xf]);
    hex.push_back(kHex[static_cast<unsigned char>(byte) & 0xf]);
  }
  return hex;
}

}  // namespace postamt::sasl
