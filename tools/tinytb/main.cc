// tinytb: the host tool. check, repair and pull event files (docs/tools.md).
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "compare_main.h"
#include "event_scan.h"
#include "file_io.h"
#include "recv_main.h"
#include "sd_names.h"

namespace tinytb_tool {
namespace {

// ---- exit codes (docs/tools.md) -------------------------------------------------------------

constexpr int kExitClean = 0;
constexpr int kExitTorn = 1;
constexpr int kExitCorrupt = 2;
constexpr int kExitUsage = 64;     // EX_USAGE
constexpr int kExitNoInput = 66;   // EX_NOINPUT
constexpr int kExitConflict = 73;  // EX_CANTCREAT
constexpr int kExitIo = 74;        // EX_IOERR

// What was found over all files; the exit code is the first that applies of
// I/O error, missing input, conflict, corrupt, torn, clean.
struct Outcome {
  bool torn = false;
  bool corrupt = false;
  bool conflict = false;
  bool missing = false;
  bool io_error = false;

  void add(Verdict v) {
    if (v == Verdict::kTorn) torn = true;
    if (v == Verdict::kCorrupt) corrupt = true;
  }
  int code() const {
    if (io_error) return kExitIo;
    if (missing) return kExitNoInput;
    if (conflict) return kExitConflict;
    if (corrupt) return kExitCorrupt;
    if (torn) return kExitTorn;
    return kExitClean;
  }
};

void error_line(const std::string& text) { std::fprintf(stderr, "tinytb: %s\n", text.c_str()); }

const char kExitCodesHelp[] =
    "exit status: 0 clean, 1 torn (repairable), 2 corrupt, 64 usage error, 66 missing input,\n"
    "             73 pull conflict, 74 I/O error; the first of 74, 66, 73, 2, 1, 0 that applies\n";

// ---- command lines -------------------------------------------------------------------------

// What an option handler of walk_args() answers, besides an exit code (>= 0) that ends the
// command at once.
constexpr int kOptionUsed = -1;     // the option alone
constexpr int kOptionAndValue = -2; // the option and the word after it
constexpr int kOptionUnknown = -3;  // not an option of this command, or its value is missing

// The one way every command reads its words: operands (words not starting with '-', "-",
// and everything after "--") go to `operands`; --help/-h prints the command's help; any
// other word goes to `option(word, next)`, where `next` is the following word or null.
// Returns kOptionUsed when the command should go on, else its exit code.
template <typename OptionHandler>
int walk_args(const std::vector<std::string>& args, const char* command, const char* help,
              std::vector<std::string>* operands, OptionHandler option) {
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a == "-" || a.empty() || a[0] != '-') {
      operands->push_back(a);
    } else if (a == "--") {
      options_done = true;
    } else if (a == "--help" || a == "-h") {
      std::printf("%s%s", help, kExitCodesHelp);
      return kExitClean;
    } else {
      const int r = option(a, i + 1 < args.size() ? &args[i + 1] : nullptr);
      if (r == kOptionAndValue) {
        ++i;
      } else if (r == kOptionUnknown) {
        error_line(std::string(command) + ": unknown option or missing value: " + a + " (see tinytb " + command +
                   " --help)");
        return kExitUsage;
      } else if (r != kOptionUsed) {
        return r;
      }
    }
  }
  return kOptionUsed;
}

// ---- finding event files --------------------------------------------------------------------

struct Target {
  std::string path;
  bool explicit_file = false;
};

// Is `path` (found in a directory walk) an event file? Long names by name; 8.3 names
// only if the first record is a valid file_version event.
bool short_name_is_event_file(const std::string& path) {
  Fd fd;
  struct stat st;
  std::string error;
  if (!open_for_reading(path, &fd, &st, &error)) return false;
  FileSource source(fd.get(), static_cast<uint64_t>(st.st_size));
  return starts_with_file_version(source);
}

// Files named by PATH arguments: files as given, directories walked.
std::vector<Target> gather(const std::vector<std::string>& paths, bool verbose, Outcome* outcome) {
  std::vector<Target> targets;
  for (const std::string& p : paths) {
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) {
      error_line(errno_text("cannot access", p));
      outcome->missing = true;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      targets.push_back({p, true});
      continue;
    }
    std::vector<FoundFile> files;
    std::string error;
    if (!walk_tree(p, &files, &error)) {
      error_line(error);
      outcome->io_error = true;
    }
    size_t count = 0;
    for (const FoundFile& f : files) {
      ShortName sn;
      if (is_long_event_name(f.name)) {
        targets.push_back({f.path, false});
        ++count;
      } else if (parse_short_name(f.name, &sn)) {
        if (short_name_is_event_file(f.path)) {
          targets.push_back({f.path, false});
          ++count;
        } else if (verbose) {
          std::printf("%s: skipped: an 8.3 name, but the first record is not a file_version event\n",
                      printable(f.path).c_str());
        }
      }
    }
    if (count == 0 && verbose) std::printf("%s: no event files\n", printable(p).c_str());
  }
  return targets;
}

