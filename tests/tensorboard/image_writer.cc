// tinytb compat fixture: images. Every pixel format and tensor type through the PNG
// modes (stored; kCompressed and kFast, tinytb's deflate; kLodepng), windows and down-scaling, bottom-up rows, batches, pre-encoded JPEG and PNG,
// and every refusal, through the POSIX sink; plus a manifest (with the source bytes in
// files beside it) from which the judge computes every pixel on its own.
//
//   build/compat/image_writer --logdir DIR --manifest PATH
//
// Runs: camera  (an encoder per mode, every frame format, 3 steps each, noise)
//       model   (uint8, int8 and float32 tensors, HWC and CHW, ranges, NaN and infinities)
//       mixed   (batches of k = 3 in every mode, JPEG and PNG passed through, a scope)
//       mcu     (96x96 gray encoders, stored and compressed, and a small queue, as on a microcontroller)
//       vga     (640x480 RGB frames through a 6 KiB queue: records larger than the queue, streamed to the
//               sink in bounded writes; stored, fast and compressed; docs/storage.md)
// The exit status is 0 only if every call returned the expected Status.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "image_manifest.h"
#include "manifest.h"
#include "posix_sink.h"
#include "tinytb/tinytb.h"

namespace {

using tinytb::ImageView;
using tinytb::PixelFormat;
using tinytb::PngMode;
using tinytb::Status;

tinytb_test::Manifest g_manifest;
tinytb_test::SourceFiles g_sources;
std::string g_logdir;
int g_failures = 0;
int g_refusals = 0;
int g_images = 0;

bool expect(Status got, Status want, const std::string& what, int line) {
  if (got == want) return true;
  fprintf(stderr, "image_writer.cc:%d: %s returned \"%s\", expected \"%s\"\n", line, what.c_str(),
          tinytb::status_name(got), tinytb::status_name(want));
  ++g_failures;
  return false;
}
#define EXPECT_OK(call) (void)expect((call), Status::kOk, #call, __LINE__)
#define EXPECT_REFUSED(want, call)                 \
  do {                                             \
    ++g_refusals;                                  \
    (void)expect((call), (want), #call, __LINE__); \
  } while (0)

tinytb::WallTime wall_time() { return tinytb::WallTime{1700000000 + static_cast<int64_t>(g_images), 0}; }

tinytb::WriterOptions options(const char* run, uint32_t max_queue) {
  tinytb::WriterOptions o;
  o.logdir = g_logdir.c_str();
  o.run = run;
  o.host = "images";
  o.form = tinytb_test::fixture_form();
  o.clock.wall_time = wall_time;
  o.max_queue = max_queue;
  return o;
}

// A buffer the views point into, saved as a source file when first used.
struct Source {
  std::vector<uint8_t> bytes;
  std::string path;
  const std::string& saved(const std::string& name) {
    if (path.empty()) path = g_sources.write(name, bytes.data(), bytes.size());
    return path;
  }
};

// Logs `count` views of one source buffer as one summary; records it if accepted.
void log_images(tinytb::EventWriterBase& w, const std::string& run, const std::string& tag, int64_t step,
                const ImageView* views, size_t count, tinytb::PngEncoderBase& png, Source* src,
                const std::string& name, int line) {
  if (!expect(w.images(tag.c_str(), step, views, count, png), Status::kOk, run + ": " + tag, line)) return;
  std::vector<std::string> items;
  for (size_t i = 0; i < count; ++i) items.push_back(tinytb_test::json_view(views[i], src->saved(name), src->bytes.data()));
  g_manifest.images(run, tag, step, tinytb_test::json_images(views[0].output_width(), views[0].output_height(), items));
  g_images += static_cast<int>(count);
}
#define LOG(w, run, tag, step, views, count, png, src, name) \
  log_images(w, run, tag, step, views, count, png, src, name, __LINE__)

std::vector<uint8_t> camera_like(size_t bytes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(bytes);
  for (size_t i = 0; i < bytes; ++i) v[i] = static_cast<uint8_t>((i * 3) / 7 + (i % 97) + rng() % 23);
  return v;
}

// ---- camera: every frame format in every mode ---------------------------------------------------
// kCompressed and kFast: tinytb's deflate, straight into the queue; kLodepng: lodepng's.

tinytb::PosixSink g_camera_sink;
tinytb::EventWriter<64 * 1024, 48, 64> g_camera_writer;
tinytb::PngEncoder<80, 60, 4, PngMode::kCompressed> g_compressed;
tinytb::PngEncoder<80, 60, 4, PngMode::kFast> g_fast;
tinytb::PngEncoder<80, 60, 4, PngMode::kLodepng> g_lodepng;
tinytb::PngEncoder<80, 60, 4, PngMode::kStored> g_stored;

void camera_run() {
  EXPECT_OK(g_camera_writer.open(g_camera_sink, options("camera", 4)));
  const PixelFormat formats[] = {PixelFormat::kGray8,    PixelFormat::kRgb888,   PixelFormat::kBgr888,
                                 PixelFormat::kRgba8888, PixelFormat::kRgb565Le, PixelFormat::kRgb565Be,
                                 PixelFormat::kYuyv,     PixelFormat::kUyvy};
  static Source frames[8][3];
  for (size_t f = 0; f < 8; ++f) {
    const std::string fmt = tinytb_test::format_name(formats[f]);
    for (int64_t step = 0; step < 3; ++step) {
      Source& src = frames[f][step];
      const int32_t stride = step == 1 ? 80 * 4 + 5 : 0;  // step 1: rows with padding
      src.bytes = camera_like(static_cast<size_t>(stride ? stride : 80 * 4) * 60, static_cast<uint32_t>(f * 10 + step));
      const std::string name = fmt + "_" + std::to_string(step) + ".raw";
      ImageView v = ImageView::frame(formats[f], src.bytes.data(), 80, 60, stride,
                                     static_cast<uint32_t>(src.bytes.size()));
      if (step == 2) v = v.cropped(4, 2, 70, 52).downscaled(2);  // step 2: a window, halved
      LOG(g_camera_writer, "camera", "compressed/" + fmt, step, &v, 1, g_compressed, &src, name);
      LOG(g_camera_writer, "camera", "fast/" + fmt, step, &v, 1, g_fast, &src, name);
      LOG(g_camera_writer, "camera", "lodepng/" + fmt, step, &v, 1, g_lodepng, &src, name);
      LOG(g_camera_writer, "camera", "stored/" + fmt, step, &v, 1, g_stored, &src, name);
    }
  }
  // Bottom-up rows (a BMP in memory): data at the last row, negative stride.
  static Source bmp;
  bmp.bytes = camera_like(64 * 48, 99);
  const ImageView up = ImageView::frame(PixelFormat::kGray8, bmp.bytes.data() + 47 * 64, 64, 48, -64, 64 * 48);
  LOG(g_camera_writer, "camera", "stored/gray8_bottom_up", 0, &up, 1, g_stored, &bmp, "bottom_up.raw");
  LOG(g_camera_writer, "camera", "compressed/gray8_bottom_up", 0, &up, 1, g_compressed, &bmp, "bottom_up.raw");
  LOG(g_camera_writer, "camera", "fast/gray8_bottom_up", 0, &up, 1, g_fast, &bmp, "bottom_up.raw");
  LOG(g_camera_writer, "camera", "lodepng/gray8_bottom_up", 0, &up, 1, g_lodepng, &bmp, "bottom_up.raw");
  // Noise: deflate cannot shrink it, the image is stored in every compressed mode too
  // (kCompressed with frame blocks writes its own stored blocks, as many as kStored's for
  // this frame: no fallback is needed there).
  static Source noise;
  noise.bytes.resize(80 * 60 * 3);
  std::mt19937 rng(5);
  for (auto& b : noise.bytes) b = static_cast<uint8_t>(rng());
  const ImageView n = ImageView::frame(PixelFormat::kRgb888, noise.bytes.data(), 80, 60);
  struct Mode {
    const char* tag;
    tinytb::PngEncoderBase* png;
  };
  for (const Mode& m : {Mode{"compressed/noise", &g_compressed}, Mode{"fast/noise", &g_fast},
                        Mode{"lodepng/noise", &g_lodepng}}) {
    const uint32_t fallbacks = m.png->stored_fallbacks();
    LOG(g_camera_writer, "camera", m.tag, 0, &n, 1, *m.png, &noise, "noise.raw");
    const bool own_stored_blocks = m.png == &g_compressed && TINYTB_DEFLATE_FRAME_BLOCKS;
    if (m.png->stored_fallbacks() != fallbacks + (own_stored_blocks ? 0u : 1u)) {
      fprintf(stderr, "image_writer: %s was not stored\n", m.tag);
      ++g_failures;
    }
  }
  EXPECT_OK(g_camera_writer.close());
}

// ---- model: tensors ------------------------------------------------------------------------------

tinytb::PosixSink g_model_sink;
tinytb::EventWriter<64 * 1024, 32, 64> g_model_writer;
tinytb::PngEncoder<48, 48, 4, PngMode::kCompressed> g_tensor_png;

void model_run() {
  EXPECT_OK(g_model_writer.open(g_model_sink, options("model", 1)));
  tinytb::Scope model(g_model_writer, "model");
  static Source u8, i8, f32, edge;
  u8.bytes = camera_like(24 * 32 * 4, 41);
  i8.bytes = camera_like(24 * 32 * 4, 42);
  f32.bytes.resize(24 * 32 * 4 * sizeof(float));
  float* maps = reinterpret_cast<float*>(f32.bytes.data());
  for (size_t i = 0; i < 24 * 32 * 4; ++i) maps[i] = 3.0f * sinf(0.05f * static_cast<float>(i)) - 0.5f;
  const float nan = NAN, inf = INFINITY;
  const float edges[] = {nan, inf, -inf, 0.0f, -0.0f, 1.0f, 0.5f, 0.999f, 1e-30f, 1.0001f, 0.25f, 0.75f};
  edge.bytes.assign(reinterpret_cast<const uint8_t*>(edges), reinterpret_cast<const uint8_t*>(edges) + sizeof(edges));
  const auto* q = reinterpret_cast<const int8_t*>(i8.bytes.data());
  const tinytb::Quantization person{1.0f / 256.0f, -128};  // TFLM person detection's input
  for (int64_t step = 0; step < 2; ++step) {
    const tinytb::TensorLayout layout = step == 0 ? tinytb::TensorLayout::kHwc : tinytb::TensorLayout::kChw;
    for (uint8_t c : {1, 3, 4}) {
      const std::string ch = "c" + std::to_string(c);
      ImageView v = ImageView::tensor(u8.bytes.data(), 32, 24, c, layout);
      LOG(g_model_writer, "model", "model/u8_" + ch, step, &v, 1, g_tensor_png, &u8, "u8.raw");
      v = ImageView::tensor(q, 32, 24, c, person, tinytb::ValueRange{}, layout);
      LOG(g_model_writer, "model", "model/i8_" + ch, step, &v, 1, g_tensor_png, &i8, "i8.raw");
      v = ImageView::tensor(q, 32, 24, c, tinytb::Quantization{0.02f, 7}, tinytb::ValueRange::min_max(), layout);
      LOG(g_model_writer, "model", "model/i8_min_max_" + ch, step, &v, 1, g_tensor_png, &i8, "i8.raw");
      v = ImageView::tensor(maps, 32, 24, c, tinytb::ValueRange{}, layout);
      LOG(g_model_writer, "model", "model/f32_" + ch, step, &v, 1, g_tensor_png, &f32, "f32.raw");
      v = ImageView::tensor(maps, 32, 24, c, tinytb::ValueRange::min_max(), layout).cropped(3, 2, 24, 18);
      LOG(g_model_writer, "model", "model/f32_min_max_" + ch, step, &v, 1, g_tensor_png, &f32, "f32.raw");
      v = ImageView::tensor(maps, 32, 24, c, tinytb::ValueRange::fixed(-2.0f, 2.5f), layout).downscaled(3);
      LOG(g_model_writer, "model", "model/f32_fixed_" + ch, step, &v, 1, g_tensor_png, &f32, "f32.raw");
    }
    ImageView e = ImageView::tensor(reinterpret_cast<const float*>(edge.bytes.data()), 6, 2, 1,
                                    step == 0 ? tinytb::ValueRange{} : tinytb::ValueRange::min_max());
    LOG(g_model_writer, "model", "model/f32_nan_inf", step, &e, 1, g_tensor_png, &edge, "edges.raw");
  }
  EXPECT_OK(g_model_writer.close());
}

// ---- mixed: batches, pre-encoded images, refusals -------------------------------------------------

tinytb::PosixSink g_mixed_sink;
tinytb::EventWriter<64 * 1024, 16, 64> g_mixed_writer;
tinytb::PngEncoder<40, 30, 3, PngMode::kCompressed, 3> g_batch_png;
tinytb::PngEncoder<40, 30, 3, PngMode::kFast, 3> g_batch_fast;
tinytb::PngEncoder<40, 30, 3, PngMode::kLodepng, 3> g_batch_lodepng;
tinytb::PngEncoder<40, 30, 3, PngMode::kStored, 3> g_batch_stored;

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

void log_encoded(tinytb::Scope& scope, const std::string& run, const char* name, int64_t step,
                 const tinytb::EncodedImage* images, size_t count, uint32_t w, uint32_t h,
                 const std::vector<std::string>& paths, int line) {
  const std::string tag = std::string(scope.prefix()) + "/" + name;
  if (!expect(scope.encoded_images(name, step, images, count, w, h), Status::kOk, run + ": " + tag, line)) return;
  std::vector<std::string> items;
  for (const std::string& p : paths) items.push_back(tinytb_test::json_encoded(p));
  g_manifest.images(run, tag, step, tinytb_test::json_images(w, h, items));
  g_images += static_cast<int>(count);
}

void mixed_run(const char* self) {
  EXPECT_OK(g_mixed_writer.open(g_mixed_sink, options("mixed", 2)));
  static Source frame;
  frame.bytes = camera_like(80 * 60 * 2, 77);
  const ImageView full = ImageView::frame(PixelFormat::kRgb565Be, frame.bytes.data(), 80, 60);
  const ImageView three[] = {full.downscaled(2), full.cropped(0, 0, 40, 30), full.cropped(40, 30, 40, 30)};
  for (int64_t step = 0; step < 3; ++step) {
    LOG(g_mixed_writer, "mixed", "batch/compressed", step, three, 3 - static_cast<size_t>(step), g_batch_png,
        &frame, "mixed_frame.raw");
    LOG(g_mixed_writer, "mixed", "batch/fast", step, three, 3, g_batch_fast, &frame, "mixed_frame.raw");
    LOG(g_mixed_writer, "mixed", "batch/lodepng", step, three, 2, g_batch_lodepng, &frame, "mixed_frame.raw");
    LOG(g_mixed_writer, "mixed", "batch/stored", step, three, 3, g_batch_stored, &frame, "mixed_frame.raw");
  }

  // A JPEG (made once with Pillow, tests/tensorboard/data/make_jpeg.py) and a PNG, as they are.
  std::string dir = self;  // .../tests/tensorboard/image_writer.cc
  dir = dir.substr(0, dir.rfind('/'));
  const std::string jpeg_path = dir + "/data/gradient_48x32.jpg";
  const std::vector<uint8_t> jpeg = read_file(jpeg_path);
  tinytb::Scope camera(g_mixed_writer, "camera");
  const tinytb::EncodedImage j{jpeg.data(), jpeg.size()};
  log_encoded(camera, "mixed", "jpeg", 0, &j, 1, 48, 32, {jpeg_path}, __LINE__);
  static uint8_t png[8192];
  size_t png_size = 0;
  EXPECT_OK(g_batch_png.encode(full.downscaled(2), png, sizeof(png), &png_size));
  const std::string png_path = g_sources.write("encoded.png", png, png_size);
  const tinytb::EncodedImage p{png, png_size};
  log_encoded(camera, "mixed", "png", 0, &p, 1, 40, 30, {png_path}, __LINE__);
  static uint8_t lode_png[8192];
  size_t lode_size = 0;
  EXPECT_OK(g_batch_lodepng.encode(full.downscaled(2), lode_png, sizeof(lode_png), &lode_size));
  const std::string lode_path = g_sources.write("encoded_lodepng.png", lode_png, lode_size);
  const tinytb::EncodedImage lp{lode_png, lode_size};
  log_encoded(camera, "mixed", "png", 1, &lp, 1, 40, 30, {lode_path}, __LINE__);
  const tinytb::EncodedImage two[] = {j, j};
  log_encoded(camera, "mixed", "jpeg", 1, two, 2, 48, 32, {jpeg_path, jpeg_path}, __LINE__);

  // Refusals: each returns its Status, writes nothing, and the writer goes on.
  ImageView bad = full;
  bad.width = 0;
  EXPECT_REFUSED(Status::kInvalidArgument, g_mixed_writer.image("bad", 0, bad, g_batch_png));
  bad = full;
  bad.row_stride = 80 * 2 - 1;
  EXPECT_REFUSED(Status::kInvalidArgument, g_mixed_writer.image("bad", 0, bad, g_batch_png));
  bad = full;
  bad.data = nullptr;
  EXPECT_REFUSED(Status::kInvalidArgument, g_mixed_writer.image("bad", 0, bad, g_batch_png));
  bad = full;
  bad.format = static_cast<PixelFormat>(200);
  EXPECT_REFUSED(Status::kInvalidArgument, g_mixed_writer.image("bad", 0, bad, g_batch_png));
  EXPECT_REFUSED(Status::kInvalidArgument, g_mixed_writer.images("bad", 0, three, 0, g_batch_png));
  const ImageView four[] = {three[0], three[1], three[2], three[0]};
  EXPECT_REFUSED(Status::kTooLarge, g_mixed_writer.images("bad", 0, four, 4, g_batch_png));
  const ImageView mixed[] = {three[0], full.cropped(0, 0, 20, 30)};
  EXPECT_REFUSED(Status::kInvalidArgument, g_mixed_writer.images("bad", 0, mixed, 2, g_batch_png));
  EXPECT_REFUSED(Status::kTooLarge, g_mixed_writer.image("bad", 0, full, g_batch_png));  // 80x60 > 40x30
  static uint8_t small_arena[4096];
  tinytb::PngEncoderBase small(small_arena, sizeof(small_arena), tinytb::PngLimits{40, 30, 3, 1, PngMode::kCompressed});
  EXPECT_REFUSED(Status::kTooLarge, g_mixed_writer.image("bad", 0, three[0], small));
  tinytb::PngEncoderBase small_lodepng(small_arena, sizeof(small_arena),
                                       tinytb::PngLimits{40, 30, 3, 1, PngMode::kLodepng, tinytb::png_lodepng_mode});
  EXPECT_REFUSED(Status::kTooLarge, g_mixed_writer.image("bad", 0, three[0], small_lodepng));
  EXPECT_REFUSED(Status::kStepNotIncreasing, g_mixed_writer.images("batch/fast", 2, three, 3, g_batch_fast));
  EXPECT_REFUSED(Status::kStepNotIncreasing, g_mixed_writer.images("batch/stored", 2, three, 3, g_batch_stored));
  EXPECT_REFUSED(Status::kInvalidArgument, camera.encoded_image("jpeg", 5, j, 48, 33));
  EXPECT_REFUSED(Status::kInvalidArgument, camera.encoded_image("jpeg", 5, tinytb::EncodedImage{jpeg.data(), 10}, 48, 32));
  LOG(g_mixed_writer, "mixed", "batch/stored", 3, three, 3, g_batch_stored, &frame, "mixed_frame.raw");
  EXPECT_OK(g_mixed_writer.close());
}

// ---- mcu: a 96x96 gray stored encoder, a small queue ---------------------------------------------

tinytb::PosixSink g_mcu_sink;
tinytb::EventWriter<tinytb::image_record_bytes(20, 96, 96, 1) + 1024, 4, 20> g_mcu_writer;
tinytb::PngEncoder<96, 96, 1> g_mcu_png;  // stored: about 1 KiB of arena
tinytb::PngEncoder<96, 96, 1, PngMode::kCompressed> g_mcu_compressed;  // tinytb's deflate: about 9 KiB

void mcu_run() {
  static_assert(tinytb::PngEncoder<96, 96, 1>::kArenaBytes < 2048, "the MCU configuration stays small");
  static_assert(tinytb::PngEncoder<96, 96, 1, PngMode::kCompressed>::kArenaBytes < 14 * 1024, "so does compressed");
  EXPECT_OK(g_mcu_writer.open(g_mcu_sink, options("mcu", 1)));
  static Source frame;
  frame.bytes = camera_like(96 * 96, 3);
  for (int64_t step = 0; step < 4; ++step) {
    for (size_t i = 0; i < frame.bytes.size(); i += 97) frame.bytes[i] = static_cast<uint8_t>(step * 60);
    frame.path.clear();  // the pixels changed: a new source file per step
    const ImageView v = ImageView::frame(PixelFormat::kGray8, frame.bytes.data(), 96, 96);
    LOG(g_mcu_writer, "mcu", "camera/frame", step, &v, 1, g_mcu_png, &frame, "mcu_" + std::to_string(step) + ".raw");
    LOG(g_mcu_writer, "mcu", "camera/compressed", step, &v, 1, g_mcu_compressed, &frame,
        "mcu_" + std::to_string(step) + ".raw");
  }
  EXPECT_OK(g_mcu_writer.close());
}

// ---- vga: 640x480 RGB through a queue of a few KB ---------------------------------------------------
// No record fits the queue (a stored VGA PNG is 0.9 MB): each one streams to the sink, header first,
// the PNG deflated twice (counted, then written) through the queue's window. Scalars between the
// frames ride the queue as usual and are flushed before each frame.

tinytb::PosixSink g_vga_sink;
tinytb::EventWriter<6 * 1024, 4, 20> g_vga_writer;
tinytb::PngEncoder<640, 480, 3, PngMode::kCompressed> g_vga_compressed;
tinytb::PngEncoder<640, 480, 3, PngMode::kFast> g_vga_fast;
tinytb::PngEncoder<640, 480, 3> g_vga_stored;

std::vector<uint8_t> vga_scene(uint32_t seed) {  // gradients, edges and sensor noise, as a camera sees
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(640 * 480 * 3);
  for (uint32_t y = 0; y < 480; ++y) {
    for (uint32_t x = 0; x < 640; ++x) {
      uint8_t* p = &v[(y * 640 + x) * 3];
      const uint32_t n = rng() % 5;
      p[0] = static_cast<uint8_t>(x * 255 / 639 + n);
      p[1] = static_cast<uint8_t>(((y * 255 / 479) ^ ((x / 80) * 24)) + n);
      p[2] = static_cast<uint8_t>((x + y) / 5 + seed * 40);
    }
  }
  return v;
}

void vga_run() {
  static_assert(tinytb::image_record_bytes(20, 640, 480, 3) > 900 * 1024, "far beyond the queue");
  EXPECT_OK(g_vga_writer.open(g_vga_sink, options("vga", 10)));
  static Source frames[2];
  for (int64_t step = 0; step < 2; ++step) {
    Source& src = frames[step];
    src.bytes = vga_scene(static_cast<uint32_t>(step));
    const ImageView v = ImageView::frame(PixelFormat::kRgb888, src.bytes.data(), 640, 480);
    const std::string name = "vga_" + std::to_string(step) + ".rgb";
    EXPECT_OK(g_vga_writer.scalar("frame/index", step, static_cast<float>(step)));
    g_manifest.scalar("vga", "frame/index", step, static_cast<float>(step));
    LOG(g_vga_writer, "vga", "camera/compressed", step, &v, 1, g_vga_compressed, &src, name);
    LOG(g_vga_writer, "vga", "camera/fast", step, &v, 1, g_vga_fast, &src, name);
    LOG(g_vga_writer, "vga", "camera/stored", step, &v, 1, g_vga_stored, &src, name);
  }
  if (g_vga_writer.queue_high_water() > g_vga_writer.queue_capacity()) ++g_failures;
  EXPECT_OK(g_vga_writer.close());
}

}  // namespace

int main(int argc, char** argv) {
  const char* manifest_path = nullptr;
  if (!tinytb_test::parse_fixture_args(argc, argv, "image_writer", &g_logdir, &manifest_path)) return 2;
  std::string sources = manifest_path;
  const size_t slash = sources.rfind('/');
  sources = (slash == std::string::npos ? std::string(".") : sources.substr(0, slash)) + "/image_sources";
  if (!g_sources.init(sources)) {
    fprintf(stderr, "image_writer: cannot create %s\n", sources.c_str());
    return 1;
  }
  camera_run();
  model_run();
  mixed_run(__FILE__);
  mcu_run();
  vga_run();
  if (!g_manifest.write(manifest_path)) return 1;
  printf("image_writer: %d images in %zu points, %d refused calls checked, %d unexpected; arena high water "
         "(80x60x4) %zu of %zu (compressed), %zu of %zu (fast), %zu of %zu (lodepng), %zu of %zu (stored)\n",
         g_images, g_manifest.points(), g_refusals, g_failures, g_compressed.arena_high_water(),
         g_compressed.kArenaBytes, g_fast.arena_high_water(), g_fast.kArenaBytes, g_lodepng.arena_high_water(),
         g_lodepng.kArenaBytes, g_stored.arena_high_water(), g_stored.kArenaBytes);
  return g_failures == 0 ? 0 : 1;
}
