#include "migration/MboxFromLine.h"

#include <strings.h>

#include <algorithm>
#include <ctime>

namespace postamt::migration {
namespace {

// Consumes the text of a From_ line left to right; every step checks its own bounds.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool done() const { return at_ >= text_.size(); }
  std::size_t left() const { return text_.size() - at_; }
  char peek(std::size_t ahead = 0) const { return at_ + ahead < text_.size() ? text_[at_ + ahead] : '\0'; }
  void skip(std::size_t count) { at_ = std::min(text_.size(), at_ + count); }
  bool take(char c) {
    if (peek() != c) return false;
    ++at_;
    return true;
  }
  bool isDigit(std::size_t ahead = 0) const { return peek(ahead) >= '0' && peek(ahead) <= '9'; }
  // Exactly `count` digits.
  std::optional<int> digits(std::size_t count) {
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      if (!isDigit(i)) return std::nullopt;
      value = value * 10 + (peek(i) - '0');
    }
    at_ += count;
    return value;
  }
  // One or two digits.
  std::optional<int> day() {
    if (!isDigit()) return std::nullopt;
    return isDigit(1) ? digits(2) : digits(1);
  }
  std::optional<int> month() {
    static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (left() < 4 || peek(3) != ' ') return std::nullopt;
    for (int i = 0; i < 12; ++i) {
      if (::strncasecmp(text_.data() + at_, kMonths[i], 3) == 0) {
        at_ += 4;
        return i;
      }
    }
    return std::nullopt;
  }
  // "+hhmm" or "-hhmm" as seconds east of UTC.
  std::optional<int> offset() {
    const char sign = peek();
    if ((sign != '+' && sign != '-') || !isDigit(1) || !isDigit(2) || !isDigit(3) || !isDigit(4)) return std::nullopt;
    skip(1);
    const int hours = *digits(2);
    const int minutes = *digits(2);
    return (sign == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
  }
  void skipWord() {
    while (!done() && peek() != ' ') ++at_;
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

std::optional<std::int64_t> parseMboxFromLine(std::string_view line) {
  if (line.substr(0, 5) != "From ") return std::nullopt;
  Cursor at(line.substr(5));

  // The sender: one word, or a quoted local part ("x y"@domain) and the rest of its word.
  if (at.take('"')) {
    for (bool escaped = false; !at.done() && (at.peek() != '"' || escaped); at.skip(1)) escaped = !escaped && at.peek() == '\\';
    at.skip(1);
  }
  at.skipWord();
  while (at.take(' ')) {
  }
  if (at.left() < 21) return std::nullopt;  // "Thu Nov 9 22:33 2001" at the least

  std::tm tm{};
  std::optional<int> zone;
  at.skip(4);  // the weekday
  const std::optional<int> month = at.month();
  const bool yearLast = month.has_value();  // asctime() order
  if (yearLast) {
    tm.tm_mon = *month;
    at.take(' ');  // a one-digit day often has two spaces before it
    const auto day = at.day();
    if (!day || !at.take(' ')) return std::nullopt;
    tm.tm_mday = *day;
  } else {
    // "Thu, 9 Nov 2002 22:33:52": the weekday took "Thu,", a space follows.
    at.take(' ');
    const auto day = at.day();
    if (!day || !at.take(' ')) return std::nullopt;
    tm.tm_mday = *day;
    const auto altMonth = at.month();
    const auto year = altMonth ? at.digits(4) : std::nullopt;
    if (!year || !at.take(' ')) return std::nullopt;
    tm.tm_mon = *altMonth;
    tm.tm_year = *year - 1900;
  }
  if (tm.tm_mday == 0) tm.tm_mday = 1;

  const auto hour = at.digits(2);
  if (!hour || !at.take(':')) return std::nullopt;
  const auto minute = at.digits(2);
  if (!minute) return std::nullopt;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  if (at.take(':')) {
    const auto second = at.digits(2);
    if (!second) return std::nullopt;
    tm.tm_sec = *second;
  }
  if (yearLast) {
    if (!at.take(' ')) return std::nullopt;
    // A zone before the year: an offset, or a name that tells nothing reliable.
    if (!at.isDigit()) {
      zone = at.offset();
      at.skipWord();
      if (!at.take(' ')) return std::nullopt;
    }
    const auto year = at.digits(4);
    if (!year) return std::nullopt;
    tm.tm_year = *year - 1900;
  }
  if (!zone && at.take(' ')) zone = at.offset();

  tm.tm_isdst = -1;
  // Without an offset the date is local time, as Dovecot reads it.
  const std::time_t t = zone ? ::timegm(&tm) - *zone : std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<std::int64_t>(t);
}

}  // namespace postamt::migration
