// tinytb host tool: `tinytb compare`'s reading and arithmetic (run_compare.h).
#include "run_compare.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "event_scan.h"
#include "file_io.h"

namespace tinytb_tool {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// `plugin`: the tag's plugin (its first metadata in the run), as TensorBoard files it.
SeriesKind kind_of(const ValueInfo& v, const std::string& plugin) {
  if (v.kind == ValueKind::kSimple) return SeriesKind::kScalar;
  if (v.kind == ValueKind::kHisto) return SeriesKind::kHistogram;
  if (v.kind != ValueKind::kTensor) return SeriesKind::kOther;
  if (plugin == "scalars") return SeriesKind::kScalar;
  if (plugin == "histograms") return SeriesKind::kHistogram;
  // Numbers under another plugin (or none): a tensor, if it holds reals at all.
  const bool real = v.dtype == 1 || v.dtype == 2;
  if (real && plugin != "images" && plugin != "audio" && plugin != "text" && plugin != "hparams") {
    return SeriesKind::kTensor;
  }
  return SeriesKind::kOther;
}

// Histogram rows (left, right, count): the count-weighted mean of the bucket centres.
double histogram_mean(const std::vector<double>& rows) {
  double total = 0, sum = 0;
  for (size_t i = 0; i + 2 < rows.size(); i += 3) {
    total += rows[i + 2];
    sum += rows[i + 2] * (rows[i] + rows[i + 1]) / 2;
  }
  return total > 0 ? sum / total : kNaN;
}

double histogram_l1(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return kNaN;
  double ta = 0, tb = 0;
  for (size_t i = 0; i + 2 < a.size(); i += 3) {
    if (a[i] != b[i] || a[i + 1] != b[i + 1]) return kNaN;
    ta += a[i + 2];
    tb += b[i + 2];
  }
  if (ta <= 0 || tb <= 0) return kNaN;
  double l1 = 0;
  for (size_t i = 2; i < a.size(); i += 3) l1 += std::fabs(a[i] / ta - b[i] / tb);
  return l1;
}

double mean_of(const std::vector<double>& v) {
  if (v.empty()) return kNaN;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

}  // namespace

const char* series_kind_name(SeriesKind kind) {
  switch (kind) {
    case SeriesKind::kScalar: return "scalar";
    case SeriesKind::kHistogram: return "histogram";
    case SeriesKind::kTensor: return "tensor";
    case SeriesKind::kOther: return "other";
  }
  return "?";
}

bool read_run(const std::string& dir, Run* run, std::string* error) {
  run->dir = dir;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return (*error = errno_text("cannot list", dir)), false;
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.find("tfevents") != std::string::npos) names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name;
    Fd fd;
    struct stat st;
    std::string why;
    if (!open_for_reading(path, &fd, &st, &why)) {
      run->warnings.push_back(why);
      continue;
    }
    if (!S_ISREG(st.st_mode)) continue;
    ++run->files;
    FileSource source(fd.get(), static_cast<uint64_t>(st.st_size));
    ScanOptions options;
    options.keep_numbers = true;
    options.find_records_after_damage = false;
    options.on_event = [&](const EventInfo& event) {
      for (const ValueInfo& v : event.values) {
        Series& s = run->tags[v.tag];
        if (!v.plugin.empty() && s.plugin.empty()) s.plugin = v.plugin;  // the first metadata names it
        // A classic value has no metadata: its field says what TensorBoard files it under.
        if (s.plugin.empty() && v.kind == ValueKind::kImage) s.plugin = "images";
        if (s.plugin.empty() && v.kind == ValueKind::kAudio) s.plugin = "audio";
        const SeriesKind kind = kind_of(v, s.plugin);
        if (s.steps.empty()) s.kind = kind;
        if (kind != s.kind) continue;  // TensorBoard files the tag under its first kind
        s.steps[event.step] = v.numbers;
        if (!v.dims.empty()) s.dims[event.step] = v.dims;
      }
    };
    const ScanResult r = scan_event_file(source, options);
    run->records += r.records;
    if (r.verdict != Verdict::kClean || r.read_error) {
      run->warnings.push_back(printable(name) + ": " + verdict_name(r.verdict) + ", read up to record " +
                              std::to_string(r.records) + (r.problem.empty() ? "" : ": " + printable(r.problem)));
    }
  }
  if (run->files == 0) return (*error = dir + ": no event file (a name with \"tfevents\") in it"), false;
  return true;
}

