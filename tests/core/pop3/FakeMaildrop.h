#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pop3/Maildrop.h"

namespace postamt::pop3::test {

struct FakeMessage {
  std::string uidl;
  std::string body;  // stored CRLF-normalised, as delivery stores it
};

// An in-memory message store: what a maildrop shows, how it misbehaves on request, and what was done to it.
struct FakeStore {
  std::vector<FakeMessage> messages;

  // Behaviour.
  std::size_t servedPerRead = std::numeric_limits<std::size_t>::max();  // serve at most this much per read
  std::optional<std::uint64_t> failReadsFromOffset;                     // reads at or past it throw
  bool readFailureTemporary = true;
  std::optional<bool> expungeFailsTemporary;  // set: expunge throws, temporary or not, and removes nothing
  std::function<void()> duringExpunge;

  // Observations.
  bool locked = false;
  int opened = 0;
  std::vector<std::vector<std::size_t>> expungeCalls;
  std::vector<std::size_t> retrieved;  // markRetrieved() calls, by index
  std::size_t reads = 0;
  std::size_t largestReadBuffer = 0;
};

// A maildrop over a FakeStore: locks it while open, lists it as it was at open (RFC 1939 section 4).
class FakeMaildrop : public Maildrop {
 public:
  explicit FakeMaildrop(FakeStore& store) : store_(store), bodies_(store.messages) {
    store_.locked = true;
    ++store_.opened;
    for (const auto& message : bodies_) listing_.push_back({message.uidl, message.body.size()});
  }
  ~FakeMaildrop() override { store_.locked = false; }

  const std::vector<MessageInfo>& messages() const override { return listing_; }

  std::size_t read(std::size_t index, std::uint64_t offset, std::span<char> buffer) override {
    ++store_.reads;
    store_.largestReadBuffer = std::max(store_.largestReadBuffer, buffer.size());
    if (store_.failReadsFromOffset && offset >= *store_.failReadsFromOffset) {
      throw StoreError("read failed", store_.readFailureTemporary);
    }
    const std::string& body = bodies_.at(index).body;
    if (offset >= body.size()) return 0;
    const std::size_t length = std::min({buffer.size(), store_.servedPerRead, body.size() - offset});
    std::copy_n(body.data() + offset, length, buffer.data());
    return length;
  }

  void markRetrieved(std::size_t index) noexcept override { store_.retrieved.push_back(index); }

  void expunge(const std::vector<std::size_t>& indexes) override {
    store_.expungeCalls.push_back(indexes);
    if (store_.duringExpunge) store_.duringExpunge();
    if (store_.expungeFailsTemporary) throw StoreError("expunge failed", *store_.expungeFailsTemporary);
    std::vector<std::size_t> descending = indexes;
    std::sort(descending.rbegin(), descending.rend());
    for (const auto index : descending) store_.messages.erase(store_.messages.begin() + static_cast<std::ptrdiff_t>(index));
  }

 private:
  FakeStore& store_;
  const std::vector<FakeMessage> bodies_;
  std::vector<MessageInfo> listing_;
};

}  // namespace postamt::pop3::test
