#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "migration/DovecotMaildrop.h"
#include "plugin/StoreInstance.h"
#include "tenant/Mailbox.h"

namespace postamt::migration {

class ImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ImportReport {
  std::size_t imported = 0;
  std::size_t skipped = 0;  // the maildrop already had their UIDLs
};

// Appends every message of `source` to `mailbox`, in POP3 order, each under
// its Dovecot UIDL and with the octets Dovecot's RETR sent. A message whose
// UIDL the maildrop already has is skipped, so importing again adds nothing
// twice. Throws ImportError, naming the message, at the first failure; what
// was imported before it stays, and a second run goes on from there.
ImportReport importMaildrop(const DovecotMaildrop& source, plugin::StoreInstance& store, const tenant::Mailbox& mailbox,
                            std::uint64_t maxMessageSize);

}  // namespace postamt::migration
