#pragma once

#include <cstddef>
#include <string_view>

#include "ChunkedInput.h"
#include "Expect.h"
#include "WireLines.h"

namespace postamt::fuzz {

// Talks to a protocol session (pop3::Session, lmtp::Session) as the fuzzer's client: hands it the input chunk by
// chunk, and after each chunk has the client model read the answers to every command line complete by then, because
// a pipelining server answers every line, in order (RFC 2920; RFC 2449 section 6.6). The model says when to stop
// reading and what to check between chunks:
//   bool stopsReading(bool sessionClosed)  the session closed and nothing more of it can be read
//   void answer(std::string_view line, bool sessionClosed)  reads the answer to one line (sent without its LF)
//   void checkHeld()  what the session buffers is within the line limits
//   void checkOpen()  the session is open: it wrote nothing beyond its answers
//   void readRest()   reads what a closing session wrote last
template <typename Session>
class SessionDriver {
 public:
  SessionDriver(Session& session, WireLines& wire) : session_(session), wire_(wire) {}

  // Runs what makes the session write. The network layer drops a connection whose sink threw, so the session must
  // have closed itself by then; what it wrote before cannot be read as whole answers.
  template <typename Action>
  void talk(Action&& action) {
    try {
      action();
    } catch (const PeerGone&) {
      expect(session_.closed(), "a session whose peer went away is still open");
      peerGone_ = true;
    }
  }

  // Feeds every chunk of `input`; true when the session closed (and all it wrote was read) or its peer went away.
  template <typename Model>
  bool feed(const ChunkedInput& input, Model& model) {
    const std::string_view payload = input.payload();
    std::size_t received = 0;
    std::size_t lineStart = 0;
    bool finished = false;
    for (const auto chunk : input.chunks()) {
      const auto writtenBefore = wire_.written();
      if (finished) {
        session_.receive(chunk);
        expect(wire_.written() == writtenBefore, "a closed session wrote again");
        continue;
      }
      talk([&] { session_.receive(chunk); });
      received += chunk.size();
      if (peerGone_) {
        finished = true;
        continue;
      }
      for (auto lf = payload.find('\n', lineStart); lf != std::string_view::npos && lf < received;
           lf = payload.find('\n', lineStart)) {
        const std::string_view line = payload.substr(lineStart, lf - lineStart);
        lineStart = lf + 1;
        if (model.stopsReading(session_.closed())) break;
        model.answer(line, session_.closed());
      }
      model.checkHeld();
      if (session_.closed()) {
        model.readRest();
        finished = true;
      } else {
        model.checkOpen();
      }
    }
    return finished;
  }

  bool peerGone() const { return peerGone_; }

 private:
  Session& session_;
  WireLines& wire_;
  bool peerGone_ = false;
};

}  // namespace postamt::fuzz