// ---- check ----------------------------------------------------------------------------------

std::string utc(double seconds) {
  if (!(seconds >= 0 && seconds < 253402300800.0)) return "";  // outside years 1970..9999
  const time_t t = static_cast<time_t>(seconds);
  struct tm tm;
  char text[32];
  if (gmtime_r(&t, &tm) == nullptr || std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &tm) == 0) return "";
  return text;
}

void print_details(const ScanResult& r) {
  if (r.has_wall_time) {
    const std::string a = utc(r.min_wall_time), b = utc(r.max_wall_time);
    std::printf("  wall_time %.3f .. %.3f", r.min_wall_time, r.max_wall_time);
    if (!a.empty() && !b.empty()) std::printf("  (%s .. %s UTC)", a.c_str(), b.c_str());
    std::printf("\n");
  }
  if (!r.tags.empty()) {
    size_t width = 3;
    for (const TagStats& t : r.tags) width = std::max(width, printable(t.tag).size());
    width = std::min<size_t>(width, 48);
    std::printf("  %-*s  %-24s %8s  %s\n", static_cast<int>(width), "tag", "kind", "values", "steps");
    for (const TagStats& t : r.tags) {
      std::printf("  %-*s  %-24s %8llu  %lld..%lld%s\n", static_cast<int>(width), printable(t.tag).c_str(),
                  printable(t.kind).c_str(), static_cast<unsigned long long>(t.count),
                  static_cast<long long>(t.min_step), static_cast<long long>(t.max_step),
                  t.steps_not_increasing ? "  (not increasing)" : "");
    }
  }
  if (r.untracked_tags > 0) {
    std::printf("  ... and %llu more tags\n", static_cast<unsigned long long>(r.untracked_tags));
  }
  if (r.verdict == Verdict::kTorn) {
    std::printf("  tail (%s, %llu bytes): %s\n", tail_name(r.tail), static_cast<unsigned long long>(r.tail_bytes()),
                r.problem.c_str());
  } else if (r.verdict == Verdict::kCorrupt) {
    std::printf("  damage: %s: %s\n", tail_name(r.tail), r.problem.c_str());
    if (!r.records_after_damage_known) {
      std::printf("  after it: not searched to the end (work cap); verifiable records may follow\n");
    } else if (r.records_after_damage > 0) {
      std::printf("  after it: %llu verifiable records from offset %llu, which TensorBoard will not read\n",
                  static_cast<unsigned long long>(r.records_after_damage),
                  static_cast<unsigned long long>(r.first_record_after_damage));
    } else {
      std::printf("  after it: no verifiable record\n");
    }
  }
  if (r.read_error) std::printf("  %s\n", r.problem.c_str());
  for (const std::string& w : r.warnings) std::printf("  warning: %s\n", w.c_str());
  if (r.more_warnings > 0) {
    std::printf("  warning: ... and %llu more\n", static_cast<unsigned long long>(r.more_warnings));
  }
}

// Opens and scans one file; false (and *error) if it cannot be read.
bool scan_path(const std::string& path, const ScanOptions& options, ScanResult* result, struct stat* st,
               std::string* error) {
  Fd fd;
  if (!open_for_reading(path, &fd, st, error)) return false;
  FileSource source(fd.get(), static_cast<uint64_t>(st->st_size));
  *result = scan_event_file(source, options);
  if (result->read_error) {
    *error = errno_text("read error in", path);
    return false;
  }
  return true;
}

void print_verdict_line(const std::string& path, const ScanResult& r) {
  std::printf("%s: %s, %llu records, ", printable(path).c_str(), verdict_name(r.verdict),
              static_cast<unsigned long long>(r.records));
  if (r.verdict == Verdict::kClean) {
    std::printf("%llu bytes\n", static_cast<unsigned long long>(r.file_size));
  } else {
    std::printf("%llu of %llu bytes valid\n", static_cast<unsigned long long>(r.valid_bytes),
                static_cast<unsigned long long>(r.file_size));
  }
}

