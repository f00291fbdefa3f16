#include "ctl/PolicyCommands.h"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <variant>

#include "delivery/RecipientPolicy.h"
#include "policy/DryRun.h"

namespace postamt::ctl {
namespace {

// A script is read whole; a policy larger than this is not a policy.
constexpr std::streamsize kMaxScriptBytes = 256 * 1024;

tenant::Tenant requireTenant(Context& c, const std::string& name) {
  const auto tenant = c.directory().tenant(name);
  if (!tenant) throw CommandError("no tenant " + name);
  return *tenant;
}

// The value after `--flag`; empty when there is none.
std::string option(const Arguments& args, const std::string& flag) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) return args[i + 1];
  }
  return {};
}

std::string readScript(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw CommandError("cannot read " + path);
  std::string text(static_cast<std::size_t>(kMaxScriptBytes) + 1, '\0');
  file.read(text.data(), kMaxScriptBytes + 1);
  if (file.gcount() > kMaxScriptBytes) throw CommandError(path + " is larger than 256 KiB");
  text.resize(static_cast<std::size_t>(file.gcount()));
  return text;
}

std::string limitText(const std::optional<std::int64_t>& limit) { return limit ? std::to_string(*limit) : "unlimited"; }

void printUse(Context& c, const std::string& who, const std::optional<plugin::StoreInstance::Usage>& used,
              const std::optional<std::int64_t>& messages, const std::optional<std::int64_t>& octets) {
  if (!used) return;
  if (used->status != POSTAMT_OK) throw CommandError("cannot count " + who + ": " + used->error);
  c.out << who << ": " << used->messages << " of " << limitText(messages) << " messages, " << used->octets << " of "
        << limitText(octets) << " octets\n";
}

}  // namespace

// Refused unless the script compiles and every hook it defines survives a dry run.
void policySet(Context& c, const Arguments& args) {
  if (args.size() != 2 && args.size() != 4) throw UsageError("policy set TENANT FILE [--instance policy.main]");
  const tenant::Tenant tenant = requireTenant(c, args[0]);
  const std::string instanceName = args.size() == 4 && args[2] == "--instance" ? args[3] : "policy.main";
  plugin::PolicyInstance* instance = c.instances().policy(instanceName);
  if (instance == nullptr)
    throw CommandError(instanceName + " is not declared in the config (" + instanceName + ".plugin = policy-lua)");
  const std::string script = readScript(args[1]);
  std::vector<std::string> hooks;
  try {
    hooks = policy::dryRun(*instance, {tenant.id, tenant.name, -1, script});
  } catch (const policy::DryRunFailed& e) {
    throw CommandError(args[1] + " was not stored: " + e.what());
  }
  const std::int64_t version = c.policies().directory().setPolicy(tenant.id, instanceName, script);
  c.out << "policy of tenant " << tenant.name << " set (version " << version << ", hooks:";
  for (const auto& hook : hooks) c.out << " " << hook;
  c.out << (hooks.empty() ? " none)\n" : ")\n");
}

void policyShow(Context& c, const Arguments& args) {
  if (args.size() != 1) throw UsageError("policy show TENANT");
  const tenant::Tenant tenant = requireTenant(c, args[0]);
  const auto stored = c.policies().directory().policy(tenant.id);
  if (!stored) throw CommandError("tenant " + tenant.name + " has no policy");
  c.out << "-- tenant " << tenant.name << ", " << stored->instance << ", version " << stored->version << "\n";
  for (const auto& hook : policy::knownHooks()) {
    const auto mode = stored->fallbacks.find(hook);
    c.out << "-- when " << hook << " fails: " << (mode == stored->fallbacks.end() ? "open" : mode->second) << "\n";
  }
  c.out << stored->script;
  if (!stored->script.empty() && stored->script.back() != '\n') c.out << "\n";
}

// Frontends notice within a second that the version is gone, and run the tenant's next sessions without a policy.
void policyDel(Context& c, const Arguments& args) {
  if (args.size() != 1) throw UsageError("policy del TENANT");
  const tenant::Tenant tenant = requireTenant(c, args[0]);
  if (!c.policies().directory().removePolicy(tenant.id)) throw CommandError("tenant " + tenant.name + " has no policy");
  c.out << "tenant " << tenant.name << ": policy removed\n";
}

