#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "FakeMaildrop.h"
#include "pop3/Authenticator.h"

namespace postamt::pop3::test {

// One account over a FakeStore. Records every request; can be told to answer every login one way, or to throw.
class FakeAuthenticator : public Authenticator {
 public:
  explicit FakeAuthenticator(FakeStore& store) : store_(store) {}

  std::string user = "alice@example.org";
  std::string password = "secret";
  std::optional<LoginResult::Outcome> forcedOutcome;
  bool okWithoutMaildrop = false;
  bool throws = false;
  std::vector<LoginRequest> requests;
  // What storedSecret() gives out, for SCRAM: the user's "{SCHEME}..." secret, or a status alone.
  sasl::StoredSecret secret{sasl::StoredSecret::Status::Missing, {}};
  std::vector<std::string> secretRequests;
  std::vector<LoginRequest> provenRequests;
  std::vector<std::pair<LoginRequest, std::string>> failures;  // what loginFailed() was told
  // The one bearer token verifyBearerToken() takes, for `user`.
  std::string token = "valid-token";

  // Distinctive log texts: a test fails if any of them reaches the client.
  static constexpr const char* kLogMarker = "LOG-ONLY";

  LoginResult login(const LoginRequest& request) override {
    requests.push_back(request);
    return answer(request, request.user == user && request.password == password);
  }

  sasl::StoredSecret storedSecret(const std::string& name) override {
    secretRequests.push_back(name);
    if (throws) throw std::runtime_error("authenticator database down");
    return name == user ? secret : sasl::StoredSecret{sasl::StoredSecret::Status::Missing, {}};
  }

  sasl::TokenCheck verifyBearerToken(const std::string& name, const std::string& offered) override {
    if (throws) throw std::runtime_error("authenticator database down");
    return name == user && offered == token ? sasl::TokenCheck::Valid : sasl::TokenCheck::Invalid;
  }

  void loginFailed(const LoginRequest& request, const std::string& reason) override {
    failures.emplace_back(request, reason);
  }

  LoginResult openProven(const LoginRequest& request) override {
    provenRequests.push_back(request);
    return answer(request, request.user == user);
  }

  std::optional<PolicyAnnouncement> announcedBeforeLogin() override { return std::nullopt; }

  // As a tenant that tracks devices names them: "alice+phone@example.org" is alice@example.org's.
  std::string account(const std::string& name) override {
    const auto plus = name.find('+');
    const auto at = name.find('@');
    return plus < at && at != std::string::npos ? name.substr(0, plus) + name.substr(at) : name;
  }

 private:
  LoginResult answer(const LoginRequest& request, bool credentialsMatch) {
    if (throws) throw std::runtime_error("authenticator database down");
    LoginResult result;
    result.text = std::string(kLogMarker) + " for " + request.user;
    if (forcedOutcome) {
      result.outcome = *forcedOutcome;
    } else if (!credentialsMatch) {
      result.outcome = LoginResult::Outcome::Denied;
    } else if (store_.locked) {
      result.outcome = LoginResult::Outcome::InUse;
    } else {
      result.outcome = LoginResult::Outcome::Ok;
    }
    if (result.outcome == LoginResult::Outcome::Ok && !okWithoutMaildrop) {
      result.maildrop = std::make_unique<FakeMaildrop>(store_);
    }
    return result;
  }

  FakeStore& store_;
};

}  // namespace postamt::pop3::test
