// postamt-loadgen: drives many concurrent POP3 or LMTP sessions against one
// server on this machine and prints one JSON line with what it measured.
// scripts/bench runs it against Postamt and Dovecot alike.
#include <arpa/inet.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "DownloadDialogue.h"
#include "FloodDialogue.h"
#include "HoldDialogue.h"
#include "JsonLine.h"
#include "LmtpDialogue.h"
#include "LoginDialogue.h"
#include "Options.h"
#include "Runner.h"

namespace {

using namespace postamt::bench;

// Load goes to this machine only: a typo must not aim it at someone's server.
sockaddr_in loopback(const char* flag, const std::string& host, std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1 || (ntohl(address.sin_addr.s_addr) >> 24) != 127) {
    throw std::invalid_argument(std::string(flag) + " must be an IPv4 loopback address, not '" + host + "'");
  }
  return address;
}

// Thousands of sessions need thousands of descriptors; the soft limit is often 1024.
void raiseFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Nearest-rank percentile (p in 0..100) of unsorted samples.
double percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(p / 100.0 * static_cast<double>(samples.size()))));
  std::nth_element(samples.begin(), samples.begin() + static_cast<long>(rank - 1), samples.end());
  return samples[rank - 1];
}

const char* modeName(Mode mode) {
  switch (mode) {
    case Mode::Login:
      return "login";
    case Mode::Download:
      return "download";
    case Mode::Deliver:
      return "deliver";
    case Mode::Hold:
      return "hold";
    case Mode::Big:
      return "big";
    case Mode::Flood:
      return "flood";
  }
  return "?";
}

// The user of a POP3 session. Slot s takes users s, s+C, s+2C ... so sessions
// open at the same time never share a maildrop, and a slot does not log in
// to the maildrop it just left (its lock may still be held for a moment).
int pop3User(const Options& o, const SessionTicket& ticket) {
  const long rotation = o.users >= o.concurrency ? o.users - o.users % o.concurrency : o.users;
  return o.firstUser + static_cast<int>((ticket.slot + static_cast<long>(o.concurrency) * ticket.round) % rotation);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parseOptions(argc, argv);
    raiseFileLimit();
    // OpenSSL writes to sockets with write(): a server that already closed must not kill the run with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);

    RunnerSettings settings;
    settings.server = loopback("--host", o.host, o.port);
    if (!o.source.empty()) settings.source = loopback("--source", o.source, 0);
    std::unique_ptr<TlsClient> tls;
    if (o.tls != TlsMode::None) {
      tls = std::make_unique<TlsClient>(o.serverName, o.resume, o.concurrency);
      settings.tlsMode = o.tls;
      settings.tls = tls.get();
    }
    settings.concurrency = o.concurrency;
    settings.maxSessions = o.count;
    settings.duration = o.mode == Mode::Hold ? Clock::duration::zero() : Clock::duration(o.duration);
    settings.sessionTimeout = o.sessionTimeout;
    settings.wallLimit = o.wallLimit;
    if (o.mode == Mode::Hold) settings.maxOpening = o.openConcurrency;

    Tally tally;
    HoldSchedule schedule;
    DeliveryPlan plan(o.count, [&o](long k) { return o.userName(o.firstUser + static_cast<int>(k % o.users)); });
    const auto data = std::make_shared<const std::string>(o.mode == Mode::Deliver ? dataSection(readFile(o.messageFile)) : "");

    Runner runner(settings, [&](const SessionTicket& ticket) -> std::unique_ptr<Dialogue> {
      const std::string user = o.userName(pop3User(o, ticket));
      switch (o.mode) {
        case Mode::Login:
          return std::make_unique<LoginDialogue>(user, o.password);
        case Mode::Download:
          return std::make_unique<DownloadDialogue>(user, o.password, tally);
        case Mode::Big:
          return std::make_unique<DownloadDialogue>(user, o.password, tally, o.messageNumber);
        case Mode::Hold:
          return std::make_unique<HoldDialogue>(user, o.password, tally, schedule, o.noopInterval);
        case Mode::Flood:
          return std::make_unique<FloodDialogue>(user, o.password, tally, o.giveUp);
        case Mode::Deliver:
          if (plan.exhausted()) return nullptr;
          return std::make_unique<LmtpDialogue>(plan, data, o.transactionsPerConnection, tally);
      }
      return nullptr;
    });
    runner.onReady([&](int loggedIn) {
      if (o.mode != Mode::Hold) return;
      // scripts/bench measures the server's memory once this line appears.
      std::cerr << "ready: " << loggedIn << " sessions logged in; holding them " << o.duration.count() / 1000.0 << " s"
                << std::endl;
      schedule.endsAt = Clock::now() + o.duration;
    });
    const RunResult r = runner.run();

    const double elapsed = std::max(r.elapsedSeconds, 1e-9);
    JsonLine json;
    json.add("mode", modeName(o.mode))
        .add("port", static_cast<long>(o.port))
        .add("concurrency", static_cast<long>(o.concurrency))
        .add("sessions", r.finished)
        .add("failures", r.failed)
        .add("elapsed_s", r.elapsedSeconds);
    switch (o.mode) {
      case Mode::Login:
        json.add("sessions_per_s", static_cast<double>(r.finished) / elapsed)
            .add("p50_ms", percentile(r.latencyMs, 50))
            .add("p99_ms", percentile(r.latencyMs, 99));
        break;
      case Mode::Download:
        json.add("messages", static_cast<long>(tally.messages))
            .add("octets", static_cast<long>(tally.octets))
            .add("mb_per_s", static_cast<double>(tally.octets) / 1e6 / elapsed)
            .add("size_mismatches", static_cast<long>(tally.sizeMismatches));
        break;
      case Mode::Deliver:
        json.add("messages", static_cast<long>(tally.messages))
            .add("messages_per_s", static_cast<double>(tally.messages) / elapsed);
        break;
      case Mode::Hold:
        json.add("requested", o.count).add("healthy", r.finished).add("noops", static_cast<long>(tally.noops));
        break;
      case Mode::Big:
        json.add("octets", static_cast<long>(tally.octets)).add("retr_s", tally.retrSeconds);
        break;
      case Mode::Flood:
        json.add("guesses_per_s", static_cast<double>(r.finished) / elapsed)
            .add("rejected", static_cast<long>(tally.rejected))
            .add("refused", static_cast<long>(tally.refused))
            .add("abandoned", static_cast<long>(tally.abandoned));
        break;
    }
    if (tls) json.add("handshakes", static_cast<long>(tls->handshakes())).add("resumed", static_cast<long>(tls->resumed()));
    json.add("first_failure", r.firstFailure);
    std::cout << json.str() << std::endl;
    return 0;
  } catch (const std::invalid_argument& e) {
    std::cerr << "postamt-loadgen: " << e.what() << "\n" << usageText();
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "postamt-loadgen: " << e.what() << "\n";
    return 1;
  }
}
