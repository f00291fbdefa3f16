#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "DotTerminatedBody.h"
#include "Pop3Dialogue.h"

namespace postamt::bench {

// download mode: LIST, then RETR every message in turn, then QUIT, counting
// the octets of each body (RFC 1939 section 5). big mode: RETR one given
// message, timed, then QUIT.
class DownloadDialogue : public Pop3Dialogue {
 public:
  DownloadDialogue(std::string user, std::string password, Tally& tally, std::optional<int> onlyMessage = std::nullopt);

 protected:
  Step begin(Connection& connection) override;
  Step transact(Connection& connection) override;

 private:
  enum class State { ListStatus, ListLines, RetrStatus, RetrBody, Quit };
  Step retrieveNext(Connection& connection);

  Tally& tally_;
  std::optional<int> onlyMessage_;
  State state_ = State::ListStatus;
  std::vector<std::uint64_t> sizes_;  // from LIST; empty when only one message is fetched
  std::size_t next_ = 0;              // index into sizes_ of the message RETR fetches next
  DotTerminatedBody body_;
  Clock::time_point retrSent_;
};

}  // namespace postamt::bench
