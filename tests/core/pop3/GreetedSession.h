#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "FakeAuthenticator.h"
#include "FakeMaildrop.h"
#include "RecordingSink.h"
#include "pop3/Session.h"

namespace postamt::pop3::test {

// One client connection after the greeting: the session, its account and what it wrote.
struct GreetedSession {
  explicit GreetedSession(const SessionSettings& settings) : authenticator(store) {
    session = std::make_unique<Session>(authenticator, settings, sink);
    session->greet();
    greeting = sink.take();
  }

  std::string send(std::string_view input) {
    session->receive(input);
    return sink.take();
  }

  FakeStore store;
  FakeAuthenticator authenticator;
  RecordingSink sink;
  std::unique_ptr<Session> session;
  std::string greeting;
};

}  // namespace postamt::pop3::test
