// tinytb compat fixture: histograms, audio and text through the POSIX sink, plus a
// manifest holding the raw inputs, from which tests/tensorboard/histogram_audio.py computes
// the expected tensors on its own (and checks TensorBoard's own histogram code agrees).
//
//   build/compat/histogram_audio_writer --logdir DIR --manifest PATH
//
// Runs (all under DIR):
//   kws      a keyword spotter: int8 softmax scores (scale 1/256, zero point -128) and
//            float logits with NaN/Inf as histograms every step, int16 microphone clips,
//            float stereo chimes that clip (2 clips a step), labelled clips ([k, 2]),
//            a class-score table
//   camera   a 96x80 uint8 frame fed row by row: TF2's rule in two passes, a fixed
//            range in one pass, caller edges, quantised int16/int32 inputs, a constant
//            frame (every edge equal), a frame of NaNs (k rows of zeros), and a
//            60-step series (more than the 51 points the histogram route serves)
//
// Refused calls are checked for their exact Status and never reach the manifest. The
// exit status is 0 only if every Status and every count was the expected one.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <string>
#include <vector>

#include "manifest.h"
#include "posix_sink.h"
#include "tinytb/tinytb.h"

namespace {

using tinytb::AudioClip;
using tinytb::Quantization;
using tinytb::Status;
using tinytb::Values;

tinytb_test::Manifest g_manifest;
std::string g_logdir;
int g_failures = 0;
int g_refusals = 0;

bool expect(Status got, Status want, const std::string& what, int line) {
  if (got == want) return true;
  fprintf(stderr, "histogram_audio_writer.cc:%d: %s returned \"%s\", expected \"%s\"\n", line, what.c_str(),
          tinytb::status_name(got), tinytb::status_name(want));
  ++g_failures;
  return false;
}

void check(bool ok, const std::string& what, int line) {
  if (ok) return;
  fprintf(stderr, "histogram_audio_writer.cc:%d: check failed: %s\n", line, what.c_str());
  ++g_failures;
}

#define EXPECT_OK(call) (void)expect((call), Status::kOk, #call, __LINE__)
#define EXPECT_REFUSED(want, call)                 \
  do {                                             \
    ++g_refusals;                                  \
    (void)expect((call), (want), #call, __LINE__); \
  } while (0)
#define CHECK(cond) check((cond), #cond, __LINE__)

// ---- logging that also fills the manifest ----------------------------------------------------

// Logs `h` (already filled from `inputs`) and records it if it was accepted.
void histogram(tinytb::Scope& scope, const std::string& run, const char* name, int64_t step,
               const tinytb::HistogramBase& h, const std::string& placement,
               std::initializer_list<Values> inputs, int line) {
  const std::string tag = std::string(scope.prefix()) + "/" + name;
  if (expect(scope.histogram(name, step, h), Status::kOk, run + ": histogram " + tag, line)) {
    g_manifest.histogram(run, tag, step, placement, inputs);
  }
}
#define HISTOGRAM(scope, run, name, step, h, placement, ...) \
  histogram(scope, run, name, step, h, placement, {__VA_ARGS__}, __LINE__)

void audio(tinytb::Scope& scope, const std::string& run, const char* name, int64_t step, const AudioClip* clips,
           size_t count, uint32_t rate, uint16_t channels, int line) {
  const std::string tag = std::string(scope.prefix()) + "/" + name;
  if (expect(scope.audio(name, step, clips, count, rate, channels), Status::kOk, run + ": audio " + tag, line)) {
    g_manifest.audio(run, tag, step, rate, channels, clips, count);
  }
}
#define AUDIO(scope, run, name, step, clips, count, rate, channels) \
  audio(scope, run, name, step, clips, count, rate, channels, __LINE__)

void table(tinytb::Scope& scope, const std::string& run, const char* name, int64_t step, const char* const* cells,
           size_t rows, size_t cols, int line) {
  const std::string tag = std::string(scope.prefix()) + "/" + name;
  if (expect(scope.text_table(name, step, cells, rows, cols), Status::kOk, run + ": table " + tag, line)) {
    g_manifest.table(run, tag, step, cells, rows, cols);
  }
}
#define TABLE(scope, run, name, step, cells, rows, cols) table(scope, run, name, step, cells, rows, cols, __LINE__)

// ---- deterministic data ----------------------------------------------------------------------

struct Lcg {
  uint32_t state;
  uint32_t next() { return state = state * 1664525u + 1013904223u; }
  float uniform() { return static_cast<float>(next() >> 8) * (1.0f / 16777216.0f); }
};

tinytb::WriterOptions options(const char* run) {
  tinytb::WriterOptions o;
  o.logdir = g_logdir.c_str();
  o.run = run;
  o.host = "compat";
  o.form = tinytb_test::fixture_form();
  o.file_stamp = 3;  // no clock: the boot counter names the file
  o.max_queue = 4;
  return o;
}

// ---- kws: a keyword spotter --------------------------------------------------------------------

constexpr size_t kClasses = 12;
const char* const kLabels[kClasses] = {"silence", "unknown", "yes", "no",   "up",   "down",
                                       "left",    "right",   "on",  "off",  "stop", "go"};

tinytb::PosixSink g_kws_sink;
tinytb::EventWriter<16384, 16, 48> g_kws;
tinytb::Histogram<30> g_scores;
tinytb::Histogram<16> g_logits;

void kws_run() {
  const char* run = "kws";
  EXPECT_OK(g_kws.open(g_kws_sink, options(run)));
  tinytb::Scope model(g_kws, "model");
  tinytb::Scope mic(g_kws, "mic");
  tinytb::Scope speaker(g_kws, "speaker");
  Lcg rng{99};
  const Quantization softmax{1.0f / 256.0f, -128};

  for (int64_t step = 0; step < 8; ++step) {
    // int8 softmax scores: one class high, the rest low, as TFLite Micro leaves them.
    int8_t scores[kClasses];
    const size_t top = static_cast<size_t>(step) % kClasses;
    for (size_t c = 0; c < kClasses; ++c) {
      scores[c] = static_cast<int8_t>(c == top ? 100 - static_cast<int>(step) : -128 + static_cast<int>(rng.next() % 20));
    }
    EXPECT_OK(g_scores.compute({scores, kClasses, softmax}));
    HISTOGRAM(model, run, "scores", step, g_scores, "\"buckets\": 30", Values(scores, kClasses, softmax));

    // float logits with non-finite values: skipped, counted.
    float logits[40];
    for (size_t i = 0; i < 40; ++i) logits[i] = 8.0f * rng.uniform() - 4.0f + 0.1f * static_cast<float>(step);
    logits[3] = NAN;
    logits[17] = INFINITY;
    logits[29] = -INFINITY;
    EXPECT_OK(g_logits.compute({logits, 40}));
    CHECK(g_logits.nonfinite() == 3 && g_logits.count() == 37);
    HISTOGRAM(model, run, "logits", step, g_logits, "\"buckets\": 16", Values(logits, 40));

    // 0.1 s of 16 kHz microphone audio: a tone that changes with the step.
    static int16_t pcm[1600];
    for (size_t i = 0; i < 1600; ++i) {
      const float t = static_cast<float>(i) / 16000.0f;
      pcm[i] = static_cast<int16_t>(12000.0f * sinf(6.2831853f * (300.0f + 50.0f * static_cast<float>(step)) * t) +
                                    static_cast<float>(static_cast<int>(rng.next() % 200) - 100));
    }
    const AudioClip clip(pcm, 1600);
    AUDIO(mic, run, "clip", step, &clip, 1, 16000, 1);

    // Two float stereo chimes at 8 kHz that overshoot [-1, 1]: clipped.
    static float left_right[2][2 * 400];
    for (size_t c = 0; c < 2; ++c) {
      for (size_t i = 0; i < 400; ++i) {
        const float t = static_cast<float>(i) / 8000.0f;
        left_right[c][2 * i] = 1.3f * sinf(6.2831853f * 880.0f * t) * expf(-8.0f * t);
        left_right[c][2 * i + 1] = (c == 0 ? 0.5f : -0.25f) * sinf(6.2831853f * 660.0f * t);
      }
    }
    left_right[1][5] = NAN;  // becomes 0
    const AudioClip chimes[] = {AudioClip(left_right[0], 400), AudioClip(left_right[1], 400)};
    if (step % 2 == 0) AUDIO(speaker, run, "chime", step, chimes, 2, 8000, 2);

    // Labelled clips: shape [k, 2].
    if (step < 3) {
      const AudioClip labelled[] = {AudioClip(pcm, 800, "**yes** heard (score 0.96)"),
                                    AudioClip(pcm + 800, 800, step == 1 ? "" : "caf\xc3\xa9 \xe2\x9c\x93")};
      AUDIO(mic, run, "labelled", step, labelled, 2, 16000, 1);
    }

    // The class scores as a table.
    char score_text[kClasses][16];
    const char* cells[2 + 2 * 3] = {"class", "score"};
    for (size_t r = 0; r < 3; ++r) {
      const size_t c = (top + r) % kClasses;
      snprintf(score_text[r], sizeof(score_text[r]), "%.4f",
               static_cast<double>(softmax.scale) * (scores[c] - softmax.zero_point));
      cells[2 + 2 * r] = kLabels[c];
      cells[3 + 2 * r] = score_text[r];
    }
    TABLE(model, run, "top_classes", step, cells, 4, 2);
  }

  // Refused: nothing reaches the file, the writer stays usable.
  const int16_t pcm[] = {1, 2, 3};
  const AudioClip ok_clip(pcm, 3);
  const AudioClip empty_clip(pcm, 0);
  EXPECT_REFUSED(Status::kInvalidArgument, mic.audio("clip", 100, &ok_clip, 1, 0));
  EXPECT_REFUSED(Status::kInvalidArgument, mic.audio("clip", 100, &ok_clip, 0, 16000));
  EXPECT_REFUSED(Status::kInvalidArgument, mic.audio("clip", 100, nullptr, 1, 16000));
  EXPECT_REFUSED(Status::kInvalidArgument, mic.audio("clip", 100, &empty_clip, 1, 16000));
  EXPECT_REFUSED(Status::kInvalidArgument, mic.audio("clip", 100, &ok_clip, 1, 16000, 3));
  EXPECT_REFUSED(Status::kStepNotIncreasing, mic.audio("clip", 7, &ok_clip, 1, 16000));
  // 18 044 bytes of WAV, more than the whole 16 KiB queue: the record streams to the sink
  // (docs/storage.md, "Records larger than the queue") and reads back like any other.
  static int16_t long_samples[9000];
  for (size_t i = 0; i < 9000; ++i) long_samples[i] = static_cast<int16_t>((i * 37) % 2001 - 1000);
  const AudioClip long_clip(long_samples, 9000);
  AUDIO(mic, run, "clip", 100, &long_clip, 1, 16000, 1);
  EXPECT_REFUSED(Status::kStepNotIncreasing, model.histogram("scores", 3, g_scores));
  EXPECT_REFUSED(Status::kInvalidArgument, g_scores.compute({static_cast<const int8_t*>(nullptr), 12, softmax}));
  EXPECT_REFUSED(Status::kInvalidArgument, g_scores.compute({pcm, 0}));
  EXPECT_REFUSED(Status::kInvalidArgument, g_scores.reset(0));
  EXPECT_OK(g_kws.close());
}

// ---- camera: frame pixels ------------------------------------------------------------------------

constexpr size_t kWidth = 96, kHeight = 80;
uint8_t g_frame[kWidth * kHeight];

tinytb::PosixSink g_camera_sink;
tinytb::EventWriter<8192, 16, 48> g_camera;
tinytb::Histogram<30> g_pixels;
tinytb::Histogram<32> g_fixed;
tinytb::Histogram<8> g_edges;
tinytb::Histogram<10> g_small;

const double kExposureEdges[] = {0.0, 16.0, 64.0, 128.0, 192.0, 240.0, 255.0};

void camera_run() {
  const char* run = "camera";
  EXPECT_OK(g_camera.open(g_camera_sink, options(run)));
  tinytb::Scope frame(g_camera, "frame");
  tinytb::Scope sensor(g_camera, "sensor");
  Lcg rng{7};
  EXPECT_OK(g_fixed.reset_range(0.0, 256.0, 32));
  EXPECT_OK(g_edges.reset_edges(kExposureEdges, 6));

  for (int64_t step = 0; step < 4; ++step) {
    // A gradient with a bright blob and noise, darker every step.
    for (size_t y = 0; y < kHeight; ++y) {
      for (size_t x = 0; x < kWidth; ++x) {
        const float blob = (x > 30 && x < 60 && y > 20 && y < 50) ? 120.0f : 0.0f;
        const float v = (static_cast<float>(x + y) + blob) * (1.0f - 0.2f * static_cast<float>(step)) +
                        static_cast<float>(rng.next() % 16);
        g_frame[y * kWidth + x] = static_cast<uint8_t>(v > 255.0f ? 255.0f : v);
      }
    }
    const Values all(g_frame, kWidth * kHeight);
    // TF2's rule, row by row: pass 1 finds the range, pass 2 counts.
    g_pixels.clear();
    for (size_t y = 0; y < kHeight; ++y) EXPECT_OK(g_pixels.scan({g_frame + y * kWidth, kWidth}));
    for (size_t y = 0; y < kHeight; ++y) EXPECT_OK(g_pixels.add({g_frame + y * kWidth, kWidth}));
    CHECK(g_pixels.count() == kWidth * kHeight && g_pixels.out_of_range() == 0);
    HISTOGRAM(frame, run, "pixels", step, g_pixels, "\"buckets\": 30", all);

    // A fixed range, one pass, as a DMA'd frame that cannot be read twice would need.
    g_fixed.clear();
    for (size_t y = 0; y < kHeight; ++y) EXPECT_OK(g_fixed.add({g_frame + y * kWidth, kWidth}));
    HISTOGRAM(frame, run, "pixels_fixed_range", step, g_fixed, "\"range\": [0, 256], \"buckets\": 32", all);

    // Caller edges (exposure zones), on the pixels scaled to [0, 255] reals.
    EXPECT_OK(g_edges.compute(all));
    HISTOGRAM(frame, run, "exposure_zones", step, g_edges,
              "\"edges\": [0, 16, 64, 128, 192, 240, 255]", all);

    // Quantised int16 and int32 sensor readings in one histogram, two chunks.
    int16_t temps[50];
    int32_t accel[30];
    for (size_t i = 0; i < 50; ++i) temps[i] = static_cast<int16_t>(2500 + static_cast<int>(rng.next() % 400) - 200);
    for (size_t i = 0; i < 30; ++i) accel[i] = static_cast<int32_t>(rng.next() % 200000) - 100000;
    const Quantization celsius{0.01f, 0}, g_units{1.0f / 16384.0f, 12};
    g_small.clear();
    EXPECT_OK(g_small.scan({temps, 50, celsius}));
    EXPECT_OK(g_small.scan({accel, 30, g_units}));
    EXPECT_OK(g_small.add({temps, 50, celsius}));
    EXPECT_OK(g_small.add({accel, 30, g_units}));
    HISTOGRAM(sensor, run, "mixed", step, g_small, "\"buckets\": 10", Values(temps, 50, celsius),
              Values(accel, 30, g_units));
  }

  // Every value equal: every edge is the value, only the last bucket counts.
  static uint8_t flat[kWidth * kHeight];
  memset(flat, 42, sizeof(flat));
  EXPECT_OK(g_pixels.compute({flat, sizeof(flat)}));
  HISTOGRAM(frame, run, "flat", 0, g_pixels, "\"buckets\": 30", Values(flat, sizeof(flat)));

  // No finite value: k rows of zeros.
  const float nans[] = {NAN, NAN, INFINITY};
  EXPECT_OK(g_pixels.compute({nans, 3}));
  HISTOGRAM(frame, run, "no_data", 0, g_pixels, "\"buckets\": 30", Values(nans, 3));

  // 60 steps: more than the histogram route's 51 points.
  for (int64_t step = 0; step < 60; ++step) {
    float v[20];
    for (size_t i = 0; i < 20; ++i) v[i] = static_cast<float>(step) + 3.0f * rng.uniform();
    EXPECT_OK(g_small.reset(4));
    EXPECT_OK(g_small.compute({v, 20}));
    HISTOGRAM(sensor, run, "drift", step * 10, g_small, "\"buckets\": 4", Values(v, 20));
  }
  EXPECT_OK(g_camera.close());
}

}  // namespace

int main(int argc, char** argv) {
  const char* manifest_path = nullptr;
  if (!tinytb_test::parse_fixture_args(argc, argv, "histogram_audio_writer", &g_logdir, &manifest_path)) return 2;

  kws_run();
  camera_run();

  if (!g_manifest.write(manifest_path)) return 1;
  printf("histogram_audio_writer: %zu points in the manifest, %d refused calls checked, %d unexpected\n",
         g_manifest.points(), g_refusals, g_failures);
  return g_failures == 0 ? 0 : 1;
}
