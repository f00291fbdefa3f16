// postamtctl: administers tenants, domains, users and maildrops.
#include <iostream>

#include "config/ConfigFile.h"
#include "config/Logging.h"
#include "ctl/Context.h"
#include "plugin/PluginHost.h"
#include "tenant/Directory.h"

int main(int argc, char** argv) {
  std::string configPath = "/etc/postamt/postamtd.conf";
  postamt::ctl::Arguments arguments;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--config" || arg == "-c") && i + 1 < argc) {
      configPath = argv[++i];
    } else if (arg == "--help" || arg == "-h") {
      std::cout << postamt::ctl::usageText();
      return 0;
    } else {
      arguments.push_back(arg);
    }
  }
  try {
    postamt::config::LogSettings quiet;
    quiet.level = "warning";
    postamt::config::setUpLogging(quiet);
    postamt::ctl::Context context(configPath, std::cin, std::cout);
    postamt::ctl::runCommand(context, arguments);
    return 0;
  } catch (const postamt::ctl::UsageError& e) {
    std::cerr << "postamtctl: " << e.what() << "\n" << postamt::ctl::usageText();
    return 2;
  } catch (const Poco::Exception& e) {
    std::cerr << "postamtctl: " << e.displayText() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "postamtctl: " << e.what() << "\n";
    return 1;
  }
}
