#include <Poco/Path.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>

#include <unistd.h>

#include "auth/OAuthToken.h"
#include "ctl/Context.h"
#include "ctl/DeviceCommands.h"
#include "ctl/PolicyCommands.h"
#include "db/PostgresMigrator.h"
#include "db/SqliteMigrator.h"
#include "delivery/MessageSpool.h"
#include "delivery/TenantDelivery.h"
#include "migration/DovecotMaildrop.h"
#include "migration/MaildropImport.h"
#include "migration/SourceError.h"
#include "net/ServerContext.h"

namespace postamt::ctl {
namespace {

// postamtctl deliver and import refuse anything larger; LMTP will take its limit from the config.
constexpr std::uint64_t kMaxDeliverSize = 512ull * 1024 * 1024;

const std::string& argument(const Arguments& args, std::size_t index, const char* what) {
  if (index >= args.size()) throw UsageError(std::string("missing ") + what);
  return args[index];
}

void expectCount(const Arguments& args, std::size_t min, std::size_t max) {
  if (args.size() < min) throw UsageError("missing arguments");
  if (args.size() > max) throw UsageError("too many arguments");
}

// The value after `--flag`, or `fallback`.
std::string option(const Arguments& args, const std::string& flag, const std::string& fallback) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) return args[i + 1];
  }
  return fallback;
}

void check(const plugin::AuthInstance::Result& result, const std::string& what) {
  if (result.status != POSTAMT_OK) throw CommandError(what + ": " + result.error);
}

