// Fuzzes delivery::MessageSpool, the CRLF normaliser every delivered and imported message goes through: arbitrary
// octets, appended in arbitrary chunks, must come back with the line ends of its policy, exactly as a plain reference
// computes them, and the size limit must refuse exactly the messages that exceed it.
//
// Flags (ChunkedInput.h): 0 spools with LineEnds::kAsDovecotSends instead of kNormalise; 1 limits the size to the
// payload's raw length, so the limit is hit exactly when line ends grow the message.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "ChunkedInput.h"
#include "Expect.h"
#include "ReferenceLineEnds.h"
#include "delivery/MessageSpool.h"
#include "lmtp/FakeDeliveryAgent.h"

namespace {

using postamt::delivery::MessageSpool;
using postamt::delivery::SpoolError;
using postamt::fuzz::expect;

// What kNormalise promises on top of matching the reference: no CR or LF outside a CRLF, and CRLF at the end.
void expectOnlyCrlf(const std::string& message) {
  for (std::size_t at = 0; at < message.size(); ++at) {
    if (message[at] == '\r') expect(at + 1 < message.size() && message[at + 1] == '\n', "a bare CR was spooled", message);
    if (message[at] == '\n') expect(at > 0 && message[at - 1] == '\r', "a bare LF was spooled", message);
  }
  expect(message.empty() || message.ends_with("\r\n"), "the spooled message does not end in CRLF", message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const postamt::fuzz::ChunkedInput input(data, size);
  const bool dovecot = input.flag(0);
  const auto lineEnds = dovecot ? MessageSpool::LineEnds::kAsDovecotSends : MessageSpool::LineEnds::kNormalise;
  const std::string expected =
      dovecot ? postamt::fuzz::dovecotLineEnds(input.payload()) : postamt::fuzz::normalisedLineEnds(input.payload());
  const std::uint64_t maxSize = input.flag(1) ? input.payload().size() : UINT64_MAX;

  // The spool carries a 64 KiB buffer: on the heap, not on the fuzzer's stack.
  const auto spool = std::make_unique<MessageSpool>(maxSize, lineEnds);
  try {
    for (const auto chunk : input.chunks()) spool->append(chunk.data(), chunk.size());
    spool->finish();
  } catch (const SpoolError&) {
    expect(expected.size() > maxSize, "the spool refused a message within its size limit", input.payload());
    return 0;
  }
  expect(expected.size() <= maxSize, "the spool took a message over its size limit", input.payload());

  const std::string spooled = postamt::lmtp::test::readBack(*spool);
  expect(spool->size() == spooled.size() && spool->source().size == spooled.size(),
         "the spool's size is not the size of what it holds", spooled);
  if (dovecot) {
    expect(spooled.ends_with("\r\n"), "a message spooled as Dovecot sends it does not end in CRLF", spooled);
  } else {
    expectOnlyCrlf(spooled);
  }
  expect(spooled == expected, "the spooled message differs from the reference", spooled);
  return 0;
}
