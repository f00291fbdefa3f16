#pragma once

#include <string>

#include "policy/Ruling.h"

namespace postamt::policy {

// The `deliver` hook's decision, asked per recipient at LMTP RCPT and again
// at DATA, when the size is known:
//   { action = "accept" | "refuse" | "tag", code = 550, enhanced = "5.7.1",
//     text = "...", tag = "..." }
// A refusal's code is an SMTP reply code of class 4 or 5 (RFC 5321 section
// 4.2), its enhanced code one of the same class (RFC 3463); by default
// 550 5.7.1 ("delivery not authorized"). A tag is stored with that
// recipient's copy as an "X-Postamt-Tag:" header field at the top.
struct DeliverRule {
  enum class Action { Accept, Refuse, Tag };
  Action action = Action::Accept;
  int code = 550;
  std::string enhanced = "5.7.1";
  std::string text;
  std::string tag;

  static DeliverRule parse(const sdk::PolicyValues& values);  // throws MalformedDecision
};

}  // namespace postamt::policy
