#include "metrics/Registry.h"

#include <algorithm>
#include <cmath>
#include <charconv>
#include <stdexcept>

namespace postamt::metrics {
namespace {

// Label values are escaped as the exposition format says: backslash, double quote and line feed.
std::string escaped(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// The shortest text that reads back as the same double: 0.1, not 0.10000000000000001.
std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return std::string(text, end);
}

// {a="x",b="y"} with an extra label (a histogram's le) when given; "" for none at all.
std::string labelSet(const std::vector<std::string>& names, const Labels& values, const std::string& extraName = "",
                     const std::string& extraValue = "") {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += (out.empty() ? "{" : ",") + names[i] + "=\"" + escaped(values[i]) + "\"";
  }
  if (!extraName.empty()) out += (out.empty() ? "{" : ",") + extraName + "=\"" + extraValue + "\"";
  return out.empty() ? out : out + "}";
}

const char* typeName(int kind) {
  static const char* const kNames[] = {"counter", "gauge", "histogram"};
  return kNames[kind];
}

}  // namespace

void Registry::declare(const std::string& name, Family family) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (!families_.emplace(name, std::move(family)).second) throw std::logic_error("metric " + name + " declared twice");
}

void Registry::declareCounter(const std::string& name, const std::string& help, std::vector<std::string> labelNames) {
  declare(name, Family{Kind::Counter, help, std::move(labelNames), {}, {}});
}

void Registry::declareGauge(const std::string& name, const std::string& help, std::vector<std::string> labelNames) {
  declare(name, Family{Kind::Gauge, help, std::move(labelNames), {}, {}});
}

void Registry::declareHistogram(const std::string& name, const std::string& help, std::vector<std::string> labelNames,
                                std::vector<double> buckets) {
  if (!std::is_sorted(buckets.begin(), buckets.end())) throw std::logic_error("metric " + name + ": buckets out of order");
  declare(name, Family{Kind::Histogram, help, std::move(labelNames), std::move(buckets), {}});
}

Registry::Series& Registry::series(const std::string& name, const Labels& labels, Kind kind) {
  const auto family = families_.find(name);
  if (family == families_.end()) throw std::logic_error("metric " + name + " was never declared");
  if (family->second.kind != kind && !(kind == Kind::Counter && family->second.kind == Kind::Gauge))
    throw std::logic_error("metric " + name + " is not of that kind");
  if (labels.size() != family->second.labelNames.size()) throw std::logic_error("metric " + name + ": wrong labels");
  Series& series = family->second.series[labels];
  series.below.resize(family->second.buckets.size());
  return series;
}

void Registry::add(const std::string& name, const Labels& labels, double amount) {
  std::lock_guard<std::mutex> guard(mutex_);
  series(name, labels, Kind::Counter).value += amount;
}

void Registry::set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> guard(mutex_);
  series(name, labels, Kind::Gauge).value = value;
}

void Registry::observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> guard(mutex_);
  const auto& buckets = families_.at(name).buckets;
  Series& observed = series(name, labels, Kind::Histogram);
  observed.value += value;
  ++observed.count;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (value <= buckets[i]) ++observed.below[i];
  }
}

std::string Registry::render() const {
  std::lock_guard<std::mutex> guard(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + family.help + "\n";
    out += "# TYPE " + name + " " + typeName(static_cast<int>(family.kind)) + "\n";
    for (const auto& [labels, series] : family.series) {
      if (family.kind != Kind::Histogram) {
        out += name + labelSet(family.labelNames, labels) + " " + number(series.value) + "\n";
        continue;
      }
      for (std::size_t i = 0; i < family.buckets.size(); ++i) {
        out += name + "_bucket" + labelSet(family.labelNames, labels, "le", number(family.buckets[i])) + " " +
               std::to_string(series.below[i]) + "\n";
      }
      out += name + "_bucket" + labelSet(family.labelNames, labels, "le", "+Inf") + " " + std::to_string(series.count) + "\n";
      out += name + "_sum" + labelSet(family.labelNames, labels) + " " + number(series.value) + "\n";
      out += name + "_count" + labelSet(family.labelNames, labels) + " " + std::to_string(series.count) + "\n";
    }
  }
  return out;
}

}  // namespace postamt::metrics
