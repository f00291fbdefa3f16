#include "Options.h"

#include <functional>
#include <map>
#include <stdexcept>

namespace postamt::bench {
namespace {

long number(const std::string& flag, const std::string& text, long min, long max) {
  std::size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value < min || value > max) {
    throw std::invalid_argument(flag + " wants a number from " + std::to_string(min) + " to " + std::to_string(max) + ", not '" +
                                text + "'");
  }
  return value;
}

std::chrono::milliseconds seconds(const std::string& flag, const std::string& text) {
  std::size_t used = 0;
  double value = -1;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value < 0 || value > 86400) throw std::invalid_argument(flag + " wants seconds, not '" + text + "'");
  return std::chrono::milliseconds(static_cast<long>(value * 1000));
}

Mode mode(const std::string& name) {
  static const std::map<std::string, Mode> modes = {{"login", Mode::Login},     {"download", Mode::Download},
                                                    {"deliver", Mode::Deliver}, {"hold", Mode::Hold},
                                                    {"big", Mode::Big},         {"flood", Mode::Flood}};
  const auto it = modes.find(name);
  if (it == modes.end()) throw std::invalid_argument("unknown mode '" + name + "'");
  return it->second;
}

TlsMode tlsMode(const std::string& flag, const std::string& name) {
  static const std::map<std::string, TlsMode> modes = {
      {"none", TlsMode::None}, {"implicit", TlsMode::Implicit}, {"stls", TlsMode::Stls}};
  const auto it = modes.find(name);
  if (it == modes.end()) throw std::invalid_argument(flag + " wants none, implicit or stls, not '" + name + "'");
  return it->second;
}

bool yesNo(const std::string& flag, const std::string& text) {
  if (text != "yes" && text != "no") throw std::invalid_argument(flag + " wants yes or no, not '" + text + "'");
  return text == "yes";
}

