#include "Pop3Dialogue.h"

namespace postamt::bench {

Pop3Dialogue::Pop3Dialogue(std::string user, std::string password) : user_(std::move(user)), password_(std::move(password)) {}

bool Pop3Dialogue::positive(std::string_view line, std::string_view command) {
  if (line.starts_with("+OK")) return true;
  fail(std::string(command) + " answered: " + std::string(line));
  return false;
}

void Pop3Dialogue::sendUser(Connection& connection) {
  connection.send("USER " + user_ + "\r\n");
  phase_ = Phase::User;
}

Dialogue::Step Pop3Dialogue::onInput(Connection& connection) {
  while (phase_ != Phase::Transaction) {
    if (phase_ == Phase::Handshake) {
      // After the handshake the client speaks first (RFC 2595 section 4), so it waits for nothing but TLS.
      if (!connection.secure()) return Step::Continue;
      sendUser(connection);
      continue;
    }
    const auto line = connection.line();
    if (!line) return Step::Continue;
    switch (phase_) {
      case Phase::Greeting:
        if (!positive(*line, "greeting")) return Step::Failed;
        if (connection.tlsPending()) {
          // A client configured for STLS needs no CAPA first: -ERR tells it just as well that STLS is missing.
          connection.send("STLS\r\n");
          phase_ = Phase::Stls;
        } else {
          sendUser(connection);
        }
        break;
      case Phase::Stls:
        if (!positive(*line, "STLS")) return Step::Failed;
        connection.startTls();
        phase_ = Phase::Handshake;
        break;
      case Phase::User:
        if (!positive(*line, "USER")) return Step::Failed;
        connection.send("PASS " + password_ + "\r\n");
        phase_ = Phase::Pass;
        break;
      case Phase::Pass:
        if (!positive(*line, "PASS")) return Step::Failed;
        phase_ = Phase::Transaction;
        if (const Step step = begin(connection); step != Step::Continue) return step;
        break;
      case Phase::Handshake:
      case Phase::Transaction:
        break;
    }
  }
  return transact(connection);
}

}  // namespace postamt::bench
