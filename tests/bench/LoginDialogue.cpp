#include "LoginDialogue.h"

namespace postamt::bench {

Dialogue::Step LoginDialogue::begin(Connection& connection) {
  connection.send("STAT\r\n");
  return Step::Continue;
}

Dialogue::Step LoginDialogue::transact(Connection& connection) {
  while (const auto line = connection.line()) {
    if (!positive(*line, quitting_ ? "QUIT" : "STAT")) return Step::Failed;
    if (quitting_) return Step::Finished;
    connection.send("QUIT\r\n");
    quitting_ = true;
  }
  return Step::Continue;
}

}  // namespace postamt::bench
