#include <gtest/gtest.h>

#include "sasl/Base64.h"

namespace postamt::sasl {
namespace {

// RFC 4648 section 10 test vectors.
TEST(Base64Test, EncodesAndDecodesTheRfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(encodeBase64(plain), encoded);
    EXPECT_EQ(decodeBase64(encoded), plain);
  }
}

TEST(Base64Test, EncodesLongDataOnOneLine) {
  EXPECT_EQ(encodeBase64(std::string(300, 'x')).find_first_of("\r\n"), std::string::npos);
}

TEST(Base64Test, EncodesEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  EXPECT_EQ(decodeBase64(encodeBase64(bytes)), bytes);
}

// RFC 4648 section 3.3: characters outside the alphabet are an error where the specification does not say
// otherwise; RFC 5034 does not.
TEST(Base64Test, RefusesWhatIsNotStrictBase64) {
  for (const std::string bad : {"Zg", "Zg=", "Z===", "Zm9v YmFy", "Zm9v\r\nYmFy", "Zm9v!mFy", "Zg==Zg==", "=Zg=", "*"}) {
    EXPECT_EQ(decodeBase64(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace postamt::sasl