// A password from the argument list, else one line from standard input
// (so it need not appear in the process list or the shell history).
std::string password(Context& c, const Arguments& args, std::size_t index) {
  if (index < args.size()) return args[index];
  std::string line;
  if (!std::getline(c.in, line) || line.empty()) throw CommandError("no password given (argument or one line on stdin)");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The databases of store-postgres instances other than the directory's:
// tenants can be spread over several PostgreSQL clusters, each store
// instance pointing at one, and every one of them needs the schema.
std::vector<std::string> otherPostgresStores(const config::DaemonConfig& config) {
  std::vector<std::string> out;
  Poco::Util::AbstractConfiguration::Keys names;
  config.raw->keys("store", names);
  for (const auto& name : names) {
    const std::string prefix = "store." + name;
    if (config.raw->getString(prefix + ".plugin", "") != "store-postgres") continue;
    const std::string connect = config.raw->getString(prefix + ".connect", "");
    if (connect.empty() || connect == config.directoryConnect || std::find(out.begin(), out.end(), connect) != out.end())
      continue;
    out.push_back(connect);
  }
  return out;
}

void printReport(Context& c, const db::MigrationReport& report) {
  c.out << report.database << ": schema version " << report.versionAfter;
  c.out << (report.versionAfter == report.versionBefore ? " (already current)\n" : " (migrated from " + std::to_string(report.versionBefore) + ")\n");
}

void dbInit(Context& c, const Arguments& args) {
  expectCount(args, 0, 0);
  const auto& config = c.config();
  try {
    if (config.directoryConnector == "SQLite") {
      printReport(c, db::migrateSqlite(config.directoryConnect));
    } else if (config.directoryConnector == "PostgreSQL") {
      printReport(c, db::migratePostgres(config.directoryConnect));
    } else {
      throw CommandError("db init/migrate knows SQLite and PostgreSQL, not directory.connector = " + config.directoryConnector);
    }
    for (const std::string& store : otherPostgresStores(config)) printReport(c, db::migratePostgres(store));
  } catch (const db::MigrationError& e) {
    throw CommandError(e.what());
  }
}

void tenantAdd(Context& c, const Arguments& args) {
  const auto& name = argument(args, 0, "tenant name");
  const auto tenant = c.directory().addTenant(name, option(args, "--auth", "auth.main"), option(args, "--store", "store.main"));
  c.out << "tenant " << tenant.name << " added (auth " << tenant.authInstance << ", store " << tenant.storeInstance << ")\n";
}

void tenantList(Context& c, const Arguments& args) {
  expectCount(args, 0, 0);
  for (const auto& tenant : c.directory().tenants()) {
    c.out << tenant.name << "\tauth=" << tenant.authInstance << "\tstore=" << tenant.storeInstance << "\tdomains=";
    const auto domains = c.directory().domains(tenant.id);
    for (std::size_t i = 0; i < domains.size(); ++i) c.out << (i ? "," : "") << domains[i];
    c.out << "\n";
  }
}

// The tenant's OAuth issuer for OAUTHBEARER/XOAUTH2. The key comes from a file, so a shared secret appears in no
// process list or shell history.
void tenantOAuth(Context& c, const Arguments& args) {
  const auto& name = argument(args, 0, "tenant name");
  if (args.size() == 2 && args[1] == "off") {
    c.directory().setOAuthIssuer(name, std::nullopt);
    c.out << "tenant " << name << " takes no OAuth tokens\n";
    return;
  }
  expectCount(args, 5, 5);
  auth::OAuthIssuer issuer{args[1], args[2], args[3], {}};
  if (issuer.algorithm != "HS256" && issuer.algorithm != "RS256") throw UsageError("the algorithm is HS256 or RS256");
  std::ifstream file(args[4], std::ios::binary);
  if (!file) throw CommandError("cannot read " + args[4]);
  issuer.key.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  // A secret file usually ends in a newline that is no part of the secret; a PEM key keeps its own.
  if (issuer.algorithm == "HS256") {
    while (!issuer.key.empty() && (issuer.key.back() == '\n' || issuer.key.back() == '\r')) issuer.key.pop_back();
  }
  if (issuer.key.empty()) throw CommandError(args[4] + " is empty");
  c.directory().setOAuthIssuer(name, issuer);
  c.out << "tenant " << name << " takes " << issuer.algorithm << " tokens from " << issuer.issuer << " for " << issuer.audience << "\n";
}

void tenantDel(Context& c, const Arguments& args) {
  expectCount(args, 1, 1);
  c.directory().deleteTenant(args[0]);
  c.out << "tenant " << args[0] << " deleted\n";
}

// The files are checked now, so a mistake shows here and not at postamtd's next reload; postamtd reads them itself,
// so the paths are stored absolute.
void tenantCert(Context& c, const Arguments& args) {
  expectCount(args, 2, 3);
  if (args[1] == "--remove" && args.size() == 2) {
    c.directory().removeCertificate(args[0]);
    c.out << "tenant " << args[0] << " uses the default certificate\n";
    return;
  }
  expectCount(args, 3, 3);
  const net::CertificateFiles files{Poco::Path(args[1]).absolute().toString(), Poco::Path(args[2]).absolute().toString()};
  try {
    net::makeServerContext(files);
  } catch (const std::runtime_error& e) {
    throw CommandError(e.what());
  }
  c.directory().setCertificate(args[0], files.certificate, files.key);
  c.out << "tenant " << args[0] << " certificate " << files.certificate << " (send SIGHUP to postamtd to serve it)\n";
}

void domainAdd(Context& c, const Arguments& args) {
  expectCount(args, 2, 2);
  const auto domain = tenant::Address::parse("postmaster@" + args[0]);
  if (!domain) throw CommandError("'" + args[0] + "' is not a valid domain");
  c.directory().addDomain(domain->domain, args[1]);
  c.out << "domain " << domain->domain << " added to tenant " << args[1] << "\n";
}

void domainDel(Context& c, const Arguments& args) {
  expectCount(args, 1, 1);
  c.directory().deleteDomain(args[0]);
  c.out << "domain " << args[0] << " deleted\n";
}

void userAdd(Context& c, const Arguments& args) {
  expectCount(args, 1, 2);
  auto target = c.resolve(args[0]);
  check(target.auth.addUser(target.mailbox, password(c, args, 1)), "cannot add " + target.mailbox.fullAddress);
  c.out << "user " << target.mailbox.fullAddress << " added to tenant " << target.tenant.name << "\n";
}

void userPasswd(Context& c, const Arguments& args) {
  expectCount(args, 1, 2);
  auto target = c.resolve(args[0]);
  check(target.auth.setPassword(target.mailbox, password(c, args, 1)), "cannot set the password of " + target.mailbox.fullAddress);
  c.out << "password of " << target.mailbox.fullAddress << " changed\n";
}

void userSetEnabled(Context& c, const Arguments& args, bool enabled) {
  expectCount(args, 1, 1);
  auto target = c.resolve(args[0]);
  check(target.auth.setEnabled(target.mailbox, enabled), "cannot change " + target.mailbox.fullAddress);
  c.out << "user " << target.mailbox.fullAddress << (enabled ? " enabled\n" : " disabled\n");
}

void userDel(Context& c, const Arguments& args) {
  expectCount(args, 1, 1);
  auto target = c.resolve(args[0]);
  check(target.auth.deleteUser(target.mailbox), "cannot delete " + target.mailbox.fullAddress);
  c.out << "user " << target.mailbox.fullAddress << " deleted (its maildrop is kept)\n";
}

void userList(Context& c, const Arguments& args) {
  expectCount(args, 1, 1);
  const auto tenant = c.directory().tenant(args[0]);
  if (!tenant) throw CommandError("no tenant " + args[0]);
  plugin::AuthInstance* auth = c.instances().auth(tenant->authInstance);
  if (auth == nullptr) throw CommandError("tenant " + tenant->name + " uses " + tenant->authInstance + ", which the config does not declare");
  check(auth->listUsers(tenant->id, [&](const std::string& address, bool enabled) {
    c.out << address << (enabled ? "\n" : "\tdisabled\n");
  }), "cannot list users");
}

// The same path as an LMTP delivery (without trace headers: nothing was relayed).
void deliver(Context& c, const Arguments& args) {
  expectCount(args, 1, 2);
  delivery::TenantDelivery agent(c.resolver(), c.policies());
  const auto accepted = agent.checkRecipient(args[0], std::nullopt);
  if (accepted.code >= 300) throw CommandError("cannot deliver to " + args[0] + ": " + accepted.text);

  delivery::MessageSpool spool(kMaxDeliverSize);
  if (args.size() == 1 || args[1] == "-") {
    spool.appendStream(c.in);
  } else {
    std::ifstream file(args[1], std::ios::binary);
    if (!file) throw CommandError("cannot read " + args[1]);
    spool.appendStream(file);
  }
  spool.finish();
  if (spool.size() == 0) throw CommandError("refusing to deliver an empty message");
  const auto delivered = agent.deliver({"", std::nullopt, {args[0]}}, spool).front();
  if (delivered.code >= 300) throw CommandError("delivery failed: " + delivered.text);
  c.out << "delivered " << spool.size() << " octets to " << args[0] << "\n";
}

// A Dovecot Maildir or mbox, moved so that POP3 clients keep their UIDLs and
// download nothing again.
void importMaildrop(Context& c, const Arguments& args) {
  expectCount(args, 2, 2);
  auto target = c.resolve(args[0]);
  const std::string& address = target.mailbox.fullAddress;
  // A disabled user is fine: accounts are often moved before they are opened.
  const auto user = target.auth.lookup(target.mailbox);
  if (user.status == POSTAMT_NOT_FOUND) throw CommandError("no user " + address);
  if (user.status != POSTAMT_DENIED) check(user, "cannot import into " + address);
  try {
    const auto source = migration::openDovecotMaildrop(args[1]);
    for (const std::string& note : source->notes()) c.out << "note: " << note << "\n";
    const auto report = migration::importMaildrop(*source, target.store, target.mailbox, kMaxDeliverSize);
    c.out << address << ": imported " << report.imported << " message(s), skipped " << report.skipped
          << " already there under the same UIDL (importing again never duplicates a message)\n";
  } catch (const migration::SourceError& e) {
    throw CommandError(e.what());
  } catch (const migration::ImportError& e) {
    throw CommandError("import into " + address + " stopped at " + e.what() +
                       "; the messages before it are in, and importing again goes on from there");
  }
}

void maildropShow(Context& c, const Arguments& args) {
  expectCount(args, 1, 1);
  auto target = c.resolve(args[0]);
  const std::string holder = "postamtctl:" + std::to_string(::getpid());
  auto opened = target.store.openWhenFree(target.mailbox, holder, std::chrono::seconds(3));
  if (opened.status == POSTAMT_IN_USE) throw CommandError(target.mailbox.fullAddress + " is in use by a POP3 session; try again later");
  if (opened.status != POSTAMT_OK) throw CommandError("cannot open the maildrop: " + opened.error);
  std::uint64_t total = 0;
  const auto& messages = opened.maildrop->messages();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    c.out << (i + 1) << "\t" << messages[i].uidl << "\t" << messages[i].size << "\n";
    total += messages[i].size;
  }
  c.out << messages.size() << " message(s), " << total << " octets\n";
}