const char kCheckHelp[] =
    "usage: tinytb check [--quiet] [--max-record-mb N] PATH...\n"
    "\n"
    "Verifies event files: framing, both CRCs, that every record is a valid Event with a finite\n"
    "wall_time. PATH is a file (checked whatever its name) or a directory (walked: every file whose\n"
    "name contains 'tfevents', and 8.3-named files SSSSSSSS.QQQ whose first record is file_version).\n"
    "Prints per file the verdict, records, wall-time range, per tag kind, count and step range, the\n"
    "torn tail or the damage, and warnings.\n"
    "\n"
    "  clean    the file ends on a record boundary\n"
    "  torn     after the last valid record: a record never finished (cut short, or zeros);\n"
    "           `tinytb repair` cuts it, losing nothing\n"
    "  corrupt  a complete record with a bad CRC, an undecodable one, a NaN/infinite wall_time,\n"
    "           or garbage: changed bytes, left for you to decide\n"
    "\n"
    "  --quiet            only the verdict lines and the summary\n"
    "  --max-record-mb N  parse records up to N MiB (default 256); larger ones: CRCs only\n"
    "\n";

bool parse_mb(const char* text, ScanOptions* options) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long mb = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || mb == 0 || mb > (1ull << 20)) return false;
  options->max_parse_bytes = mb << 20;
  return true;
}

int cmd_check(const std::vector<std::string>& args) {
  bool quiet = false;
  ScanOptions options;
  std::vector<std::string> paths;
  const int walked = walk_args(args, "check", kCheckHelp, &paths, [&](const std::string& a, const std::string* next) {
    if (a == "--quiet" || a == "-q") {
      quiet = true;
      return kOptionUsed;
    }
    if (a == "--max-record-mb" && next != nullptr) {
      if (!parse_mb(next->c_str(), &options)) return error_line("bad --max-record-mb"), kExitUsage;
      return kOptionAndValue;
    }
    return kOptionUnknown;
  });
  if (walked != kOptionUsed) return walked;
  if (paths.empty()) return error_line("check: no PATH (see tinytb check --help)"), kExitUsage;
  Outcome outcome;
  const std::vector<Target> targets = gather(paths, !quiet, &outcome);
  size_t counts[3] = {0, 0, 0};
  size_t unreadable = 0;
  for (const Target& t : targets) {
    ScanResult r;
    struct stat st;
    std::string error;
    if (!scan_path(t.path, options, &r, &st, &error)) {
      error_line(error);
      outcome.io_error = true;
      ++unreadable;
      continue;
    }
    print_verdict_line(t.path, r);
    if (!quiet) print_details(r);
    outcome.add(r.verdict);
    ++counts[static_cast<int>(r.verdict)];
  }
  std::printf("%zu files: %zu clean, %zu torn, %zu corrupt", targets.size(), counts[0], counts[1], counts[2]);
  if (unreadable > 0) std::printf(", %zu unreadable", unreadable);
  std::printf("\n");
  return outcome.code();
}

// ---- repair ---------------------------------------------------------------------------------

const char kRepairHelp[] =
    "usage: tinytb repair [--dry-run] [--salvage] PATH...\n"
    "\n"
    "Cuts torn files back to their last valid record, in place (ftruncate + fsync): the records\n"
    "kept are not rewritten. Clean files are not opened for writing. Corrupt files are reported and\n"
    "left as they are. PATH as for `tinytb check`. Do not repair a file a writer is still writing.\n"
    "\n"
    "  --dry-run  print what would be cut, change nothing\n"
    "  --salvage  also cut a corrupt file at its damage, but only when nothing verifiable is lost:\n"
    "             it has a valid record before the damage and no verifiable record after it\n"
    "             (e.g. a last record garbled by a power cut). For a copy of the valid part of any\n"
    "             corrupt file, use `tinytb pull`, which leaves the original as it is.\n"
    "\n";

