#include "LmtpDialogue.h"

namespace postamt::bench {

std::string dataSection(std::string_view message) {
  std::string out;
  out.reserve(message.size() + message.size() / 64 + 8);
  bool lineStart = true;
  for (std::size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    if (lineStart && c == '.') out += '.';
    if (c == '\n' && (i == 0 || message[i - 1] != '\r')) out += '\r';
    out += c;
    lineStart = c == '\n';
  }
  if (!lineStart) out += "\r\n";
  out += ".\r\n";
  return out;
}

LmtpDialogue::LmtpDialogue(DeliveryPlan& plan, std::shared_ptr<const std::string> data, int transactions, Tally& tally)
    : plan_(plan), data_(std::move(data)), transactionsLeft_(transactions), tally_(tally) {}

int LmtpDialogue::reply(Connection& connection) {
  while (const auto line = connection.line()) {
    lastLine_ = std::string(*line);
    // "250-text" continues a reply, "250 text" or "250" ends it (RFC 5321 section 4.2.1).
    if (line->size() >= 4 && (*line)[3] == '-') continue;
    int code = 0;
    for (std::size_t i = 0; i < 3 && i < line->size(); ++i) code = code * 10 + ((*line)[i] - '0');
    return code > 0 ? code : -1;
  }
  return 0;
}

Dialogue::Step LmtpDialogue::expect(int code, int wanted, const char* after) {
  if (code == wanted) return Step::Continue;
  return fail(std::string(after) + " answered: " + lastLine_);
}

void LmtpDialogue::startTransaction(Connection& connection) {
  std::optional<std::string> recipient;
  if (transactionsLeft_ > 0) recipient = plan_.claim();
  if (!recipient) {
    connection.send("QUIT\r\n");
    state_ = State::Quit;
    return;
  }
  --transactionsLeft_;
  recipient_ = *recipient;
  connection.send("MAIL FROM:<loadgen@bench.test>\r\n");
  state_ = State::Mail;
}

Dialogue::Step LmtpDialogue::onInput(Connection& connection) {
  for (int code = reply(connection); code != 0; code = reply(connection)) {
    switch (state_) {
      case State::Greeting:
        if (expect(code, 220, "greeting") == Step::Failed) return Step::Failed;
        connection.send("LHLO loadgen.bench.test\r\n");
        state_ = State::Lhlo;
        break;
      case State::Lhlo:
        if (expect(code, 250, "LHLO") == Step::Failed) return Step::Failed;
        startTransaction(connection);
        break;
      case State::Mail:
        if (expect(code, 250, "MAIL FROM") == Step::Failed) return Step::Failed;
        connection.send("RCPT TO:<" + recipient_ + ">\r\n");
        state_ = State::Rcpt;
        break;
      case State::Rcpt:
        if (expect(code, 250, "RCPT TO") == Step::Failed) return Step::Failed;
        connection.send("DATA\r\n");
        state_ = State::Data;
        break;
      case State::Data:
        if (expect(code, 354, "DATA") == Step::Failed) return Step::Failed;
        connection.send(*data_);
        state_ = State::Message;
        break;
      case State::Message:
        if (expect(code, 250, "end of data") == Step::Failed) return Step::Failed;
        ++tally_.messages;
        startTransaction(connection);
        break;
      case State::Quit:
        return expect(code, 221, "QUIT") == Step::Failed ? Step::Failed : Step::Finished;
    }
  }
  return Step::Continue;
}

}  // namespace postamt::bench
