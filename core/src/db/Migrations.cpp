#include "db/Migrations.h"

namespace postamt::db {
namespace {

// "007_retention.sql" is version 7.
int versionOf(const Migration& migration) { return std::stoi(migration.name.substr(0, migration.name.find('_'))); }

}  // namespace

MigrationReport migrate(SchemaTarget& target, const std::vector<Migration>& migrations) {
  MigrationReport report;
  report.database = target.description();
  report.versionBefore = report.versionAfter = target.begin();
  const int newest = migrations.empty() ? 0 : versionOf(migrations.back());
  if (report.versionBefore > newest) {
    throw MigrationError(report.database + " has schema version " + std::to_string(report.versionBefore) +
                         ", newer than this build knows (" + std::to_string(newest) + "); use a newer postamtctl");
  }
  for (const auto& migration : migrations) {
    const int version = versionOf(migration);
    if (version <= report.versionAfter) continue;
    target.apply(migration, version);
    report.versionAfter = version;
  }
  target.commit();
  return report;
}

}  // namespace postamt::db
