#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "TlsClient.h"

namespace postamt::bench {

enum class Mode { Login, Download, Deliver, Hold, Big, Flood };

// What one run of the load generator does, from its command line.
struct Options {
  Mode mode = Mode::Login;
  std::string host = "127.0.0.1";
  std::uint16_t port = 110;
  std::string userPattern = "user%d@bench.test";  // "%d" becomes the user's index
  std::string password;
  int firstUser = 0;
  int users = 1;
  int concurrency = 1;
  long count = 1;  // sessions (login, download, hold, big) or messages (deliver)
  // login, download, deliver: no new session starts after this (0: only count bounds the run);
  // hold: how long the sessions are held once all are logged in.
  std::chrono::milliseconds duration{0};
  std::chrono::milliseconds sessionTimeout{60'000};  // a session that hears nothing this long fails
  std::chrono::milliseconds wallLimit{600'000};      // the whole run, whatever else it is doing
  std::string messageFile;                           // deliver: the message sent in each transaction
  int transactionsPerConnection = 10;                // deliver
  std::chrono::milliseconds noopInterval{5'000};     // hold
  int openConcurrency = 64;                          // hold: sessions logging in at once
  int messageNumber = 1;                             // big: the message RETR fetches
  std::string source;                                // the local address to connect from; empty: the kernel picks
  TlsMode tls = TlsMode::None;
  bool resume = false;                      // TLS: each client slot resumes its previous session
  std::string serverName = "localhost";     // TLS: the server name sent (SNI)
  std::chrono::milliseconds giveUp{5'000};  // flood: how long a guess waits for its answer

  std::string userName(int index) const;
};

// Throws std::invalid_argument naming the bad argument.
Options parseOptions(int argc, char** argv);
const char* usageText();

}  // namespace postamt::bench
