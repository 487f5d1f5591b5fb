// tinytb: `make bench` — the compressed-PNG encoders side by side on the benchmark frames.
//
// For every frame, in one run: the two references, lodepng with its default settings and
// libpng with zlib level 6 (the bytes TensorFlow's encode_png and Pillow write), then
// tinytb's deflate at its default (PngMode::kCompressed) and fast (kFast) levels. Per
// encoder and frame: PNG bytes and the ratios to both references' bytes, encode time (this
// thread's CPU time) and the ratio to lodepng's, and working memory counted the same way
// for every encoder (docs/png.md, "Working memory, counted alike"): heap at its peak +
// state + the stack the call touched (painted thread stack) + the output the encode holds
// before the bytes can go to a sink. Every output is decoded by lodepng and compared with
// the frame; a mismatch fails. Prints the table and the goals with met / missed;
// --json writes the same figures as the "host" fragment of the bench report.
//
// --only <encoder> --frame <name>: encode that one frame once with that encoder, the
// encode alone between CALLGRIND_START/STOP_INSTRUMENTATION, for counting instructions
// under `valgrind --tool=callgrind --collect-atstart=no --instr-atstart=no`
// (tests/bench/callgrind_bench.py). Prints the PNG's bytes; outside valgrind it is just a
// single encode.
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <algorithm>
#include <string>
#include <vector>

#include "frames.h"
#include "lodepng_decoder.h"
#include "libpng_reference.h"
#include "lodepng_reference.h"
#include "png/png_deflate.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

namespace tinytb_test {
namespace lodepng_ref {
extern const char* LODEPNG_VERSION_STRING;  // lodepng_reference.cc's copy of lodepng
}  // namespace lodepng_ref
}  // namespace tinytb_test

