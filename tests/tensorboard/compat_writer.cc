// tinytb compat fixture: writes a log directory that exercises every foundation feature
// through the POSIX sink, plus a manifest of exactly what was logged, for the
// TensorBoard judge (tb_judge.py).
//
//   build/compat_writer --logdir DIR --manifest PATH
//
// Runs (all under DIR):
//   train       two files one after the other (steps 0..9, then 10..19), max_queue 3,
//               scopes train/ and model/layer1/, model/layer2/, a 64-byte tag, Markdown text
//   val         a tiny writer (256-byte queue, 4 tags, max_queue 1) open at the same time
//               as train: NaN, +-Inf, -0.0, denormals, max float, negative and huge steps,
//               a UTF-8 tag, text that does not fit (refused)
//   nested/run  no wall clock (uptime only, boot counter 42 in the file name), a queue
//               flushed only when full or on close, Markdown, lists and tables of every
//               shape, nested scopes three deep
//   no_clock    no clock at all: wall_time 0, boot counter 7 in the file name
//
// Refused calls (steps not increasing, bad tags and arguments, too many tags, too large,
// not open, already open) are checked for their exact Status and never reach the
// manifest. The exit status is 0 only if every Status was the expected one.
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <regex>
#include <string>
#include <vector>

#include "manifest.h"
#include "posix_sink.h"
#include "tinytb/tinytb.h"

