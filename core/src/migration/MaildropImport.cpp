#include "migration/MaildropImport.h"

#include <postamt/sdk/Store.hpp>

#include "delivery/MessageSpool.h"
#include "migration/SourceError.h"

namespace postamt::migration {

ImportReport importMaildrop(const DovecotMaildrop& source, plugin::StoreInstance& store, const tenant::Mailbox& mailbox,
                            std::uint64_t maxMessageSize) {
  ImportReport report;
  const auto& messages = source.messages();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string which = "message " + std::to_string(i + 1) + " (UIDL " + messages[i].uidl + ")";
    if (!sdk::isValidUidl(messages[i].uidl.c_str()))
      throw ImportError(which + ": not a UIDL a POP3 client can be shown (RFC 1939 section 7: 1 to 70 characters 0x21-0x7E)");
    try {
      delivery::MessageSpool spool(maxMessageSize, delivery::MessageSpool::LineEnds::kAsDovecotSends);
      source.copy(i, spool);
      spool.finish();
      const auto imported = store.importMessage(mailbox, messages[i].uidl, messages[i].receivedAt, spool.source());
      if (imported.status == POSTAMT_EXISTS) {
        ++report.skipped;
      } else if (imported.status == POSTAMT_OK) {
        ++report.imported;
      } else {
        throw ImportError(which + ": " + imported.error);
      }
    } catch (const SourceError& e) {
      throw ImportError(which + ": " + e.what());
    } catch (const delivery::SpoolError& e) {
      throw ImportError(which + ": " + e.what());
    }
  }
  return report;
}

}  // namespace postamt::migration
