#pragma once

#include <string>

namespace postamt::sasl {

// What a mechanism answers to one client response (RFC 4422 section 3): another challenge, or the end of the
// exchange. A mechanism that only carries a password hands it to the server to check (Password); one that proves
// the identity itself from a stored secret says whose it is (Proven).
struct Step {
  enum class Kind { Challenge, Password, Proven, Failure };
  // Why an exchange failed: the client's credentials or messages, or the server (a store that is down).
  enum class Failure { Auth, TempFail };

  Kind kind = Kind::Failure;
  std::string challenge;  // Challenge: the server's data, not yet base64-encoded
  std::string user;       // Password, Proven: the authentication identity; Failure: whose credentials failed, if known
  std::string password;   // Password
  Failure failure = Failure::Auth;
  std::string reason;  // Failure: for the client's -ERR line; never a secret

  static Step challengeWith(std::string data) { return {Kind::Challenge, std::move(data), {}, {}, Failure::Auth, {}}; }
  static Step passwordOf(std::string user, std::string password) {
    return {Kind::Password, {}, std::move(user), std::move(password), Failure::Auth, {}};
  }
  static Step provenFor(std::string user) { return {Kind::Proven, {}, std::move(user), {}, Failure::Auth, {}}; }
  static Step failed(std::string reason, Failure failure = Failure::Auth) {
    return {Kind::Failure, {}, {}, {}, failure, std::move(reason)};
  }
  // The credentials of `user` were checked and are wrong: the answer every wrong password gets.
  static Step refused(std::string user) {
    return {Kind::Failure, {}, std::move(user), {}, Failure::Auth, "Authentication failed."};
  }
};

}  // namespace postamt::sasl
