#include "tenant/ServiceGeneration.h"

namespace postamt::tenant {

ServiceGeneration::ServiceGeneration(Poco::AutoPtr<Poco::Util::AbstractConfiguration> settings, const Sources& sources)
    : config(std::move(settings)),
      instances(*config, sources.host),
      resolver(sources.directory, instances, sources.defaultDomain),
      policies(sources.policyDirectory, instances),
      login(resolver, policies, sources.devices, sources.lockOwner),
      delivery(resolver, policies),
      sweep(sources.directory, instances, policies, sources.devices, sources.lockOwner + ":purge", sources.purgeBatch) {}

}  // namespace postamt::tenant
