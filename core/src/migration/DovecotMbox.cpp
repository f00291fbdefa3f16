#include "migration/DovecotMbox.h"

#include <strings.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

#include "migration/LineScanner.h"
#include "migration/MboxFromLine.h"
#include "migration/SourceError.h"

namespace postamt::migration {
namespace {

using Line = LineScanner::Line;

// Headers Dovecot keeps its state in and never shows (mbox-storage.c).
constexpr std::string_view kHiddenHeaders[] = {"Content-Length", "Status",   "X-IMAP", "X-IMAPbase",
                                               "X-Keywords",     "X-Status", "X-UID"};

bool named(std::string_view name, std::string_view wanted) {
  return name.size() == wanted.size() && ::strncasecmp(name.data(), wanted.data(), name.size()) == 0;
}

std::string_view trimmed(std::string_view text) {
  const std::size_t start = text.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {};
  return text.substr(start, text.find_last_not_of(" \t") - start + 1);
}

// The first word of `rest`, removed from it.
std::string_view nextWord(std::string_view& rest) {
  rest = trimmed(rest);
  const std::string_view word = rest.substr(0, rest.find_first_of(" \t"));
  rest.remove_prefix(word.size());
  return word;
}

// Leading digits followed by nothing but white space, as Dovecot reads X-UID and Content-Length.
template <class Number>
std::optional<Number> numberValue(std::string_view value) {
  value = trimmed(value);
  Number number{};
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) return std::nullopt;
  return number;
}

// A message as the first pass finds it.
struct Parsed {
  DovecotMbox::Extent extent;
  std::uint64_t bodyStart = 0;
  bool inHeader = true;
  bool lastFieldHidden = false;
  std::int64_t receivedAt = 0;
  std::optional<std::string> xUidl;
  std::optional<std::uint32_t> xUid;
  std::optional<std::uint64_t> contentLength;
  bool pseudo = false;  // the "FOLDER INTERNAL DATA" message
};

// What the first message's X-IMAPbase (or X-IMAP) says: "<uidvalidity> <last uid>".
struct ImapBase {
  std::uint32_t uidValidity = 0;
  std::uint32_t lastUid = 0;
};

void readHeaderLine(const Line& line, Parsed& message, bool firstMessage, std::optional<ImapBase>& base) {
  if (line.blank()) {
    message.inHeader = false;
    message.bodyStart = line.offset + line.length;
    return;
  }
  const std::string_view text = line.text();
  if (text[0] == ' ' || text[0] == '\t') {  // continues the field before it
    if (message.lastFieldHidden) message.extent.hidden.back().to = line.offset + line.length;
    return;
  }
  const std::size_t colon = text.find(':');
  const std::string_view name = colon == std::string_view::npos ? std::string_view() : trimmed(text.substr(0, colon));
  const std::string_view value = colon == std::string_view::npos ? std::string_view() : trimmed(text.substr(colon + 1));
  message.lastFieldHidden =
      std::any_of(std::begin(kHiddenHeaders), std::end(kHiddenHeaders), [&](std::string_view h) { return named(name, h); });
  if (message.lastFieldHidden) message.extent.hidden.push_back({line.offset, line.offset + line.length});

  if ((named(name, "X-IMAPbase") || named(name, "X-IMAP")) && firstMessage && !base) {
    std::string_view rest = value;
    const auto validity = numberValue<std::uint32_t>(nextWord(rest));
    const auto last = numberValue<std::uint32_t>(nextWord(rest));
    if (validity && *validity != 0) {
      base = ImapBase{*validity, last.value_or(0)};
      message.pseudo = named(name, "X-IMAP");
    }
  } else if (named(name, "X-UID") && !message.xUid) {
    message.xUid = numberValue<std::uint32_t>(value);
  } else if (named(name, "X-UIDL") && !message.xUidl) {
    message.xUidl = std::string(value);  // the first one, as Dovecot's POP3 reads it
  } else if (named(name, "Content-Length") && !message.contentLength) {
    message.contentLength = numberValue<std::uint64_t>(value);
  }
}

// What follows `offset` when a Content-Length says the message ends there:
// the mbox's final line end, a From_ line (whose offset it returns), or
// anything else, which makes the Content-Length wrong.
enum class After { kEnd, kFromLine, kNothingValid };
After whatFollows(const SourceFile& file, std::uint64_t offset, std::uint64_t& fromLine) {
  std::string bytes(LineScanner::kKept, '\0');
  bytes.resize(file.read(offset, bytes.data(), bytes.size()));
  if (bytes == "\n" || bytes == "\r\n") return After::kEnd;
  const std::size_t skip = bytes.starts_with("\nFrom ") ? 1 : bytes.starts_with("\r\nFrom ") ? 2 : 0;
  if (skip == 0) return After::kNothingValid;
  std::string_view line = std::string_view(bytes).substr(skip);
  line = line.substr(0, line.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!parseMboxFromLine(line)) return After::kNothingValid;
  fromLine = offset + skip;
  return After::kFromLine;
}

// The messages of the file, in order, as Dovecot finds them.
struct Scan {
  std::vector<Parsed> messages;
  std::optional<ImapBase> base;
};

Scan scanMbox(const SourceFile& file) {
  Scan scan;
  LineScanner scanner(file, 0);
  Line line;
  if (!scanner.next(line)) return scan;  // an empty mbox
  std::optional<std::int64_t> receivedAt = parseMboxFromLine(line.text());
  if (!receivedAt)
    throw SourceError(file.path() +
                      " is neither a Maildir (a directory with cur/) nor an mbox file: it does not begin with a From_ line");

  std::vector<Parsed>& parsed = scan.messages;
  auto begin = [&](const Line& fromLine, std::int64_t received) {
    parsed.emplace_back();
    parsed.back().extent.message.from = fromLine.offset + fromLine.length;
    parsed.back().receivedAt = received;
  };
  auto end = [&](std::uint64_t at) {
    Parsed& message = parsed.back();
    message.extent.message.to = std::max(message.extent.message.from, at);
    for (DovecotMbox::Span& hidden : message.extent.hidden) hidden.to = std::min(hidden.to, message.extent.message.to);
  };

  begin(line, *receivedAt);
  bool previousCrlf = false;
  while (scanner.next(line)) {
    Parsed& message = parsed.back();
    // "\nFrom " ends a message only when its LF lies inside the message, and the line parses.
    if (line.offset > message.extent.message.from && line.text().starts_with("From ") &&
        (receivedAt = parseMboxFromLine(line.text()))) {
      std::uint64_t messageEnd = line.offset - (previousCrlf ? 2 : 1);
      // A Content-Length is believed when it reaches further and ends exactly at the mbox's end or a From_ line.
      const std::uint64_t scannedBody = messageEnd > message.bodyStart ? messageEnd - message.bodyStart : 0;
      if (message.contentLength && !message.inHeader && scannedBody < *message.contentLength) {
        const std::uint64_t claimed = message.bodyStart + *message.contentLength;
        std::uint64_t nextFrom = 0;
        const After after = whatFollows(file, claimed, nextFrom);
        if (after == After::kEnd) {
          end(claimed);
          return scan;
        }
        if (after == After::kFromLine) {
          messageEnd = claimed;
          scanner = LineScanner(file, nextFrom);
          scanner.next(line);
          receivedAt = parseMboxFromLine(line.text());
        }
      }
      end(messageEnd);
      begin(line, *receivedAt);
    } else if (message.inHeader) {
      readHeaderLine(line, message, parsed.size() == 1, scan.base);
    }
    previousCrlf = line.crlf;
  }
  // The file's final line end is the mbox's, not the message's.
  std::uint64_t fileEnd = file.size();
  char tail[2] = {};
  const std::size_t got = file.read(fileEnd - std::min<std::uint64_t>(2, fileEnd), tail, std::min<std::uint64_t>(2, fileEnd));
  if (got > 0 && tail[got - 1] == '\n') fileEnd -= (got == 2 && tail[0] == '\r') ? 2 : 1;
  end(fileEnd);
  return scan;
}

}  // namespace

