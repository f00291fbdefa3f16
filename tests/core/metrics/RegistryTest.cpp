#include "metrics/Registry.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "metrics/SessionMetrics.h"

namespace postamt::metrics {
namespace {

TEST(RegistryTest, CountersAndGaugesRenderInTheTextExpositionFormat) {
  Registry registry;
  registry.declareCounter("postamt_logins_total", "Logins.", {"tenant", "result"});
  registry.declareGauge("postamt_connections_active", "Open now.", {"listener"});
  registry.add("postamt_logins_total", {"demo", "ok"});
  registry.add("postamt_logins_total", {"demo", "ok"});
  registry.add("postamt_logins_total", {"other", "failed"});
  registry.add("postamt_connections_active", {"pop3"}, 3);
  registry.add("postamt_connections_active", {"pop3"}, -1);
  EXPECT_EQ(registry.render(),
            "# HELP postamt_connections_active Open now.\n"
            "# TYPE postamt_connections_active gauge\n"
            "postamt_connections_active{listener=\"pop3\"} 2\n"
            "# HELP postamt_logins_total Logins.\n"
            "# TYPE postamt_logins_total counter\n"
            "postamt_logins_total{tenant=\"demo\",result=\"ok\"} 2\n"
            "postamt_logins_total{tenant=\"other\",result=\"failed\"} 1\n");
}

TEST(RegistryTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry registry;
  registry.declareHistogram("latency_seconds", "Latency.", {"command"}, {0.01, 0.1});
  registry.observe("latency_seconds", {"RETR"}, 0.005);
  registry.observe("latency_seconds", {"RETR"}, 0.05);
  registry.observe("latency_seconds", {"RETR"}, 2);
  EXPECT_EQ(registry.render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{command=\"RETR\",le=\"0.01\"} 1\n"
            "latency_seconds_bucket{command=\"RETR\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{command=\"RETR\",le=\"+Inf\"} 3\n"
            "latency_seconds_sum{command=\"RETR\"} 2.055\n"
            "latency_seconds_count{command=\"RETR\"} 3\n");
}

TEST(RegistryTest, LabelValuesAreEscaped) {
  Registry registry;
  registry.declareCounter("c", "C.", {"tenant"});
  registry.add("c", {"a\"b\\c\nd"});
  EXPECT_NE(registry.render().find("c{tenant=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos);
}

TEST(RegistryTest, MisuseIsAProgrammingErrorNotASilentSeries) {
  Registry registry;
  registry.declareCounter("c", "C.", {"tenant"});
  EXPECT_THROW(registry.declareCounter("c", "again", {}), std::logic_error);
  EXPECT_THROW(registry.add("undeclared", {}), std::logic_error);
  EXPECT_THROW(registry.add("c", {"too", "many"}), std::logic_error);
  EXPECT_THROW(registry.observe("c", {"demo"}, 1), std::logic_error);
}

TEST(SessionMetricsTest, OnlyKnownCommandsNameASeries) {
  EXPECT_EQ(commandKeyword("RETR 1\r\n"), "RETR");
  EXPECT_EQ(commandKeyword("top 2 0\r\n"), "TOP");
  EXPECT_EQ(commandKeyword("CAPA\r\nUSER a\r\n"), "CAPA");
  EXPECT_EQ(commandKeyword("LHLO mx.example\r\n"), "LHLO");
  EXPECT_EQ(commandKeyword("Subject: a message line during DATA\r\n"), "other");
  EXPECT_EQ(commandKeyword("HELLO\r\n"), "other");
  EXPECT_EQ(commandKeyword("RETRX 1\r\n"), "other");
  EXPECT_EQ(commandKeyword(""), "other");
}

}  // namespace
}  // namespace postamt::metrics
