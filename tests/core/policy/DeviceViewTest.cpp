// Several devices per user, as policies/README.md "Several devices" says.
#include <gtest/gtest.h>

#include "policy/DeviceName.h"
#include "policy/DeviceView.h"

namespace postamt::policy {
namespace {

using Indexes = std::vector<std::size_t>;

const std::vector<pop3::MessageInfo> kStored = {{"m1", 10}, {"m2", 20}, {"m3", 30}};
constexpr std::int64_t kNow = 1'000'000;

tenant::UserDevices phoneAndLaptop(std::vector<tenant::DeviceDeletion> deletions) {
  return {{"phone", "laptop"}, std::move(deletions)};
}

TEST(DeviceNameTest, SplitsAtTheFirstSeparator) {
  const auto name = DeviceName::split("alice+phone", '+');
  ASSERT_TRUE(name);
  EXPECT_EQ(name->localPart, "alice");
  EXPECT_EQ(name->device, "phone");
  EXPECT_EQ(DeviceName::split("alice#work-pc", '#')->device, "work-pc");
}

TEST(DeviceNameTest, ANameWithoutSeparatorIsThePlainUser) {
  const auto name = DeviceName::split("alice", '+');
  ASSERT_TRUE(name);
  EXPECT_EQ(name->localPart, "alice");
  EXPECT_TRUE(name->device.empty());
}

TEST(DeviceNameTest, RefusesSuffixesThatAreNoDeviceName) {
  EXPECT_FALSE(DeviceName::split("alice+", '+'));
  EXPECT_FALSE(DeviceName::split("+phone", '+'));
  EXPECT_FALSE(DeviceName::split("alice+ph one", '+'));
  EXPECT_FALSE(DeviceName::split("alice+a+b", '+'));
  EXPECT_FALSE(DeviceName::split("alice+" + std::string(DeviceName::kMaxLength + 1, 'x'), '+'));
  EXPECT_TRUE(DeviceName::split("alice+" + std::string(DeviceName::kMaxLength, 'x'), '+'));
}

TEST(DeviceViewTest, WithoutDeletionsEveryDeviceSeesEveryMessage) {
  const DeviceView view(kStored, phoneAndLaptop({}), "phone", kNow, 0);
  EXPECT_EQ(view.visible(), (Indexes{0, 1, 2}));
  EXPECT_TRUE(view.released().empty());
  EXPECT_TRUE(view.vanished().empty());
}

TEST(DeviceViewTest, AMessageOneDeviceDeletedIsHiddenFromThatDeviceOnly) {
  const auto recorded = phoneAndLaptop({{"phone", "m2", kNow - 10}});
  EXPECT_EQ(DeviceView(kStored, recorded, "phone", kNow, 0).visible(), (Indexes{0, 2}));
  EXPECT_EQ(DeviceView(kStored, recorded, "laptop", kNow, 0).visible(), (Indexes{0, 1, 2}));
  EXPECT_TRUE(DeviceView(kStored, recorded, "laptop", kNow, 0).released().empty());
}

TEST(DeviceViewTest, TheLastDeviceToDeleteReleasesTheMessage) {
  const DeviceView laptop(kStored, phoneAndLaptop({{"phone", "m2", kNow - 10}}), "laptop", kNow, 0);
  EXPECT_EQ(laptop.releasedBy({1}), (Indexes{1}));
  EXPECT_TRUE(laptop.releasedBy({0, 2}).empty());  // the phone still holds these
}

TEST(DeviceViewTest, AMessageEveryDeviceDeletedIsReleasedAndListedToNoOne) {
  const auto recorded = phoneAndLaptop({{"phone", "m1", kNow - 10}, {"laptop", "m1", kNow - 5}});
  const DeviceView view(kStored, recorded, "phone", kNow, 0);
  EXPECT_EQ(view.released(), (Indexes{0}));
  EXPECT_EQ(view.visible(), (Indexes{1, 2}));
}

TEST(DeviceViewTest, WithoutAGracePeriodAMessageWaitsForEveryDevice) {
  const auto recorded = phoneAndLaptop({{"phone", "m3", 0}});
  EXPECT_TRUE(DeviceView(kStored, recorded, "laptop", kNow, 0).released().empty());
}

TEST(DeviceViewTest, TheGracePeriodRunsFromTheFirstDeletion) {
  const auto recorded = phoneAndLaptop({{"phone", "m3", kNow - 100}});
  EXPECT_TRUE(DeviceView(kStored, recorded, "laptop", kNow, 101).released().empty());
  const DeviceView ended(kStored, recorded, "laptop", kNow, 100);
  EXPECT_EQ(ended.released(), (Indexes{2}));
  EXPECT_EQ(ended.visible(), (Indexes{0, 1}));  // released messages are listed to no device, not even the laptop
}

TEST(DeviceViewTest, RemovingADeviceReleasesWhatOnlyItHeld) {
  // The laptop was removed: its registration and deletions are gone, the phone's deletion remains.
  const tenant::UserDevices recorded{{"phone"}, {{"phone", "m2", kNow - 10}}};
  EXPECT_EQ(DeviceView(kStored, recorded, "phone", kNow, 0).released(), (Indexes{1}));
}

TEST(DeviceViewTest, DeletionsOfMessagesTheStoreNoLongerHasAreVanished) {
  const auto recorded = phoneAndLaptop({{"phone", "gone", kNow - 10}, {"phone", "m1", kNow - 10}});
  EXPECT_EQ(DeviceView(kStored, recorded, "laptop", kNow, 0).vanished(), (std::vector<std::string>{"gone"}));
}

TEST(DeviceViewTest, ThePurgeHasNoDeviceAndSeesWhatEveryDeviceReleased) {
  const auto recorded = phoneAndLaptop({{"phone", "m1", kNow - 10}, {"laptop", "m1", kNow - 5}, {"phone", "m2", kNow}});
  EXPECT_EQ(DeviceView(kStored, recorded, "", kNow, 0).released(), (Indexes{0}));
}

}  // namespace
}  // namespace postamt::policy
