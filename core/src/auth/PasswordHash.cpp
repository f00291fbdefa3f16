#include "auth/PasswordHash.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Exception.h>
#include <Poco/String.h>
#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iterator>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <sstream>
#include <vector>

#include "sasl/CramMd5Context.h"
#include "sasl/ScramSecret.h"
#include "sasl/StoredNotation.h"

namespace postamt::auth {
namespace {

enum class Method { Crypt, Argon2, Plain, SaltedDigest, Scram, CramMd5 };

struct Scheme {
  std::string_view name;
  Method method;
  bool hashable;
  const char* cryptPrefix;    // the crypt_gensalt prefix, for hashable crypt schemes
  const EVP_MD* (*digest)();  // for salted digests
};

// Dovecot's names (src/auth/password-scheme.c); aliases resolve to the same check.
const Scheme kSchemes[] = {
    {"SHA512-CRYPT", Method::Crypt, true, "$6$", nullptr},
    {"SHA256-CRYPT", Method::Crypt, false, nullptr, nullptr},
    {"BLF-CRYPT", Method::Crypt, true, "$2y$", nullptr},
    {"MD5-CRYPT", Method::Crypt, false, nullptr, nullptr},
    {"MD5", Method::Crypt, false, nullptr, nullptr},
    {"CRYPT", Method::Crypt, false, nullptr, nullptr},
    {"DES-CRYPT", Method::Crypt, false, nullptr, nullptr},
    {"ARGON2ID", Method::Argon2, true, nullptr, nullptr},
    {"ARGON2I", Method::Argon2, false, nullptr, nullptr},
    {"SSHA", Method::SaltedDigest, false, nullptr, &EVP_sha1},
    {"SSHA256", Method::SaltedDigest, false, nullptr, &EVP_sha256},
    {"SSHA512", Method::SaltedDigest, true, nullptr, &EVP_sha512},
    {"PLAIN", Method::Plain, true, nullptr, nullptr},
    {"CLEAR", Method::Plain, false, nullptr, nullptr},
    {"CLEARTEXT", Method::Plain, false, nullptr, nullptr},
    {"SCRAM-SHA-256", Method::Scram, true, nullptr, nullptr},
    {"CRAM-MD5", Method::CramMd5, false, nullptr, nullptr},
};

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kArgon2HashBytes = 32;

const Scheme* findScheme(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  for (const Scheme& scheme : kSchemes)
    if (scheme.name == upper) return &scheme;
  return nullptr;
}

// Overwrites a copy of a secret when it goes out of scope.
class Wipe {
 public:
  Wipe(void* data, std::size_t size) : data_(data), size_(size) {}
  ~Wipe() { OPENSSL_cleanse(data_, size_); }
  Wipe(const Wipe&) = delete;
  Wipe& operator=(const Wipe&) = delete;

 private:
  void* data_;
  std::size_t size_;
};

std::string randomBytes(std::size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1)
    throw std::runtime_error("no random bytes for a salt");
  return bytes;
}

std::string digestOf(const EVP_MD* md, std::string_view first, std::string_view second) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 || EVP_DigestUpdate(ctx.get(), first.data(), first.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), second.data(), second.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length) != 1)
    throw std::bad_alloc();  // OpenSSL digests fail only when allocation does
  out.resize(length);
  return out;
}

bool equalSecrets(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                               static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

// crypt(3) and a text column end a string at NUL: "abc\0def" must not pass for "abc".
std::string withoutNul(std::string_view password) {
  if (password.find('\0') != std::string_view::npos) throw std::invalid_argument("password contains a NUL byte");
  return std::string(password);
}

// crypt_data is 32 KiB: too large for a session thread's small stack, and a fresh one per login left a 32 KiB hole
// in the heap for every session that stayed (half the memory of an idle session). So a few live on for reuse, wiped
// between users: a wiped one is all zeros, as crypt_rn wants a new one.
class CryptScratch {
 public:
  CryptScratch() : data_(take()) {}
  ~CryptScratch() {
    OPENSSL_cleanse(data_.get(), sizeof *data_);
    giveBack(std::move(data_));
  }
  CryptScratch(const CryptScratch&) = delete;
  CryptScratch& operator=(const CryptScratch&) = delete;

  crypt_data* get() { return data_.get(); }

 private:
  // More than the hash concurrency gate lets run at once (auth/ConcurrencyGate) is freed.
  static constexpr std::size_t kKeepIdle = 16;

  static std::unique_ptr<crypt_data> take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto data = std::move(idle_.back());
        idle_.pop_back();
        return data;
      }
    }
    return std::make_unique<crypt_data>();
  }

  static void giveBack(std::unique_ptr<crypt_data> data) noexcept {
    std::lock_guard lock(mutex_);
    if (idle_.size() < kKeepIdle) idle_.push_back(std::move(data));
  }

  static inline std::mutex mutex_;
  static inline std::vector<std::unique_ptr<crypt_data>> idle_;
  std::unique_ptr<crypt_data> data_;
};

