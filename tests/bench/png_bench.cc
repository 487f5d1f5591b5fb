// tinytb: `make bench` — the compressed-PNG encoders side by side on the benchmark frames.
//
// For every frame: lodepng with its default settings (the reference), then tinytb's
// small-window deflate at its default and fast levels. Per encoder and frame: PNG bytes
// and the ratio to lodepng's, encode time and the ratio to lodepng's (same run, same
// frame), and working memory beyond the frame: lodepng's peak heap, and for tinytb its
// state object plus the peak stack of the call (measured by painting a thread's stack).
// Every output is decoded by lodepng and compared with the frame; a mismatch fails.
// Prints one table; --json writes the same figures as the "host" fragment of the bench
// report (docs/png.md; the schema is shared by every bench part).
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

struct Result {
  std::string encoder, frame;
  size_t bytes = 0;
  double micros = 0;
  size_t memory = 0;
  size_t stack = 0;
};

// This thread's CPU time in microseconds: on a shared machine, time spent descheduled
// would otherwise land on whichever encoder happened to be running.
double cpu_micros() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

template <typename F>
double time_micros(F&& encode) {
  // Batches of about 20 ms; the best batch's mean (least disturbed by the machine).
  size_t per = 1;
  for (;;) {
    const double t0 = cpu_micros();
    for (size_t i = 0; i < per; ++i) encode();
    const double us = cpu_micros() - t0;
    if (us > 20000 || per > 100000) break;
    per *= 2;
  }
  double best = 1e300;
  for (int b = 0; b < 7; ++b) {
    const double t0 = cpu_micros();
    for (size_t i = 0; i < per; ++i) encode();
    best = std::min(best, (cpu_micros() - t0) / static_cast<double>(per));
  }
  return best;
}

