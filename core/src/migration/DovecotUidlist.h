#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <string>

namespace postamt::migration {

// A Maildir's dovecot-uidlist: the IMAP UID Dovecot gave each message file,
// and the mailbox's UIDVALIDITY and next UID. Format versions 1 and 3
// (Dovecot's maildir-uidlist.c):
//   1 <uidvalidity> <nextuid>              then  <uid> <filename>
//   3 V<uidvalidity> N<nextuid> G<guid>    then  <uid> [<key><value> ...] :<filename>
struct DovecotUidlist {
  struct Record {
    std::uint32_t uid = 0;
    // "P": the UIDL a POP3 client was shown, saved with pop3_save_uidl = yes;
    // empty means the base file name.
    std::optional<std::string> pop3Uidl;
    // "O": POP3 listing position, kept by Dovecot's POP3 migration; lower first.
    std::optional<std::uint32_t> pop3Order;
  };

  std::uint32_t uidValidity = 0;
  std::uint32_t nextUid = 1;  // the UID Dovecot gives the next new file
  // By base file name: the name up to ':', which a flag change never alters.
  std::map<std::string, Record> records;

  // Throws SourceError naming `path` for a file Dovecot itself would discard
  // as broken (and then number every message anew).
  static DovecotUidlist parse(std::istream& in, const std::string& path);
};

}  // namespace postamt::migration
