#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "policy/Ruling.h"

namespace postamt::policy {

// The `login` hook's decision, asked after the password is verified:
//   { refuse = "LOGIN-DELAY" | "AUTH" | "SYS/PERM", text = "...",
//     login_delay = seconds, expire = days | "never" }
// login_delay and expire are what CAPA announces to the user (RFC 2449
// sections 6.5 and 6.7); refuse fails the login with that response code.
struct LoginRule {
  enum class Refusal { None, LoginDelay, Auth, SysPerm };
  Refusal refusal = Refusal::None;
  std::string text;  // the -ERR text; empty: the standard one
  std::optional<std::int64_t> loginDelay;
  std::optional<std::int64_t> expireDays;
  bool expireNever = false;

  static LoginRule parse(const sdk::PolicyValues& values);  // throws MalformedDecision
};

}  // namespace postamt::policy