// Cuts `path` to plan.cut_to if it is still the file that was scanned.
bool cut_file(const std::string& path, const struct stat& scanned, const ScanResult& r, uint64_t cut_to,
              std::string* error) {
  // O_NOFOLLOW: a link swapped in since the scan is not followed to another file;
  // O_NONBLOCK: nor does a FIFO swapped in wait for a reader.
  Fd fd(::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return (*error = errno_text("cannot open for writing", path)), false;
  struct stat now;
  if (::fstat(fd.get(), &now) != 0) return (*error = errno_text("cannot stat", path)), false;
  if (now.st_dev != scanned.st_dev || now.st_ino != scanned.st_ino ||
      static_cast<uint64_t>(now.st_size) != r.file_size) {
    *error = "changed since it was scanned (is a writer still appending?); not cut: " + path;
    return false;
  }
  if (::ftruncate(fd.get(), static_cast<off_t>(cut_to)) != 0) return (*error = errno_text("cannot cut", path)), false;
  if (::fsync(fd.get()) != 0) return (*error = errno_text("cannot sync", path)), false;
  if (!fd.close()) return (*error = errno_text("cannot close", path)), false;
  return true;
}

int cmd_repair(const std::vector<std::string>& args) {
  bool dry_run = false, salvage = false;
  std::vector<std::string> paths;
  const int walked = walk_args(args, "repair", kRepairHelp, &paths, [&](const std::string& a, const std::string*) {
    if (a == "--dry-run" || a == "-n") {
      dry_run = true;
    } else if (a == "--salvage") {
      salvage = true;
    } else {
      return kOptionUnknown;
    }
    return kOptionUsed;
  });
  if (walked != kOptionUsed) return walked;
  if (paths.empty()) return error_line("repair: no PATH (see tinytb repair --help)"), kExitUsage;
  Outcome outcome;
  const std::vector<Target> targets = gather(paths, false, &outcome);
  size_t clean = 0, cut = 0, left = 0;
  ScanOptions options;
  for (const Target& t : targets) {
    ScanResult r;
    struct stat st;
    std::string error;
    const std::string name = printable(t.path);
    // A symbolic link is refused, not followed: `repair link` must not cut the file
    // it points to, which may be anywhere (docs/tools.md).
    struct stat lst;
    if (::lstat(t.path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
      error_line("not cut: " + name + " is a symbolic link (repair only cuts files named directly)");
      outcome.io_error = true;
      ++left;
      continue;
    }
    if (!scan_path(t.path, options, &r, &st, &error)) {
      error_line(error);
      outcome.io_error = true;
      continue;
    }
    outcome.add(r.verdict);
    const RepairPlan plan = plan_repair(r, salvage);
    if (plan.action == RepairAction::kNone) {
      std::printf("%s: clean, %llu records: nothing to do\n", name.c_str(),
                  static_cast<unsigned long long>(r.records));
      ++clean;
    } else if (plan.action == RepairAction::kRefuse) {
      std::printf("%s: %s, %llu records valid: %s\n  damage: %s\n", name.c_str(), verdict_name(r.verdict),
                  static_cast<unsigned long long>(r.records), plan.reason.c_str(), r.problem.c_str());
      ++left;
    } else if (dry_run) {
      std::printf("%s: would cut from %llu to %llu bytes, keeping %llu records (%s)\n", name.c_str(),
                  static_cast<unsigned long long>(r.file_size), static_cast<unsigned long long>(plan.cut_to),
                  static_cast<unsigned long long>(r.records), plan.reason.c_str());
      ++cut;
    } else if (!cut_file(t.path, st, r, plan.cut_to, &error)) {
      error_line(error);
      outcome.io_error = true;
      ++left;
    } else {
      std::printf("%s: cut from %llu to %llu bytes, kept %llu records (%s)\n", name.c_str(),
                  static_cast<unsigned long long>(r.file_size), static_cast<unsigned long long>(plan.cut_to),
                  static_cast<unsigned long long>(r.records), plan.reason.c_str());
      ++cut;
    }
  }
  std::printf("%zu files: %zu clean, %zu %s, %zu left as they are\n", targets.size(), clean, cut,
              dry_run ? "to cut" : "cut", left);
  return outcome.code();
}

// ---- pull -----------------------------------------------------------------------------------

const char kPullHelp[] =
    "usage: tinytb pull [--host NAME] [--dry-run] SRC DST\n"
    "\n"
    "Copies the event files under SRC (a mounted SD card) into the log directory DST, keeping\n"
    "the directories (runs) relative to SRC. SRC is only read. 8.3 names SSSSSSSS.QQQ (hex stamp,\n"
    "base-36 sequence) whose first record is a file_version event become\n"
    "events.out.tfevents.<stamp, 10 digits>.<host>.<sequence, 4 digits>.v2, which sort the same way;\n"
    "names containing 'tfevents' are kept. Each copy holds the source's valid records only: a torn\n"
    "tail is left behind, a corrupt file is copied up to its damage (and reported). New copies are\n"
    "written to a temporary name, synced and renamed. A target that already holds the same bytes is\n"
    "skipped (running pull again copies nothing); one that holds a prefix of them (the file grew on\n"
    "the card) gets the new records appended; any other existing target is a conflict, not touched.\n"
    "\n"
    "  --host NAME  the host field of names made from 8.3 names ([A-Za-z0-9_-], default sdcard)\n"
    "  --dry-run    print what would be done, write nothing\n"
    "\n";

// Progress over the bytes read from the card: a redrawn line on a terminal, nothing otherwise.
class Progress {
 public:
  Progress(uint64_t total, bool tty) : total_(total), tty_(tty) {}
  void set_name(const std::string& name) { name_ = name; }
  void add(uint64_t n) {
    done_ += n;
    if (!tty_) return;
    const auto now = std::chrono::steady_clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(100) && done_ < total_) return;
    last_ = now;
    shown_ = true;
    const int width = 30;
    const double f =
        total_ == 0 || done_ >= total_ ? 1.0 : static_cast<double>(done_) / static_cast<double>(total_);
    const int filled = static_cast<int>(f * width);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(width - filled), '.');
    std::string name = name_;
    if (name.size() > 40) name = "..." + name.substr(name.size() - 37);
    std::printf("\r\033[K[%s] %3d%%  %.1f/%.1f MB  %s", bar.c_str(), static_cast<int>(f * 100.0),
                static_cast<double>(std::min(done_, total_)) / 1e6, static_cast<double>(total_) / 1e6, name.c_str());
    std::fflush(stdout);
  }
  // Print a line of its own: on a terminal, clear the bar first (it is redrawn on the next add).
  void line(const std::string& text) {
    if (tty_ && shown_) std::printf("\r\033[K");
    shown_ = false;
    std::printf("%s\n", text.c_str());
    std::fflush(stdout);
  }
  void finish() {
    if (tty_ && shown_) std::printf("\r\033[K");
    shown_ = false;
  }

 private:
  uint64_t total_;
  uint64_t done_ = 0;
  bool tty_;
  bool shown_ = false;
  std::string name_;
  std::chrono::steady_clock::time_point last_;
};

