#include "tenant/DeviceDirectory.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Tuple.h>

#include <algorithm>

#include "tenant/DirectorySession.h"

using namespace Poco::Data::Keywords;

namespace postamt::tenant {

DeviceDirectory::DeviceDirectory(const std::string& connector, const std::string& connect)
    : pool_(
          (Poco::Data::SQLite::Connector::registerConnector(), Poco::Data::PostgreSQL::Connector::registerConnector(), connector),
          connect, 1, 32, 60) {}

std::map<std::int64_t, DeviceSettings> DeviceDirectory::settings() {
  return withSession(pool_, [&](Poco::Data::Session& s) {
    std::vector<Poco::Tuple<std::int64_t, std::string, std::int64_t>> rows;
    s << "SELECT tenant_id, separator, grace_seconds FROM device_tracking", into(rows), now;
    std::map<std::int64_t, DeviceSettings> out;
    for (const auto& row : rows) out[row.get<0>()] = {row.get<1>().empty() ? '+' : row.get<1>()[0], row.get<2>()};
    return out;
  });
}

void DeviceDirectory::setSettings(std::int64_t tenantId, const std::optional<DeviceSettings>& settings) {
  withSession(pool_, [&](Poco::Data::Session& s) {
    if (!settings) {
      s << inDialect(s, "DELETE FROM device_tracking WHERE tenant_id = ?"), use(tenantId), now;
      return;
    }
    std::string separator(1, settings->separator);
    std::int64_t grace = settings->graceSeconds;
    s << inDialect(
        s,
        "INSERT INTO device_tracking (tenant_id, separator, grace_seconds) VALUES (?, ?, ?) "
        "ON CONFLICT (tenant_id) DO UPDATE SET separator = excluded.separator, grace_seconds = excluded.grace_seconds"),
        use(tenantId), use(separator), use(grace), now;
  });
}

bool DeviceDirectory::registerDevice(std::int64_t tenantId, const std::string& address, const std::string& device,
                                     std::int64_t at, std::size_t limit) {
  return withSession(pool_, [&](Poco::Data::Session& s) {
    std::string a = address, d = device;
    std::vector<std::string> known;
    s << inDialect(s, "SELECT device FROM devices WHERE tenant_id = ? AND address = ?"), into(known), use(tenantId), use(a), now;
    if (std::find(known.begin(), known.end(), device) != known.end()) return true;
    if (known.size() >= limit) return false;
    // Two first logins of one device at once both get here: the second insert does nothing.
    s << inDialect(s,
                   "INSERT INTO devices (tenant_id, address, device, registered_at) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (tenant_id, address, device) DO NOTHING"),
        use(tenantId), use(a), use(d), use(at), now;
    return true;
  });
}

UserDevices DeviceDirectory::userDevices(std::int64_t tenantId, const std::string& address) {
  return withSession(pool_, [&](Poco::Data::Session& s) {
    std::string a = address;
    UserDevices out;
    s << inDialect(s, "SELECT device FROM devices WHERE tenant_id = ? AND address = ?"), into(out.devices), use(tenantId), use(a),
        now;
    std::vector<Poco::Tuple<std::string, std::string, std::int64_t>> rows;
    s << inDialect(s, "SELECT device, uidl, deleted_at FROM device_deletions WHERE tenant_id = ? AND address = ?"), into(rows),
        use(tenantId), use(a), now;
    for (const auto& row : rows) out.deletions.push_back({row.get<0>(), row.get<1>(), row.get<2>()});
    return out;
  });
}

std::vector<RegisteredDevice> DeviceDirectory::devices(std::int64_t tenantId, const std::string& address) {
  return withSession(pool_, [&](Poco::Data::Session& s) {
    std::string a = address;
    std::vector<Poco::Tuple<std::string, std::int64_t, std::int64_t>> rows;
    s << inDialect(s,
                   "SELECT d.device, d.registered_at, (SELECT count(*) FROM device_deletions x WHERE x.tenant_id = d.tenant_id "
                   "AND x.address = d.address AND x.device = d.device) FROM devices d "
                   "WHERE d.tenant_id = ? AND d.address = ? ORDER BY d.device"),
        into(rows), use(tenantId), use(a), now;
    std::vector<RegisteredDevice> out;
    for (const auto& row : rows) out.push_back({row.get<0>(), row.get<1>(), row.get<2>()});
    return out;
  });
}

bool DeviceDirectory::removeDevice(std::int64_t tenantId, const std::string& address, const std::string& device) {
  return withSession(pool_, [&](Poco::Data::Session& s) {
    std::string a = address, d = device;
    std::size_t removed = 0;
    inTransaction(s, [&] {
      s << inDialect(s, "DELETE FROM device_deletions WHERE tenant_id = ? AND address = ? AND device = ?"), use(tenantId), use(a),
          use(d), now;
      Poco::Data::Statement statement(s);
      statement << inDialect(s, "DELETE FROM devices WHERE tenant_id = ? AND address = ? AND device = ?"), use(tenantId), use(a),
          use(d);
      removed = statement.execute();
    });
    return removed > 0;
  });
}

void DeviceDirectory::recordDeletions(std::int64_t tenantId, const std::string& address, const std::string& device,
                                      const std::vector<std::string>& uidls, std::int64_t at) {
  if (uidls.empty()) return;
  withSession(pool_, [&](Poco::Data::Session& s) {
    std::string a = address, d = device;
    inTransaction(s, [&] {
      for (std::string uidl : uidls) {
        s << inDialect(s,
                       "INSERT INTO device_deletions (tenant_id, address, device, uidl, deleted_at) VALUES (?, ?, ?, ?, ?) "
                       "ON CONFLICT (tenant_id, address, device, uidl) DO NOTHING"),
            use(tenantId), use(a), use(d), use(uidl), use(at), now;
      }
    });
  });
}

void DeviceDirectory::forgetDeletions(std::int64_t tenantId, const std::string& address, const std::vector<std::string>& uidls) {
  if (uidls.empty()) return;
  withSession(pool_, [&](Poco::Data::Session& s) {
    std::string a = address;
    inTransaction(s, [&] {
      for (std::string uidl : uidls) {
        s << inDialect(s, "DELETE FROM device_deletions WHERE tenant_id = ? AND address = ? AND uidl = ?"), use(tenantId), use(a),
            use(uidl), now;
      }
    });
  });
}

}  // namespace postamt::tenant