// Keep-on-server: what DELE+QUIT hid comes back, until its days are over.
void maildropRestore(Context& c, const Arguments& args) {
  expectCount(args, 1, 1);
  auto target = c.resolve(args[0]);
  const auto restored = target.store.restore(target.mailbox);
  if (restored.status != POSTAMT_OK) throw CommandError("cannot restore " + target.mailbox.fullAddress + ": " + restored.error);
  c.out << target.mailbox.fullAddress << ": " << restored.count << " message(s) restored\n";
}

using Handler = std::function<void(Context&, const Arguments&)>;

// "group verb" → handler, like Dovecot's doveadm command table.
const std::map<std::string, Handler>& commands() {
  static const std::map<std::string, Handler> table = {
      {"db init", dbInit},
      {"db migrate", dbInit},
      {"tenant add", tenantAdd},
      {"tenant list", tenantList},
      {"tenant del", tenantDel},
      {"tenant cert", tenantCert},
      {"tenant oauth", tenantOAuth},
      {"domain add", domainAdd},
      {"domain del", domainDel},
      {"user add", userAdd},
      {"user passwd", userPasswd},
      {"user disable", [](Context& c, const Arguments& a) { userSetEnabled(c, a, false); }},
      {"user enable", [](Context& c, const Arguments& a) { userSetEnabled(c, a, true); }},
      {"user del", userDel},
      {"user list", userList},
      {"maildrop show", maildropShow},
      {"maildrop restore", maildropRestore},
      {"policy set", policySet},
      {"policy show", policyShow},
      {"policy del", policyDel},
      {"policy fallback", policyFallback},
      {"policy test", policyTest},
      {"device tracking", deviceTracking},
      {"device list", deviceList},
      {"device remove", deviceRemove},
  };
  return table;
}

}  // namespace