struct PullStats {
  size_t copied = 0, appended = 0, skipped = 0, repaired = 0, corrupt = 0, conflicts = 0, ignored = 0, empty = 0,
         errors = 0;
  uint64_t bytes = 0;
  std::set<std::string> runs;
};

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir + "/" + name;
}

std::string records_text(const ScanResult& r) {
  std::string t = std::to_string(r.records) + " records";
  if (r.verdict == Verdict::kTorn) {
    t += "; torn tail left behind: " + std::to_string(r.tail_bytes()) + " bytes, " + tail_name(r.tail);
  } else if (r.verdict == Verdict::kCorrupt) {
    t += " before the damage; the card keeps the rest: " + r.problem;
  }
  return t;
}

// After a copy or an append: the target must be clean with the expected records.
bool verify_target(int fd, uint64_t size, uint64_t records, std::string* error) {
  FileSource source(fd, size);
  ScanOptions options;
  options.find_records_after_damage = false;
  const ScanResult r = scan_event_file(source, options);
  if (r.read_error || r.verdict != Verdict::kClean || r.records != records) {
    *error = "the copy does not verify (the source changed while it was read?)";
    return false;
  }
  return true;
}

class Puller {
 public:
  Puller(std::string src, std::string dst, std::string host, bool dry_run, bool tty)
      : src_(std::move(src)), dst_(std::move(dst)), host_(std::move(host)), dry_run_(dry_run), tty_(tty) {}
  int run();

 private:
  struct Item {
    FoundFile file;
    std::string target_name;
    std::string target_dir;  // file.dir, with every byte printable() would escape made '_'
  };
  void pull_one(const Item& item, Progress& progress);
  bool copy_new(const Item& item, int src_fd, uint64_t src_size, const std::string& target, Progress& progress);
  bool update_existing(const Item& item, int src_fd, uint64_t src_size, const std::string& target,
                       Progress& progress);
  void report_scan(const ScanResult& r);

  std::string src_, dst_, host_;
  bool dry_run_, tty_;
  Outcome outcome_;
  PullStats stats_;
};

void Puller::report_scan(const ScanResult& r) {
  outcome_.add(r.verdict);
  if (r.verdict == Verdict::kTorn) ++stats_.repaired;
  if (r.verdict == Verdict::kCorrupt) ++stats_.corrupt;
}

