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

 private:
  pop3::LoginResult authenticate(const pop3::LoginRequest& request);
  pop3::LoginResult authenticateIn(ResolvedMailbox& target, const pop3::LoginRequest& request);

  MailboxResolver& resolver_;
  std::string lockOwner_;
  std::atomic<std::uint64_t> sessionCounter_{0};
};

}  // namespace postamt::tenant
