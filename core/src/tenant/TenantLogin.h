#pragma once

#include <atomic>
#include <string>

#include "pop3/Authenticator.h"
#include "tenant/MailboxResolver.h"

namespace postamt::tenant {

// The POP3 login of a multi-tenant server: resolve the tenant from the
// domain, verify with the tenant's auth instance, open and lock the maildrop
// in the tenant's store instance. Thread-safe.
class TenantLogin : public pop3::Authenticator {
 public:
  // `lockOwner` names this process in maildrop locks ("host:pid").
  TenantLogin(MailboxResolver& resolver, std::string lockOwner);

  pop3::LoginResult login(const pop3::LoginRequest& request) override;
  sasl::StoredSecret storedSecret(const std::string& user) override;
  pop3::LoginResult openProven(const pop3::LoginRequest& request) override;
  sasl::TokenCheck verifyBearerToken(const std::string& user, const std::string& token) override;
  void loginFailed(const pop3::LoginRequest& request, const std::string& reason) override;

 private:
  // Writes the one log line every login attempt gets: the client hears only the response code.
  static pop3::LoginResult logged(const pop3::LoginRequest& request, pop3::LoginResult result);
  pop3::LoginResult authenticate(const pop3::LoginRequest& request);
  pop3::LoginResult open(ResolvedMailbox& target);

  MailboxResolver& resolver_;
  std::string lockOwner_;
  std::atomic<std::uint64_t> sessionCounter_{0};
};

}  // namespace postamt::tenant
