// tinytb demo: the camera board's frames and tensors as images (camera_board.h says what).
#include "camera_board.h"

#include "demo_data.h"

#include <time.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "photo_decoder.h"
#include "posix_sink.h"
#include "tinytb/tinytb.h"

namespace camera_board {
namespace {

using tinytb::ImageView;
using tinytb::PixelFormat;
using tinytb::PngMode;

constexpr const char* kRun = "esp32s3-cam/camera";
constexpr int64_t kFrames = 200;
// Images every 20 frames: 10 steps per tag, all that TensorBoard keeps of an image tag by
// default (--samples_per_plugin images=10), so its step slider has no gaps.
constexpr int64_t kEvery = 20;
constexpr int64_t kQqvgaEvery = 3 * kEvery;  // the second camera, 4 of the 10 steps
static_assert((kFrames + kEvery - 1) / kEvery <= 10, "at most 10 image steps per tag");
constexpr int64_t kLightsDim = 150;
constexpr uint32_t kSide = 96;                      // the model's input
constexpr uint32_t kMapSide = 48, kMaps = 8;        // first layer: stride 2, 8 channels
constexpr uint32_t kSceneW = 768, kSceneH = 512;    // the panning camera's full frame
constexpr uint32_t kWindowW = 320, kWindowH = 240;  // the window it pans, halved to 160x120

// Encoders sized as the board would size them: compile-time arenas, checked here.
// tinytb's own deflate: a few KiB of internal SRAM each, the PNGs compressed straight
// into the queue (docs/png.md).
using FramePng = tinytb::PngEncoder<kSide, kSide, 1, PngMode::kCompressed>;
using RgbPng = tinytb::PngEncoder<160, 120, 3, PngMode::kCompressed>;
using MapPng = tinytb::PngEncoder<kMapSide, kMapSide, 1, PngMode::kFast, 4>;
static_assert(FramePng::kArenaBytes < 14 * 1024, "the compressed 96x96 encoder fits an MCU's SRAM");
static_assert(RgbPng::kArenaBytes < 16 * 1024, "the compressed 160x120 RGB encoder fits an MCU's SRAM");

// The queue holds one record of the largest image (a stored 160x120 RGB PNG is its bound).
constexpr size_t kQueueBytes = tinytb::image_record_bytes(32, 160, 120, 3) + 8 * 1024;
using CameraWriter = tinytb::EventWriter<kQueueBytes, 8, 32>;

tinytb::PosixSink g_sink;
CameraWriter g_writer;
FramePng g_frame_png;
RgbPng g_rgb_png;
MapPng g_map_png;

// The camera driver's buffers and the model's tensors (internal RAM or PSRAM on the board).
uint8_t g_bmp[16 * 1024];                  // the person BMP as read from flash
size_t g_bmp_size = 0;
uint32_t g_bmp_pixels = 0;                 // offset of its pixel rows
uint8_t g_dimmed[kSide * kSide];           // the sensor's frame once the lights dim (BMP row order)
int8_t g_input[kSide * kSide];             // the model's input tensor, top row first
float g_maps[kMaps * kMapSide * kMapSide];  // the first layer's output, CHW
uint8_t g_qqvga[160 * 120 * 2];            // QQVGA RGB565 big-endian
uint8_t g_scene[kSceneW * kSceneH * 2];    // the panning camera's frame, RGB565 big-endian

[[noreturn]] void die(const char* what, const char* detail) {
  fprintf(stderr, "demo (camera board): %s: %s\n", what, detail);
  exit(1);
}

void must(tinytb::Status s, const char* what) {
  if (s != tinytb::Status::kOk) die(what, tinytb::status_name(s));
}

using demo_data::data_dir;

// ---- the frames ------------------------------------------------------------------------------------

// TFLM's person frame: an 8-bit BMP with a gray palette, rows stored bottom-up.
void load_bmp() {
  const demo_data::PersonBmp bmp = demo_data::load_person_bmp(g_bmp, sizeof(g_bmp));
  // The indices are viewed as gray levels in place, so the palette must map i to gray i.
  if (!bmp.gray_palette) die("the palette is not gray", demo_data::kPersonFile);
  g_bmp_size = bmp.size;
  g_bmp_pixels = static_cast<uint32_t>(bmp.bottom_row - g_bmp);
}

// A view of sensor rows stored like the BMP (bottom-up): top row last, negative stride.
ImageView bottom_up(const uint8_t* rows) {
  return ImageView::frame(PixelFormat::kGray8, rows + (kSide - 1) * kSide, kSide, kSide, -static_cast<int32_t>(kSide),
                          kSide * kSide);
}

// The frame at `step`: the BMP itself, or a copy at half exposure once the lights dim.
const uint8_t* sensor_rows(int64_t step) {
  const uint8_t* rows = g_bmp + g_bmp_pixels;
  if (step < kLightsDim) return rows;
  for (uint32_t i = 0; i < kSide * kSide; ++i) g_dimmed[i] = static_cast<uint8_t>((rows[i] * 5 + 4) / 9);
  return g_dimmed;
}

uint16_t rgb565(uint32_t r, uint32_t g, uint32_t b) {  // what the sensor keeps: the top bits
  return static_cast<uint16_t>(((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3));
}

void put_be16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// The photograph as the two cameras see it: the panning camera's full 768x512 frame, and
// a QQVGA camera whose driver crops the middle 640x480 and averages 4x4 blocks.
void load_scene() {
  static uint8_t photo[kSceneW * kSceneH * 3];
  char path[512];
  snprintf(path, sizeof(path), "%s/kodim23_768x512_rgb.png", data_dir());
  if (!photo_decoder::read_rgb(path, kSceneW, kSceneH, photo)) die("cannot read the scene", path);
  for (uint32_t i = 0; i < kSceneW * kSceneH; ++i) {
    put_be16(g_scene + 2 * i, rgb565(photo[3 * i], photo[3 * i + 1], photo[3 * i + 2]));
  }
  for (uint32_t y = 0; y < 120; ++y) {
    for (uint32_t x = 0; x < 160; ++x) {
      uint32_t sum[3] = {0, 0, 0};
      for (uint32_t dy = 0; dy < 4; ++dy) {
        for (uint32_t dx = 0; dx < 4; ++dx) {
          const uint8_t* p = photo + 3 * ((16 + 4 * y + dy) * kSceneW + 64 + 4 * x + dx);
          for (int c = 0; c < 3; ++c) sum[c] += p[c];
        }
      }
      put_be16(g_qqvga + 2 * (y * 160 + x), rgb565((sum[0] + 8) / 16, (sum[1] + 8) / 16, (sum[2] + 8) / 16));
    }
  }
}

// ---- the model ---------------------------------------------------------------------------------------

// TFLM person detection's preprocessing: uint8 pixels to int8 by subtracting 128.
void make_input(const uint8_t* rows) {
  for (uint32_t y = 0; y < kSide; ++y) {
    const uint8_t* row = rows + (kSide - 1 - y) * kSide;  // bottom-up rows to a top-down tensor
    for (uint32_t x = 0; x < kSide; ++x) g_input[y * kSide + x] = static_cast<int8_t>(row[x] - 128);
  }
}

// A first conv layer, 3x3 stride 2, 8 oriented edge filters (dequantised input), ReLU.
void make_feature_maps() {
  static const int kDx[kMaps] = {1, 1, 0, -1, -1, -1, 0, 1};
  static const int kDy[kMaps] = {0, 1, 1, 1, 0, -1, -1, -1};
  constexpr int kLast = static_cast<int>(kSide) - 1;
  auto at = [](int x, int y) {  // the dequantised input, edges repeated
    x = x < 0 ? 0 : (x > kLast ? kLast : x);
    y = y < 0 ? 0 : (y > kLast ? kLast : y);
    return static_cast<float>(g_input[y * (kLast + 1) + x] + 128) / 256.0f;
  };
  for (uint32_t c = 0; c < kMaps; ++c) {
    for (uint32_t y = 0; y < kMapSide; ++y) {
      for (uint32_t x = 0; x < kMapSide; ++x) {
        const int sx = static_cast<int>(2 * x), sy = static_cast<int>(2 * y);
        float v = 0.0f;
        for (int k = -1; k <= 1; ++k) {  // a derivative along (dx, dy), smoothed across it
          v += at(sx + kDx[c] - k * kDy[c], sy + kDy[c] + k * kDx[c]) - at(sx - kDx[c] - k * kDy[c], sy - kDy[c] + k * kDx[c]);
        }
        g_maps[(c * kMapSide + y) * kMapSide + x] = v > 0.0f ? v : 0.0f;
      }
    }
  }
}

uint32_t pan_x(int64_t step) {  // the window's left edge: across the scene over the session
  return static_cast<uint32_t>(step * (kSceneW - kWindowW) / (kFrames - kEvery));
}

// ---- logging -----------------------------------------------------------------------------------------

uint32_t g_images = 0;
uint32_t g_records = 0;

void log_images(const char* tag, int64_t step, const ImageView* views, size_t count, tinytb::PngEncoderBase& png) {
  must(g_writer.images(tag, step, views, count, png), tag);
  g_images += static_cast<uint32_t>(count);
  ++g_records;
}

ImageView input_view() {
  return ImageView::tensor(g_input, kSide, kSide, 1, tinytb::Quantization{1.0f / 256.0f, -128});
}

void map_views(ImageView* views) {
  for (uint32_t c = 0; c < 4; ++c) {
    views[c] = ImageView::tensor(g_maps + c * kMapSide * kMapSide, kMapSide, kMapSide, 1, tinytb::ValueRange::min_max());
  }
}

ImageView pan_view(int64_t step) {
  return ImageView::frame(PixelFormat::kRgb565Be, g_scene, kSceneW, kSceneH)
      .cropped(pan_x(step), (kSceneH - kWindowH) / 2, kWindowW, kWindowH)
      .downscaled(2);
}

ImageView qqvga_view() { return ImageView::frame(PixelFormat::kRgb565Be, g_qqvga, 160, 120); }

// The board's clock: it boots when the demo starts (host time, as if set by NTP), and
// every reading is one more 120 ms frame, so the run spans the session as the board lived it.
tinytb::WallTime wall_time() {
  static tinytb::WallTime t;
  if (t.seconds == 0) {
    timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return tinytb::WallTime{};  // "not known": uptime is used
    t = tinytb::WallTime{static_cast<int64_t>(ts.tv_sec), static_cast<uint32_t>(ts.tv_nsec)};
  }
  t.nanos += 120000000u;
  if (t.nanos >= tinytb::kNanosPerSecond) {
    t.nanos -= tinytb::kNanosPerSecond;
    ++t.seconds;
  }
  return t;
}

}  // namespace

void run(const char* logdir, Result* result) {
  load_bmp();
  load_scene();
  tinytb::WriterOptions options;
  options.logdir = logdir;
  options.run = kRun;
  options.host = "esp32s3";
  options.clock.wall_time = wall_time;
  options.max_queue = 4;
  must(g_writer.open(g_sink, options), kRun);
  for (int64_t step = 0; step < kFrames; step += kEvery) {
    const uint8_t* rows = sensor_rows(step);
    const ImageView frame = bottom_up(rows);
    log_images("camera/frame", step, &frame, 1, g_frame_png);
    make_input(rows);
    const ImageView input = input_view();
    log_images("model/input_int8", step, &input, 1, g_frame_png);
    make_feature_maps();
    ImageView maps[4];
    map_views(maps);
    log_images("model/feature_map", step, maps, 4, g_map_png);
    const ImageView pan = pan_view(step);
    log_images("camera/pan", step, &pan, 1, g_rgb_png);
    if (step % kQqvgaEvery == 0) {
      const ImageView qqvga = qqvga_view();
      log_images("camera/qqvga", step, &qqvga, 1, g_rgb_png);
    }
  }
  must(g_writer.flush(), "flush");
  snprintf(result->file, sizeof(result->file), "%s/%s", g_writer.dir(), g_writer.file_name());
  result->bytes = g_writer.file_bytes();
  result->records = g_records + 1;
  result->images = g_images;
  result->queue_high_water = g_writer.queue_high_water();
  result->queue_capacity = CameraWriter::kQueueBytes;
  const tinytb::PngEncoderBase* encoders[3] = {&g_frame_png, &g_rgb_png, &g_map_png};
  for (int i = 0; i < 3; ++i) {
    result->arena_used[i] = encoders[i]->arena_high_water();
    result->arena_bytes[i] = encoders[i]->arena_capacity();
  }
  must(g_writer.close(), "close");
}

// ---- the manifest: each image's source bytes and view, for the judge ---------------------------------

namespace {

bool save(const char* dir, const char* name, const void* data, size_t size, char* path, size_t path_size) {
  snprintf(path, path_size, "%s/%s", dir, name);
  FILE* f = fopen(path, "wb");
  if (f == nullptr) return false;
  const bool wrote = fwrite(data, 1, size, f) == size;
  return fclose(f) == 0 && wrote;
}

void point(FILE* f, bool first, int64_t step, uint32_t w, uint32_t h) {
  fprintf(f, "%s[%d, {\"width\": %u, \"height\": %u, \"images\": [", first ? "" : ", ", static_cast<int>(step), w, h);
}

}  // namespace

bool write_manifest_run(FILE* f, const char* manifest_path) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof(dir), "%s", manifest_path);
  char* slash = strrchr(dir, '/');
  if (slash != nullptr) {
    *slash = '\0';
  } else {
    snprintf(dir, sizeof(dir), ".");
  }
  char absolute[PATH_MAX];
  if (realpath(dir[0] != '\0' ? dir : "/", absolute) == nullptr) return false;
  char raw_dir[PATH_MAX + 16];
  snprintf(raw_dir, sizeof(raw_dir), "%s/camera-images", absolute);
  if (mkdir(raw_dir, 0755) != 0 && errno != EEXIST) return false;

