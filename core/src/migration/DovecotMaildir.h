#pragma once

#include <string>
#include <vector>

#include "migration/DovecotMaildrop.h"

namespace postamt::migration {

// A Maildir INBOX: the files in cur/ and new/, numbered by dovecot-uidlist.
// Dovecot's POP3 lists them by their POP3 order ("O") where Dovecot kept one,
// then by IMAP UID; files the uidlist does not name yet get the UIDs Dovecot
// would give them next. The UIDL is the one saved with pop3_save_uidl ("P"),
// else pop3_uidl_format's default %08Xu%08Xv. The received date is the file's
// mtime, as Dovecot's INTERNALDATE.
class DovecotMaildir final : public DovecotMaildrop {
 public:
  explicit DovecotMaildir(const std::string& path);  // throws SourceError

  const std::vector<SourceMessage>& messages() const override { return messages_; }
  const std::vector<std::string>& notes() const override { return notes_; }
  void copy(std::size_t index, delivery::MessageSpool& spool) const override;

 private:
  std::vector<SourceMessage> messages_;
  std::vector<std::string> files_;  // the path of each message
  std::vector<std::string> notes_;
};

}  // namespace postamt::migration
