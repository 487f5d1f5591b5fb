// tinytb: the end-to-end benchmark's tinytb side, against tensorboardX (docs/bench.md).
//
// Logs through the public API only, as an application on a Linux board would: an
// EventWriter on the POSIX sink writing a real event file into a log directory, the PNG
// encoded by a PngEncoder, records framed and checksummed, the file written with write(2).
// Each timed run is open() -> N events -> close(), on a fresh log directory, so the
// file's creation, every flush and the final close (with its fsync) are inside the time.
//
// Workloads:
//   image <frame>   N image events of one frame (the PNG bench's frames, tests/support/frames.h),
//                   one tag, steps 0..N-1, in PNG modes kCompressed, kFast and kStored
//   scalar          N scalar events over four tags, round robin (step = i / 4); the
//                   fsync-every-flush run logs N / 10 (--fsync-scalars), as fsync dominates
// Flush policy, set explicitly (not the host defaults: event_writer.h, kDefaultQueueBytes):
// the microcontrollers' max_queue 10 and flush_millis 120 000, tensorboardX's own max_queue
// and flush_secs, and a wall clock as a real board has. "no fsync" is sync_every = 0 (fsync
// only at open() and close(), the closest tinytb has to tensorboardX, which never fsyncs);
// "fsync every flush" is sync_every = 1, the microcontrollers' default. Wall time and the
// process's CPU time are both kept.
//
// --workload NAME runs one workload only (all its variants): tests/bench/e2e_run.py starts one
// process per workload and interleaves them with tensorboardX's runs of the same workload.
// Also dumps the frames it used as raw pixels (<work>/frames/*.raw + frames.json; not with
// --no-frame-dump; nothing else with --dump-only), so the tensorboardX side (tests/bench/e2e_tensorboardx.py) logs the
// identical pixels. Prints one JSON object (--json FILE) that e2e_run.py reads; it checks the
// files too.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <chrono>
#include <string>
#include <vector>

#include "bench_clock.h"
#include "frames.h"
#include "posix_sink.h"
#include "tinytb/tinytb.h"

namespace {

using tinytb::EventWriter;
using tinytb::ImageView;
using tinytb::PixelFormat;
using tinytb::PngMode;
using tinytb::Status;
using tinytb_test::Frame;

tinytb::WallTime wall_time() {
  timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return tinytb::WallTime{};
  return tinytb::WallTime{static_cast<int64_t>(ts.tv_sec), static_cast<uint32_t>(ts.tv_nsec)};
}
uint64_t uptime_ms() {
  timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 0;
  return static_cast<uint64_t>(ts.tv_sec) * 1000u + static_cast<uint64_t>(ts.tv_nsec) / 1000000u;
}

constexpr size_t kTagLen = 48;
// Holds the largest record of the largest frame (320x240 RGB, stored): a real user sizes
// the queue with image_record_bytes() for the biggest image they log.
constexpr size_t kImageQueue = tinytb::image_record_bytes(kTagLen, 320, 240, 3);
using ImageWriter = EventWriter<kImageQueue, 4, kTagLen>;
using ScalarWriter = EventWriter<1024, 8, kTagLen>;  // the microcontrollers' default queue of 1 KiB
ImageWriter g_image_writer;
ScalarWriter g_scalar_writer;
tinytb::PosixSink g_sink;

struct Run {
  std::string workload, frame, variant, sync, logdir, tags;
  size_t events = 0;
  double seconds = 0;      // wall time
  double cpu_seconds = 0;  // the process's CPU time (user + system) over the same span
  double close_seconds = 0;  // close() (its fsync), outside `seconds` in the no-fsync runs
  uint64_t file_bytes = 0;
  size_t png_bytes = 0;  // the first PNG's size, encoded alone (images only)
  Status status = Status::kOk;
};

struct Options {
  std::string work;
  size_t images = 200;
  size_t scalars = 100000;
  size_t fsync_scalars = 0;  // scalar events of the fsync-every-flush run (0: scalars / 10)
  bool fsync_variants = true;
  std::string workload;  // only this workload ("scalar", "image <frame>"); empty: all of them
  bool dump_frames = true;
  bool dump_only = false;
};

tinytb::WriterOptions writer_options(const std::string& logdir, bool fsync_each_flush) {
  tinytb::WriterOptions o;
  o.logdir = logdir.c_str();
  o.clock.wall_time = wall_time;
  o.clock.uptime_ms = uptime_ms;
  o.max_queue = 10;
  o.flush_millis = 120000;
  o.sync_every = fsync_each_flush ? 1 : 0;
  return o;
}

std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) out += (c == ' ') ? '_' : c;
  return out;
}

