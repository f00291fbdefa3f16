#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "delivery/MessageSpool.h"

namespace postamt::migration {

// One message as Dovecot's POP3 server shows it.
struct SourceMessage {
  std::string uidl;
  std::int64_t receivedAt = 0;  // seconds since the epoch: Dovecot's received date
};

// A user's INBOX as Dovecot keeps it on disk, read the way Dovecot's POP3
// server reads it: the same messages, in the same order, under the same UIDLs,
// with the same octets. Reading never changes a file.
class DovecotMaildrop {
 public:
  virtual ~DovecotMaildrop() = default;

  // In POP3 order: index 0 is message 1.
  virtual const std::vector<SourceMessage>& messages() const = 0;
  // What the operator should know about where the UIDLs came from, one line each.
  virtual const std::vector<std::string>& notes() const = 0;
  // Appends message `index` as Dovecot reads it from disk (before its RETR
  // adds CRs and byte-stuffing) to `spool`. Throws SourceError.
  virtual void copy(std::size_t index, delivery::MessageSpool& spool) const = 0;
};

// Opens a Maildir (a directory with cur/) or an mbox file (empty, or beginning
// with a From_ line). Throws SourceError for anything else, naming the path.
std::unique_ptr<DovecotMaildrop> openDovecotMaildrop(const std::string& path);

// Dovecot's default pop3_uidl_format "%08Xu%08Xv": the IMAP UID, then the
// mailbox's UIDVALIDITY, in hex. Lower-case hex: var_expand's X modifier
// prints with "%llx" (var-expand.c), whatever the capital X suggests.
std::string dovecotDefaultUidl(std::uint32_t uid, std::uint32_t uidValidity);

// A UIDVALIDITY for a mailbox Dovecot never numbered (no dovecot-uidlist, no
// X-IMAPbase). Dovecot would take the current time; a value that depends only
// on the messages keeps a second import skipping what the first one brought.
std::uint32_t uidValidityForUnnumbered(const std::vector<SourceMessage>& messages);

}  // namespace postamt::migration