// Each flag and what it sets: one table, like a command table.
using Setter = std::function<void(Options&, const std::string& flag, const std::string& value)>;
const std::map<std::string, Setter>& setters() {
  static const std::map<std::string, Setter> table = {
      {"--host", [](Options& o, const auto&, const auto& v) { o.host = v; }},
      {"--port", [](Options& o, const auto& f, const auto& v) { o.port = static_cast<std::uint16_t>(number(f, v, 1, 65535)); }},
      {"--user", [](Options& o, const auto&, const auto& v) { o.userPattern = v; }},
      {"--password", [](Options& o, const auto&, const auto& v) { o.password = v; }},
      {"--first-user", [](Options& o, const auto& f, const auto& v) { o.firstUser = int(number(f, v, 0, 100'000'000)); }},
      {"--users", [](Options& o, const auto& f, const auto& v) { o.users = int(number(f, v, 1, 100'000'000)); }},
      {"--concurrency", [](Options& o, const auto& f, const auto& v) { o.concurrency = int(number(f, v, 1, 100'000)); }},
      {"--count", [](Options& o, const auto& f, const auto& v) { o.count = number(f, v, 1, 1'000'000'000); }},
      {"--duration", [](Options& o, const auto& f, const auto& v) { o.duration = seconds(f, v); }},
      {"--timeout", [](Options& o, const auto& f, const auto& v) { o.sessionTimeout = seconds(f, v); }},
      {"--wall", [](Options& o, const auto& f, const auto& v) { o.wallLimit = seconds(f, v); }},
      {"--message", [](Options& o, const auto&, const auto& v) { o.messageFile = v; }},
      {"--per-connection",
       [](Options& o, const auto& f, const auto& v) { o.transactionsPerConnection = int(number(f, v, 1, 1'000'000)); }},
      {"--interval", [](Options& o, const auto& f, const auto& v) { o.noopInterval = seconds(f, v); }},
      {"--open-concurrency", [](Options& o, const auto& f, const auto& v) { o.openConcurrency = int(number(f, v, 1, 100'000)); }},
      {"--retr", [](Options& o, const auto& f, const auto& v) { o.messageNumber = int(number(f, v, 1, 100'000'000)); }},
      {"--source", [](Options& o, const auto&, const auto& v) { o.source = v; }},
      {"--tls", [](Options& o, const auto& f, const auto& v) { o.tls = tlsMode(f, v); }},
      {"--resume", [](Options& o, const auto& f, const auto& v) { o.resume = yesNo(f, v); }},
      {"--server-name", [](Options& o, const auto&, const auto& v) { o.serverName = v; }},
      {"--give-up", [](Options& o, const auto& f, const auto& v) { o.giveUp = seconds(f, v); }},
  };
  return table;
}

}  // namespace

std::string Options::userName(int index) const {
  std::string name = userPattern;
  if (const auto at = name.find("%d"); at != std::string::npos) name.replace(at, 2, std::to_string(index));
  return name;
}

Options parseOptions(int argc, char** argv) {
  if (argc < 2) throw std::invalid_argument("no mode given");
  Options o;
  o.mode = mode(argv[1]);
  for (int i = 2; i < argc; i += 2) {
    const std::string flag = argv[i];
    const auto setter = setters().find(flag);
    if (setter == setters().end()) throw std::invalid_argument("unknown option " + flag);
    if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
    setter->second(o, flag, argv[i + 1]);
  }
  if (o.mode == Mode::Deliver && o.messageFile.empty()) throw std::invalid_argument("deliver needs --message FILE");
  if (o.mode == Mode::Hold) o.concurrency = static_cast<int>(o.count);  // every held session is open at once
  if (o.mode == Mode::Big) o.concurrency = 1, o.count = 1;
  return o;
}

const char* usageText() {
  return "usage: postamt-loadgen MODE [--option value ...]\n"
         "modes (each prints one JSON line with its figures):\n"
         "  login     connect, greeting, USER/PASS, STAT, QUIT; sessions/s and latency (connect to QUIT reply)\n"
         "  download  USER/PASS, LIST, RETR every message, QUIT; MB/s\n"
         "  deliver   LMTP (RFC 2033): LHLO, then MAIL/RCPT/DATA transactions, QUIT; messages/s\n"
         "  hold      --count sessions logged in at once, NOOP every --interval for --duration; how many stayed healthy\n"
         "  big       one session RETRs message --retr; seconds\n"
         "  flood     connect, greeting, USER, PASS with a wrong --password, hang up; guesses/s and how they were answered\n"
         "options:\n"
         "  --host 127.0.0.1 --port N          the server\n"
         "  --user 'user%d@bench.test'         login name or recipient; %d is the user index\n"
         "  --password P --first-user 0 --users N\n"
         "                                     user indexes first..first+N-1. POP3 sessions open at once never\n"
         "                                     share a maildrop (RFC 1939 locks it): give N >= 2 x concurrency\n"
         "  --concurrency C                    sessions at once\n"
         "  --count N                          sessions (deliver: messages) in all\n"
         "  --duration S                       no new session after S seconds (hold: hold time once all are in)\n"
         "  --timeout S                        a session silent this long fails (default 60)\n"
         "  --wall S                           hard limit for the whole run (default 600)\n"
         "  --message FILE --per-connection N  deliver: message, transactions per connection (default 10)\n"
         "  --interval S --open-concurrency K  hold: NOOP interval (default 5), logins at once (default 64)\n"
         "  --retr N                           big: message number (default 1)\n"
         "  --source 127.0.0.2                 the loopback address to connect from (default: the kernel's choice)\n"
         "  --tls none|implicit|stls           TLS from the first byte (POP3S) or after STLS (default none)\n"
         "  --resume yes|no                    TLS: each client resumes its previous session (default no)\n"
         "  --server-name NAME                 TLS: the server name sent (SNI; default localhost)\n"
         "  --give-up S                        flood: a guess unanswered this long is abandoned (default 5)\n";
}

}  // namespace postamt::bench