namespace {

using tinytb::Status;

tinytb_test::Manifest g_manifest;
std::string g_logdir;
std::vector<std::string> g_files;  // every event file written, relative to the logdir
int g_failures = 0;
int g_refusals = 0;

// ---- checks -----------------------------------------------------------------------------

bool expect(Status got, Status want, const std::string& what, int line) {
  if (got == want) return true;
  fprintf(stderr, "compat_writer.cc:%d: %s returned \"%s\", expected \"%s\"\n", line, what.c_str(),
          tinytb::status_name(got), tinytb::status_name(want));
  ++g_failures;
  return false;
}

void fail(const std::string& what, int line) {
  fprintf(stderr, "compat_writer.cc:%d: %s\n", line, what.c_str());
  ++g_failures;
}

// A call that must be refused with `want`; nothing goes to the manifest.
#define EXPECT_REFUSED(want, call)                    \
  do {                                                \
    ++g_refusals;                                     \
    (void)expect((call), (want), #call, __LINE__);    \
  } while (0)
#define EXPECT_OK(call) (void)expect((call), Status::kOk, #call, __LINE__)
#define CHECK(cond)                                   \
  do {                                                \
    if (!(cond)) fail("check failed: " #cond, __LINE__); \
  } while (0)

// ---- logging that also fills the manifest ---------------------------------------------------

std::string full_tag(tinytb::EventWriterBase&, const char* name) { return name; }
std::string full_tag(tinytb::Scope& scope, const char* name) { return std::string(scope.prefix()) + "/" + name; }

std::string where(const std::string& run, const std::string& tag, int64_t step) {
  return run + ": " + tag + " at step " + std::to_string(step);
}

// `to` is a writer or a Scope; the value is recorded only if it was accepted.
template <class To>
void scalar(To& to, const std::string& run, const char* name, int64_t step, float value, int line) {
  const std::string tag = full_tag(to, name);
  if (expect(to.scalar(name, step, value), Status::kOk, where(run, "scalar " + tag, step), line)) {
    g_manifest.scalar(run, tag, step, value);
  }
}
template <class To>
void markdown(To& to, const std::string& run, const char* name, int64_t step, const char* text, int line) {
  const std::string tag = full_tag(to, name);
  if (expect(to.text(name, step, text), Status::kOk, where(run, "text " + tag, step), line)) {
    g_manifest.markdown(run, tag, step, text);
  }
}
template <class To>
void list(To& to, const std::string& run, const char* name, int64_t step, const char* const* items, size_t n,
          int line) {
  const std::string tag = full_tag(to, name);
  if (expect(to.text_list(name, step, items, n), Status::kOk, where(run, "text_list " + tag, step), line)) {
    g_manifest.list(run, tag, step, items, n);
  }
}
template <class To>
void table(To& to, const std::string& run, const char* name, int64_t step, const char* const* cells, size_t rows,
           size_t cols, int line) {
  const std::string tag = full_tag(to, name);
  if (expect(to.text_table(name, step, cells, rows, cols), Status::kOk, where(run, "text_table " + tag, step),
             line)) {
    g_manifest.table(run, tag, step, cells, rows, cols);
  }
}
#define SCALAR(to, run, name, step, value) scalar(to, run, name, step, value, __LINE__)
#define MARKDOWN(to, run, name, step, text) markdown(to, run, name, step, text, __LINE__)
#define LIST(to, run, name, step, items, n) list(to, run, name, step, items, n, __LINE__)
#define TABLE(to, run, name, step, cells, rows, cols) table(to, run, name, step, cells, rows, cols, __LINE__)

// ---- files ------------------------------------------------------------------------------------

// After open(): the writer's file has the documented name, in <logdir>/<run>, on disk.
// `stamp` is the expected 10-digit stamp, or null for "any" (a wall clock).
void check_file(const tinytb::EventWriterBase& w, const std::string& run, const char* stamp, int line) {
  static const std::regex kName(R"(events\.out\.tfevents\.(\d{10})\.compat\.\d{4}\.v2)");
  const std::string name = w.file_name();
  std::smatch m;
  if (!std::regex_match(name, m, kName)) {
    fail("file name \"" + name + "\" does not match events.out.tfevents.<10 digits>.compat.<4 digits>.v2", line);
    return;
  }
  if (stamp != nullptr && m[1].str() != stamp) fail("file name \"" + name + "\": stamp is not " + stamp, line);
  const std::string dir = g_logdir + "/" + run;
  if (dir != w.dir()) fail(std::string("dir() is \"") + w.dir() + "\", expected \"" + dir + "\"", line);
  struct stat st;
  if (stat((dir + "/" + name).c_str(), &st) != 0) fail("file " + dir + "/" + name + " does not exist", line);
  g_files.push_back(run + "/" + name);
}

// ---- clocks -------------------------------------------------------------------------------------

tinytb::WallTime wall_time() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return tinytb::WallTime{static_cast<int64_t>(ts.tv_sec), static_cast<uint32_t>(ts.tv_nsec)};
}

uint64_t uptime_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000u + static_cast<uint64_t>(ts.tv_nsec) / 1000000u;
}

tinytb::WriterOptions options(const char* run, uint32_t max_queue) {
  tinytb::WriterOptions o;
  o.logdir = g_logdir.c_str();
  o.run = run;
  o.host = "compat";
  o.form = tinytb_test::fixture_form();
  o.clock.wall_time = wall_time;
  o.clock.uptime_ms = uptime_ms;
  o.max_queue = max_queue;
  return o;
}

// ---- the writers ----------------------------------------------------------------------------------

tinytb::PosixSink train_sink, val_sink, nested_sink, no_clock_sink;
tinytb::EventWriter<1024, 16, 64> train_writer;
tinytb::EventWriter<256, 4, 64> val_writer;  // tiny: a scalar with a 64-byte tag is 131 bytes
tinytb::EventWriter<4096, 32, 64> nested_writer;
tinytb::EventWriter<> no_clock_writer;

// Options the writer must refuse before it touches the sink; it stays closed.
void refused_options() {
  tinytb::WriterOptions o = options("train", 3);
  EXPECT_REFUSED(Status::kNotOpen, train_writer.scalar("never", 0, 1.0f));
  EXPECT_REFUSED(Status::kNotOpen, train_writer.flush());
  EXPECT_REFUSED(Status::kNotOpen, train_writer.close());
  o.host = "bad host";
  EXPECT_REFUSED(Status::kInvalidArgument, train_writer.open(train_sink, o));
  o = options("../escape", 3);
  EXPECT_REFUSED(Status::kInvalidArgument, train_writer.open(train_sink, o));
  o = options("a//b", 3);
  EXPECT_REFUSED(Status::kInvalidArgument, train_writer.open(train_sink, o));
  o = options("train", 3);
  o.rotate_bytes = 512;  // below the first record plus a full 1 KiB queue (max_queue 0 is valid now)
  EXPECT_REFUSED(Status::kInvalidArgument, train_writer.open(train_sink, o));
  o = options("train", 3);
  o.logdir = "";
  EXPECT_REFUSED(Status::kInvalidArgument, train_writer.open(train_sink, o));
  CHECK(!train_writer.is_open());
}

// Tag and argument refusals, through a writer that is open and already has `tag`.
void refused_tags(tinytb::EventWriterBase& w, tinytb::Scope& scope) {
  const std::string tag65(65, 't');
  EXPECT_REFUSED(Status::kInvalidTag, w.scalar("", 100, 1.0f));
  EXPECT_REFUSED(Status::kInvalidTag, w.scalar(tag65.c_str(), 100, 1.0f));
  EXPECT_REFUSED(Status::kInvalidTag, w.scalar("bad\xff", 100, 1.0f));          // invalid UTF-8
  EXPECT_REFUSED(Status::kInvalidTag, w.scalar("over\xc0\xaflong", 100, 1.0f));  // overlong '/'
  EXPECT_REFUSED(Status::kInvalidTag, w.scalar("line\nbreak", 100, 1.0f));       // control character
  EXPECT_REFUSED(Status::kInvalidTag, w.scalar("tab\there", 100, 1.0f));
  EXPECT_REFUSED(Status::kInvalidTag, w.scalar("c1\xc2\x85", 100, 1.0f));        // U+0085, a C1 control
  EXPECT_REFUSED(Status::kInvalidTag, w.text("bad\xff", 100, "text"));
  // A scope's prefix plus the name past 64 bytes.
  const std::string long_name(64 - strlen(scope.prefix()), 'n');
  EXPECT_REFUSED(Status::kInvalidTag, scope.scalar(long_name.c_str(), 100, 1.0f));
  // Bad scopes refuse everything.
  tinytb::Scope empty(w, "");
  CHECK(empty.status() == Status::kInvalidTag);
  EXPECT_REFUSED(Status::kInvalidTag, empty.scalar("x", 100, 1.0f));
  tinytb::Scope absolute(w, "/abs");
  EXPECT_REFUSED(Status::kInvalidTag, absolute.scalar("x", 100, 1.0f));
  tinytb::Scope control(w, "ctl\x01");
  EXPECT_REFUSED(Status::kInvalidTag, control.text("x", 100, "text"));
  // Text arguments.
  const char* with_null[] = {"a", nullptr};
  const char* bad_cell[] = {"fine", "bad \xc3\x28 utf-8"};
  EXPECT_REFUSED(Status::kInvalidArgument, w.text("args", 100, nullptr));
  EXPECT_REFUSED(Status::kInvalidArgument, w.text_list("args", 100, with_null, 2));
  EXPECT_REFUSED(Status::kInvalidArgument, w.text_list("args", 100, bad_cell, 0));
  EXPECT_REFUSED(Status::kInvalidArgument, w.text_list("args", 100, bad_cell, 2));
  EXPECT_REFUSED(Status::kInvalidArgument, w.text_table("args", 100, bad_cell, 0, 2));
  EXPECT_REFUSED(Status::kInvalidArgument, w.text_table("args", 100, bad_cell, 2, 0));
  EXPECT_REFUSED(Status::kInvalidArgument, w.text_table("args", 100, with_null, 1, 2));
}

// ---- train and val: a training loop, train in two files ----------------------------------------

const char kTrainNotes0[] =
    "## Training notes\n"
    "\n"
    "This run is written by **tinytb** in *two files*:\n"
    "\n"
    "1. steps 0 to 9 in the first file\n"
    "2. steps 10 to 19 in the second\n"
    "\n"
    "Unicode: caf\xc3\xa9, \xe2\x9c\x93 done, \xe6\x97\xa5\xe6\x9c\xac (Japan).";
const char kTrainNotes10[] =
    "Second file: metadata is written again for the first value of each tag, and "
    "steps go on from **10**.";

float train_loss(int step) { return 2.5f * expf(-0.15f * static_cast<float>(step)) + 0.05f; }

void train_steps(tinytb::Scope& train, tinytb::Scope& layer1, tinytb::Scope& layer2, tinytb::Scope& val, int from,
                 int to) {
  for (int step = from; step < to; ++step) {
    const float s = static_cast<float>(step);
    SCALAR(train, "train", "loss", step, train_loss(step));
    SCALAR(train, "train", "accuracy", step, 1.0f - 0.9f / (1.0f + 0.3f * s));
    SCALAR(layer1, "train", "weight_norm", step, 3.0f + 0.125f * s);
    SCALAR(layer2, "train", "grad_norm", step, -0.5f / (1.0f + s));  // negative values
    if (step % 5 == 4) SCALAR(val, "val", "loss", step, train_loss(step) * 1.1f);
  }
}

void train_and_val() {
  const tinytb::WriterOptions train_options = options("train", 3);  // a flush every 3 records
  tinytb::WriterOptions val_options = options("val", 1);            // every record at once
  val_options.sync_every = 0;  // synced only on close

  EXPECT_OK(train_writer.open(train_sink, train_options));
  check_file(train_writer, "train", nullptr, __LINE__);
  const std::string first_file = train_writer.file_name();
  EXPECT_REFUSED(Status::kAlreadyOpen, train_writer.open(train_sink, train_options));
  EXPECT_OK(val_writer.open(val_sink, val_options));
  check_file(val_writer, "val", nullptr, __LINE__);

  tinytb::Scope train(train_writer, "train");
  tinytb::Scope train_slash(train_writer, "train/");  // the same scope
  CHECK(strcmp(train_slash.prefix(), "train") == 0);
  tinytb::Scope model(train_writer, "model");
  tinytb::Scope layer1(model, "layer1");
  tinytb::Scope layer2(model, "layer2");
  tinytb::Scope val(val_writer, "val");

  // File 1: steps 0..9.
  MARKDOWN(train, "train", "notes", 0, kTrainNotes0);
  train_steps(train, layer1, layer2, val, 0, 10);
  // A tag of exactly 64 bytes (the writer's MaxTagLen), through a scope.
  const std::string max_name(64 - strlen("train/"), 'x');
  SCALAR(train, "train", max_name.c_str(), 9, 64.0f);
  SCALAR(train_slash, "train", "slash_scope", 9, 1.5f);

  EXPECT_REFUSED(Status::kStepNotIncreasing, train.scalar("loss", 9, 1.0f));  // equal
  EXPECT_REFUSED(Status::kStepNotIncreasing, train.scalar("loss", 3, 1.0f));  // lower
  EXPECT_REFUSED(Status::kStepNotIncreasing, train_slash.scalar("loss", 0, 1.0f));
  EXPECT_REFUSED(Status::kStepNotIncreasing, train.text("notes", 0, "again"));
  refused_tags(train_writer, train);

  EXPECT_OK(train_writer.close());
  CHECK(!train_writer.is_open());
  EXPECT_REFUSED(Status::kNotOpen, train.scalar("loss", 10, 1.0f));
  EXPECT_REFUSED(Status::kNotOpen, train_writer.close());

  // File 2 of the same run: steps go on from 10; lower ones are still refused.
  EXPECT_OK(train_writer.open(train_sink, train_options));
  check_file(train_writer, "train", nullptr, __LINE__);
  CHECK(first_file < train_writer.file_name());  // names sort in creation order
  EXPECT_REFUSED(Status::kStepNotIncreasing, train.scalar("loss", 5, 1.0f));
  EXPECT_REFUSED(Status::kStepNotIncreasing, layer1.scalar("weight_norm", 9, 1.0f));
  MARKDOWN(train, "train", "notes", 10, kTrainNotes10);
  train_steps(train, layer1, layer2, val, 10, 20);
  SCALAR(train, "train", max_name.c_str(), 19, 128.0f);
  EXPECT_OK(train_writer.close());

  // val: float edge values on negative steps first, then bigger ones.
  struct Edge {
    int64_t step;
    float value;
  };
  const Edge edges[] = {
      {-1000000, 0.5f},         {-2, NAN},        {-1, INFINITY},   {0, -INFINITY},
      {1, -0.0f},               {2, 0.0f},        {3, FLT_TRUE_MIN}, {4, -1e-40f} /* denormal */,
      {5, FLT_MIN},             {6, FLT_MAX},     {7, -FLT_MAX},    {8, 1.0f / 3.0f},
      {9, 16777217.0f},         {10, -123.456f},  {11, NAN},        {12, 1e-7f},
  };
  for (const Edge& e : edges) SCALAR(val, "val", "edge", e.step, e.value);
  SCALAR(val, "val", "loss", 1000000000000LL, 0.01f);  // a huge step, 1e12
  SCALAR(val, "val", "pr\xc3\xa9" "cision", 0, 0.75f);     // "val/précision": a UTF-8 tag
  SCALAR(val, "val", "pr\xc3\xa9" "cision", 1, 0.8125f);
  MARKDOWN(val, "val", "notes", 0, "tiny queue: **256 bytes**, 4 tags");
  EXPECT_REFUSED(Status::kStepNotIncreasing, val.scalar("loss", 999999999999LL, 1.0f));
  EXPECT_REFUSED(Status::kStepNotIncreasing, val.scalar("edge", -5, 1.0f));
  EXPECT_REFUSED(Status::kTooManyTags, val.scalar("fifth_tag", 0, 1.0f));
  // Text never streams (docs/firmware.md, "Scalars and text without nanopb"): a text record
  // larger than the whole 256-byte queue is refused, as a string longer than the queue is,
  // and its step is not taken; one that fits the queue is written.
  const std::string medium(220, 'm'), fits(150, 'f'), big(300, 'b');
  EXPECT_REFUSED(Status::kTooLarge, val.text("notes", 1, medium.c_str()));
  MARKDOWN(val, "val", "notes", 1, fits.c_str());
  EXPECT_REFUSED(Status::kTooLarge, val.text("notes", 2, big.c_str()));
  MARKDOWN(val, "val", "notes", 2, "still fine after the refusal");
  CHECK(val_writer.tag_count() == 4);
  EXPECT_OK(val_writer.flush());  // nothing queued: kOk
  EXPECT_OK(val_writer.poll());
  CHECK(val_writer.queued_bytes() == 0);
  EXPECT_OK(val_writer.close());
}

// ---- nested/run: no wall clock, big queue, every text shape ------------------------------------

const char kReadme[] =
    "# Nested run\n"
    "\n"
    "Logged by **tinytb** from `compat_writer`, with *no wall clock*:\n"
    "\n"
    "- a list item with **bold** text\n"
    "- unicode: \xc3\xa9 \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac\n"
    "- quotes \"double\" and 'single', a backslash \\ and a tab:\there\n"
    "\n"
    "```\n"
    "int main(void) { return 0; }\n"
    "```\n";

void nested_run() {
  tinytb::WriterOptions o = options("nested/run", 1000);  // flushed when full and on close
  o.clock.wall_time = nullptr;                              // uptime only: wall_time = seconds since boot
  o.file_stamp = 42;
  o.sync_every = 0;
  EXPECT_OK(nested_writer.open(nested_sink, o));
  check_file(nested_writer, "nested/run", "0000000042", __LINE__);

  tinytb::Scope model(nested_writer, "model");
  tinytb::Scope layer1(model, "layer1");
  tinytb::Scope weights(layer1, "weights");
  CHECK(strcmp(weights.prefix(), "model/layer1/weights") == 0);

  MARKDOWN(nested_writer, "nested/run", "readme", 0, kReadme);
  MARKDOWN(nested_writer, "nested/run", "readme", 1, "Second version: *short*.");

  const char* events[] = {"boot", "caf\xc3\xa9 \xe2\x9c\x93", "", "tab\tand \"quotes\" \\ \x01 control"};
  LIST(nested_writer, "nested/run", "events", 0, events, 4);
  const char* one[] = {"a single item"};
  LIST(nested_writer, "nested/run", "events", 1, one, 1);  // shape [1]

  const char* cells[] = {"layer", "params", "ok",                      //
                         "conv1", "864", "\xe2\x9c\x93",               //
                         "dense", "10250", "**bold** in a cell"};
  TABLE(layer1, "nested/run", "summary", 0, cells, 3, 3);
  TABLE(layer1, "nested/run", "summary", 1, one, 1, 1);  // shape [1, 1]
  const char* wide[] = {"a", "b", "c", "d", "e", "f"};
  TABLE(layer1, "nested/run", "summary", 2, wide, 1, 6);  // shape [1, 6]
  TABLE(layer1, "nested/run", "summary", 3, wide, 6, 1);  // shape [6, 1]

  // 300 steps of 3 scalars: the 4 KiB queue fills and flushes by itself many times.
  for (int step = 0; step < 300; ++step) {
    const float s = static_cast<float>(step);
    SCALAR(weights, "nested/run", "mean", step, 0.01f * sinf(0.1f * s));
    SCALAR(weights, "nested/run", "std", step, 0.2f + 0.001f * s);
    SCALAR(model, "nested/run", "sparsity", step * 1000, s / 300.0f);
    if (step == 150) {
      EXPECT_OK(nested_writer.flush());
      CHECK(nested_writer.queued_bytes() == 0);
    }
    EXPECT_OK(nested_writer.poll());
  }
  CHECK(nested_writer.queue_high_water() <= nested_writer.queue_capacity());
  CHECK(nested_writer.queued_bytes() > 0);  // max_queue 1000: the rest waits for close()
  refused_tags(nested_writer, weights);
  EXPECT_OK(nested_writer.close());
}

// ---- no_clock: no time source at all -------------------------------------------------------------

void no_clock_run() {
  tinytb::WriterOptions o;
  o.logdir = g_logdir.c_str();
  o.run = "no_clock";
  o.host = "compat";
  o.form = tinytb_test::fixture_form();
  o.file_stamp = 7;
  o.max_queue = 4;
  EXPECT_OK(no_clock_writer.open(no_clock_sink, o));
  check_file(no_clock_writer, "no_clock", "0000000007", __LINE__);
  for (int step = 0; step < 10; ++step) {
    SCALAR(no_clock_writer, "no_clock", "counter", step, static_cast<float>(step * step));
  }
  MARKDOWN(no_clock_writer, "no_clock", "note", 0, "wall_time is **0** in every event of this run");
  EXPECT_OK(no_clock_writer.close());
}

}  // namespace

int main(int argc, char** argv) {
  const char* manifest_path = nullptr;
  if (!tinytb_test::parse_fixture_args(argc, argv, "compat_writer", &g_logdir, &manifest_path)) return 2;

  refused_options();
  train_and_val();
  nested_run();
  no_clock_run();

  if (!g_manifest.write(manifest_path)) return 1;
  for (const std::string& f : g_files) printf("  %s\n", f.c_str());
  printf("compat_writer: %zu files, %zu points in the manifest, %d refused calls checked, %d unexpected\n",
         g_files.size(), g_manifest.points(), g_refusals, g_failures);
  return g_failures == 0 ? 0 : 1;
}
