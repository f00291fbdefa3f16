#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace postamt::metrics {

// Label values in the order of the metric's label names.
using Labels = std::vector<std::string>;

// The process's metrics, rendered in Prometheus' text exposition format
// (version 0.0.4). Thread-safe. Metrics are declared once, at start; updating
// one that was never declared is a programming error and throws.
class Registry {
 public:
  void declareCounter(const std::string& name, const std::string& help, std::vector<std::string> labelNames);
  void declareGauge(const std::string& name, const std::string& help, std::vector<std::string> labelNames);
  // Buckets are upper bounds in seconds, ascending; +Inf is implied.
  void declareHistogram(const std::string& name, const std::string& help, std::vector<std::string> labelNames,
                        std::vector<double> buckets);

  void add(const std::string& name, const Labels& labels, double amount = 1);  // counters and gauges
  void set(const std::string& name, const Labels& labels, double value);       // gauges
  void observe(const std::string& name, const Labels& labels, double value);   // histograms

  std::string render() const;

 private:
  enum class Kind { Counter, Gauge, Histogram };
  struct Series {
    double value = 0;                  // counter or gauge; a histogram's sum
    std::uint64_t count = 0;           // histogram observations
    std::vector<std::uint64_t> below;  // histogram: observations <= each bucket
  };
  struct Family {
    Kind kind;
    std::string help;
    std::vector<std::string> labelNames;
    std::vector<double> buckets;
    std::map<Labels, Series> series;
  };

  void declare(const std::string& name, Family family);
  Series& series(const std::string& name, const Labels& labels, Kind kind);  // with the mutex held

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

}  // namespace postamt::metrics
