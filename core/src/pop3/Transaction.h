#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "pop3/Maildrop.h"

namespace postamt::pop3 {

// The maildrop as the TRANSACTION state sees it (RFC 1939 section 5): message numbers 1..count() fixed at login for
// the whole session, and the DELE marks, which only the UPDATE state applies. Numbers given here are valid ones: the
// session checks the client's numbers before asking.
class Transaction {
 public:
  explicit Transaction(std::unique_ptr<Maildrop> maildrop);

  Maildrop& maildrop() const;

  // Every message, marked ones included: marks never renumber (RFC 1939 section 5).
  std::size_t count() const;
  const MessageInfo& message(std::size_t number) const;

  bool deleted(std::size_t number) const;
  void markDeleted(std::size_t number);
  void unmarkAll();

  // RFC 1939 section 5, STAT: marked messages are not counted.
  std::size_t remainingCount() const;
  std::uint64_t remainingSize() const;

  // The 0-based indexes of the marked messages, ascending, for Maildrop::expunge.
  std::vector<std::size_t> markedIndexes() const;

 private:
  std::unique_ptr<Maildrop> maildrop_;
  std::vector<bool> deleted_;
  std::size_t deletedCount_ = 0;
  std::uint64_t deletedSize_ = 0;
  std::uint64_t totalSize_ = 0;
};

}  // namespace postamt::pop3
