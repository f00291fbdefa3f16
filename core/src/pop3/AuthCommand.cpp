// APOP (RFC 1939 section 7), and the AUTH command of RFC 5034 and the SASL exchange it starts: the session's side of the wire
// (base64, "+ " continuations, "*" cancels, response codes); the mechanisms themselves live in sasl/.

#include <algorithm>
#include <exception>
#include <string>

#include "pop3/DotStuffer.h"
#include "pop3/Limits.h"
#include "pop3/SessionImpl.h"
#include "sasl/Apop.h"
#include "sasl/Base64.h"
#include "sasl/Mechanisms.h"

namespace postamt::pop3 {
namespace {

// RFC 3206 section 4: SYS/TEMP, because the lockout ends by itself once the failure window passes.
constexpr std::string_view kLockedOut = "[SYS/TEMP] Too many failed logins, try again later.";

// A mechanism that throws (OpenSSL out of memory, no randomness) fails the exchange as the server's fault.
template <class Call>
sasl::Step guardedStep(Call&& call) {
  try {
    return call();
  } catch (const std::exception&) {
    return sasl::Step::failed("Temporary failure, please try again later.", sasl::Step::Failure::TempFail);
  }
}

}  // namespace

// RFC 5034 section 4. A bare AUTH answers with the list of mechanisms, the older form of RFC 1734 implementations
// that Outlook still sends and Dovecot still answers.
void Session::Impl::auth(const CommandLine& line) {
  if (line.arguments.empty()) {
    ok("");
    DotStuffer body(sink_);
    for (const auto name : sasl::offeredMechanisms(settings_.saslMechanisms, settings_.allowCleartextLogin))
      body.write(responseLine(name));
    return body.finish();
  }
  if (!expectArguments(line, {"mechanism"}, 1)) return;
  const auto mechanisms = sasl::allMechanisms();
  const auto found = std::find_if(mechanisms.begin(), mechanisms.end(),
                                  [&](const auto& mechanism) { return equalsIgnoringCase(mechanism.name, line.arguments[0]); });
  // RFC 3206 section 6 (AUTH-RESP-CODE): every failed authentication says [AUTH], or why it was not the credentials.
  const auto& enabled = settings_.saslMechanisms;
  if (found == mechanisms.end() || std::find(enabled.begin(), enabled.end(), found->name) == enabled.end()) {
    return reject("[AUTH] Unsupported authentication mechanism.");
  }
  // RFC 2595 section 6: a mechanism that shows the password must not be used where it would go in the clear.
  if (found->sendsPasswordInClear && !settings_.allowCleartextLogin) {
    return reject("[AUTH] Cleartext authentication is not allowed here, use TLS.");
  }
  if (!admitted({})) return refuseLockedOut({}, std::string(found->name));
  std::optional<std::string> initialResponse;
  if (line.arguments.size() == 2) {
    // RFC 5034 section 4: "=" is an initial response of zero length, as base64 of nothing would be no argument.
    initialResponse = line.arguments[1] == "=" ? std::string() : sasl::decodeBase64(line.arguments[1]);
    if (!initialResponse) return reject("[AUTH] Invalid base64 in the initial response.");
  }
  exchangeMechanism_ = std::string(found->name);
  exchange_ = found->create({[this](const std::string& user) { return storedSecret(user); },
                             [this](const std::string& user, const std::string& token) { return checkToken(user, token); },
                             settings_.greetingHost});
  advanceExchange(guardedStep([&] { return initialResponse ? exchange_->step(*initialResponse) : exchange_->start(); }));
}

// RFC 1939 section 7: "APOP name digest", the digest being MD5 of the greeting's timestamp and the password. It
// needs the password as stored, so it works only where an administrator enabled it and for PLAIN-stored users.
void Session::Impl::apop(const CommandLine& line) {
  // Without a timestamp in the greeting there is nothing to digest: the command is not there at all.
  if (apopTimestamp_.empty()) return reject("Unknown command");
  if (!expectArguments(line, {"name", "digest"})) return;
  const std::string user(line.arguments[0]);
  const auto secret = storedSecret(user);
  if (lockedOut_) return refuseLockedOut(user, "APOP");
  if (secret.status == sasl::StoredSecret::Status::TempFail) return fail("[SYS/TEMP] Temporary failure, please try again later.");
  if (!sasl::apopDigestMatches(secret, apopTimestamp_, line.arguments[1])) {
    logFailure(user, "APOP", "wrong digest, or a password not stored as PLAIN");
    // The digest covers this greeting's timestamp, so no two attempts are the same pair: each one counts.
    return denied("[AUTH] Authentication failed.", user, std::nullopt);
  }
  completeLogin({user, {}, settings_.remoteAddress, settings_.secure, "APOP"}, true);
}

sasl::StoredSecret Session::Impl::storedSecret(const std::string& user) {
  // The first moment a mechanism names its user: one over the limit gets no secret to test guesses against.
  if (!admitted(user)) return sasl::StoredSecret{sasl::StoredSecret::Status::TempFail, {}};
  try {
    return authenticator_.storedSecret(user);
  } catch (const std::exception&) {
    return sasl::StoredSecret{sasl::StoredSecret::Status::TempFail, {}};
  }
}

sasl::TokenCheck Session::Impl::checkToken(const std::string& user, const std::string& token) {
  if (!admitted(user)) return sasl::TokenCheck::TempFail;
  try {
    return authenticator_.verifyBearerToken(user, token);
  } catch (const std::exception&) {
    return sasl::TokenCheck::TempFail;
  }
}

// RFC 5034 section 4: each line is one base64 client response, or "*" to cancel.
void Session::Impl::continueExchange(const LineReader::Line& line) {
  if (line.problem != LineReader::Line::Problem::None) {
    logFailure({}, exchangeMechanism_, "malformed response");
    endExchange();
    return reject(line.problem == LineReader::Line::Problem::TooLong ? "[AUTH] Response too long."
                                                                     : "[AUTH] NUL byte in response.");
  }
  if (line.text == "*") {
    logFailure({}, exchangeMechanism_, "cancelled by the client");
    endExchange();
    return fail("[AUTH] Authentication cancelled.");  // RFC 5034 section 4: the server MUST answer a cancel with -ERR
  }
  const auto response = sasl::decodeBase64(line.text);
  if (!response) {
    logFailure({}, exchangeMechanism_, "invalid base64");
    endExchange();
    return reject("[AUTH] Invalid base64 in the response.");
  }
  advanceExchange(guardedStep([&] { return exchange_->step(*response); }));
}

void Session::Impl::advanceExchange(const sasl::Step& step) {
  using Kind = sasl::Step::Kind;
  switch (step.kind) {
    case Kind::Challenge:
      // RFC 5034 section 4: a challenge is "+" SP base64; the client's answer may be longer than a command line.
      lines_.setMaxLine(kMaxSaslResponseLine);
      return sink_.write("+ " + sasl::encodeBase64(step.challenge) + "\r\n");
    case Kind::Password:
    case Kind::Proven: {
      const LoginRequest request{step.user, step.password, settings_.remoteAddress, settings_.secure, exchangeMechanism_};
      endExchange();
      return completeLogin(request, step.kind == Kind::Proven);
    }
    case Kind::Failure: {
      if (lockedOut_) {
        const std::string mechanism = exchangeMechanism_;
        endExchange();
        return refuseLockedOut(step.user, mechanism);
      }
      logFailure(step.user, exchangeMechanism_, step.reason);
      endExchange();
      if (step.failure == sasl::Step::Failure::TempFail) return fail("[SYS/TEMP] " + step.reason);
      return denied("[AUTH] " + step.reason, step.user, std::nullopt);
    }
  }
}

void Session::Impl::logFailure(const std::string& user, const std::string& mechanism, const std::string& reason) {
  try {
    authenticator_.loginFailed({user, {}, settings_.remoteAddress, settings_.secure, mechanism}, reason);
  } catch (const std::exception&) {
    // A log that cannot be written must not change the client's answer.
  }
}

bool Session::Impl::admitted(const std::string& user) {
  if (settings_.loginThrottle == nullptr || settings_.loginThrottle->admits(settings_.remoteAddress, throttledName(user)))
    return true;
  lockedOut_ = true;
  return false;
}

void Session::Impl::refuseLockedOut(const std::string& user, const std::string& mechanism) {
  logFailure(user, mechanism, "too many failed logins");
  if (settings_.loginThrottle != nullptr) replyDelay_ += settings_.loginThrottle->refusalDelay(settings_.remoteAddress);
  fail(kLockedOut);
  close("locked_out");
}

void Session::Impl::denied(std::string_view response, const std::string& user, std::optional<std::string_view> secret) {
  if (settings_.loginThrottle != nullptr) {
    const auto penalty = settings_.loginThrottle->failed(settings_.remoteAddress, throttledName(user), secret);
    // Several failures pipelined in one read wait for the sum: answering them sooner than one by one would let a
    // client guess faster by pipelining.
    replyDelay_ += penalty.delay;
    if (penalty.lockedOut) {
      fail(kLockedOut);
      return close("locked_out");
    }
  }
  reject(response);
}

std::string Session::Impl::throttledName(const std::string& user) {
  if (user.empty()) return user;
  try {
    return authenticator_.account(user);
  } catch (const std::exception&) {
    return user;  // the login fails as the server's fault, and is not a guess
  }
}

void Session::Impl::endExchange() {
  exchange_.reset();
  exchangeMechanism_.clear();
  lines_.setMaxLine(kMaxCommandLine);
}

}  // namespace postamt::pop3