int Puller::run() {
  struct stat st;
  if (::stat(src_.c_str(), &st) != 0) return error_line(errno_text("cannot access", src_)), kExitNoInput;
  if (!S_ISDIR(st.st_mode)) return error_line("pull: SRC is not a directory: " + src_), kExitNoInput;
  {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path s = fs::weakly_canonical(src_, ec);
    const fs::path d = fs::weakly_canonical(dst_, ec);
    const std::string ss = s.generic_string() + "/", ds = d.generic_string() + "/";
    if (!ec && (ds.compare(0, ss.size(), ss) == 0 || ss.compare(0, ds.size(), ds) == 0)) {
      return error_line("pull: SRC and DST must not contain each other"), kExitUsage;
    }
  }
  std::vector<FoundFile> files;
  std::string error;
  if (!walk_tree(src_, &files, &error)) {
    error_line(error);
    outcome_.io_error = true;
  }
  // What to pull, under which name. Two sources may not land on one target.
  std::vector<Item> items;
  std::set<std::string> targets;
  uint64_t total = 0;
  Progress progress(0, tty_);
  for (const FoundFile& f : files) {
    Item item{f, "", safe_file_name(f.dir)};
    ShortName sn;
    if (is_long_event_name(f.name)) {
      item.target_name = safe_file_name(f.name);
    } else if (parse_short_name(f.name, &sn)) {
      if (!short_name_is_event_file(f.path)) {
        progress.line("ignored  " + printable(f.relative) + ": an 8.3 name, but not an event file");
        ++stats_.ignored;
        continue;
      }
      if (!long_name_for(sn, host_, &item.target_name)) {
        progress.line("error    " + printable(f.relative) + ": sequence " + std::to_string(sn.seq) +
                      " is above 9999 and has no 4-digit name that sorts in order; not pulled");
        outcome_.conflict = true;
        ++stats_.errors;
        continue;
      }
    } else {
      continue;  // not an event file: photos, configs, FAT's own files
    }
    const std::string target_rel = join(item.target_dir, item.target_name);
    if (!targets.insert(target_rel).second) {
      progress.line("conflict " + printable(f.relative) + ": another file on the card is also pulled to " +
                    printable(target_rel) + "; not pulled");
      outcome_.conflict = true;
      ++stats_.conflicts;
      continue;
    }
    total += f.size;
    items.push_back(std::move(item));
  }
  Progress bar(total, tty_);
  for (const Item& item : items) pull_one(item, bar);
  bar.finish();
  std::printf(
      "%s %zu event files in %zu runs: %zu copied, %zu appended, %zu already there; %zu torn tails left behind, "
      "%zu corrupt, %zu conflicts, %zu errors, %zu without a valid record, %zu 8.3 files not event files; "
      "%llu bytes %s\n",
      dry_run_ ? "would pull" : "pulled", items.size(), stats_.runs.size(), stats_.copied, stats_.appended,
      stats_.skipped, stats_.repaired, stats_.corrupt, stats_.conflicts, stats_.errors, stats_.empty,
      stats_.ignored, static_cast<unsigned long long>(stats_.bytes), dry_run_ ? "to write" : "written");
  return outcome_.code();
}

