#include "DownloadDialogue.h"

#include <charconv>

namespace postamt::bench {

DownloadDialogue::DownloadDialogue(std::string user, std::string password, Tally& tally, std::optional<int> onlyMessage)
    : Pop3Dialogue(std::move(user), std::move(password)), tally_(tally), onlyMessage_(onlyMessage) {}

Dialogue::Step DownloadDialogue::begin(Connection& connection) {
  if (onlyMessage_) {
    connection.send("RETR " + std::to_string(*onlyMessage_) + "\r\n");
    retrSent_ = Clock::now();
    state_ = State::RetrStatus;
  } else {
    connection.send("LIST\r\n");
    state_ = State::ListStatus;
  }
  return Step::Continue;
}

Dialogue::Step DownloadDialogue::retrieveNext(Connection& connection) {
  if (onlyMessage_ || next_ == sizes_.size()) {
    connection.send("QUIT\r\n");
    state_ = State::Quit;
  } else {
    connection.send("RETR " + std::to_string(next_ + 1) + "\r\n");
    state_ = State::RetrStatus;
  }
  return Step::Continue;
}

Dialogue::Step DownloadDialogue::transact(Connection& connection) {
  for (;;) {
    if (state_ == State::RetrBody) {
      if (!connection.body(body_)) return Step::Continue;
      tally_.octets += body_.octets();
      ++tally_.messages;
      if (onlyMessage_) tally_.retrSeconds += std::chrono::duration<double>(Clock::now() - retrSent_).count();
      if (next_ < sizes_.size() && body_.octets() != sizes_[next_]) ++tally_.sizeMismatches;
      ++next_;
      retrieveNext(connection);
      continue;
    }
    const auto line = connection.line();
    if (!line) return Step::Continue;
    switch (state_) {
      case State::ListStatus:
        if (!positive(*line, "LIST")) return Step::Failed;
        state_ = State::ListLines;
        break;
      case State::ListLines: {
        if (*line == ".") {
          retrieveNext(connection);
          break;
        }
        // "number size" (RFC 1939 section 5, LIST)
        std::uint64_t size = 0;
        const auto space = line->find(' ');
        if (space == std::string_view::npos ||
            std::from_chars(line->data() + space + 1, line->data() + line->size(), size).ec != std::errc()) {
          return fail("LIST line is not 'number size': " + std::string(*line));
        }
        sizes_.push_back(size);
        break;
      }
      case State::RetrStatus:
        if (!positive(*line, "RETR")) return Step::Failed;
        body_ = DotTerminatedBody();
        state_ = State::RetrBody;
        break;
      case State::Quit:
        return positive(*line, "QUIT") ? Step::Finished : Step::Failed;
      case State::RetrBody:
        break;
    }
  }
}

}  // namespace postamt::bench
