#include "metrics/SessionMetrics.h"

#include <cctype>
#include <set>

namespace postamt::metrics {
namespace {

constexpr const char* kConnectionsActive = "postamt_connections_active";
constexpr const char* kConnections = "postamt_connections_total";
constexpr const char* kLogins = "postamt_logins_total";
constexpr const char* kRetrieved = "postamt_messages_retrieved_total";
constexpr const char* kRetrievedBytes = "postamt_retrieved_bytes_total";
constexpr const char* kDeleted = "postamt_messages_deleted_total";
constexpr const char* kDelivered = "postamt_messages_delivered_total";
constexpr const char* kDeliveredBytes = "postamt_delivered_bytes_total";
constexpr const char* kQuotaRefusals = "postamt_quota_refusals_total";
constexpr const char* kStoreErrors = "postamt_store_errors_total";
constexpr const char* kCommandSeconds = "postamt_command_duration_seconds";

}  // namespace

std::string commandKeyword(std::string_view line) {
  // POP3 (RFC 1939, 2449, 2595, 5034, 6856) and LMTP (RFC 2033) keywords; a
  // message line sent during DATA, or anything else, is "other".
  static const std::set<std::string, std::less<>> kKnown = {
      "APOP", "AUTH", "CAPA", "DELE", "LIST", "NOOP", "PASS", "QUIT", "RETR", "RSET", "STAT", "STLS", "TOP",
      "UIDL", "USER", "UTF8", "LHLO", "MAIL", "RCPT", "DATA", "VRFY"};
  std::string keyword;
  for (char c : line.substr(0, line.find_first_of(" \r\n"))) {
    if (keyword.size() == 4) return "other";
    keyword += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return kKnown.contains(keyword) ? keyword : "other";
}

SessionMetrics::SessionMetrics(Registry& registry) : registry_(registry) {
  registry_.declareGauge(kConnectionsActive, "Connections open now.", {"listener"});
  registry_.declareCounter(kConnections, "Connections accepted.", {"listener"});
  registry_.declareCounter(kLogins, "POP3 logins by result (ok or failed).", {"tenant", "listener", "result"});
  registry_.declareCounter(kRetrieved, "Messages sent by RETR or TOP.", {"tenant", "listener"});
  registry_.declareCounter(kRetrievedBytes, "Octets of messages read for RETR or TOP.", {"tenant", "listener"});
  registry_.declareCounter(kDeleted, "Messages removed by a committed UPDATE.", {"tenant", "listener"});
  registry_.declareCounter(kDelivered, "Messages delivered, per recipient.", {"listener"});
  registry_.declareCounter(kDeliveredBytes, "Octets delivered, per recipient.", {"listener"});
  registry_.declareCounter(kQuotaRefusals, "Recipients refused for their quota.", {"listener"});
  registry_.declareCounter(kStoreErrors, "Logins that failed on the store or database (SYS/TEMP, SYS/PERM).",
                           {"tenant", "listener"});
  registry_.declareHistogram(kCommandSeconds, "Time from a command's arrival to its answer sent.", {"listener", "command"},
                             {0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5});
}

void SessionMetrics::onEvent(const events::Event& event) {
  const std::string& listener = event.origin.listener;
  switch (event.type) {
    case POSTAMT_EVENT_CONNECTION_OPENED:
      registry_.add(kConnections, {listener});
      registry_.add(kConnectionsActive, {listener}, 1);
      break;
    case POSTAMT_EVENT_CONNECTION_CLOSED:
      registry_.add(kConnectionsActive, {listener}, -1);
      break;
    case POSTAMT_EVENT_AUTH_SUCCEEDED:
      registry_.add(kLogins, {event.tenant, listener, "ok"});
      break;
    case POSTAMT_EVENT_AUTH_FAILED:
      registry_.add(kLogins, {event.tenant, listener, "failed"});
      if (event.status == POSTAMT_TEMP_FAIL || event.status == POSTAMT_PERM_FAIL) registry_.add(kStoreErrors, {event.tenant, listener});
      break;
    case POSTAMT_EVENT_MESSAGE_RETRIEVED:
      registry_.add(kRetrieved, {event.tenant, listener});
      registry_.add(kRetrievedBytes, {event.tenant, listener}, static_cast<double>(event.octets));
      break;
    case POSTAMT_EVENT_MESSAGE_DELETED:
      registry_.add(kDeleted, {event.tenant, listener});
      break;
    case POSTAMT_EVENT_MESSAGE_DELIVERED:
      registry_.add(kDelivered, {listener});
      registry_.add(kDeliveredBytes, {listener}, static_cast<double>(event.octets));
      break;
    case POSTAMT_EVENT_QUOTA_REFUSED:
      registry_.add(kQuotaRefusals, {listener});
      break;
    case POSTAMT_EVENT_MAILDROP_OPENED:
    case POSTAMT_EVENT_UPDATE_COMMITTED:
      break;
  }
}

void SessionMetrics::commandAnswered(const std::string& listener, std::string_view line, std::chrono::duration<double> took) {
  registry_.observe(kCommandSeconds, {listener, commandKeyword(line)}, took.count());
}

}  // namespace postamt::metrics
