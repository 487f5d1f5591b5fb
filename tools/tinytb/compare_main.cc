// tinytb host tool: `tinytb compare`: the table on the terminal, and the differences as a
// run TensorBoard shows, written by the library's own EventWriter and POSIX sink (one
// writer in the project; this file is the only part of the tool that links the library).
#include "compare_main.h"

#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <string>
#include <vector>

#include "event_scan.h"
#include "posix_sink.h"
#include "run_compare.h"
#include "tinytb/writer/event_writer.h"

namespace tinytb_tool {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 64;    // EX_USAGE
constexpr int kExitNoInput = 66;  // EX_NOINPUT
constexpr int kExitConflict = 73; // EX_CANTCREAT: --out names a directory with event files
constexpr int kExitIo = 74;       // EX_IOERR

const char kHelp[] =
    "usage: tinytb compare RUN_A RUN_B [--out DIR]\n"
    "\n"
    "Compares two runs (directories of event files, e.g. a board's int8 model and a float\n"
    "reference) tag by tag, over the steps both have: scalars (B - A per step), histograms\n"
    "(the difference of their means, and the L1 distance of the bucket counts when the edges\n"
    "are the same) and real tensors of the same size (mean and max |B - A| per step). Prints\n"
    "one line per tag shared, then the tags only one run has. Images, text and audio are\n"
    "listed, not compared.\n"
    "\n"
    "  --out DIR   also write the differences as a run TensorBoard shows: scalars\n"
    "              compare/<tag>/diff and /abs_diff, compare/<tag>/mean_diff and /l1 for\n"
    "              histograms, compare/<tag>/mean_abs_diff and /max_abs_diff for tensors,\n"
    "              and the table as text (compare/summary); DIR must not hold event files\n"
    "\n"
    "exit status: 0 compared, 64 usage error, 66 a run is missing or holds no event file,\n"
    "             73 DIR holds event files already, 74 DIR could not be written\n";

void error_line(const std::string& text) { std::fprintf(stderr, "tinytb: compare: %s\n", text.c_str()); }

std::string number(double x) {
  if (std::isnan(x)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", x);
  return buf;
}

// The summary rows, shared by the terminal table and the text in the output run.
struct Row {
  std::string tag, kind, steps, max_abs, mean_abs, note;
};

std::vector<Row> rows_of(const Comparison& c) {
  std::vector<Row> rows;
  for (const TagDiff& t : c.tags) {
    Row r;
    r.tag = printable(t.tag);
    r.kind = series_kind_name(t.kind);
    r.steps = std::to_string(t.steps.size());
    if (t.steps_only_a + t.steps_only_b > 0) {
      r.steps += " (+" + std::to_string(t.steps_only_a) + " A, +" + std::to_string(t.steps_only_b) + " B)";
    }
    const bool compared = !t.steps.empty();
    r.max_abs = compared ? number(t.max_abs) : "-";
    r.mean_abs = compared ? number(t.mean_abs) : "-";
    r.note = t.note;
    rows.push_back(r);
  }
  return rows;
}

void print_table(const Run& a, const Run& b, const Comparison& c, const std::vector<Row>& rows) {
  std::printf("A: %s (%zu files, %llu records)\nB: %s (%zu files, %llu records)\n", printable(a.dir).c_str(),
              a.files, static_cast<unsigned long long>(a.records), printable(b.dir).c_str(), b.files,
              static_cast<unsigned long long>(b.records));
  for (const std::string& w : a.warnings) std::printf("warning: A: %s\n", w.c_str());
  for (const std::string& w : b.warnings) std::printf("warning: B: %s\n", w.c_str());
  size_t w_tag = 3, w_kind = 4, w_steps = 5, w_max = 9, w_mean = 10;
  for (const Row& r : rows) {
    w_tag = std::max(w_tag, r.tag.size());
    w_kind = std::max(w_kind, r.kind.size());
    w_steps = std::max(w_steps, r.steps.size());
    w_max = std::max(w_max, r.max_abs.size());
    w_mean = std::max(w_mean, r.mean_abs.size());
  }
  const auto line = [&](const std::string& t, const std::string& k, const std::string& s, const std::string& mx,
                        const std::string& mn, const std::string& n) {
    std::printf("%-*s  %-*s  %*s  %*s  %*s  %s\n", static_cast<int>(w_tag), t.c_str(), static_cast<int>(w_kind),
                k.c_str(), static_cast<int>(w_steps), s.c_str(), static_cast<int>(w_max), mx.c_str(),
                static_cast<int>(w_mean), mn.c_str(), n.c_str());
  };
  std::printf("\n");
  line("tag", "kind", "steps", "max |B-A|", "mean |B-A|", "note");
  for (const Row& r : rows) line(r.tag, r.kind, r.steps, r.max_abs, r.mean_abs, r.note);
  std::printf("\nonly in A: %zu tag%s\n", c.only_a.size(), c.only_a.size() == 1 ? "" : "s");
  for (const std::string& t : c.only_a) std::printf("  %s\n", printable(t).c_str());
  std::printf("only in B: %zu tag%s\n", c.only_b.size(), c.only_b.size() == 1 ? "" : "s");
  for (const std::string& t : c.only_b) std::printf("  %s\n", printable(t).c_str());
}

// ---- the output run ------------------------------------------------------------------------------

// Host sizes: a comparison may have thousands of tags; the writer lives in static storage.
constexpr size_t kMaxOutTags = 8192;
constexpr size_t kMaxOutTagLen = 512;
tinytb::EventWriter<256 * 1024, kMaxOutTags, kMaxOutTagLen> g_writer;
tinytb::PosixSink g_sink;

struct Out {
  int failures = 0;
  std::vector<std::string> problems;
  void note(tinytb::Status s, const std::string& what) {
    if (s == tinytb::Status::kOk) return;
    ++failures;
    if (problems.size() < 10) problems.push_back(printable(what) + ": " + tinytb::status_name(s));
  }
  void scalar(const std::string& tag, int64_t step, double value) {
    if (std::isnan(value)) return;  // no value (an empty histogram, edges that differ)
    note(g_writer.scalar(tag.c_str(), step, static_cast<float>(value)), tag);
  }
};

// A second comparison into the same directory would add its steps to the first one's in
// TensorBoard (one run, the same tags): refused instead.
bool holds_event_files(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return false;
  bool found = false;
  while (const dirent* e = ::readdir(d)) found = found || std::strstr(e->d_name, "tfevents") != nullptr;
  ::closedir(d);
  return found;
}

int write_run(const std::string& dir, const Run& a, const Run& b, const Comparison& c, const std::vector<Row>& rows) {
  tinytb::WriterOptions o;
  o.logdir = dir.c_str();
  o.run = "";
  o.host = "compare";
  o.clock = tinytb::posix_clock();
  o.max_queue = 1000;
  tinytb::Status s = g_writer.open(g_sink, o);
  if (s != tinytb::Status::kOk) {
    error_line("cannot write " + printable(dir) + ": " + tinytb::status_name(s));
    return kExitIo;
  }
  Out out;
  for (const TagDiff& t : c.tags) {
    const std::string base = "compare/" + t.tag + "/";
    for (const StepDiff& d : t.steps) {
      switch (t.kind) {
        case SeriesKind::kScalar:
          out.scalar(base + "diff", d.step, d.diff);
          out.scalar(base + "abs_diff", d.step, d.max_abs);
          break;
        case SeriesKind::kHistogram:
          out.scalar(base + "mean_diff", d.step, d.diff);
          out.scalar(base + "l1", d.step, d.l1);
          break;
        case SeriesKind::kTensor:
          out.scalar(base + "mean_abs_diff", d.step, d.mean_abs);
          out.scalar(base + "max_abs_diff", d.step, d.max_abs);
          break;
        case SeriesKind::kOther:
          break;
      }
    }
  }
  // The table as text: header row, then one row per tag.
  std::vector<std::string> cells = {"tag", "kind", "steps", "max |B-A|", "mean |B-A|", "note"};
  for (const Row& r : rows) cells.insert(cells.end(), {r.tag, r.kind, r.steps, r.max_abs, r.mean_abs, r.note});
  std::vector<const char*> ptrs;
  for (const std::string& cell : cells) ptrs.push_back(cell.c_str());
  if (!rows.empty()) out.note(g_writer.text_table("compare/summary", 0, ptrs.data(), rows.size() + 1, 6), "compare/summary");
  const std::string runs = "A: " + printable(a.dir) + "  \nB: " + printable(b.dir);
  out.note(g_writer.text("compare/runs", 0, runs.c_str()), "compare/runs");
  for (const auto& [name, list] : {std::make_pair(std::string("compare/only_in_a"), &c.only_a),
                                    std::make_pair(std::string("compare/only_in_b"), &c.only_b)}) {
    if (list->empty()) continue;
    std::vector<std::string> items;
    for (const std::string& t : *list) items.push_back(printable(t));
    std::vector<const char*> p;
    for (const std::string& item : items) p.push_back(item.c_str());
    out.note(g_writer.text_list(name.c_str(), 0, p.data(), p.size()), name);
  }
  s = g_writer.close();
  if (s != tinytb::Status::kOk) {
    error_line("closing " + printable(dir) + ": " + tinytb::status_name(s));
    return kExitIo;
  }
  for (const std::string& p : out.problems) std::printf("warning: not written: %s\n", p.c_str());
  std::printf("\nwrote %s (%s)\n", printable(dir).c_str(),
              out.failures == 0 ? "every difference" : (std::to_string(out.failures) + " values refused").c_str());
  return kExitOk;
}

}  // namespace

int cmd_compare(const std::vector<std::string>& args) {
  std::vector<std::string> runs;
  std::string out_dir;
  bool has_out = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& w = args[i];
    if (w == "--help" || w == "-h") {
      std::printf("%s", kHelp);
      return kExitOk;
    }
    if (w == "--out" && i + 1 < args.size()) {
      out_dir = args[++i];
      has_out = true;
    } else if (!w.empty() && w[0] == '-') {
      error_line("unknown option or missing value: " + w + " (see tinytb compare --help)");
      return kExitUsage;
    } else {
      runs.push_back(w);
    }
  }
  if (runs.size() != 2 || (has_out && out_dir.empty())) {
    error_line("needs RUN_A and RUN_B (see tinytb compare --help)");
    return kExitUsage;
  }
  if (has_out && holds_event_files(out_dir)) {
    error_line(printable(out_dir) + " holds event files already: give an empty or new directory");
    return kExitConflict;
  }
  Run a, b;
  std::string error;
  if (!read_run(runs[0], &a, &error) || !read_run(runs[1], &b, &error)) {
    error_line(printable(error));
    return kExitNoInput;
  }
  const Comparison c = compare_runs(a, b);
  const std::vector<Row> rows = rows_of(c);
  print_table(a, b, c, rows);
  std::fflush(stdout);
  return has_out ? write_run(out_dir, a, b, c, rows) : kExitOk;
}

}  // namespace tinytb_tool
