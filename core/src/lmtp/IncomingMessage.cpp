#include "lmtp/IncomingMessage.h"

#include <limits>
#include <string>

namespace postamt::lmtp {
namespace {

// RFC 5321 section 4.4: the final delivery adds Return-Path with the reverse-path. Delivered-To names the recipient
// as Postfix's local(8) and Dovecot's LMTP write it; Dovecot writes it only when there is exactly one recipient, so a
// message for several stays one identical copy that a store can keep once.
std::string traceHeaders(const Envelope& envelope) {
  std::string headers = "Return-Path: <" + envelope.sender + ">\r\n";
  if (envelope.recipients.size() == 1) headers += "Delivered-To: " + envelope.recipients.front() + "\r\n";
  return headers;
}

std::uint64_t saturatingSum(std::uint64_t a, std::uint64_t b) {
  return a > std::numeric_limits<std::uint64_t>::max() - b ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

}  // namespace

IncomingMessage::IncomingMessage(const Envelope& envelope, std::uint64_t maxMessageSize)
    : IncomingMessage(traceHeaders(envelope), maxMessageSize) {}

IncomingMessage::IncomingMessage(const std::string& headers, std::uint64_t maxMessageSize)
    : limit_(saturatingSum(headers.size(), maxMessageSize)), spool_(limit_) {
  spool_.append(headers.data(), headers.size());
}

void IncomingMessage::append(std::string_view text) {
  if (outcome_ != Outcome::Complete || text.empty()) return;
  try {
    spool_.append(text.data(), text.size());
  } catch (const delivery::SpoolError&) {
    spoolFailed();
  }
}

IncomingMessage::Outcome IncomingMessage::finish() {
  if (outcome_ != Outcome::Complete) return outcome_;
  try {
    spool_.finish();
  } catch (const delivery::SpoolError&) {
    spoolFailed();
  }
  return outcome_;
}

void IncomingMessage::spoolFailed() {
  // The spool refuses a byte only once its size has reached the limit; any other failure is the disk's.
  outcome_ = spool_.size() >= limit_ ? Outcome::TooLarge : Outcome::SpoolFailed;
}

}  // namespace postamt::lmtp