std::string cryptWith(const std::string& phrase, const std::string& setting) {
  CryptScratch scratch;
  const char* out = crypt_rn(phrase.c_str(), setting.c_str(), scratch.get(), sizeof(crypt_data));
  return out != nullptr && out[0] != '*' ? std::string(out) : std::string();
}

PasswordCheck verifyCrypt(std::string_view hash, std::string_view password) {
  if (password.find('\0') != std::string_view::npos) return PasswordCheck::Mismatch;
  std::string phrase = withoutNul(password);
  Wipe wipePhrase(phrase.data(), phrase.size());
  std::string computed = cryptWith(phrase, std::string(hash));
  if (computed.empty()) return PasswordCheck::Malformed;
  return equalSecrets(computed, hash) ? PasswordCheck::Match : PasswordCheck::Mismatch;
}

// The hash names its own variant ($argon2id$ or $argon2i$), as libsodium reads it in Dovecot.
PasswordCheck verifyArgon2(std::string_view hash, std::string_view password) {
  argon2_type type;
  if (hash.rfind("$argon2id$", 0) == 0)
    type = Argon2_id;
  else if (hash.rfind("$argon2i$", 0) == 0)
    type = Argon2_i;
  else
    return PasswordCheck::Malformed;
  int rc = argon2_verify(std::string(hash).c_str(), password.data(), password.size(), type);
  if (rc == ARGON2_OK) return PasswordCheck::Match;
  if (rc == ARGON2_VERIFY_MISMATCH) return PasswordCheck::Mismatch;
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) throw std::bad_alloc();
  return PasswordCheck::Malformed;
}

// Comparing digests keeps the time independent of where, and whether, the lengths differ.
PasswordCheck verifyPlain(std::string_view stored, std::string_view password) {
  return equalSecrets(digestOf(EVP_sha256(), stored, {}), digestOf(EVP_sha256(), password, {})) ? PasswordCheck::Match
                                                                                                : PasswordCheck::Mismatch;
}

// base64(digest(password || salt) || salt), with a salt of at least one byte.
PasswordCheck verifySaltedDigest(const EVP_MD* md, std::string_view hash, std::string_view password) {
  std::string raw;
  try {
    std::istringstream encoded{std::string(hash)};
    Poco::Base64Decoder decoder(encoded);
    raw.assign(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
  } catch (const Poco::Exception&) {
    return PasswordCheck::Malformed;
  }
  const std::size_t digestSize = static_cast<std::size_t>(EVP_MD_size(md));
  if (raw.size() <= digestSize) return PasswordCheck::Malformed;
  std::string_view expected(raw.data(), digestSize);
  std::string_view salt(raw.data() + digestSize, raw.size() - digestSize);
  return equalSecrets(digestOf(md, password, salt), expected) ? PasswordCheck::Match : PasswordCheck::Mismatch;
}

// RFC 5802 section 3: the stored keys are derived from the password with the stored salt and iterations.
PasswordCheck verifyScram(std::string_view hash, std::string_view password) {
  const auto stored = sasl::ScramSecret::parse(hash);
  if (!stored) return PasswordCheck::Malformed;
  const auto derived = sasl::ScramSecret::derive(password, stored->salt, stored->iterations);
  const bool match = sasl::equalSecrets(derived.storedKey, stored->storedKey) & sasl::equalSecrets(derived.serverKey, stored->serverKey);
  return match ? PasswordCheck::Match : PasswordCheck::Mismatch;
}

PasswordCheck verifyCramMd5(std::string_view hash, std::string_view password) {
  const std::string lower = Poco::toLower(std::string(hash));
  if (lower.size() != 64 || lower.find_first_not_of("0123456789abcdef") != std::string::npos) return PasswordCheck::Malformed;
  return equalSecrets(sasl::cramMd5Context(password), lower) ? PasswordCheck::Match : PasswordCheck::Mismatch;
}

std::string hashCrypt(const Scheme& scheme, std::string_view password, const HashCost& cost) {
  std::string phrase = withoutNul(password);
  Wipe wipePhrase(phrase.data(), phrase.size());
  unsigned long count = scheme.name == "BLF-CRYPT" ? cost.bcryptCost : 0;  // 0: the method's default rounds
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn(scheme.cryptPrefix, count, nullptr, 0, setting, sizeof setting) == nullptr)
    throw std::runtime_error("crypt_gensalt failed for " + std::string(scheme.name));
  std::string hash = cryptWith(phrase, setting);
  if (hash.empty()) throw std::runtime_error("crypt failed for " + std::string(scheme.name));
  return hash;
}