// Every hook asked about one user as postamtd would ask it (the user's real
// last login; the remote address from --remote, else 192.0.2.1), changing
// nothing: no login recorded, no maildrop opened.
void policyTest(Context& c, const Arguments& args) {
  if (args.size() != 3 && args.size() != 5) throw UsageError("policy test TENANT --user ADDRESS [--remote IP]");
  const tenant::Tenant tenant = requireTenant(c, args[0]);
  const std::string address = option(args, "--user");
  if (address.empty()) throw UsageError("policy test TENANT --user ADDRESS [--remote IP]");
  auto target = c.resolve(address);
  if (target.tenant.id != tenant.id)
    throw CommandError(address + " belongs to tenant " + target.tenant.name + ", not " + tenant.name);
  if (target.auth.lookup(target.mailbox).status == POSTAMT_NOT_FOUND) throw CommandError("no user " + target.mailbox.fullAddress);
  const auto stored = c.policies().directory().policy(tenant.id);
  if (!stored) throw CommandError("tenant " + tenant.name + " has no policy");
  plugin::PolicyInstance* instance = c.instances().policy(stored->instance);
  if (instance == nullptr) throw CommandError(stored->instance + " is not declared in the config");

  const std::string& user = target.mailbox.fullAddress;
  policy::Facts facts{{"user", user}, {"recipient", user}, {"size", std::nullopt}, {"tls", false}};
  facts["remote_ip"] = option(args, "--remote").empty() ? std::string("192.0.2.1") : option(args, "--remote");
  const auto last = c.policies().directory().lastLogin(tenant.id, user);
  facts["seconds_since_last_login"] =
      last ? std::optional<sdk::PolicyValue>(std::max<std::int64_t>(0, std::time(nullptr) - *last)) : std::nullopt;

  for (const auto& answer : policy::askEveryHook(*instance, {tenant.id, tenant.name, stored->version, stored->script}, facts)) {
    c.out << answer.hook << ": ";
    const auto mode = stored->fallbacks.find(answer.hook);
    const std::string fallback = mode == stored->fallbacks.end() ? "open" : mode->second;
    if (answer.decision.status == POSTAMT_NOT_FOUND) {
      c.out << "no such hook\n";
    } else if (answer.decision.status != POSTAMT_OK) {
      c.out << "FAILS (" << answer.decision.error << "), falls back " << fallback << "\n";
    } else if (!answer.malformed.empty()) {
      c.out << "MALFORMED (" << answer.malformed << "), falls back " << fallback << "\n";
    } else {
      c.out << (answer.decision.values.empty() ? "no opinion" : "");
      for (auto it = answer.decision.values.begin(); it != answer.decision.values.end(); ++it) {
        c.out << (it == answer.decision.values.begin() ? "" : " ") << it->first << "=";
        std::visit([&](const auto& v) { c.out << std::boolalpha << v; }, it->second);
      }
      c.out << "\n";
    }
  }
}

void policyFallback(Context& c, const Arguments& args) {
  if (args.size() != 3) throw UsageError("policy fallback TENANT HOOK open|closed");
  const tenant::Tenant tenant = requireTenant(c, args[0]);
  const auto hooks = policy::knownHooks();
  if (std::find(hooks.begin(), hooks.end(), args[1]) == hooks.end()) {
    std::string names;
    for (const auto& hook : hooks) names += (names.empty() ? "" : ", ") + hook;
    throw CommandError("no hook " + args[1] + " (" + names + ")");
  }
  if (args[2] != "open" && args[2] != "closed") throw CommandError("a hook fails 'open' or 'closed', not '" + args[2] + "'");
  if (!c.policies().directory().version(tenant.id)) throw CommandError("tenant " + tenant.name + " has no policy; set one first");
  c.policies().directory().setFallback(tenant.id, args[1], args[2]);
  c.out << "tenant " << tenant.name << ": when " << args[1] << " fails it fails " << args[2] << "\n";
}

// A user's or a tenant's use against the limits of its quota hook.
void usage(Context& c, const Arguments& args) {
  if (args.size() != 1) throw UsageError("usage TENANT|ADDRESS");
  delivery::RecipientPolicy recipients(c.policies());
  delivery::RecipientPolicy::QuotaStanding standing;
  std::string user;
  std::string tenantName = args[0];
  if (args[0].find('@') != std::string::npos) {
    auto target = c.resolve(args[0]);
    user = target.mailbox.fullAddress;
    tenantName = target.tenant.name;
    standing = recipients.quota(target.tenant, target.store, &target.mailbox, std::nullopt);
    if (!standing.user) standing.user = target.store.usage(target.tenant.id, &target.mailbox);
  } else {
    const tenant::Tenant tenant = requireTenant(c, args[0]);
    plugin::StoreInstance* store = c.instances().store(tenant.storeInstance);
    if (store == nullptr)
      throw CommandError("tenant " + tenant.name + " uses " + tenant.storeInstance + ", which the config does not declare");
    standing = recipients.quota(tenant, *store, nullptr, std::nullopt);
    if (!standing.tenant) standing.tenant = store->usage(tenant.id, nullptr);
  }
  const auto& rule = standing.ruling.rule;
  printUse(c, user, standing.user, rule.userMessages, rule.userBytes);
  printUse(c, "tenant " + tenantName, standing.tenant, rule.tenantMessages, rule.tenantBytes);
  using Kind = policy::Ruling<policy::QuotaRule>::Kind;
  if (standing.ruling.kind == Kind::Default) c.out << "no quota: the policy sets no limits\n";
  if (standing.ruling.kind == Kind::Refused) c.out << "the quota hook failed and fails closed: deliveries are refused for now\n";
}

}  // namespace postamt::ctl
