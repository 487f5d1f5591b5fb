// tinytb demo: the flight recorder and the layer-by-layer tensor inspector (debug_board.h).
#include "debug_board.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_data.h"
#include "posix_sink.h"
#include "tinytb/debug/flight_recorder.h"
#include "tinytb/debug/sampling.h"
#include "tinytb/debug/tensor_inspector.h"
#include "tinytb/tinytb.h"

namespace debug_board {
namespace {

using tinytb::HwcShape;
using tinytb::ImageView;
using tinytb::Status;
using tinytb::Values;

constexpr uint32_t kSide = demo_data::kPersonSide;  // 96

[[noreturn]] void die(const char* what, Status s) {
  fprintf(stderr, "demo: debug board: %s failed: %s\n", what, tinytb::status_name(s));
  exit(1);
}
void must(Status s, const char* what) {
  if (s != Status::kOk) die(what, s);
}

// A simulated board clock, as the rest of the demo has: 2026-01-01 plus the board's uptime.
uint64_t g_uptime_ms = 0;
tinytb::WallTime wall_time() {
  return tinytb::WallTime{1767225600 + static_cast<int64_t>(g_uptime_ms / 1000),
                          static_cast<uint32_t>(g_uptime_ms % 1000) * 1000000u};
}
uint64_t uptime_ms() { return g_uptime_ms; }

tinytb::WriterOptions options(const char* logdir, const char* run) {
  tinytb::WriterOptions o;
  o.logdir = logdir;
  o.run = run;
  o.host = "esp32s3";
  o.clock.wall_time = wall_time;
  o.clock.uptime_ms = uptime_ms;
  return o;
}

uint8_t g_person[kSide * kSide];  // the real frame, gray, top row first
tinytb::PosixSink g_sink;

// The camera at a light level (1 = the frame as it is), with a little sensor noise.
void expose(float light, uint32_t* seed, uint8_t* out) {
  for (uint32_t i = 0; i < kSide * kSide; ++i) {
    *seed = *seed * 1664525u + 1013904223u;
    const float noise = static_cast<float>(static_cast<int32_t>(*seed >> 29) - 3);  // -3..4
    const float v = roundf(static_cast<float>(g_person[i]) * light + noise);
    out[i] = static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
  }
}

float pixel_std(const uint8_t* p) {
  float sum = 0, sum2 = 0;
  for (uint32_t i = 0; i < kSide * kSide; ++i) sum += p[i];
  const float mean = sum / (kSide * kSide);
  for (uint32_t i = 0; i < kSide * kSide; ++i) sum2 += (p[i] - mean) * (p[i] - mean);
  return sqrtf(sum2 / (kSide * kSide));
}

// ---- the flight recorder -----------------------------------------------------------------------

constexpr int64_t kFlightFrames = 48;
constexpr float kLowConfidence = 0.7f;

using Recorder = tinytb::FlightRecorder<8, tinytb::flight_frame_bytes(kSide, kSide, 1), 2>;
Recorder g_recorder;
tinytb::PngEncoder<kSide, kSide, 1> g_frame_png;  // stored: a raw copy into the recorder's slot
tinytb::EventWriter<tinytb::image_record_bytes(48, kSide, kSide, 1) + 4096, 8, 48> g_flight_writer;
uint8_t g_frame[kSide * kSide];

// The room light: steady, then dimming from step 24 to step 40.
float light_at(int64_t step) {
  if (step < 24) return 1.0f;
  if (step >= 40) return 0.2f;
  return 1.0f - 0.8f * static_cast<float>(step - 24) / 16.0f;
}

void run_flight(const char* logdir, Result* result) {
  must(g_flight_writer.open(g_sink, options(logdir, "esp32s3-cam/flight")), "open esp32s3-cam/flight");
  g_recorder.set_clock(g_flight_writer.clock());
  static const char* const kLabels[] = {"person", "no person"};
  must(g_recorder.set_labels(kLabels, 2), "set_labels");
  tinytb::ScoreBelow low{kLowConfidence};

  uint32_t seed = 77;
  expose(1.0f, &seed, g_frame);
  const float full_std = pixel_std(g_frame);  // the contrast the model was trained at
  result->trigger_step = -1;
  for (int64_t step = 0; step < kFlightFrames; ++step) {
    g_uptime_ms += 100;  // 10 frames a second
    expose(light_at(step), &seed, g_frame);
    // The model: confident while the frame has the contrast it knows, unsure as it fades.
    const float gap = 8.0f * (pixel_std(g_frame) / full_std - 0.5f);
    float scores[2];
    scores[0] = 1.0f / (1.0f + expf(-gap));
    scores[1] = 1.0f - scores[0];
    const Values outputs(scores, 2);
    const ImageView view = ImageView::frame(tinytb::PixelFormat::kGray8, g_frame, kSide, kSide, kSide, sizeof(g_frame));
    must(g_recorder.record(step, view, g_frame_png, outputs), "record");
    if (result->trigger_step < 0 && low.sample(tinytb::Sample::top1(step, outputs))) {
      char note[96];
      snprintf(note, sizeof(note), "top score %.2f below %.2f; room light at %d%%",
               static_cast<double>(fmaxf(scores[0], scores[1])), static_cast<double>(kLowConfidence),
               static_cast<int>(lroundf(100.0f * light_at(step))));
      must(g_recorder.trigger(g_flight_writer, "low_confidence", note), "trigger");
      result->trigger_step = step;
    }
  }
  must(g_flight_writer.close(), "close esp32s3-cam/flight");
  result->first_kept = result->trigger_step < 0 ? -1 : result->trigger_step - 7;
  result->frames_written = result->trigger_step < 0 ? 0 : 8;
  result->recorder_bytes = Recorder::storage_bytes();
}

// ---- the layers: one small network, int8 and float32 --------------------------------------------

constexpr uint32_t kConv = kSide - 2;   // 94: 3x3, no padding
constexpr uint32_t kPool = kConv / 2;   // 47
constexpr uint32_t kCh = 4;
// Sobel x, Sobel y, Laplacian and a box blur: edges and light, what early layers learn.
const float kW[kCh][9] = {
    {-1, 0, 1, -2, 0, 2, -1, 0, 1},
    {-1, -2, -1, 0, 0, 0, 1, 2, 1},
    {0, 1, 0, 1, -4, 1, 0, 1, 0},
    {1.0f / 9, 1.0f / 9, 1.0f / 9, 1.0f / 9, 1.0f / 9, 1.0f / 9, 1.0f / 9, 1.0f / 9, 1.0f / 9},
};
const float kB[kCh] = {0.0f, 0.0f, 0.0f, -0.2f};
const float kDense[2][kCh] = {{3.0f, 3.0f, -2.0f, 2.0f}, {-3.0f, -3.0f, 2.0f, -2.0f}};
const float kDenseB[2] = {-0.5f, 0.5f};

// The int8 scales (TFLM: real = scale * (q - zero_point)).
constexpr float kS0 = 1.0f / 255;  // input, zero point -128: q = pixel - 128 exactly
constexpr float kS1 = 1.0f / 64;   // conv + ReLU output (0..2 as seen in calibration), zero point -128
constexpr float kS4 = 8.0f / 127;  // logits, zero point 0

int8_t sat8(float v) { return static_cast<int8_t>(v < -128 ? -128 : v > 127 ? 127 : v); }

struct Float32Net {
  float in[kSide * kSide];
  float conv[kConv * kConv * kCh];  // HWC
  float pool[kPool * kPool * kCh];
  float gap[kCh];
  float logits[2];
  void run(const uint8_t* pixels) {
    for (uint32_t i = 0; i < kSide * kSide; ++i) in[i] = pixels[i] / 255.0f;
    for (uint32_t y = 0; y < kConv; ++y)
      for (uint32_t x = 0; x < kConv; ++x)
        for (uint32_t c = 0; c < kCh; ++c) {
          float acc = kB[c];
          for (uint32_t k = 0; k < 9; ++k) acc += kW[c][k] * in[(y + k / 3) * kSide + x + k % 3];
          conv[(y * kConv + x) * kCh + c] = fmaxf(acc, 0.0f);
        }
    for (uint32_t y = 0; y < kPool; ++y)
      for (uint32_t x = 0; x < kPool; ++x)
        for (uint32_t c = 0; c < kCh; ++c) {
          float m = 0;
          for (uint32_t k = 0; k < 4; ++k) m = fmaxf(m, conv[((2 * y + k / 2) * kConv + 2 * x + k % 2) * kCh + c]);
          pool[(y * kPool + x) * kCh + c] = m;
        }
    for (uint32_t c = 0; c < kCh; ++c) {
      float s = 0;
      for (uint32_t i = 0; i < kPool * kPool; ++i) s += pool[i * kCh + c];
      gap[c] = s / (kPool * kPool);
    }
    for (uint32_t o = 0; o < 2; ++o) {
      logits[o] = kDenseB[o];
      for (uint32_t c = 0; c < kCh; ++c) logits[o] += kDense[o][c] * gap[c];
    }
  }
};

struct Int8Net {
  int8_t in[kSide * kSide];
  int8_t conv[kConv * kConv * kCh];
  int8_t pool[kPool * kPool * kCh];
  int8_t gap[kCh];
  int8_t logits[2];
  void run(const uint8_t* pixels) {
    for (uint32_t i = 0; i < kSide * kSide; ++i) in[i] = static_cast<int8_t>(pixels[i] - 128);
    // Weights per output channel, as TFLM's converter quantises conv weights.
    int8_t qw[kCh][9];
    float sw[kCh];
    int32_t qb[kCh];
    for (uint32_t c = 0; c < kCh; ++c) {
      float m = 0;
      for (float w : kW[c]) m = fmaxf(m, fabsf(w));
      sw[c] = m / 127;
      for (uint32_t k = 0; k < 9; ++k) qw[c][k] = sat8(roundf(kW[c][k] / sw[c]));
      qb[c] = static_cast<int32_t>(lroundf(kB[c] / (kS0 * sw[c])));
    }
    for (uint32_t y = 0; y < kConv; ++y)
      for (uint32_t x = 0; x < kConv; ++x)
        for (uint32_t c = 0; c < kCh; ++c) {
          int32_t acc = qb[c];
          for (uint32_t k = 0; k < 9; ++k) acc += qw[c][k] * (in[(y + k / 3) * kSide + x + k % 3] + 128);
          // Requantise to the output scale; the ReLU is the clamp at the zero point.
          conv[(y * kConv + x) * kCh + c] = sat8(roundf(static_cast<float>(acc) * kS0 * sw[c] / kS1) - 128);
        }
    for (uint32_t y = 0; y < kPool; ++y)
      for (uint32_t x = 0; x < kPool; ++x)
        for (uint32_t c = 0; c < kCh; ++c) {
          int8_t m = -128;
          for (uint32_t k = 0; k < 4; ++k) {
            const int8_t v = conv[((2 * y + k / 2) * kConv + 2 * x + k % 2) * kCh + c];
            m = v > m ? v : m;
          }
          pool[(y * kPool + x) * kCh + c] = m;
        }
    for (uint32_t c = 0; c < kCh; ++c) {
      int32_t s = 0;
      for (uint32_t i = 0; i < kPool * kPool; ++i) s += pool[i * kCh + c] + 128;
      gap[c] = sat8(roundf(static_cast<float>(s) / (kPool * kPool)) - 128);
    }
    float m = 0;
    for (const auto& row : kDense)
      for (float w : row) m = fmaxf(m, fabsf(w));
    const float sd = m / 127;
    for (uint32_t o = 0; o < 2; ++o) {
      int32_t acc = static_cast<int32_t>(lroundf(kDenseB[o] / (kS1 * sd)));
      for (uint32_t c = 0; c < kCh; ++c) acc += static_cast<int32_t>(lroundf(kDense[o][c] / sd)) * (gap[c] + 128);
      logits[o] = sat8(roundf(static_cast<float>(acc) * kS1 * sd / kS4));
    }
  }
};

Float32Net g_float;
Int8Net g_int8;
tinytb::EventWriter<64 * 1024, 48, 48> g_layer_writer;
tinytb::Histogram<30> g_histogram;
tinytb::StaticCanvas<200, 200, tinytb::CanvasFormat::kRgb888> g_canvas;
tinytb::PngEncoder<200, 200, 3, tinytb::PngMode::kCompressed> g_canvas_png;

constexpr float kLayerLight[] = {1.0f, 0.6f, 0.3f};  // step 0, 1, 2

void run_layers(const char* logdir, bool int8, Result* result) {
  const char* run = int8 ? "esp32s3-cam/layers/int8" : "esp32s3-cam/layers/float32";
  must(g_layer_writer.open(g_sink, options(logdir, run)), run);
  tinytb::TensorInspector inspector{g_layer_writer, g_histogram, &g_canvas, &g_canvas_png};
  for (int64_t step = 0; step < 3; ++step) {
    g_uptime_ms += 1000;
    uint32_t seed = 5;
    expose(kLayerLight[step], &seed, g_frame);
    // The per-operator hook an interpreter calls after each op (docs/debugging.md).
    const HwcShape in{kSide, kSide, 1}, conv{kConv, kConv, kCh}, pool{kPool, kPool, kCh};
    if (int8) {
      g_int8.run(g_frame);
      must(inspector.layer(step, 0, "input", Values(g_int8.in, kSide * kSide, {kS0, -128}), in), "layer 0");
      must(inspector.layer(step, 1, "conv_relu", Values(g_int8.conv, sizeof(g_int8.conv), {kS1, -128}), conv),
           "layer 1");
      must(inspector.layer(step, 2, "max_pool", Values(g_int8.pool, sizeof(g_int8.pool), {kS1, -128}), pool),
           "layer 2");
      must(inspector.layer(step, 3, "mean", Values(g_int8.gap, kCh, {kS1, -128})), "layer 3");
      must(inspector.layer(step, 4, "logits", Values(g_int8.logits, 2, {kS4, 0})), "layer 4");
    } else {
      g_float.run(g_frame);
      must(inspector.layer(step, 0, "input", Values(g_float.in, kSide * kSide), in), "layer 0");
      must(inspector.layer(step, 1, "conv_relu", Values(g_float.conv, kConv * kConv * kCh), conv), "layer 1");
      must(inspector.layer(step, 2, "max_pool", Values(g_float.pool, kPool * kPool * kCh), pool), "layer 2");
      must(inspector.layer(step, 3, "mean", Values(g_float.gap, kCh)), "layer 3");
      must(inspector.layer(step, 4, "logits", Values(g_float.logits, 2)), "layer 4");
    }
    result->layer_records += 5;
  }
  must(g_layer_writer.close(), run);
}

}  // namespace

void run(const char* logdir, Result* result) {
  *result = Result{};
  demo_data::load_person_gray(g_person);
  run_flight(logdir, result);
  run_layers(logdir, true, result);
  run_layers(logdir, false, result);
}

}  // namespace debug_board