void Puller::pull_one(const Item& item, Progress& progress) {
  const FoundFile& f = item.file;
  progress.set_name(f.relative);
  const std::string target_dir = join(dst_, item.target_dir);
  const std::string target = join(target_dir, item.target_name);
  const std::string shown = printable(f.relative) + " -> " + printable(join(item.target_dir, item.target_name));
  Fd fd;
  struct stat st;
  std::string error;
  if (!open_for_reading(f.path, &fd, &st, &error)) {
    progress.line("error    " + printable(error));
    outcome_.io_error = true;
    ++stats_.errors;
    return;
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  struct stat tst;
  bool ok;
  if (::lstat(target.c_str(), &tst) != 0) {
    if (errno != ENOENT) {
      progress.line("error    " + printable(errno_text("cannot access", target)));
      outcome_.io_error = true;
      ++stats_.errors;
      return;
    }
    ok = copy_new(item, fd.get(), size, target, progress);
  } else if (!S_ISREG(tst.st_mode)) {
    progress.line("conflict " + shown + ": the target exists and is not a regular file; not touched");
    outcome_.conflict = true;
    ++stats_.conflicts;
    progress.add(size);
    return;
  } else {
    ok = update_existing(item, fd.get(), size, target, progress);
  }
  if (ok) stats_.runs.insert(item.target_dir);
}

bool Puller::copy_new(const Item& item, int src_fd, uint64_t src_size, const std::string& target,
                      Progress& progress) {
  const FoundFile& f = item.file;
  const std::string target_dir = join(dst_, item.target_dir);
  const std::string shown = printable(f.relative) + " -> " + printable(join(item.target_dir, item.target_name));
  std::string error;
  auto fail = [&](const std::string& why) {
    progress.line("error    " + shown + ": " + printable(why));
    outcome_.io_error = true;
    ++stats_.errors;
    return false;
  };
  auto on_read = [&progress](uint64_t n) { progress.add(n); };
  if (dry_run_) {  // scan the card's file where it is
    FileSource source(src_fd, src_size);
    source.on_read = on_read;
    const ScanResult r = scan_event_file(source);
    if (r.read_error) return fail("read error");
    if (r.records == 0) {
      outcome_.add(r.verdict);
      progress.line("skip     " + printable(f.relative) + ": no valid record");
      ++stats_.empty;
      return false;
    }
    report_scan(r);
    progress.line("copy     " + shown + " (" + std::to_string(r.valid_bytes) + " bytes, " + records_text(r) + ")");
    ++stats_.copied;
    stats_.bytes += r.valid_bytes;
    return true;
  }
  // Copy everything (the card is read once), then judge the local copy and cut it.
  if (!make_directories(target_dir, &error)) return fail(error);
  const std::string tmp = join(target_dir, ".tinytb-pull." + std::to_string(::getpid()) + ".tmp");
  Fd out(::open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!out.valid()) return fail(errno_text("cannot create", tmp));
  auto give_up = [&](const std::string& why) {
    out.close();
    ::unlink(tmp.c_str());
    return fail(why);
  };
  if (!copy_range(src_fd, 0, src_size, out.get(), on_read, &error)) return give_up(error);
  FileSource copy(out.get(), src_size);
  const ScanResult r = scan_event_file(copy);
  if (r.read_error) return give_up("cannot read back the copy");
  if (r.records == 0) {
    outcome_.add(r.verdict);
    out.close();
    ::unlink(tmp.c_str());
    progress.line("skip     " + printable(f.relative) + ": no valid record (" + r.problem + ")");
    ++stats_.empty;
    return false;
  }
  if (r.valid_bytes != src_size && ::ftruncate(out.get(), static_cast<off_t>(r.valid_bytes)) != 0) {
    return give_up(errno_text("cannot cut", tmp));
  }
  if (::fsync(out.get()) != 0) return give_up(errno_text("cannot sync", tmp));
  if (!out.close()) {
    ::unlink(tmp.c_str());
    return fail(errno_text("cannot close", tmp));
  }
  // link() would refuse an existing target, but FAT/exFAT destinations have no hard links:
  // the lstat above and O_EXCL on the temporary are what keep other files safe.
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return fail(errno_text("cannot rename to", target));
  }
  if (!fsync_directory(target_dir, &error)) return fail(error);
  report_scan(r);
  progress.line("copied   " + shown + " (" + std::to_string(r.valid_bytes) + " bytes, " + records_text(r) + ")");
  ++stats_.copied;
  stats_.bytes += r.valid_bytes;
  return true;
}

bool Puller::update_existing(const Item& item, int src_fd, uint64_t src_size, const std::string& target,
                             Progress& progress) {
  const FoundFile& f = item.file;
  const std::string shown = printable(f.relative) + " -> " + printable(join(item.target_dir, item.target_name));
  std::string error;
  auto fail = [&](const std::string& why) {
    progress.line("error    " + shown + ": " + printable(why));
    outcome_.io_error = true;
    ++stats_.errors;
    return false;
  };
  auto conflict = [&](const std::string& why) {
    progress.line("conflict " + shown + ": " + why + "; not touched");
    outcome_.conflict = true;
    ++stats_.conflicts;
    return false;
  };
  auto on_read = [&progress](uint64_t n) { progress.add(n); };
  Fd out(::open(target.c_str(), (dry_run_ ? O_RDONLY : O_RDWR) | O_NOFOLLOW | O_CLOEXEC));
  struct stat tst;
  if (!out.valid() || ::fstat(out.get(), &tst) != 0) return fail(errno_text("cannot open", target));
  const uint64_t have = static_cast<uint64_t>(tst.st_size);
  if (have > src_size) return conflict("the target is longer than the card's file");
  bool equal = false;
  if (!same_prefix(src_fd, out.get(), have, &equal, on_read)) return fail(errno_text("cannot compare", target));
  if (!equal) return conflict("the target holds other bytes than the card's file");
  // The target is a byte prefix of the source. Where do the source's valid records end?
  // When the target is clean (what pull makes), the scan resumes where it ends.
  FileSource target_source(out.get(), have);
  ScanOptions quick;
  quick.find_records_after_damage = false;
  const ScanResult mine = scan_event_file(target_source, quick);
  if (mine.read_error) return fail("cannot read " + target);
  const uint64_t base = mine.verdict == Verdict::kClean ? have : 0;
  FileSource rest(src_fd, src_size - base, base);
  rest.on_read = on_read;
  ScanResult r = scan_event_file(rest);
  if (r.read_error) return fail("read error in " + f.path);
  const uint64_t valid_end = base + r.valid_bytes;
  const uint64_t records = (base == 0 ? 0 : mine.records) + r.records;
  r.records = records;
  if (valid_end < have) {
    return conflict("the target holds bytes past the source's last valid record (a torn tail?); run tinytb repair");
  }
  if (valid_end == have) {
    report_scan(r);
    if (r.verdict == Verdict::kClean) {
      progress.line("skipped  " + shown + " (already there: " + std::to_string(have) + " bytes)");
    } else {
      progress.line("skipped  " + shown + " (already there: " + std::to_string(have) + " bytes; " +
                    (r.verdict == Verdict::kTorn ? "torn tail left behind: " : "the card keeps the rest: ") +
                    r.problem + ")");
    }
    ++stats_.skipped;
    return true;
  }
  const uint64_t more = valid_end - have;
  if (dry_run_) {
    report_scan(r);
    progress.line("append   " + shown + " (+" + std::to_string(more) + " bytes, " + records_text(r) + ")");
    ++stats_.appended;
    stats_.bytes += more;
    return true;
  }
  if (::lseek(out.get(), static_cast<off_t>(have), SEEK_SET) < 0) return fail(errno_text("cannot seek", target));
  if (!copy_range(src_fd, have, more, out.get(), nullptr, &error)) {
    // Undo the partial append, so the target stays the clean prefix it was.
    if (::ftruncate(out.get(), static_cast<off_t>(have)) == 0) (void)::fsync(out.get());
    return fail(error);
  }
  if (::fsync(out.get()) != 0) return fail(errno_text("cannot sync", target));
  if (!verify_target(out.get(), valid_end, records, &error)) return fail(error);
  if (!out.close()) return fail(errno_text("cannot close", target));
  report_scan(r);
  progress.line("appended " + shown + " (+" + std::to_string(more) + " bytes, " + records_text(r) + ")");
  ++stats_.appended;
  stats_.bytes += more;
  return true;
}