DovecotMbox::DovecotMbox(const std::string& path) : file_(path) {
  const Scan scan = scanMbox(file_);

  // UIDs as Dovecot's mbox sync gives them: X-UID when it grows, else the next free one.
  std::uint32_t nextUid = scan.base ? scan.base->lastUid + 1 : 1;
  std::uint32_t previousUid = 0;
  std::vector<std::uint32_t> uids;
  std::size_t fromHeader = 0;
  for (const Parsed& message : scan.messages) {
    if (message.pseudo) continue;
    std::uint32_t uid = message.xUid.value_or(0);
    if (uid >= nextUid) nextUid = uid + 1;
    if (uid <= previousUid) uid = nextUid++;
    previousUid = uid;
    uids.push_back(uid);
    messages_.push_back({message.xUidl.value_or(""), message.receivedAt});
    extents_.push_back(message.extent);
    fromHeader += message.xUidl ? 1 : 0;
  }
  const std::uint32_t uidValidity = scan.base ? scan.base->uidValidity : uidValidityForUnnumbered(messages_);
  for (std::size_t i = 0; i < messages_.size(); ++i) {
    if (messages_[i].uidl.empty()) messages_[i].uidl = dovecotDefaultUidl(uids[i], uidValidity);
  }

  if (fromHeader > 0)
    notes_.push_back(std::to_string(fromHeader) + " message(s) keep the UIDL of their X-UIDL header, as Dovecot shows them " +
                     "with pop3_reuse_xuidl = yes");
  if (!scan.base && messages_.size() > fromHeader)
    notes_.push_back(path + " has no X-IMAPbase header: Dovecot never numbered its " +
                     std::to_string(messages_.size() - fromHeader) +
                     " message(s) without X-UIDL, so no POP3 client has seen their UIDLs; they get new ones");
}

void DovecotMbox::copy(std::size_t index, delivery::MessageSpool& spool) const {
  const Extent& extent = extents_.at(index);
  std::uint64_t at = extent.message.from;
  for (const Span& hidden : extent.hidden) {
    file_.copyTo(spool, at, hidden.from);
    at = std::max(at, hidden.to);
  }
  file_.copyTo(spool, at, extent.message.to);
}

}  // namespace postamt::migration