// The peak stack of one tinytb encode: run it on a thread whose stack is painted first.
struct StackRun {
  const Frame* frame;
  DeflateLevel level;
  std::vector<uint8_t>* out;
  size_t size;
  tinytb::Status status;
};
void* stack_thread(void* arg) {
  StackRun* r = static_cast<StackRun*>(arg);
  r->status = tinytb::detail::png_deflate_encode(r->frame->pixels.data(), r->frame->width, r->frame->height,
                                                 static_cast<uint8_t>(r->frame->channels),
                                                 static_cast<size_t>(r->frame->width) * r->frame->channels, r->level,
                                                 &g_state, r->out->data(), r->out->size(), &r->size);
  return nullptr;
}
// Bytes of a fresh, painted 256 KiB stack that `fn(arg)` touched when run in a thread.
size_t painted_stack(void* (*fn)(void*), void* arg) {
  const size_t kStack = 256 * 1024;
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
size_t peak_stack(StackRun* run) { return painted_stack(stack_thread, run); }
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

// --only/--frame: one encode of one frame, instrumented for callgrind; 0 when it decodes.
int count_one(const std::vector<Frame>& frames, const std::string& encoder, const std::string& frame) {
  const Frame* f = nullptr;
  for (const Frame& x : frames) {
    if (x.name == frame) f = &x;
  }
  if (f == nullptr || (encoder != "lodepng default" && encoder != "tinytb" && encoder != "tinytb fast")) {
    fprintf(stderr, "unknown encoder or frame: '%s' '%s'\n", encoder.c_str(), frame.c_str());
    return 2;
  }
  std::vector<uint8_t> out;
  bool ok = false;
  if (encoder == "lodepng default") {
    CALLGRIND_START_INSTRUMENTATION;
    ok = tinytb_test::lodepng_reference_encode(f->pixels.data(), f->width, f->height, f->channels, &out, nullptr);
    CALLGRIND_STOP_INSTRUMENTATION;
  } else {
    out.resize(tinytb::detail::png_deflate_max_bytes(f->width, f->height, f->channels));
    size_t size = 0;
    const DeflateLevel level = encoder == "tinytb" ? DeflateLevel::kDefault : DeflateLevel::kFast;
    CALLGRIND_START_INSTRUMENTATION;
    const tinytb::Status st = tinytb::detail::png_deflate_encode(
        f->pixels.data(), f->width, f->height, static_cast<uint8_t>(f->channels),
        static_cast<size_t>(f->width) * f->channels, level, &g_state, out.data(), out.size(), &size);
    CALLGRIND_STOP_INSTRUMENTATION;
    ok = st == tinytb::Status::kOk;
    out.resize(size);
  }
  std::string why;
  if (!ok || !same_pixels(out, *f, &why)) {
    fprintf(stderr, "FAIL %s %s: %s\n", encoder.c_str(), frame.c_str(), ok ? why.c_str() : "encode failed");
    return 1;
  }
  printf("%s | %s | %zu bytes\n", encoder.c_str(), frame.c_str(), out.size());
  return 0;
}

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
    Result ref{"lodepng default", f.name};
    std::vector<uint8_t> png;
    if (!tinytb_test::lodepng_reference_encode(f.pixels.data(), f.width, f.height, f.channels, &png, &ref.memory)) {
      fprintf(stderr, "lodepng failed on %s\n", f.name.c_str());
      return 2;
    }
    ref.bytes = png.size();
    ref.micros = time_micros([&] {
      std::vector<uint8_t> p;
      (void)tinytb_test::lodepng_reference_encode(f.pixels.data(), f.width, f.height, f.channels, &p, nullptr);
    });
    results.push_back(ref);
    for (DeflateLevel level : {DeflateLevel::kDefault, DeflateLevel::kFast}) {
      Result r{level == DeflateLevel::kDefault ? "tinytb" : "tinytb fast", f.name};
      std::vector<uint8_t> out(static_cast<size_t>(f.width) * f.height * f.channels * 2 + 1024);
      StackRun run{&f, level, &out, 0, tinytb::Status::kEncodeError};
      const size_t stack = peak_stack(&run);
      if (run.status != tinytb::Status::kOk) {
        fprintf(stderr, "tinytb failed on %s\n", f.name.c_str());
        return 2;
      }
      out.resize(run.size);
      std::string why;
      if (!same_pixels(out, f, &why)) {
        fprintf(stderr, "FAIL %s %s: %s\n", r.encoder.c_str(), f.name.c_str(), why.c_str());
        ++failures;
      }
      r.bytes = run.size;
      r.stack = stack > idle ? stack - idle : 0;
      r.memory = sizeof(DeflateState) + r.stack;
      std::vector<uint8_t> buf(out.capacity());
      r.micros = time_micros([&] {
        size_t size = 0;
        (void)tinytb::detail::png_deflate_encode(f.pixels.data(), f.width, f.height, static_cast<uint8_t>(f.channels),
                                                 static_cast<size_t>(f.width) * f.channels, level, &g_state,
                                                 buf.data(), buf.size(), &size);
      });
      results.push_back(r);
    }
  }

  printf("| encoder | frame | bytes | size / lodepng | encode us | time / lodepng | working memory |\n");
  printf("|---|---|---:|---:|---:|---:|---:|\n");
  const Result* ref = nullptr;
  for (const Result& r : results) {
    if (r.encoder == "lodepng default") ref = &r;
    char mem[64];
    if (r.stack != 0) {
      snprintf(mem, sizeof(mem), "%zu B (%zu state + %zu stack)", r.memory, r.memory - r.stack, r.stack);
    } else {
      snprintf(mem, sizeof(mem), "%zu B (peak heap)", r.memory);
    }
    printf("| %s | %s | %zu | %.3f | %.1f | %.3f | %s |\n", r.encoder.c_str(), r.frame.c_str(), r.bytes,
           static_cast<double>(r.bytes) / static_cast<double>(ref->bytes), r.micros, r.micros / ref->micros, mem);
  }
  if (!json.empty()) {
    // The "host" fragment of the bench report (shared schema: one row per encoder and
    // frame, metrics named bytes, size_ratio, time_us, time_ratio, memory_bytes, memory_note).
    FILE* j = fopen(json.c_str(), "w");
    if (j == nullptr) return 2;
    fprintf(j,
            "{\n  \"part\": \"host\",\n  \"title\": \"x86-64 encode time (best of 7 batches of this thread's CPU "
            "time), PNG bytes and working memory per frame; lodepng %s default settings; -O2\",\n  \"encoders\": [\n",
            tinytb_test::lodepng_ref::LODEPNG_VERSION_STRING);
    double worst_size[2] = {0, 0}, worst_time[2] = {0, 0};
    size_t worst_memory = 0;
    ref = nullptr;
    for (size_t i = 0; i < results.size(); ++i) {
      const Result& r = results[i];
      if (r.encoder == "lodepng default") ref = &r;
      const double size_ratio = static_cast<double>(r.bytes) / static_cast<double>(ref->bytes);
      const double time_ratio = r.micros / ref->micros;
      char note[96];
      if (r.stack != 0) {
        snprintf(note, sizeof(note), "%zu state + %zu peak stack", r.memory - r.stack, r.stack);
        const int k = r.encoder == "tinytb" ? 0 : 1;
        worst_size[k] = std::max(worst_size[k], size_ratio);
        worst_time[k] = std::max(worst_time[k], time_ratio);
        if (r.frame.find("96x96 gray") != std::string::npos || r.frame.find("160x120 RGB") != std::string::npos) {
          worst_memory = std::max(worst_memory, r.memory);
        }
      } else {
        snprintf(note, sizeof(note), "peak heap");
      }
      fprintf(j,
              "    {\"encoder\": \"%s\", \"frame\": \"%s\", \"bytes\": %zu, \"size_ratio\": %.4f, \"time_us\": %.2f, "
              "\"time_ratio\": %.4f, \"memory_bytes\": %zu, \"memory_note\": \"%s\"}%s\n",
              r.encoder.c_str(), r.frame.c_str(), r.bytes, size_ratio, r.micros, time_ratio, r.memory, note,
              i + 1 < results.size() ? "," : "");
    }
    struct Goal {
      const char* text;
      double value, limit;
    };
    const Goal goals[] = {
        {"tinytb size <= 1.05x lodepng default, worst frame", worst_size[0], 1.05},
        {"tinytb fast size <= 1.05x lodepng default, worst frame", worst_size[1], 1.05},
        {"tinytb host time <= 0.5x lodepng default, worst frame", worst_time[0], 0.5},
        {"tinytb fast host time <= 0.1x lodepng default, worst frame", worst_time[1], 0.1},
        {"working memory <= 16 KiB for 96x96 gray and 160x120 RGB (x86-64: state + peak stack)",
         static_cast<double>(worst_memory), 16384},
    };
    fprintf(j, "  ],\n  \"writers\": [],\n  \"goals\": [\n");
    for (size_t i = 0; i < sizeof(goals) / sizeof(goals[0]); ++i) {
      const Goal& g = goals[i];
      fprintf(j, "    {\"goal\": \"%s\", \"value\": %.4f, \"limit\": %g, \"met\": %s}%s\n", g.text, g.value, g.limit,
              g.value <= g.limit ? "true" : "false", i + 1 < sizeof(goals) / sizeof(goals[0]) ? "," : "");
    }
    fprintf(j, "  ],\n  \"deflate_state_bytes\": %zu\n}\n", sizeof(DeflateState));
    fclose(j);
  }
  printf("\n%d decode mismatches\n", failures);
  return failures == 0 ? 0 : 1;
}
