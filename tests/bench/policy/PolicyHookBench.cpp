// postamt-policy-bench --plugins DIR --script FILE [--calls N]
//
// What a policy's login hook adds to a login (issue 6.7: at most 50 µs
// median), measured where that is visible: on one thread, through the plugin
// host and PolicyInstance::decide() as postamtd calls it, without the network
// and the password hash that make a whole login a thousand times longer.
// Prints one JSON line: the median and p99 of the calls, in microseconds.
#include <postamt/abi.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "plugin/PluginHost.h"
#include "plugin/PolicyInstance.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string option(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return fallback;
}

double percentile(std::vector<double> micros, double p) {
  std::sort(micros.begin(), micros.end());
  return micros[static_cast<std::size_t>(p * static_cast<double>(micros.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  const std::string plugins = option(argc, argv, "--plugins", "");
  const std::string scriptFile = option(argc, argv, "--script", "");
  const int calls = std::atoi(option(argc, argv, "--calls", "20000").c_str());
  if (plugins.empty() || scriptFile.empty() || calls < 1 || calls > 10'000'000) {
    std::cerr << "usage: postamt-policy-bench --plugins DIR --script FILE [--calls N (1..10000000)]\n";
    return 2;
  }
  std::ifstream file(scriptFile);
  std::stringstream text;
  text << file.rdbuf();
  if (!file) {
    std::cerr << "cannot read " << scriptFile << "\n";
    return 2;
  }
  try {
    postamt::plugin::PluginHost host(plugins);
    const postamt_plugin& plugin = host.load("policy-lua");
    const postamt_settings none{nullptr, 0};
    postamt::plugin::PolicyInstance instance("policy.main", *plugin.policy, none);
    const postamt::plugin::PolicyInstance::Script script{1, "bench", 1, text.str()};
    // The login hook's arguments as TenantLogin passes them.
    const postamt::sdk::PolicyValues arguments{{"user", std::string("user1@bench.test")},
                                               {"tenant", std::string("bench")},
                                               {"remote_ip", std::string("127.0.0.1")},
                                               {"tls", false},
                                               {"seconds_since_last_login", std::int64_t{3600}}};
    std::vector<double> micros;
    micros.reserve(static_cast<std::size_t>(calls));
    // The first call compiles the script into this thread's state; postamtd pays that once per state, not per login.
    const auto first = instance.decide(script, "login", arguments);
    if (first.status != POSTAMT_OK) {
      std::cerr << "the login hook did not decide: " << first.error << "\n";
      return 1;
    }
    for (int i = 0; i < calls; ++i) {
      const auto began = Clock::now();
      const auto decision = instance.decide(script, "login", arguments);
      micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - began).count());
      if (decision.status != POSTAMT_OK) {
        std::cerr << "call " << i << " failed: " << decision.error << "\n";
        return 1;
      }
    }
    std::cout << "{\"calls\": " << calls << ", \"median_us\": " << percentile(micros, 0.5)
              << ", \"p99_us\": " << percentile(micros, 0.99) << "}\n";
  } catch (const std::exception& e) {
    std::cerr << "postamt-policy-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
