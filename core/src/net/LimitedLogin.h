#pragma once

#include "net/ConnectionLimits.h"
#include "pop3/Authenticator.h"

namespace postamt::net {

// One POP3 connection's logins within the per-user-and-address and per-tenant connection limits. Wraps the
// listener's authenticator for one connection and keeps that connection's places in the counts until it is destroyed
// with the connection, however the session ended.
//
// The user's count is taken before the password is checked, so a client over its limit learns nothing about the
// password; it is keyed by the client's own address, so nobody elsewhere can lock a user out. The tenant is known
// only once the login has resolved it, so its count is taken then, and a refused login closes the maildrop again.
class LimitedLogin : public pop3::Authenticator {
 public:
  LimitedLogin(pop3::Authenticator& inner, ConnectionLimits& limits);

  pop3::LoginResult login(const pop3::LoginRequest& request) override;
  sasl::StoredSecret storedSecret(const std::string& user) override { return inner_.storedSecret(user); }
  pop3::LoginResult openProven(const pop3::LoginRequest& request) override;
  sasl::TokenCheck verifyBearerToken(const std::string& user, const std::string& token) override {
    return inner_.verifyBearerToken(user, token);
  }
  std::optional<pop3::PolicyAnnouncement> announcedBeforeLogin() override { return inner_.announcedBeforeLogin(); }
  void loginFailed(const pop3::LoginRequest& request, const std::string& reason) override { inner_.loginFailed(request, reason); }
  std::string account(const std::string& user) override { return inner_.account(user); }

 private:
  template <typename Login>
  pop3::LoginResult admitted(const pop3::LoginRequest& request, Login&& login);

  pop3::Authenticator& inner_;
  ConnectionLimits& limits_;
  ConnectionLimits::Lease user_;
  ConnectionLimits::Lease tenant_;
};

}  // namespace postamt::net
