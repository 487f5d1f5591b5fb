// tinytb host tool: read two runs and tell, tag by tag, how their values differ
// (`tinytb compare`, docs/tools.md). Pure logic over files and memory: no printing; the
// table and the output run are compare_main.cc's.
#ifndef TINYTB_TOOLS_RUN_COMPARE_H_
#define TINYTB_TOOLS_RUN_COMPARE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tinytb_tool {

// What a tag holds, as compare treats it.
enum class SeriesKind { kScalar, kHistogram, kTensor, kOther };
const char* series_kind_name(SeriesKind kind);

struct Series {
  SeriesKind kind = SeriesKind::kOther;
  std::string plugin;                             // "" for a classic value
  std::map<int64_t, std::vector<double>> steps;   // step -> values (the last record of a step wins)
  std::map<int64_t, std::vector<int64_t>> dims;   // step -> tensor shape
};

struct Run {
  std::string dir;
  std::map<std::string, Series> tags;  // raw tag bytes -> series
  size_t files = 0;
  uint64_t records = 0;
  std::vector<std::string> warnings;   // damaged files, unreadable bytes (printable text)
};

// Reads every event file directly in `dir` (names containing "tfevents", in name order:
// TensorBoard's order; sub-directories are other runs). Damaged files count up to their
// last valid record, with a warning. False (and *error) when `dir` cannot be listed or
// holds no event file. Memory: every value of the run (a host tool's reading of a run).
bool read_run(const std::string& dir, Run* run, std::string* error);

// One step both runs have. Scalars: diff = b - a. Histograms: diff = mean(b) - mean(a),
// the means taken over the bucket centres, and l1 the L1 distance of the two normalised
// bucket counts when both have the same edges (else NaN). Tensors of the same size: diff =
// mean(b - a), mean_abs and max_abs over the elements (a tensor whose shapes differ is not compared).
struct StepDiff {
  int64_t step = 0;
  double a = 0;  // the step's value (scalars) or mean (histograms, tensors) in each run
  double b = 0;
  double diff = 0;
  double mean_abs = 0;
  double max_abs = 0;
  double l1 = 0;
};

struct TagDiff {
  std::string tag;
  SeriesKind kind = SeriesKind::kOther;
  std::vector<StepDiff> steps;  // the steps both runs have, ascending
  size_t steps_only_a = 0;
  size_t steps_only_b = 0;
  double max_abs = 0;   // over the steps: |diff| (scalars, histograms) or max_abs (tensors)
  double mean_abs = 0;  // mean over the steps of |diff| or mean_abs
  std::string note;     // why a tag both runs have was not compared, or a caveat
};

struct Comparison {
  std::vector<TagDiff> tags;         // tags both runs have, sorted
  std::vector<std::string> only_a;   // tags only run A has
  std::vector<std::string> only_b;
};

Comparison compare_runs(const Run& a, const Run& b);

}  // namespace tinytb_tool

#endif  // TINYTB_TOOLS_RUN_COMPARE_H_