  char path[PATH_MAX + 64], bmp_path[PATH_MAX + 64], scene_path[PATH_MAX + 64], qqvga_path[PATH_MAX + 64];
  if (!save(raw_dir, "person.bmp", g_bmp, g_bmp_size, bmp_path, sizeof(bmp_path)) ||
      !save(raw_dir, "scene_rgb565be.raw", g_scene, sizeof(g_scene), scene_path, sizeof(scene_path)) ||
      !save(raw_dir, "qqvga_rgb565be.raw", g_qqvga, sizeof(g_qqvga), qqvga_path, sizeof(qqvga_path))) {
    return false;
  }
  fprintf(f, "\"%s\": {\n    \"images\": {", kRun);

  // camera/frame: the BMP's rows in place (offset of the top row, stride -96), or the dimmed copy.
  fputs("\n      \"camera/frame\": [", f);
  for (int64_t step = 0; step < kFrames; step += kEvery) {
    const char* source = bmp_path;
    size_t top = g_bmp_pixels + (kSide - 1) * kSide;
    if (step >= kLightsDim) {
      char name[32];
      snprintf(name, sizeof(name), "dimmed_%d.raw", static_cast<int>(step));
      const uint8_t* rows = sensor_rows(step);
      if (!save(raw_dir, name, rows, kSide * kSide, path, sizeof(path))) return false;
      source = path;
      top = (kSide - 1) * kSide;
    }
    point(f, step == 0, step, kSide, kSide);
    fprintf(f, "{\"source\": \"%s\", \"offset\": %zu, \"format\": \"gray8\", \"width\": %u, \"height\": %u, "
            "\"row_stride\": %d}]}]", source, top, kSide, kSide, -static_cast<int>(kSide));
  }
  // model/input_int8 and model/feature_map: the tensors of each step, recomputed.
  fputs("],\n      \"model/input_int8\": [", f);
  for (int64_t step = 0; step < kFrames; step += kEvery) {
    make_input(sensor_rows(step));
    char name[32];
    snprintf(name, sizeof(name), "input_%d.raw", static_cast<int>(step));
    if (!save(raw_dir, name, g_input, sizeof(g_input), path, sizeof(path))) return false;
    point(f, step == 0, step, kSide, kSide);
    fprintf(f, "{\"source\": \"%s\", \"format\": \"tensor_i8\", \"width\": %u, \"height\": %u, \"channels\": 1, "
            "\"scale\": 0.00390625, \"zero_point\": -128}]}]", path, kSide, kSide);
  }
  fputs("],\n      \"model/feature_map\": [", f);
  for (int64_t step = 0; step < kFrames; step += kEvery) {
    make_input(sensor_rows(step));
    make_feature_maps();
    char name[32];
    snprintf(name, sizeof(name), "maps_%d.raw", static_cast<int>(step));
    if (!save(raw_dir, name, g_maps, sizeof(g_maps), path, sizeof(path))) return false;
    point(f, step == 0, step, kMapSide, kMapSide);
    for (uint32_t c = 0; c < 4; ++c) {
      fprintf(f, "%s{\"source\": \"%s\", \"offset\": %zu, \"format\": \"tensor_f32\", \"width\": %u, \"height\": %u, "
              "\"channels\": 1, \"range\": \"min_max\"}", c == 0 ? "" : ", ", path,
              static_cast<size_t>(c) * kMapSide * kMapSide * sizeof(float), kMapSide, kMapSide);
    }
    fputs("]}]", f);
  }
  fputs("],\n      \"camera/pan\": [", f);
  for (int64_t step = 0; step < kFrames; step += kEvery) {
    point(f, step == 0, step, kWindowW / 2, kWindowH / 2);
    fprintf(f, "{\"source\": \"%s\", \"format\": \"rgb565be\", \"width\": %u, \"height\": %u, \"crop\": [%u, %u, %u, %u], "
            "\"downscale\": 2}]}]", scene_path, kSceneW, kSceneH, pan_x(step), (kSceneH - kWindowH) / 2, kWindowW,
            kWindowH);
  }
  fputs("],\n      \"camera/qqvga\": [", f);
  for (int64_t step = 0; step < kFrames; step += kQqvgaEvery) {
    point(f, step == 0, step, 160, 120);
    fprintf(f, "{\"source\": \"%s\", \"format\": \"rgb565be\", \"width\": 160, \"height\": 120}]}]", qqvga_path);
  }
  fputs("]\n    }\n  }", f);
  return ferror(f) == 0;
}

}  // namespace camera_board
