#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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

// RFC 2449 sections 6.5 and 6.7: the LOGIN-DELAY and EXPIRE values CAPA announces. Before login they may vary by
// user (the USER tag, with the least value any user has); after login they are the user's own.
struct PolicyAnnouncement {
  std::int64_t loginDelaySeconds = 0;
  std::optional<std::int64_t> expireDays;  // none: NEVER
  bool variesByUser = false;
};

struct LoginResult {
  enum class Outcome {
    Ok,        // maildrop opened and locked
    Denied,    // -ERR [AUTH]: unknown domain, unknown user and wrong password alike
    TooSoon,   // -ERR [LOGIN-DELAY] (RFC 2449 section 8.1.1): the user logged in too recently
    InUse,     // -ERR [IN-USE]: another session holds the maildrop
    TempFail,  // -ERR [SYS/TEMP]
    PermFail,  // -ERR [SYS/PERM]
  };
  Outcome outcome = Outcome::Denied;
  std::string text;  // for the log only: never sent to the client
  // What a tenant's policy tells the client instead of the standard text of a refusal; empty: the standard text.
  std::string clientText;
  std::unique_ptr<Maildrop> maildrop;
  // The tenant the login name resolved to, for logs and events; 0 and empty
  // when the domain is unknown.
  std::int64_t tenantId = 0;
  std::string tenant;
  std::optional<PolicyAnnouncement> announced;  // the user's values, once logged in
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
  // What CAPA announces before login; none where no policy sets LOGIN-DELAY or EXPIRE.
  virtual std::optional<PolicyAnnouncement> announcedBeforeLogin() = 0;
  // A login that failed in the session itself (a SASL proof, APOP, a cancelled or malformed exchange), so that it
  // is logged like one that failed in login(). `request.user` may be empty.
  virtual void loginFailed(const LoginRequest& request, const std::string& reason) = 0;
  // The account a login name reaches, by which failed logins are counted (LoginThrottle): a device's name
  // ("alice+phone@…", where its tenant tracks devices) is its user's, or every made-up device would be a fresh
  // count of guesses. A name that reaches no account is its own.
  virtual std::string account(const std::string& user) = 0;
};

}  // namespace postamt::pop3