const char* usageText() {
  return "usage: postamtctl [--config FILE] COMMAND\n"
         "  db init | db migrate                 create or upgrade the database (SQLite or PostgreSQL) and those\n"
         "                                       of store-postgres instances on other PostgreSQL clusters\n"
         "  tenant add NAME [--auth auth.main] [--store store.main]\n"
         "  tenant list | tenant del NAME\n"
         "  tenant cert NAME CERTFILE KEYFILE    serve the tenant's own certificate (PEM) by SNI\n"
         "  tenant cert NAME --remove            back to the default certificate\n"
         "  tenant oauth NAME ISSUER AUDIENCE HS256|RS256 KEYFILE | tenant oauth NAME off\n"
         "                                       accept JWTs (OAUTHBEARER, XOAUTH2) signed with the secret or\n"
         "                                       public key (PEM) in KEYFILE\n"
         "  domain add DOMAIN TENANT | domain del DOMAIN\n"
         "  user add ADDRESS [PASSWORD]          without PASSWORD, one line is read from stdin\n"
         "  user passwd ADDRESS [PASSWORD] | user disable ADDRESS | user enable ADDRESS\n"
         "  user del ADDRESS | user list TENANT\n"
         "  deliver ADDRESS [FILE|-]             store a message (default: from stdin)\n"
         "  import ADDRESS PATH                  move in a Dovecot Maildir or mbox, keeping its POP3 UIDLs;\n"
         "                                       what is already there is skipped, so it can run again\n"
         "  maildrop show ADDRESS                list number, UIDL and size of each message\n"
         "  maildrop restore ADDRESS             list again what keep-on-server hid after DELE\n"
         "  policy set TENANT FILE [--instance policy.main]\n"
         "                                       store the tenant's Lua policy, if it compiles and passes a dry run\n"
         "  policy show TENANT                   the stored script, its version and each hook's fallback\n"
         "  policy del TENANT                    remove the tenant's policy\n"
         "  policy fallback TENANT HOOK open|closed\n"
         "                                       what a hook does when the script fails (default open)\n"
         "  policy test TENANT --user ADDRESS [--remote IP]\n"
         "                                       every hook's decision for that user; changes nothing\n"
         "  usage TENANT|ADDRESS                 messages and octets stored, against the quota hook's limits\n"
         "  device tracking TENANT on [--separator +] [--grace 30d] | device tracking TENANT off\n"
         "                                       several devices per user: ADDRESS+DEVICE logins (policies/README.md)\n"
         "  device list ADDRESS | device remove ADDRESS DEVICE\n"
         "                                       a user's devices; removing one releases what only it held\n";
}

void runCommand(Context& context, const Arguments& arguments) {
  if (arguments.empty()) throw UsageError("no command");
  if (arguments[0] == "deliver") return deliver(context, Arguments(arguments.begin() + 1, arguments.end()));
  if (arguments[0] == "import") return importMaildrop(context, Arguments(arguments.begin() + 1, arguments.end()));
  if (arguments[0] == "usage") return usage(context, Arguments(arguments.begin() + 1, arguments.end()));
  if (arguments.size() < 2) throw UsageError("unknown command '" + arguments[0] + "'");
  const auto it = commands().find(arguments[0] + " " + arguments[1]);
  if (it == commands().end()) throw UsageError("unknown command '" + arguments[0] + " " + arguments[1] + "'");
  try {
    it->second(context, Arguments(arguments.begin() + 2, arguments.end()));
  } catch (const tenant::DirectoryError& e) {
    throw CommandError(e.what());
  }
}

}  // namespace postamt::ctl