namespace {

using tinytb::detail::DeflateLevel;
using tinytb::detail::DeflateState;
using tinytb_test::Frame;

DeflateState g_state;
// The streamed deflate's output window: all the output tinytb holds before the sink.
uint8_t g_window[tinytb::detail::kDeflateStreamWindow];

// The bench's sink for streamed output: appends to a vector whose capacity is reserved
// once, so timing a streamed encode times a copy, not allocations.
struct SinkBuffer {
  std::vector<uint8_t>* bytes;
};
bool append_to_sink(void* context, const uint8_t* data, size_t size) {
  std::vector<uint8_t>* v = static_cast<SinkBuffer*>(context)->bytes;
  v->insert(v->end(), data, data + size);
  return true;
}

enum class Encoder { kLodepng, kLibpng, kTinytb, kTinytbFast };
constexpr Encoder kEncoders[] = {Encoder::kLodepng, Encoder::kLibpng, Encoder::kTinytb, Encoder::kTinytbFast};
const char* name_of(Encoder e) {
  switch (e) {
    case Encoder::kLodepng:
      return "lodepng default";
    case Encoder::kLibpng:
      return "libpng level 6";
    case Encoder::kTinytb:
      return "tinytb";
    default:
      return "tinytb fast";
  }
}
bool is_tinytb(Encoder e) { return e == Encoder::kTinytb || e == Encoder::kTinytbFast; }

// Working memory, the same four parts for every encoder (docs/png.md): heap at its peak
// (the references' allocations, lodepng's output included), the caller-owned state
// (tinytb's DeflateState), the stack the call touched, and output held before it can
// reach a sink (tinytb streamed: its window; libpng streams from its own heap buffer;
// lodepng's output is in its heap).
struct Result {
  std::string encoder, frame;
  size_t bytes = 0;
  double micros = 0;
  double time_ratio = 0;  // to lodepng's time: the median of interleaved rounds
  size_t heap = 0, state = 0, stack = 0, output = 0;
  size_t memory() const { return heap + state + stack + output; }
};

// This thread's CPU time in microseconds: on a shared machine, time spent descheduled
// would otherwise land on whichever encoder happened to be running.
double cpu_micros() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

// Encodes a batch needs to last about 20 ms of CPU time.
template <typename F>
size_t batch_size(F&& encode) {
  size_t per = 1;
  for (;;) {
    const double t0 = cpu_micros();
    for (size_t i = 0; i < per; ++i) encode();
    if (cpu_micros() - t0 > 20000 || per > 100000) return per;
    per *= 2;
  }
}
template <typename F>
double batch_micros(F&& encode, size_t per) {
  const double t0 = cpu_micros();
  for (size_t i = 0; i < per; ++i) encode();
  return (cpu_micros() - t0) / static_cast<double>(per);
}
// Rounds of interleaved batches: in each round every encoder runs one batch, so a change
// in the machine's load falls on all of them alike.
constexpr int kRounds = 9;

// One encode of `f` by `e` into *out (tinytb: into out's whole size, then cut to the PNG);
// *heap gets the reference's peak heap (0 for tinytb). False when it fails.
bool encode(Encoder e, const Frame& f, std::vector<uint8_t>* out, size_t* heap) {
  if (heap != nullptr) *heap = 0;
  if (e == Encoder::kLodepng) {
    return tinytb_test::lodepng_reference_encode(f.pixels.data(), f.width, f.height, f.channels, out, heap);
  }
  if (e == Encoder::kLibpng) {
    return tinytb_test::libpng_reference_encode(f.pixels.data(), f.width, f.height, f.channels, out, heap);
  }
  // tinytb streamed, as a record larger than the writer's queue goes out: the stream
  // passes through a window of kDeflateStreamWindow bytes to the drain (here the bench's
  // sink: `out`, from byte kPngHeadBytes on), and the framing is written around it at the
  // end (the writer knows the length from its sizing pass instead).
  out->resize(tinytb::detail::kPngHeadBytes);
  SinkBuffer sink{out};
  const tinytb::ByteWriter drain{append_to_sink, &sink};
  const uint8_t channels = static_cast<uint8_t>(f.channels);
  const size_t stride = static_cast<size_t>(f.width) * f.channels;
  size_t stream = 0;
  uint32_t adler = 0;
  const tinytb::Status st = tinytb::detail::png_deflate_encode_stream(
      f.pixels.data(), f.width, f.height, channels, static_cast<ptrdiff_t>(stride),
      e == Encoder::kTinytb ? DeflateLevel::kDefault : DeflateLevel::kFast, &g_state, g_window, sizeof(g_window), drain,
      &stream, &adler);
  if (st != tinytb::Status::kOk || stream + tinytb::detail::kPngHeadBytes != out->size()) return false;
  const uint32_t crc = tinytb::detail::png_head(out->data(), f.width, f.height, channels, stream);
  out->resize(out->size() + tinytb::detail::kPngTailBytes);
  tinytb::detail::png_tail(out->data() + tinytb::detail::kPngHeadBytes + stream, adler,
                           tinytb::detail::crc32_update(crc, out->data() + tinytb::detail::kPngHeadBytes, stream));
  return true;
}

// The peak stack of one encode: run it on a thread whose stack is painted first.
struct StackRun {
  Encoder encoder;
  const Frame* frame;
  std::vector<uint8_t>* out;
  size_t heap;
  bool ok;
};
void* stack_thread(void* arg) {
  StackRun* r = static_cast<StackRun*>(arg);
  r->ok = encode(r->encoder, *r->frame, r->out, &r->heap);
  return nullptr;
}
// Bytes of a fresh, painted 1 MiB stack that `fn(arg)` touched when run in a thread.
size_t painted_stack(void* (*fn)(void*), void* arg) {
  const size_t kStack = 1024 * 1024;
  std::vector<uint8_t> stack(kStack, 0xA5);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstack(&attr, stack.data(), kStack);
  pthread_t t;
  if (pthread_create(&t, &attr, fn, arg) != 0) return 0;
  pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
  size_t untouched = 0;
  while (untouched < kStack && stack[untouched] == 0xA5) ++untouched;
  return kStack - untouched;
}
// The thread's own start-up frames, to subtract: the same thread doing nothing.
void* idle_thread(void*) { return nullptr; }
size_t idle_stack() { return painted_stack(idle_thread, nullptr); }

bool same_pixels(const std::vector<uint8_t>& png, const Frame& f, std::string* why) {
  tinytb_test::DecodedPng d;
  if (!tinytb_test::decode_png(png.data(), png.size(), &d)) {
    *why = "lodepng: " + d.error;
    return false;
  }
  if (d.width != f.width || d.height != f.height || d.channels != f.channels || d.pixels != f.pixels) {
    *why = "pixels differ";
    return false;
  }
  return true;
}

size_t tinytb_capacity(const Frame& f) { return tinytb::detail::png_deflate_max_bytes(f.width, f.height, f.channels); }

// --only/--frame: one encode of one frame, instrumented for callgrind; 0 when it decodes.
int count_one(const std::vector<Frame>& frames, const std::string& encoder, const std::string& frame) {
  const Frame* f = nullptr;
  for (const Frame& x : frames) {
    if (x.name == frame) f = &x;
  }
  const Encoder* e = nullptr;
  for (const Encoder& x : kEncoders) {
    if (encoder == name_of(x)) e = &x;
  }
  if (f == nullptr || e == nullptr) {
    fprintf(stderr, "unknown encoder or frame: '%s' '%s'\n", encoder.c_str(), frame.c_str());
    return 2;
  }
  std::vector<uint8_t> out(is_tinytb(*e) ? tinytb_capacity(*f) : 0);
  CALLGRIND_START_INSTRUMENTATION;
  const bool ok = encode(*e, *f, &out, nullptr);
  CALLGRIND_STOP_INSTRUMENTATION;
  std::string why;
  if (!ok || !same_pixels(out, *f, &why)) {
    fprintf(stderr, "FAIL %s %s: %s\n", encoder.c_str(), frame.c_str(), ok ? why.c_str() : "encode failed");
    return 1;
  }
  printf("%s | %s | %zu bytes\n", encoder.c_str(), frame.c_str(), out.size());
  return 0;
}

// "28x28 gray" of "mnist digit 0 28x28 gray": the frame's size and kind, its group.
std::string group_of(const std::string& frame) {
  const size_t kind = frame.rfind(' ');
  const size_t size = kind == std::string::npos || kind == 0 ? std::string::npos : frame.rfind(' ', kind - 1);
  return size == std::string::npos ? frame : frame.substr(size + 1);
}

struct Goal {
  std::string text;
  double value, limit;
};

}  // namespace

