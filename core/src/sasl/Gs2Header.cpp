#include "sasl/Gs2Header.h"

namespace postamt::sasl {

Gs2Header parseGs2Header(std::string_view message) {
  Gs2Header header;
  const auto first = message.find(',');
  const auto second = first == std::string_view::npos ? first : message.find(',', first + 1);
  if (second == std::string_view::npos) {
    header.error = "Malformed GS2 header";
    return header;
  }
  const auto flag = message.substr(0, first);
  if (flag != "n" && flag != "y") {
    header.error = "Channel binding is not supported";
    return header;
  }
  const auto authzid = message.substr(first + 1, second - first - 1);
  if (!authzid.empty()) {
    const auto decoded = authzid.substr(0, 2) == "a=" ? decodeSaslName(authzid.substr(2)) : std::nullopt;
    if (!decoded || decoded->empty()) {
      header.error = "Malformed authorization identity";
      return header;
    }
    header.authzid = *decoded;
  }
  header.length = second + 1;
  return header;
}

std::optional<std::string> decodeSaslName(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == ',') return std::nullopt;
    if (name[i] != '=') {
      out.push_back(name[i]);
      continue;
    }
    const auto escape = name.substr(i + 1, 2);
    if (escape == "2C") {
      out.push_back(',');
    } else if (escape == "3D") {
      out.push_back('=');
    } else {
      return std::nullopt;
    }
    i += 2;
  }
  return out;
}

}  // namespace postamt::sasl
