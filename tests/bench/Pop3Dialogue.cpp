#include "Pop3Dialogue.h"

namespace postamt::bench {

Pop3Dialogue::Pop3Dialogue(std::string user, std::string password) : user_(std::move(user)), password_(std::move(password)) {}

bool Pop3Dialogue::positive(std::string_view line, std::string_view command) {
  if (line.starts_with("+OK")) return true;
  fail(std::string(command) + " answered: " + std::string(line));
  return false;
}

Dialogue::Step Pop3Dialogue::onInput(Connection& connection) {
  while (phase_ != Phase::Transaction) {
    const auto line = connection.line();
    if (!line) return Step::Continue;
    switch (phase_) {
      case Phase::Greeting:
        if (!positive(*line, "greeting")) return Step::Failed;
        connection.send("USER " + user_ + "\r\n");
        phase_ = Phase::User;
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
      case Phase::Transaction:
        break;
    }
  }
  return transact(connection);
}

}  // namespace postamt::bench
