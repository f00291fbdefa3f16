#include "sasl/Base64.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>

#include <iterator>
#include <sstream>

namespace postamt::sasl {
namespace {

bool inAlphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// Poco's decoder skips white space and stops at the first '='; checking the shape first keeps "YQ==YQ==" or
// "Y Q==" from passing as something they are not.
bool wellFormed(std::string_view text) {
  if (text.size() % 4 != 0) return false;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  for (std::size_t i = 0; i < text.size() - padding; ++i)
    if (!inAlphabet(text[i])) return false;
  return true;
}

}  // namespace

std::optional<std::string> decodeBase64(std::string_view text) {
  if (!wellFormed(text)) return std::nullopt;
  try {
    std::istringstream encoded{std::string(text)};
    Poco::Base64Decoder decoder(encoded);
    return std::string(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

std::string encodeBase64(std::string_view bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);  // one line: a SASL challenge is a single response line
  encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  encoder.close();
  return out.str();
}

}  // namespace postamt::sasl