using bench::cpu_s;
using bench::now_s;

// Stop the clock where tensorboardX's does. Its close() hands the last events to the OS
// and never fsyncs; tinytb's flush() is that point, and its close() then fsyncs the file
// (the durability every tinytb file gets). So the "no fsync" runs stop the clock after
// flush() and time close() apart (close_seconds, reported beside the rate); the
// "fsync every flush" runs keep close() inside the time.
void finish(tinytb::EventWriterBase* writer, bool fsync_each_flush, double t0, double c0, Status logged, Run* r) {
  Status s = logged;
  if (!fsync_each_flush && s == Status::kOk) s = writer->flush();
  const double t1 = now_s(), c1 = cpu_s();
  const uint64_t bytes = writer->file_bytes();
  const Status c = writer->close();
  const double t2 = now_s();
  r->seconds = (fsync_each_flush ? t2 : t1) - t0;
  r->cpu_seconds = (fsync_each_flush ? cpu_s() : c1) - c0;
  r->close_seconds = t2 - t1;
  r->status = s != Status::kOk ? s : c;
  r->file_bytes = bytes;
}

template <uint32_t W, uint32_t H, uint8_t C, PngMode Mode>
Run run_image(const Options& opt, const Frame& f, const char* variant, bool fsync_each_flush) {
  static tinytb::PngEncoder<W, H, C, Mode> png;
  Run r;
  r.workload = "image " + f.name;
  r.frame = f.name;
  r.variant = variant;
  r.sync = fsync_each_flush ? "fsync every flush" : "no fsync";
  r.logdir = opt.work + "/tinytb/" + slug(f.name) + "-" + variant + (fsync_each_flush ? "-fsync" : "");
  r.tags = "camera/" + slug(f.name);
  const ImageView view =
      ImageView::frame(f.channels == 1 ? PixelFormat::kGray8 : PixelFormat::kRgb888, f.pixels.data(), f.width, f.height);
  {
    std::vector<uint8_t> one(tinytb::png_max_bytes(f.width, f.height, f.channels));
    size_t size = 0;
    r.status = png.encode(view, one.data(), one.size(), &size);
    if (r.status != Status::kOk) return r;
    r.png_bytes = size;
  }
  const tinytb::WriterOptions o = writer_options(r.logdir, fsync_each_flush);
  const double t0 = now_s();
  const double c0 = cpu_s();
  Status s = g_image_writer.open(g_sink, o);
  for (size_t i = 0; i < opt.images && s == Status::kOk; ++i) {
    s = g_image_writer.image(r.tags.c_str(), static_cast<int64_t>(i), view, png);
  }
  finish(&g_image_writer, fsync_each_flush, t0, c0, s, &r);
  r.events = opt.images;
  return r;
}

Run run_scalars(const Options& opt, bool fsync_each_flush) {
  static const char* const kTags[4] = {"train/loss", "train/accuracy", "train/learning_rate", "train/grad_norm"};
  Run r;
  r.workload = "scalar";
  r.variant = "scalar";
  r.sync = fsync_each_flush ? "fsync every flush" : "no fsync";
  r.logdir = opt.work + "/tinytb/scalar" + (fsync_each_flush ? "-fsync" : "");
  r.tags = "train/loss,train/accuracy,train/learning_rate,train/grad_norm";
  const tinytb::WriterOptions o = writer_options(r.logdir, fsync_each_flush);
  const double t0 = now_s();
  const double c0 = cpu_s();
  Status s = g_scalar_writer.open(g_sink, o);
  float value = 1.0f;
  const size_t count = fsync_each_flush ? (opt.fsync_scalars != 0 ? opt.fsync_scalars : opt.scalars / 10) : opt.scalars;
  for (size_t i = 0; i < count && s == Status::kOk; ++i) {
    value = value * 0.9999f + 0.0001f * static_cast<float>(i & 7);
    s = g_scalar_writer.scalar(kTags[i & 3], static_cast<int64_t>(i >> 2), value);
  }
  finish(&g_scalar_writer, fsync_each_flush, t0, c0, s, &r);
  r.events = count;
  return r;
}