std::string hashArgon2id(std::string_view password, const HashCost& cost) {
  std::string salt = randomBytes(kSaltBytes);
  std::string encoded(
      argon2_encodedlen(cost.argon2Passes, cost.argon2MemoryKiB, cost.argon2Lanes, kSaltBytes, kArgon2HashBytes, Argon2_id),
      '\0');
  int rc = argon2id_hash_encoded(cost.argon2Passes, cost.argon2MemoryKiB, cost.argon2Lanes, password.data(), password.size(),
                                 salt.data(), salt.size(), kArgon2HashBytes, encoded.data(), encoded.size());
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) throw std::bad_alloc();
  if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2: ") + argon2_error_message(rc));
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

}  // namespace

PasswordCheck verifyPassword(std::string_view stored, std::string_view password) {
  const auto notation = sasl::parseStoredNotation(stored);
  if (!notation) return PasswordCheck::Malformed;
  const std::string_view hash = notation->payload;
  const Scheme* scheme = findScheme(notation->scheme);
  if (scheme == nullptr) return PasswordCheck::UnknownScheme;
  switch (scheme->method) {
    case Method::Crypt:
      return verifyCrypt(hash, password);
    case Method::Argon2:
      return verifyArgon2(hash, password);
    case Method::Plain:
      return verifyPlain(hash, password);
    case Method::SaltedDigest:
      return verifySaltedDigest(scheme->digest(), hash, password);
    case Method::Scram:
      return verifyScram(hash, password);
    case Method::CramMd5:
      return verifyCramMd5(hash, password);
  }
  return PasswordCheck::UnknownScheme;
}

bool isDeliberatelySlow(std::string_view stored) {
  const auto name = sasl::storedScheme(stored);
  const Scheme* scheme = name ? findScheme(*name) : nullptr;
  return scheme != nullptr && (scheme->method == Method::Crypt || scheme->method == Method::Argon2 || scheme->method == Method::Scram);
}

bool canHash(std::string_view scheme) {
  const Scheme* found = findScheme(scheme);
  return found != nullptr && found->hashable;
}

std::string hashPassword(std::string_view schemeName, std::string_view password, const HashCost& cost) {
  const Scheme* scheme = findScheme(schemeName);
  if (scheme == nullptr || !scheme->hashable) throw UnknownScheme(schemeName);
  std::string hash;
  switch (scheme->method) {
    case Method::Crypt:
      hash = hashCrypt(*scheme, password, cost);
      break;
    case Method::Argon2:
      hash = hashArgon2id(password, cost);
      break;
    case Method::Plain:
      hash = withoutNul(password);
      break;
    case Method::SaltedDigest: {
      std::string salt = randomBytes(kSaltBytes);
      hash = base64(digestOf(scheme->digest(), password, salt) + salt);
      break;
    }
    case Method::Scram:
      hash = sasl::ScramSecret::derive(password, randomBytes(kSaltBytes), sasl::ScramSecret::kMinIterations).format();
      break;
    case Method::CramMd5:
      throw UnknownScheme(schemeName);  // not hashable: kept for imported users only
  }
  // Appending (rather than "{" + name + ...) also keeps GCC 12's -O3 -Wrestrict false positive quiet.
  std::string stored = "{";
  stored.append(scheme->name).append("}").append(hash);
  return stored;
}

}  // namespace postamt::auth
