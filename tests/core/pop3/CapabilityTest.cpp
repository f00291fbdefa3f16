#include <gtest/gtest.h>

#include "pop3/Capability.h"

namespace postamt::pop3 {
namespace {

using List = std::vector<std::string>;

// RFC 2449 section 6 and RFC 3206 section 6: what this server implements.
TEST(CapabilityTest, ListsWhatTheSessionImplements) {
  SessionSettings settings;
  settings.implementation = "Postamt 0.1";
  EXPECT_EQ(capabilities(settings),
            (List{"TOP", "USER", "SASL SCRAM-SHA-256 CRAM-MD5 OAUTHBEARER XOAUTH2 PLAIN LOGIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "UIDL", "UTF8",
                  "IMPLEMENTATION Postamt 0.1"}));
}

// RFC 2449 section 6.2: USER only where USER/PASS is accepted; RFC 2595 section 6: the same for the SASL
// mechanisms that send the password as it is.
TEST(CapabilityTest, LeavesUserAndCleartextMechanismsOutWhenCleartextLoginIsNotAllowed) {
  SessionSettings settings;
  settings.allowCleartextLogin = false;
  EXPECT_EQ(capabilities(settings), (List{"TOP", "SASL SCRAM-SHA-256 CRAM-MD5", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "UIDL", "UTF8",
                                          "IMPLEMENTATION Postamt"}));
}

// RFC 2595 section 4: STLS is a capability while the session may issue it.
TEST(CapabilityTest, ListsStlsWhenItMayBeIssued) {
  SessionSettings settings;
  EXPECT_EQ(capabilities(settings, true),
            (List{"TOP", "USER", "SASL SCRAM-SHA-256 CRAM-MD5 OAUTHBEARER XOAUTH2 PLAIN LOGIN", "RESP-CODES", "AUTH-RESP-CODE",
                  "PIPELINING", "UIDL", "STLS", "UTF8", "IMPLEMENTATION Postamt"}));
}

TEST(CapabilityTest, LeavesImplementationOutWhenItIsNotConfigured) {
  SessionSettings settings;
  settings.implementation.clear();
  EXPECT_EQ(capabilities(settings),
            (List{"TOP", "USER", "SASL SCRAM-SHA-256 CRAM-MD5 OAUTHBEARER XOAUTH2 PLAIN LOGIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "UIDL", "UTF8"}));
}

}  // namespace
}  // namespace postamt::pop3