// Every PNG mode with tinytb's own encoders: kCompressed (the headline), kFast, kStored;
// the fsync-every-flush variant with kCompressed only.
template <uint32_t W, uint32_t H, uint8_t C>
void run_frame(const Options& opt, const Frame& f, std::vector<Run>* runs) {
  runs->push_back(run_image<W, H, C, PngMode::kCompressed>(opt, f, "kCompressed", false));
  runs->push_back(run_image<W, H, C, PngMode::kFast>(opt, f, "kFast", false));
  runs->push_back(run_image<W, H, C, PngMode::kStored>(opt, f, "kStored", false));
  if (opt.fsync_variants) runs->push_back(run_image<W, H, C, PngMode::kCompressed>(opt, f, "kCompressed", true));
}

bool write_raw(const std::string& path, const Frame& f) {
  FILE* out = fopen(path.c_str(), "wb");
  if (out == nullptr) return false;
  const bool ok = fwrite(f.pixels.data(), 1, f.pixels.size(), out) == f.pixels.size();
  return fclose(out) == 0 && ok;
}

void json_string(FILE* j, const std::string& s) {
  fputc('"', j);
  for (char c : s) {
    if (c == '"' || c == '\\') fputc('\\', j);
    fputc(c, j);
  }
  fputc('"', j);
}

