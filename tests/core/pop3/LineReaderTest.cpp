#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pop3/LineReader.h"

namespace postamt::pop3 {
namespace {

using Problem = LineReader::Line::Problem;

struct Result {
  std::string text;
  Problem problem;
  bool operator==(const Result&) const = default;
};

// Feeds `input` in pieces of `chunk` octets and collects every line.
std::vector<Result> readAll(LineReader& reader, std::string_view input, std::size_t chunk) {
  std::vector<Result> lines;
  while (!input.empty()) {
    std::string_view piece = input.substr(0, chunk);
    input.remove_prefix(piece.size());
    while (auto line = reader.next(piece)) lines.push_back({std::string(line->text), line->problem});
  }
  return lines;
}

std::vector<Result> readAll(std::string_view input, std::size_t chunk = std::string_view::npos) {
  LineReader reader;
  return readAll(reader, input, chunk);
}

TEST(LineReaderTest, SplitsAtCrlfAndLeavesTheLineEndOut) {
  EXPECT_EQ(readAll("USER a\r\nPASS b\r\n"), (std::vector<Result>{{"USER a", Problem::None}, {"PASS b", Problem::None}}));
}

TEST(LineReaderTest, AcceptsABareLfAsLineEnd) {
  EXPECT_EQ(readAll("STAT\nNOOP\r\n"), (std::vector<Result>{{"STAT", Problem::None}, {"NOOP", Problem::None}}));
}

TEST(LineReaderTest, AnEmptyLineIsALine) {
  EXPECT_EQ(readAll("\r\n\n"), (std::vector<Result>{{"", Problem::None}, {"", Problem::None}}));
}

TEST(LineReaderTest, KeepsACrThatIsNotBeforeTheLf) {
  EXPECT_EQ(readAll("A\rB\r\n"), (std::vector<Result>{{"A\rB", Problem::None}}));
}

TEST(LineReaderTest, APartialLineWaitsForItsEnd) {
  LineReader reader;
  std::string_view first = "RETR 1";
  EXPECT_FALSE(reader.next(first).has_value());
  EXPECT_TRUE(first.empty());
  EXPECT_EQ(reader.buffered(), 6u);
  std::string_view second = "2\r\nNOOP";
  const auto line = reader.next(second);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->text, "RETR 12");
  EXPECT_EQ(second, "NOOP");
}

TEST(LineReaderTest, GivesTheSameLinesAtEverySplitPoint) {
  using namespace std::string_literals;
  const std::string input = "USER alice\r\nPASS se cret\nLIST\r\n" + std::string(300, 'x') + "\r\nA\0B\r\nQUIT\r\n"s;
  const auto expected = readAll(input);
  ASSERT_EQ(expected.size(), 6u);
  for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
    EXPECT_EQ(readAll(input, chunk), expected) << "chunk size " << chunk;
  }
  for (std::size_t split = 0; split <= input.size(); ++split) {
    LineReader reader;
    auto lines = readAll(reader, input.substr(0, split), input.size());
    const auto rest = readAll(reader, std::string_view(input).substr(split), input.size());
    lines.insert(lines.end(), rest.begin(), rest.end());
    EXPECT_EQ(lines, expected) << "split at " << split;
  }
}

// RFC 2449 section 4: 255 octets including the CRLF.
TEST(LineReaderTest, AcceptsALineOf255OctetsWithItsCrlf) {
  const std::string text(kMaxCommandLine - 2, 'a');
  EXPECT_EQ(readAll(text + "\r\n"), (std::vector<Result>{{text, Problem::None}}));
}

TEST(LineReaderTest, RejectsALineOf256OctetsWithItsCrlf) {
  EXPECT_EQ(readAll(std::string(kMaxCommandLine - 1, 'a') + "\r\n"), (std::vector<Result>{{"", Problem::TooLong}}));
}

TEST(LineReaderTest, GivesABareLfLineTheSameRoomAsACrlfLine) {
  const std::string text(kMaxCommandLine - 2, 'a');
  EXPECT_EQ(readAll(text + "\n"), (std::vector<Result>{{text, Problem::None}}));
  EXPECT_EQ(readAll(text + "a\n"), (std::vector<Result>{{"", Problem::TooLong}}));
}

// LMTP's command lines (RFC 5321 section 4.5.3.1.4) are up to 512 octets with the CRLF.
TEST(LineReaderTest, TakesAnotherLimitAndHoldsNoMoreThanIt) {
  LineReader reader(512);
  const std::string text(510, 'a');
  EXPECT_EQ(readAll(reader, text + "\r\n" + text + "a\r\n", 100),
            (std::vector<Result>{{text, Problem::None}, {"", Problem::TooLong}}));
  const std::string twice = text + text;
  std::string_view unended = twice;
  EXPECT_FALSE(reader.next(unended).has_value());
  EXPECT_LE(reader.buffered(), 512u);
}

TEST(LineReaderTest, AMegabyteWithoutLineEndKeepsABoundedBufferAndIsReportedOnceItEnds) {
  LineReader reader;
  const std::string megabyte(1 << 20, 'A');
  for (std::size_t chunk : {std::size_t{1}, std::size_t{4096}, megabyte.size()}) {
    for (std::string_view rest = megabyte; !rest.empty();) {
      std::string_view piece = rest.substr(0, chunk);
      rest.remove_prefix(piece.size());
      EXPECT_FALSE(reader.next(piece).has_value());
      ASSERT_LE(reader.buffered(), kMaxCommandLine);
    }
  }
  std::string_view end = "\r\nNOOP\r\n";
  auto line = reader.next(end);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->problem, Problem::TooLong);
  line = reader.next(end);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->problem, Problem::None);
  EXPECT_EQ(line->text, "NOOP");
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(LineReaderTest, ReportsALineWithANulByte) {
  using namespace std::string_literals;
  EXPECT_EQ(readAll("US\0ER a\r\nNOOP\r\n"s), (std::vector<Result>{{"", Problem::ContainsNul}, {"NOOP", Problem::None}}));
}

}  // namespace
}  // namespace postamt::pop3
