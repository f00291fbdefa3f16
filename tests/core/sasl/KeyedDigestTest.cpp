#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "sasl/KeyedDigest.h"

namespace postamt::sasl {
namespace {

TEST(KeyedDigestTest, TheSamePartsGiveTheSameDigestAndOtherPartsAnother) {
  const KeyedDigest digest;
  EXPECT_EQ(digest.of({"alice@demo.test", "secret"}), digest.of({"alice@demo.test", "secret"}));
  EXPECT_NE(digest.of({"alice@demo.test", "secret"}), digest.of({"alice@demo.test", "Secret"}));
  EXPECT_NE(digest.of({"alice@demo.test"}), digest.of({"bob@demo.test"}));
}

// Parts are joined with a separator, so moving the boundary between them changes the digest.
TEST(KeyedDigestTest, WhereOnePartEndsAndTheNextBeginsCounts) {
  const KeyedDigest digest;
  EXPECT_NE(digest.of({"ab", "c"}), digest.of({"a", "bc"}));
  EXPECT_NE(digest.of({"abc"}), digest.of({"ab", "c"}));
  EXPECT_NE(digest.of({"a", ""}), digest.of({"a"}));
}

// Each process draws its own key: a digest read elsewhere cannot be matched by digesting guesses there.
TEST(KeyedDigestTest, TwoKeysDigestTheSamePartsDifferently) {
  const KeyedDigest one;
  const KeyedDigest other;
  EXPECT_NE(one.of({"alice@demo.test", "secret"}), other.of({"alice@demo.test", "secret"}));
}

TEST(KeyedDigestTest, ThreadsDigestingAtOnceGetWhatOneThreadGets) {
  const KeyedDigest digest;
  const KeyedDigest::Value expected = digest.of({"alice@demo.test", "secret"});
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) mismatches[t] += digest.of({"alice@demo.test", "secret"}) != expected ? 1 : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace postamt::sasl