int cmd_pull(const std::vector<std::string>& args) {
  std::string host = "sdcard";
  bool dry_run = false;
  std::vector<std::string> positional;
  const int walked = walk_args(args, "pull", kPullHelp, &positional, [&](const std::string& a, const std::string* next) {
    if (a == "--dry-run" || a == "-n") {
      dry_run = true;
      return kOptionUsed;
    }
    if (a == "--host" && next != nullptr) {
      host = *next;
      if (!is_valid_host(host)) return error_line("pull: --host must be 1-64 of [A-Za-z0-9_-]"), kExitUsage;
      return kOptionAndValue;
    }
    return kOptionUnknown;
  });
  if (walked != kOptionUsed) return walked;
  if (positional.size() != 2) return error_line("pull: needs SRC and DST (see tinytb pull --help)"), kExitUsage;
  Puller puller(positional[0], positional[1], host, dry_run, ::isatty(STDOUT_FILENO) == 1);
  return puller.run();
}

// ---- main -------------------------------------------------------------------------------------

const char kHelp[] =
    "usage: tinytb COMMAND [OPTIONS] ARGS\n"
    "\n"
    "  check PATH...       verify event files and show what they hold\n"
    "  repair PATH...      cut torn tails back to the last valid record\n"
    "  pull SRC DST        copy an SD card's runs into a log directory, renamed and repaired\n"
    "  recv --serial DEV DIR | --tcp HOST:PORT DIR | --file PATH DIR\n"
    "                      write the records a board streams live (docs/streaming.md)\n"
    "  compare RUN_A RUN_B [--out DIR]\n"
    "                      per-tag differences of two runs, as a table and as a run\n"
    "\n"
    "tinytb COMMAND --help tells more. Files from the card are untrusted input: the tool never\n"
    "crashes or hangs on them, and never changes a valid record (docs/security.md).\n"
    "\n";

int run(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "%s%s", kHelp, kExitCodesHelp);
    return kExitUsage;
  }
  const std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "check") return cmd_check(args);
  if (command == "repair") return cmd_repair(args);
  if (command == "pull") return cmd_pull(args);
  if (command == "recv") return cmd_recv(args);
  if (command == "compare") return cmd_compare(args);
  if (command == "--help" || command == "-h" || command == "help") {
    std::printf("%s%s", kHelp, kExitCodesHelp);
    return kExitClean;
  }
  error_line("unknown command " + command + " (see tinytb --help)");
  return kExitUsage;
}

}  // namespace
}  // namespace tinytb_tool

int main(int argc, char** argv) {
  try {
    return tinytb_tool::run(argc, argv);
  } catch (const std::exception& e) {  // bad_alloc, filesystem_error: report, do not abort
    std::fprintf(stderr, "tinytb: %s\n", e.what());
    return 74;
  }
}
