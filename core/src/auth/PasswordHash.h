#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

// Passwords stored in Dovecot's "{SCHEME}hash" notation, so users of a Dovecot
// SQL passdb can be imported as they are. Every function is thread-safe.
namespace postamt::auth {

enum class PasswordCheck {
  Match,
  Mismatch,
  Malformed,      // the stored hash cannot be parsed: never a match
  UnknownScheme,  // a {SCHEME} this build does not know
};

// The work factors of the schemes that have one. Argon2 defaults to Dovecot's
// ARGON2ID parameters; tests lower them to stay fast.
struct HashCost {
  std::uint32_t argon2MemoryKiB = 65536;
  std::uint32_t argon2Passes = 3;
  std::uint32_t argon2Lanes = 1;
  unsigned bcryptCost = 10;  // log2 of the rounds; Dovecot's own default of 5 is too cheap today
};

class UnknownScheme : public std::invalid_argument {
 public:
  explicit UnknownScheme(std::string_view scheme)
      : std::invalid_argument("unknown password scheme '" + std::string(scheme) + "'") {}
};

// Verifies SHA512-CRYPT, SHA256-CRYPT, BLF-CRYPT, MD5-CRYPT (alias MD5),
// CRYPT (alias DES-CRYPT), ARGON2ID, ARGON2I, SSHA, SSHA256, SSHA512, PLAIN
// (aliases CLEAR, CLEARTEXT), SCRAM-SHA-256 and CRAM-MD5; scheme names are case-insensitive, may name the
// payload's encoding ("{SSHA512.HEX}", sasl/StoredNotation.h), and a hash without "{SCHEME}" is CRYPT, as in
// Dovecot. Throws only std::bad_alloc.
PasswordCheck verifyPassword(std::string_view stored, std::string_view password);

// Whether checking a password against `stored` costs deliberate work: the crypt schemes, Argon2, and SCRAM-SHA-256
// (PBKDF2). Such checks should run with bounded concurrency (ConcurrencyGate.h).
bool isDeliberatelySlow(std::string_view stored);

// Whether hashPassword() can produce `scheme`: SHA512-CRYPT, BLF-CRYPT,
// ARGON2ID, SSHA512, SCRAM-SHA-256 (which SASL SCRAM-SHA-256 needs) or PLAIN.
bool canHash(std::string_view scheme);

// "{SCHEME}hash" of `password` with a fresh random salt. Throws UnknownScheme
// for a scheme canHash() refuses, std::invalid_argument for a password the
// scheme cannot hold (a NUL byte), std::runtime_error when hashing fails.
std::string hashPassword(std::string_view scheme, std::string_view password, const HashCost& cost = HashCost());

}  // namespace postamt::auth