// Raw pixels + frames.json, for the tensorboardX side to log the identical frames.
bool dump_frames(const std::string& frame_dir, const std::vector<const Frame*>& used) {
  mkdir(frame_dir.c_str(), 0755);
  FILE* manifest = fopen((frame_dir + "/frames.json").c_str(), "w");
  if (manifest == nullptr) return false;
  fprintf(manifest, "[\n");
  for (size_t i = 0; i < used.size(); ++i) {
    const Frame& f = *used[i];
    const std::string file = slug(f.name) + ".raw";
    if (!write_raw(frame_dir + "/" + file, f)) {
      fclose(manifest);
      return false;
    }
    fprintf(manifest, "  {\"name\": \"%s\", \"file\": \"%s\", \"width\": %u, \"height\": %u, \"channels\": %u}%s\n",
            f.name.c_str(), file.c_str(), f.width, f.height, f.channels, i + 1 < used.size() ? "," : "");
  }
  fprintf(manifest, "]\n");
  return fclose(manifest) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = "examples/data", json;
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has = i + 1 < argc;
    if (a == "--data" && has) data = argv[++i];
    else if (a == "--work" && has) opt.work = argv[++i];
    else if (a == "--json" && has) json = argv[++i];
    else if (a == "--images" && has) opt.images = strtoul(argv[++i], nullptr, 10);
    else if (a == "--scalars" && has) opt.scalars = strtoul(argv[++i], nullptr, 10);
    else if (a == "--fsync-scalars" && has) opt.fsync_scalars = strtoul(argv[++i], nullptr, 10);
    else if (a == "--no-fsync-variants") opt.fsync_variants = false;
    else if (a == "--workload" && has) opt.workload = argv[++i];
    else if (a == "--no-frame-dump") opt.dump_frames = false;
    else if (a == "--dump-only") opt.dump_only = true;
    else {
      fprintf(stderr, "usage: e2e_bench --work DIR [--data DIR] [--json FILE] [--images N] [--scalars N]"
                      " [--fsync-scalars N] [--no-fsync-variants] [--workload NAME] [--no-frame-dump] [--dump-only]\n");
      return 2;
    }
  }
  if (opt.work.empty()) {
    fprintf(stderr, "e2e_bench: --work DIR is required\n");
    return 2;
  }
  std::string error;
  const std::vector<Frame> frames = tinytb_test::load_frames(data, &error);
  if (frames.empty()) {
    fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }
  // The frames of the comparison, smallest first.
  const char* const kWanted[] = {"person 96x96 gray", "kodim23 160x120 RGB", "kodim23 320x240 RGB"};
  std::vector<const Frame*> used;
  for (const char* name : kWanted) {
    for (const Frame& f : frames) {
      if (f.name == name) used.push_back(&f);
    }
  }
  if (used.size() != 3) {
    fprintf(stderr, "e2e_bench: frames.cc no longer has the three frames\n");
    return 2;
  }
  mkdir(opt.work.c_str(), 0755);
  // The dump is written before any timed run; e2e_run.py asks for it once, not before every
  // interleaved run, so no run shares the disk with the writeback of 300 KB of pixels.
  if (opt.dump_frames && !dump_frames(opt.work + "/frames", used)) return 2;
  if (opt.dump_only) return 0;

  // One workload per process lets e2e_run.py interleave tinytb and tensorboardX run by run.
  auto wanted = [&opt](const std::string& workload) { return opt.workload.empty() || opt.workload == workload; };
  bool known = opt.workload.empty() || opt.workload == "scalar";
  for (const Frame* f : used) known = known || opt.workload == "image " + f->name;
  if (!known) {
    fprintf(stderr, "e2e_bench: no workload '%s'\n", opt.workload.c_str());
    return 2;
  }
  std::vector<Run> runs;
  if (wanted("image " + used[0]->name)) run_frame<96, 96, 1>(opt, *used[0], &runs);
  if (wanted("image " + used[1]->name)) run_frame<160, 120, 3>(opt, *used[1], &runs);
  if (wanted("image " + used[2]->name)) run_frame<320, 240, 3>(opt, *used[2], &runs);
  if (wanted("scalar")) {
    runs.push_back(run_scalars(opt, false));
    if (opt.fsync_variants) runs.push_back(run_scalars(opt, true));
  }

  int failures = 0;
  for (const Run& r : runs) {
    if (r.status != Status::kOk) {
      fprintf(stderr, "FAIL %s %s %s: %s\n", r.workload.c_str(), r.variant.c_str(), r.sync.c_str(),
              tinytb::status_name(r.status));
      ++failures;
    }
    printf("%-28s %-12s %-18s %8zu events %9.4f s (cpu %7.4f s) %12.0f events/s\n", r.workload.c_str(),
           r.variant.c_str(), r.sync.c_str(), r.events, r.seconds, r.cpu_seconds,
           r.seconds > 0 ? static_cast<double>(r.events) / r.seconds : 0.0);
  }
  if (!json.empty()) {
    FILE* j = fopen(json.c_str(), "w");
    if (j == nullptr) return 2;
    fprintf(j, "{\"runs\": [\n");
    for (size_t i = 0; i < runs.size(); ++i) {
      const Run& r = runs[i];
      fprintf(j, "  {\"workload\": ");
      json_string(j, r.workload);
      fprintf(j, ", \"frame\": ");
      json_string(j, r.frame);
      fprintf(j, ", \"variant\": ");
      json_string(j, r.variant);
      fprintf(j, ", \"sync\": ");
      json_string(j, r.sync);
      fprintf(j, ", \"logdir\": ");
      json_string(j, r.logdir);
      fprintf(j, ", \"tags\": ");
      json_string(j, r.tags);
      fprintf(j,
              ", \"events\": %zu, \"seconds\": %.6f, \"events_per_s\": %.1f, \"cpu_seconds\": %.6f, "
              "\"events_per_cpu_s\": %.1f, \"close_seconds\": %.6f, \"file_bytes\": %llu, \"png_bytes\": %zu, "
              "\"status\": \"%s\"}%s\n",
              r.events, r.seconds, r.seconds > 0 ? static_cast<double>(r.events) / r.seconds : 0.0, r.cpu_seconds,
              r.cpu_seconds > 0 ? static_cast<double>(r.events) / r.cpu_seconds : 0.0, r.close_seconds,
              static_cast<unsigned long long>(r.file_bytes), r.png_bytes, tinytb::status_name(r.status),
              i + 1 < runs.size() ? "," : "");
    }
    fprintf(j, "]}\n");
    if (fclose(j) != 0) return 2;
  }
  return failures == 0 ? 0 : 1;
}
