#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "migration/DovecotMaildrop.h"
#include "migration/SourceFile.h"

namespace postamt::migration {

// An mbox INBOX read as Dovecot reads it (istream-raw-mbox.c, mbox-sync-parse.c):
//  - a message starts after a From_ line that parses as one; the line end
//    before the next From_ line, and the file's final line end, belong to
//    the mbox, not the message; a Content-Length that ends exactly at the
//    next From_ line (or the end) may take in From_ lines of its body;
//  - ">From " lines stay as they are: Dovecot unescapes neither mboxo nor
//    mboxrd, so clients have seen them that way;
//  - Dovecot's own headers (Content-Length, Status, X-IMAP, X-IMAPbase,
//    X-Keywords, X-Status, X-UID) are hidden, and the "FOLDER INTERNAL DATA"
//    message that carries X-IMAP is not listed;
//  - the UIDL is the X-UIDL header's (what Dovecot shows with
//    pop3_reuse_xuidl = yes), else %08Xu%08Xv from X-UID and X-IMAPbase.
class DovecotMbox final : public DovecotMaildrop {
 public:
  explicit DovecotMbox(const std::string& path);  // throws SourceError

  const std::vector<SourceMessage>& messages() const override { return messages_; }
  const std::vector<std::string>& notes() const override { return notes_; }
  void copy(std::size_t index, delivery::MessageSpool& spool) const override;

  // Octets [from, to) of the file.
  struct Span {
    std::uint64_t from = 0;
    std::uint64_t to = 0;
  };
  // Where a message lies in the file: its header and body, less hidden header lines.
  struct Extent {
    Span message;
    std::vector<Span> hidden;
  };

 private:
  SourceFile file_;
  std::vector<SourceMessage> messages_;
  std::vector<Extent> extents_;
  std::vector<std::string> notes_;
};

}  // namespace postamt::migration