int main(int argc, char** argv) {
  std::string data = "examples/data", json, only, only_frame;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--data") == 0) data = argv[i + 1];
    if (strcmp(argv[i], "--json") == 0) json = argv[i + 1];
    if (strcmp(argv[i], "--only") == 0) only = argv[i + 1];
    if (strcmp(argv[i], "--frame") == 0) only_frame = argv[i + 1];
  }
  std::string error;
  const std::vector<Frame> frames = tinytb_test::load_frames(data, &error);
  if (frames.empty()) {
    fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }
  if (!only.empty() || !only_frame.empty()) return count_one(frames, only, only_frame);
  const size_t idle = idle_stack();
  std::vector<Result> results;
  int failures = 0;
  for (const Frame& f : frames) {
    for (Encoder e : kEncoders) {
      Result r{name_of(e), f.name};
      std::vector<uint8_t> out(is_tinytb(e) ? tinytb_capacity(f) : 0);
      StackRun run{e, &f, &out, 0, false};
      const size_t stack = painted_stack(stack_thread, &run);
      if (!run.ok) {
        fprintf(stderr, "%s failed on %s\n", r.encoder.c_str(), f.name.c_str());
        return 2;
      }
      std::string why;
      if (!same_pixels(out, f, &why)) {
        fprintf(stderr, "FAIL %s %s: %s\n", r.encoder.c_str(), f.name.c_str(), why.c_str());
        ++failures;
      }
      r.bytes = out.size();
      r.stack = stack > idle ? stack - idle : 0;
      r.heap = run.heap;
      if (is_tinytb(e)) {
        r.state = sizeof(DeflateState);
        r.output = sizeof(g_window);
      }
      results.push_back(r);
    }
    // Time: each encoder's time is its best round; its ratio to lodepng the median over
    // the rounds of the two batches' ratio in that round (robust to the load changing).
    const size_t first = results.size() - 4;
    std::vector<uint8_t> buf;
    buf.reserve(tinytb_capacity(f));
    auto once = [&](Encoder e) {
      if (is_tinytb(e)) {
        (void)encode(e, f, &buf, nullptr);
      } else {
        std::vector<uint8_t> p;
        (void)encode(e, f, &p, nullptr);
      }
    };
    size_t per[4];
    for (int k = 0; k < 4; ++k) per[k] = batch_size([&] { once(kEncoders[k]); });
    double t[4][kRounds];
    for (int round = 0; round < kRounds; ++round) {
      for (int k = 0; k < 4; ++k) t[k][round] = batch_micros([&] { once(kEncoders[k]); }, per[k]);
    }
    for (int k = 0; k < 4; ++k) {
      double ratios[kRounds];
      results[first + k].micros = *std::min_element(t[k], t[k] + kRounds);
      for (int round = 0; round < kRounds; ++round) ratios[round] = t[k][round] / t[0][round];
      std::sort(ratios, ratios + kRounds);
      results[first + k].time_ratio = ratios[kRounds / 2];
    }
  }

  // Per frame: the references' results, for the ratios.
  auto find = [&](const std::string& encoder, const std::string& frame) -> const Result& {
    for (const Result& r : results) {
      if (r.encoder == encoder && r.frame == frame) return r;
    }
    return results.front();  // unreachable: every encoder ran on every frame
  };
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };

  printf("| encoder | frame | bytes | size / lodepng | size / libpng 6 | encode us | time / lodepng | working memory |\n");
  printf("|---|---|---:|---:|---:|---:|---:|---:|\n");
  for (const Result& r : results) {
    const Result& lode = find("lodepng default", r.frame);
    const Result& lib = find("libpng level 6", r.frame);
    char mem[128];
    if (r.state != 0) {
      snprintf(mem, sizeof(mem), "%zu B (%zu state + %zu stack + %zu output)", r.memory(), r.state, r.stack,
               r.output);
    } else {
      snprintf(mem, sizeof(mem), "%zu B (%zu peak heap + %zu stack)", r.memory(), r.heap, r.stack);
    }
    printf("| %s | %s | %zu | %.3f | %.3f | %.1f | %.3f | %s |\n", r.encoder.c_str(), r.frame.c_str(), r.bytes,
           ratio(static_cast<double>(r.bytes), static_cast<double>(lode.bytes)),
           ratio(static_cast<double>(r.bytes), static_cast<double>(lib.bytes)), r.micros, r.time_ratio, mem);
  }

  // The goals of issue 15 that the host measures, each over every frame.
  std::vector<std::string> groups;
  for (const Frame& f : frames) {
    if (std::find(groups.begin(), groups.end(), group_of(f.name)) == groups.end()) groups.push_back(group_of(f.name));
  }
  double worst_group = 0, worst_frame = 0, worst_fast = 0, worst_time = 0, worst_fast_time = 0;
  size_t worst_memory = 0;
  std::string worst_group_name, worst_frame_name, worst_fast_name, worst_memory_name;
  printf("\n| frame group | tinytb bytes | libpng 6 bytes | tinytb / libpng 6 | tinytb fast / lodepng |\n");
  printf("|---|---:|---:|---:|---:|\n");
  for (const std::string& g : groups) {
    size_t ours = 0, lib = 0, fast = 0, lode = 0;
    for (const Frame& f : frames) {
      if (group_of(f.name) != g) continue;
      ours += find("tinytb", f.name).bytes;
      lib += find("libpng level 6", f.name).bytes;
      fast += find("tinytb fast", f.name).bytes;
      lode += find("lodepng default", f.name).bytes;
    }
    const double q = ratio(static_cast<double>(ours), static_cast<double>(lib));
    printf("| %s | %zu | %zu | %.4f | %.4f |\n", g.c_str(), ours, lib, q,
           ratio(static_cast<double>(fast), static_cast<double>(lode)));
    if (q > worst_group) {
      worst_group = q;
      worst_group_name = g;
    }
  }
  for (const Frame& f : frames) {
    const Result& lode = find("lodepng default", f.name);
    const Result& lib = find("libpng level 6", f.name);
    const Result& ours = find("tinytb", f.name);
    const Result& fast = find("tinytb fast", f.name);
    const double q = ratio(static_cast<double>(ours.bytes), static_cast<double>(lib.bytes));
    if (q > worst_frame) {
      worst_frame = q;
      worst_frame_name = f.name;
    }
    const double qf = ratio(static_cast<double>(fast.bytes), static_cast<double>(lode.bytes));
    if (qf > worst_fast) {
      worst_fast = qf;
      worst_fast_name = f.name;
    }
    worst_time = std::max(worst_time, ours.time_ratio);
    worst_fast_time = std::max(worst_fast_time, fast.time_ratio);
    for (const Result* r : {&ours, &fast}) {
      if (r->memory() > worst_memory) {
        worst_memory = r->memory();
        worst_memory_name = r->encoder + ", " + f.name;
      }
    }
  }
  const Goal goals[] = {
      {"tinytb (kCompressed) bytes <= 1.00x libpng level 6, summed per frame group (worst: " + worst_group_name + ")",
       worst_group, 1.00},
      {"tinytb (kCompressed) bytes <= 1.03x libpng level 6, worst frame (" + worst_frame_name + ")", worst_frame, 1.03},
      {"tinytb fast bytes <= 1.05x lodepng default, worst frame (" + worst_fast_name + ")", worst_fast, 1.05},
      {"tinytb (kCompressed) host time <= 0.10x lodepng default, worst frame", worst_time, 0.10},
      {"tinytb fast host time <= 0.10x lodepng default, worst frame", worst_fast_time, 0.10},
      {"working memory <= 16 KiB, every frame (state + stack + output held; worst: " + worst_memory_name + ")",
       static_cast<double>(worst_memory), 16384},
  };
  printf("\n| goal | value | limit | |\n|---|---:|---:|---|\n");
  for (const Goal& g : goals) {
    printf("| %s | %.4g | %g | %s |\n", g.text.c_str(), g.value, g.limit, g.value <= g.limit ? "met" : "**missed**");
  }

  if (!json.empty()) {
    // The "host" fragment of the bench report (shared schema: one row per encoder and
    // frame, metrics named bytes, size_ratio, time_us, time_ratio, memory_bytes, memory_note).
    FILE* j = fopen(json.c_str(), "w");
    if (j == nullptr) return 2;
    fprintf(j,
            "{\n  \"part\": \"host\",\n  \"title\": \"x86-64 encode time (this thread's CPU time; 9 rounds of interleaved "
            "~20 ms batches: best round, ratio = median of the rounds' ratios), PNG bytes and working memory per frame; lodepng %s default settings and %s at level 6; "
            "-O2\",\n  \"encoders\": [\n",
            tinytb_test::lodepng_ref::LODEPNG_VERSION_STRING, tinytb_test::libpng_reference_version());
    for (size_t i = 0; i < results.size(); ++i) {
      const Result& r = results[i];
      const Result& lode = find("lodepng default", r.frame);
      const Result& lib = find("libpng level 6", r.frame);
      char note[128];
      if (r.state != 0) {
        snprintf(note, sizeof(note), "%zu state + %zu stack + %zu output", r.state, r.stack, r.output);
      } else {
        snprintf(note, sizeof(note), "%zu peak heap + %zu stack", r.heap, r.stack);
      }
      fprintf(j,
              "    {\"encoder\": \"%s\", \"frame\": \"%s\", \"bytes\": %zu, \"size_ratio\": %.4f, "
              "\"size_ratio_libpng\": %.4f, \"time_us\": %.2f, \"time_ratio\": %.4f, \"memory_bytes\": %zu, "
              "\"memory_note\": \"%s\"}%s\n",
              r.encoder.c_str(), r.frame.c_str(), r.bytes,
              ratio(static_cast<double>(r.bytes), static_cast<double>(lode.bytes)),
              ratio(static_cast<double>(r.bytes), static_cast<double>(lib.bytes)), r.micros, r.time_ratio,
              r.memory(), note, i + 1 < results.size() ? "," : "");
    }
    fprintf(j, "  ],\n  \"writers\": [],\n  \"goals\": [\n");
    const size_t n = sizeof(goals) / sizeof(goals[0]);
    for (size_t i = 0; i < n; ++i) {
      const Goal& g = goals[i];
      fprintf(j, "    {\"goal\": \"%s\", \"value\": %.4f, \"limit\": %g, \"met\": %s}%s\n", g.text.c_str(), g.value,
              g.limit, g.value <= g.limit ? "true" : "false", i + 1 < n ? "," : "");
    }
    fprintf(j, "  ],\n  \"deflate_state_bytes\": %zu\n}\n", sizeof(DeflateState));
    fclose(j);
  }
  printf("\n%d decode mismatches\n", failures);
  return failures == 0 ? 0 : 1;
}