Comparison compare_runs(const Run& a, const Run& b) {
  Comparison out;
  for (const auto& [tag, sa] : a.tags) {
    if (b.tags.find(tag) == b.tags.end()) out.only_a.push_back(tag);
  }
  for (const auto& [tag, sb] : b.tags) {
    if (a.tags.find(tag) == a.tags.end()) out.only_b.push_back(tag);
  }
  for (const auto& [tag, sa] : a.tags) {
    const auto it = b.tags.find(tag);
    if (it == b.tags.end()) continue;
    const Series& sb = it->second;
    TagDiff t;
    t.tag = tag;
    t.kind = sa.kind;
    if (sa.kind != sb.kind) {
      t.kind = SeriesKind::kOther;
      t.note = std::string("kinds differ: ") + series_kind_name(sa.kind) + " and " + series_kind_name(sb.kind);
      out.tags.push_back(t);
      continue;
    }
    if (sa.kind == SeriesKind::kOther) {
      t.note = "not compared (" + (sa.plugin.empty() ? std::string("no numbers") : sa.plugin) + ")";
      out.tags.push_back(t);
      continue;
    }
    for (const auto& [step, va] : sa.steps) {
      const auto jt = sb.steps.find(step);
      if (jt == sb.steps.end()) {
        ++t.steps_only_a;
        continue;
      }
      const std::vector<double>& vb = jt->second;
      StepDiff d;
      d.step = step;
      if (sa.kind == SeriesKind::kScalar) {
        if (va.size() != 1 || vb.size() != 1) continue;
        d.a = va[0];
        d.b = vb[0];
        d.diff = d.b - d.a;
        d.mean_abs = d.max_abs = std::fabs(d.diff);
      } else if (sa.kind == SeriesKind::kHistogram) {
        d.a = histogram_mean(va);
        d.b = histogram_mean(vb);
        d.diff = d.b - d.a;
        d.mean_abs = d.max_abs = std::fabs(d.diff);
        d.l1 = histogram_l1(va, vb);
        if (std::isnan(d.l1) && t.note.empty()) t.note = "bucket edges differ: means compared";
      } else {
        const auto da = sa.dims.find(step), db = sb.dims.find(step);
        const bool same_shape = (da == sa.dims.end()) == (db == sb.dims.end()) &&
                                (da == sa.dims.end() || da->second == db->second);
        if (va.size() != vb.size() || va.empty() || !same_shape) {
          if (t.note.empty()) t.note = "shapes differ at step " + std::to_string(step);
          continue;
        }
        d.a = mean_of(va);
        d.b = mean_of(vb);
        double sum = 0, sum_abs = 0, max_abs = 0;
        for (size_t i = 0; i < va.size(); ++i) {
          const double e = vb[i] - va[i];
          sum += e;
          sum_abs += std::fabs(e);
          max_abs = std::max(max_abs, std::fabs(e));
        }
        d.diff = sum / static_cast<double>(va.size());
        d.mean_abs = sum_abs / static_cast<double>(va.size());
        d.max_abs = max_abs;
      }
      t.steps.push_back(d);
    }
    for (const auto& [step, vb] : sb.steps) {
      if (sa.steps.find(step) == sa.steps.end()) ++t.steps_only_b;
    }
    double sum = 0;
    size_t counted = 0;  // steps with a number (an empty histogram has no mean)
    for (const StepDiff& d : t.steps) {
      if (std::isnan(d.mean_abs)) continue;
      t.max_abs = std::max(t.max_abs, d.max_abs);
      sum += d.mean_abs;
      ++counted;
    }
    t.mean_abs = counted == 0 ? kNaN : sum / static_cast<double>(counted);
    if (counted == 0) t.max_abs = kNaN;
    if (t.steps.empty() && t.note.empty()) t.note = "no step in common";
    out.tags.push_back(t);
  }
  return out;
}

}  // namespace tinytb_tool
