#pragma once

#include <memory>
#include <string>

#include "pop3/Maildrop.h"
#include "sasl/SecretSource.h"

namespace postamt::pop3 {

struct LoginRequest {
  std::string user;
  std::string password;
  std::string remoteAddress;
  bool secure = false;
  std::string mechanism = "USER";  // for the log: USER (RFC 1939 USER/PASS) or the SASL mechanism's name
};

struct LoginResult {
  enum class Outcome {
    Ok,        // maildrop opened and locked
    Denied,    // -ERR [AUTH]: unknown domain, unknown user and wrong password alike
    InUse,     // -ERR [IN-USE]: another session holds the maildrop
    TempFail,  // -ERR [SYS/TEMP]
    PermFail,  // -ERR [SYS/PERM]
  };
  Outcome outcome = Outcome::Denied;
  std::string text;  // for the log only: never sent to the client
  std::unique_ptr<Maildrop> maildrop;
};

// Verifies credentials and opens the user's maildrop. Thread-safe: one
// instance serves every session of a listener.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual LoginResult login(const LoginRequest& request) = 0;
  // The stored secret of `user`, for SASL mechanisms that check a proof instead of a password (SCRAM).
  virtual sasl::StoredSecret storedSecret(const std::string& user) = 0;
  // Opens the maildrop of a user whose identity a SASL mechanism has already proven from the stored secret;
  // `request.password` is empty and not checked.
  virtual LoginResult openProven(const LoginRequest& request) = 0;
  // Whether an OAuth 2.0 bearer token (OAUTHBEARER, XOAUTH2) lets `user` in, by the rules of the user's tenant.
  virtual sasl::TokenCheck verifyBearerToken(const std::string& user, const std::string& token) = 0;
  // A login that failed in the session itself (a SASL proof, APOP, a cancelled or malformed exchange), so that it
  // is logged like one that failed in login(). `request.user` may be empty.
  virtual void loginFailed(const LoginRequest& request, const std::string& reason) = 0;
};

}  // namespace postamt::pop3
