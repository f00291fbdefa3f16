#include "ctl/DeviceCommands.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "policy/DeviceName.h"

namespace postamt::ctl {
namespace {

// As policies' days: beyond a hundred years a grace period is a mistake.
constexpr std::int64_t kMaxGraceSeconds = 36500LL * 86400;

// "30d", "12h", "90m" or "45s".
std::int64_t parseDuration(const std::string& text) {
  static const std::map<char, std::int64_t> units = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
  const auto unit = text.empty() ? units.end() : units.find(text.back());
  const std::string digits = text.substr(0, text.empty() ? 0 : text.size() - 1);
  if (unit == units.end() || digits.empty() || digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
    throw UsageError("a grace period is a number and a unit: 30d, 12h, 90m or 45s");
  }
  const std::int64_t seconds = std::stoll(digits) * unit->second;
  if (seconds > kMaxGraceSeconds) throw UsageError("a grace period is at most 36500 days");
  return seconds;
}

// One character that cannot be part of a device name or the domain, nor confuse a mail client.
char parseSeparator(const std::string& text) {
  const bool fits = text.size() == 1 && std::ispunct(static_cast<unsigned char>(text[0])) && text != "@" &&
                    !policy::DeviceName::valid(text) && text != "\"" && text != "\\";
  if (!fits) throw UsageError("a device separator is one punctuation character other than @ . _ - \" \\ (e.g. + or #)");
  return text[0];
}

std::string describeGrace(std::int64_t seconds) {
  if (seconds == 0) return "none: until every device has deleted it";
  return std::to_string(seconds) + " s after the first device deletes it";
}

}  // namespace

// device tracking TENANT on [--separator C] [--grace DURATION] | device tracking TENANT off
void deviceTracking(Context& c, const Arguments& args) {
  const char* const usage = "device tracking TENANT on [--separator +] [--grace 30d] | device tracking TENANT off";
  if (args.size() < 2 || (args[1] != "on" && args[1] != "off") || (args[1] == "off" && args.size() != 2)) throw UsageError(usage);
  const auto tenant = c.directory().tenant(args[0]);
  if (!tenant) throw CommandError("no tenant " + args[0]);
  if (args[1] == "off") {
    c.devices().setSettings(tenant->id, std::nullopt);
    c.out << "tenant " << tenant->name << ": device tracking off; logins with a device suffix are refused as unknown users\n";
    return;
  }
  tenant::DeviceSettings settings;
  for (std::size_t i = 2; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) throw UsageError(usage);
    if (args[i] == "--separator") {
      settings.separator = parseSeparator(args[i + 1]);
    } else if (args[i] == "--grace") {
      settings.graceSeconds = parseDuration(args[i + 1]);
    } else {
      throw UsageError(usage);
    }
  }
  c.devices().setSettings(tenant->id, settings);
  c.out << "tenant " << tenant->name << ": device tracking on, logins as user" << settings.separator
        << "device@domain; a message stays for the other devices " << describeGrace(settings.graceSeconds) << "\n";
}

void deviceList(Context& c, const Arguments& args) {
  if (args.size() != 1) throw UsageError("device list ADDRESS");
  const auto target = c.resolve(args[0]);
  const auto devices = c.devices().devices(target.tenant.id, target.mailbox.fullAddress);
  for (const auto& device : devices) {
    const Poco::Timestamp registered = Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(device.registeredAt));
    c.out << device.device << "\tregistered " << Poco::DateTimeFormatter::format(registered, Poco::DateTimeFormat::ISO8601_FORMAT)
          << "\t" << device.deletions << " message(s) deleted that another device still holds\n";
  }
  c.out << target.mailbox.fullAddress << ": " << devices.size() << " device(s)\n";
}

// Releases what only the lost device held: the next login of another device, or the purge, expunges it.
void deviceRemove(Context& c, const Arguments& args) {
  if (args.size() != 2) throw UsageError("device remove ADDRESS DEVICE");
  const auto target = c.resolve(args[0]);
  if (!c.devices().removeDevice(target.tenant.id, target.mailbox.fullAddress, args[1]))
    throw CommandError(target.mailbox.fullAddress + " has no device " + args[1]);
  c.out << target.mailbox.fullAddress << ": device " << args[1]
        << " removed; messages every other device has deleted go at the next login or purge\n";
}

}  // namespace postamt::ctl
