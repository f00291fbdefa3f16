#include "tenant/DomainCache.h"

#include <gtest/gtest.h>

namespace postamt::tenant {
namespace {

using namespace std::chrono_literals;
using Clock = DomainCache::Clock;

const Tenant kDemo{7, "demo", "auth.main", "store.main"};

TEST(DomainCacheTest, RemembersAnOwnerAndAnUnknownDomainUntilTheyExpire) {
  DomainCache cache(1s, 10);
  const auto start = Clock::now();
  EXPECT_FALSE(cache.find("demo.test", start).has_value());
  cache.remember("demo.test", kDemo, start);
  cache.remember("nobody.test", std::nullopt, start);

  const auto owner = cache.find("demo.test", start + 999ms);
  ASSERT_TRUE(owner.has_value());
  ASSERT_TRUE(owner->has_value());
  EXPECT_EQ((*owner)->name, "demo");
  const auto unknown = cache.find("nobody.test", start + 999ms);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_FALSE(unknown->has_value());

  EXPECT_FALSE(cache.find("demo.test", start + 1s).has_value());  // the directory is asked again
  EXPECT_FALSE(cache.find("nobody.test", start + 1s).has_value());
}

TEST(DomainCacheTest, ANewAnswerReplacesTheOld) {
  DomainCache cache(1s, 10);
  const auto start = Clock::now();
  cache.remember("demo.test", std::nullopt, start);
  cache.remember("demo.test", kDemo, start + 500ms);
  const auto owner = cache.find("demo.test", start + 1200ms);
  ASSERT_TRUE(owner.has_value() && owner->has_value());
  EXPECT_EQ((*owner)->id, 7);
}

TEST(DomainCacheTest, NeverHoldsMoreThanItsCapacity) {
  DomainCache cache(1h, 3);
  const auto start = Clock::now();
  for (int i = 0; i < 3; ++i) cache.remember("d" + std::to_string(i) + ".test", std::nullopt, start);
  cache.remember("fourth.test", kDemo, start);  // full of fresh names: all forgotten, the new one kept
  EXPECT_FALSE(cache.find("d0.test", start).has_value());
  EXPECT_FALSE(cache.find("d2.test", start).has_value());
  EXPECT_TRUE(cache.find("fourth.test", start).has_value());
}

TEST(DomainCacheTest, WhenFullTheExpiredGoFirst) {
  DomainCache cache(1s, 2);
  const auto start = Clock::now();
  cache.remember("old.test", std::nullopt, start);
  cache.remember("young.test", kDemo, start + 900ms);
  cache.remember("new.test", kDemo, start + 1100ms);  // old.test has expired: only it makes room
  EXPECT_TRUE(cache.find("young.test", start + 1100ms).has_value());
  EXPECT_TRUE(cache.find("new.test", start + 1100ms).has_value());
}

}  // namespace
}  // namespace postamt::tenant
