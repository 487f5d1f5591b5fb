// Allocation-free, proven on the host: this binary replaces malloc, calloc, realloc,
// free and every operator new/delete with counting versions (glibc's __libc_* do the
// real work), arms the counter around open, logging, flush and close through the real
// POSIX port, and requires zero calls. A control test proves the trap does count.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include <unistd.h>

#include "alloc_trap.h"
#include "host_os.h"
#include "posix_sink.h"
#include "tinytb/tinytb.h"
#include "tinytb/writer/async_writer.h"
#include "wall_clock.h"

namespace {

using tinytb::Status;
using tinytb_test::Armed;

TEST(AllocTrap, CountsHeapUse) {  // the control: the trap must see these
  int calls;
  {
    Armed armed;
    void* volatile p = malloc(32);
    free(p);
    int* volatile q = new int(1);
    delete q;
    calls = armed.allocs();
  }
  EXPECT_EQ(calls, 4);
}

tinytb::WallTime wall() { return wall_time_of(1732241520.0); }
uint64_t uptime() {
  static uint64_t t = 0;
  return t += 7;
}

tinytb::PosixSink g_sink;
tinytb::EventWriter<2048, 16> g_writer;

TEST(AllocTrap, OpenLogFlushCloseAllocateNothing) {
  char dir_template[] = "/tmp/tinytb_alloc_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const char* const cells[] = {"class", "score", "person", "0.93", "no person", "0.07"};
  const char* const items[] = {"boot", "camera ok", "model loaded"};
  int calls = -1;
  tinytb_test::FirstError check;
  {
    Armed armed;
    tinytb::WriterOptions options;
    options.logdir = dir_template;
    options.run = "device/run1";
    options.host = "board";
    options.clock.wall_time = wall;
    options.clock.uptime_ms = uptime;
    options.max_queue = 7;
    options.flush_millis = 50;
    check(g_writer.open(g_sink, options));
    tinytb::Scope train(g_writer, "train");
    tinytb::Scope layer(tinytb::Scope(g_writer, "model"), "conv1");
    for (int64_t step = 0; step < 300; ++step) {
      check(train.scalar("loss", step, 1.0f / static_cast<float>(step + 1)));
      check(layer.scalar("mean", step, 0.5f));
      if (step % 50 == 0) {
        check(g_writer.text("notes", step, "**step** note"));
        check(g_writer.text_table("top_k", step, cells, 3, 2));
        check(g_writer.text_list("events", step, items, 3));
        check(g_writer.flush());
      }
      check(g_writer.poll());
    }
    // Refused calls must not allocate either.
    (void)g_writer.scalar("train/loss", 0, 1.0f);
    (void)g_writer.scalar("bad\xC3", 0, 1.0f);
    check(g_writer.close());
    calls = armed.allocs();
  }
  EXPECT_EQ(check.status(), Status::kOk) << tinytb::status_name(check.status());
  EXPECT_EQ(calls, 0) << "heap calls while logging";
}

// Histograms (every input type, both passes, every placement) and audio (int16, float,
// stereo, labels), logged, refused and flushed with the trap armed.
tinytb::PosixSink g_signal_sink;
tinytb::EventWriter<40 * 1024, 16> g_signal_writer;
tinytb::Histogram<30> g_histogram;
tinytb::Histogram<8> g_zones;
int16_t g_mic[16000];
float g_chime[2 * 800];
uint8_t g_frame[96 * 96];

TEST(AllocTrap, HistogramsAndAudioAllocateNothing) {
  char dir_template[] = "/tmp/tinytb_alloc_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  for (size_t i = 0; i < 16000; ++i) g_mic[i] = static_cast<int16_t>((i * 37) % 20000 - 10000);
  for (size_t i = 0; i < 1600; ++i) g_chime[i] = static_cast<float>(i % 100) / 40.0f - 1.25f;
  for (size_t i = 0; i < sizeof(g_frame); ++i) g_frame[i] = static_cast<uint8_t>(i * 7);
  static const double kZones[] = {0.0, 0.25, 0.5, 0.75, 1.0};
  const int8_t scores[12] = {-128, -120, 90, -100, -128, -128, -110, -128, -128, -127, -128, -126};
  const float logits[5] = {1.5f, -2.0f, 0.0f, 3.25f, 1e30f};
  const int32_t accel[4] = {-100000, 5, 7, 100000};
  int calls = -1;
  tinytb_test::FirstError check;
  {
    Armed armed;
    tinytb::WriterOptions options;
    options.logdir = dir_template;
    options.run = "device/signals";
    options.clock.wall_time = wall;
    options.max_queue = 3;
    check(g_signal_writer.open(g_signal_sink, options));
    tinytb::Scope model(g_signal_writer, "model");
    // Run hparams (docs/hparams.md): the three records, and a refused call.
    const tinytb::HParam run_hparams[] = {tinytb::HParam::text("board", "esp32-s3"),
                                          tinytb::HParam::number("threshold", 0.5), tinytb::HParam::flag("int8", true)};
    const tinytb::HParamMetric metrics[] = {{"camera/pixels", "", ""}};
    tinytb::HParamsExperiment experiment;
    experiment.hparams = run_hparams;
    experiment.hparam_count = 3;
    experiment.metrics = metrics;
    experiment.metric_count = 1;
    check(g_signal_writer.hparams_experiment(experiment));
    check(g_signal_writer.hparams_session_start(run_hparams, 3));
    (void)g_signal_writer.hparams_session_start(run_hparams, 0);
    const tinytb::AudioClip mic(g_mic, 16000, "**yes**");
    const tinytb::AudioClip chimes[] = {tinytb::AudioClip(g_chime, 800), tinytb::AudioClip(g_chime, 400)};
    for (int64_t step = 0; step < 20; ++step) {
      check(g_histogram.compute({scores, 12, {1.0f / 256, -128}}));
      check(model.histogram("scores", step, g_histogram));
      g_histogram.clear();
      for (size_t row = 0; row < 96; ++row) check(g_histogram.scan({g_frame + 96 * row, 96}));
      for (size_t row = 0; row < 96; ++row) check(g_histogram.add({g_frame + 96 * row, 96}));
      check(g_signal_writer.histogram("camera/pixels", step, g_histogram));
      check(g_histogram.compute({logits, 5}));
      check(g_histogram.compute({accel, 4, {0.001f, 3}}));
      check(g_histogram.compute({g_mic, 16000}));
      check(g_zones.reset_edges(kZones, 4));
      check(g_zones.add({g_frame, sizeof(g_frame), {1.0f / 255, 0}}));
      check(g_zones.reset_range(-32768.0, 32768.0, 8));
      check(g_zones.add({g_mic, 16000}));
      check(g_signal_writer.histogram("mic/levels", step, g_zones));
      if (step % 5 == 0) {
        check(g_signal_writer.audio("mic/clip", step, &mic, 1, 16000));
        check(g_signal_writer.audio("speaker/chimes", step, chimes, 2, 8000, 2));
      }
    }
    // Refused calls must not allocate either.
    (void)g_signal_writer.audio("mic/clip", 0, &mic, 1, 16000);
    (void)g_signal_writer.audio("mic/clip", 100, &mic, 1, 0);
    (void)g_histogram.reset(0);
    (void)g_histogram.add({scores, 0});
    check(g_signal_writer.hparams_session_end(tinytb::SessionStatus::kSuccess));
    check(g_signal_writer.close());
    calls = armed.allocs();
  }
  EXPECT_EQ(check.status(), Status::kOk) << tinytb::status_name(check.status());
  EXPECT_EQ(calls, 0) << "heap calls while bucketing and logging";
}

// Images: every format in every mode (tinytb's deflate compressing into the queue; lodepng's
// allocations going to the arena), batches, pre-encoded bytes, PngEncoder::encode() and
// refused calls, with the trap armed.
tinytb::PosixSink g_image_sink;
tinytb::EventWriter<128 * 1024, 16> g_image_writer;
tinytb::PngEncoder<160, 120, 3, tinytb::PngMode::kLodepng, 2> g_png_lodepng;
tinytb::PngEncoder<160, 120, 3, tinytb::PngMode::kCompressed, 2> g_png_compressed;
tinytb::PngEncoder<160, 120, 3, tinytb::PngMode::kFast, 2> g_png_fast;
tinytb::PngEncoder<96, 96, 4, tinytb::PngMode::kStored, 3> g_png_stored;
uint8_t g_camera[160 * 120 * 4];
float g_feature_map[12 * 12 * 8];
uint8_t g_png_file[32 * 1024];

TEST(AllocTrap, ImagesAllocateNothing) {
  char dir_template[] = "/tmp/tinytb_alloc_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  for (size_t i = 0; i < sizeof(g_camera); ++i) g_camera[i] = static_cast<uint8_t>(i * 13 + i / 640);
  for (size_t i = 0; i < 12 * 12 * 8; ++i) g_feature_map[i] = static_cast<float>(i % 37) * 0.25f - 3.0f;
  const int8_t* scores = reinterpret_cast<const int8_t*>(g_camera);
  // A minimal JPEG header: SOI, then a SOF0 declaring 16x8 (the bytes are passed through as they are).
  const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x10, 0x01, 0x01, 0x11, 0x00,
                          0xFF, 0xD9};
  using tinytb::ImageView;
  using tinytb::PixelFormat;
  int calls = -1;
  tinytb_test::FirstError check;
  {
    Armed armed;
    tinytb::WriterOptions options;
    options.logdir = dir_template;
    options.run = "device/camera";
    options.clock.wall_time = wall;
    options.max_queue = 2;
    check(g_image_writer.open(g_image_sink, options));
    tinytb::Scope camera(g_image_writer, "camera");
    for (int64_t step = 0; step < 6; ++step) {
      const PixelFormat formats[] = {PixelFormat::kRgb565Be, PixelFormat::kYuyv, PixelFormat::kBgr888};
      const ImageView frame = ImageView::frame(formats[step % 3], g_camera, 160, 120);
      check(camera.image("frame", step, frame, g_png_compressed));
      check(camera.image("frame_fast", step, frame, g_png_fast));
      check(camera.image("frame_lodepng", step, frame, g_png_lodepng));
      const ImageView pair[] = {frame.cropped(0, 0, 80, 60), frame.cropped(80, 60, 80, 60)};
      check(camera.images("quarters", step, pair, 2, g_png_compressed));
      check(camera.images("quarters_lodepng", step, pair, 2, g_png_lodepng));
      const ImageView tensors[] = {
          ImageView::tensor(g_feature_map, 12, 12, 4, tinytb::ValueRange::min_max(), tinytb::TensorLayout::kChw),
          ImageView::tensor(scores, 12, 12, 4, tinytb::Quantization{0.05f, -3}),
          ImageView::tensor(g_camera, 12, 12, 4, tinytb::TensorLayout::kChw)};
      check(g_image_writer.images("model/maps", step, tensors, 3, g_png_stored));
      check(g_image_writer.image("camera/gray", step,
                                 ImageView::frame(PixelFormat::kGray8, g_camera, 160, 120).downscaled(2),
                                 g_png_compressed));
      check(g_image_writer.image("camera/gray_in_place", step, ImageView::frame(PixelFormat::kGray8, g_camera, 160, 120),
                                 g_png_fast));
      check(camera.encoded_image("jpeg", step, tinytb::EncodedImage{jpeg, sizeof(jpeg)}, 16, 8));
    }
    size_t size = 0;
    check(g_png_compressed.encode(ImageView::frame(PixelFormat::kRgb888, g_camera, 160, 120).downscaled(4),
                                  g_png_file, sizeof(g_png_file), &size));
    check(g_png_lodepng.encode(ImageView::frame(PixelFormat::kRgb888, g_camera, 160, 120).downscaled(4), g_png_file,
                               sizeof(g_png_file), &size));
    // Refused calls must not allocate either.
    (void)camera.image("frame", 0, ImageView::frame(PixelFormat::kRgb888, g_camera, 160, 120), g_png_compressed);
    (void)camera.image("frame", 100, ImageView::frame(PixelFormat::kRgb888, g_camera, 320, 240), g_png_compressed);
    (void)camera.encoded_image("jpeg", 100, tinytb::EncodedImage{jpeg, sizeof(jpeg)}, 17, 8);
    check(g_image_writer.close());
    calls = armed.allocs();
  }
  EXPECT_EQ(check.status(), Status::kOk) << tinytb::status_name(check.status());
  EXPECT_EQ(calls, 0) << "heap calls while encoding and logging images";
  for (const tinytb::PngEncoderBase* png : {static_cast<const tinytb::PngEncoderBase*>(&g_png_compressed),
                                            static_cast<const tinytb::PngEncoderBase*>(&g_png_fast),
                                            static_cast<const tinytb::PngEncoderBase*>(&g_png_lodepng)}) {
    EXPECT_GT(png->images_encoded(), 0u);
    EXPECT_LE(png->arena_high_water(), png->arena_capacity());
  }
}

// Records larger than the queue, streamed to the sink (docs/storage.md): frames in every mode
// through a 6 KiB queue (sizing pass, writing pass, the event split around the PNGs), with the
// trap armed.
tinytb::PosixSink g_stream_sink;
tinytb::EventWriter<6 * 1024, 8> g_stream_writer;

TEST(AllocTrap, StreamedRecordsAllocateNothing) {
  char dir_template[] = "/tmp/tinytb_alloc_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  for (size_t i = 0; i < sizeof(g_camera); ++i) g_camera[i] = static_cast<uint8_t>(i * 13 + i / 640);
  using tinytb::ImageView;
  using tinytb::PixelFormat;
  int calls = -1;
  tinytb_test::FirstError check;
  const uint32_t before = g_png_compressed.images_encoded();
  {
    Armed armed;
    tinytb::WriterOptions options;
    options.logdir = dir_template;
    options.run = "device/streamed";
    options.clock.wall_time = wall;
    check(g_stream_writer.open(g_stream_sink, options));
    for (int64_t step = 0; step < 3; ++step) {
      const ImageView frame = ImageView::frame(PixelFormat::kRgb565Be, g_camera, 160, 120);
      check(g_stream_writer.scalar("loss", step, 0.5f));
      check(g_stream_writer.image("frame", step, frame, g_png_compressed));
      check(g_stream_writer.image("frame_fast", step, frame, g_png_fast));
      check(g_stream_writer.image("frame_lodepng", step, frame, g_png_lodepng));
      check(g_stream_writer.image("frame_stored", step, ImageView::frame(PixelFormat::kGray8, g_camera, 96, 96),
                                  g_png_stored));
    }
    check(g_stream_writer.close());
    calls = armed.allocs();
  }
  EXPECT_EQ(check.status(), Status::kOk) << tinytb::status_name(check.status());
  EXPECT_EQ(calls, 0) << "heap calls while streaming records larger than the queue";
  EXPECT_EQ(g_png_compressed.images_encoded(), before + 3);
}

// The async writer (docs/async.md): start, producers (scalar, text, image into a slot, a lent
// frame), full-ring drops under each non-waiting policy, drains and close, with the trap armed.
tinytb::EventWriter<2048, 16> g_async_target;
tinytb::AsyncRing<8, 128> g_async_values;
tinytb::AsyncRing<2, 2048> g_async_frames;
tinytb::PngEncoder<16, 16, 1, tinytb::PngMode::kCompressed> g_async_png;
uint8_t g_async_pixels[16 * 16];

TEST(AllocTrap, AsyncWriterAllocatesNothing) {
  char dir_template[] = "/tmp/tinytb_alloc_async_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  for (size_t i = 0; i < sizeof(g_async_pixels); ++i) g_async_pixels[i] = static_cast<uint8_t>(i * 3);
  const tinytb::ImageView view = tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, g_async_pixels, 16, 16);
  int calls = -1;
  tinytb_test::FirstError check;
  {
    Armed armed;
    tinytb::WriterOptions options;
    options.logdir = dir_template;
    options.clock.wall_time = wall;
    options.clock.uptime_ms = uptime;
    for (tinytb::FullPolicy policy : {tinytb::FullPolicy::kDropNew, tinytb::FullPolicy::kDropOldest}) {
      options.run = policy == tinytb::FullPolicy::kDropNew ? "drop-new" : "drop-oldest";
      tinytb::AsyncWriter async(g_async_target, g_async_values, &g_async_frames);
      tinytb::AsyncOptions async_options;
      async_options.policy = policy;
      async_options.os = tinytb::host_os();
      check(g_async_target.open(g_sink, options));
      check(async.start(async_options));
      tinytb::FrameLoan loan;
      for (int64_t step = 0; step < 40; ++step) {
        (void)async.scalar("a/scalar", step, 0.5f);  // overflows the ring: dropped, counted
        if (step % 10 == 0) {
          check(async.drain());
          check(async.text("a/text", step, "a note"));
          check(async.image("a/image", step, view, g_async_png));
          check(async.drain());
          check(async.lend_image(loan, "a/lent", step, view, g_async_png));
          check(async.drain());
        }
      }
      (void)async.scalar("", 1, 1.0f);  // refused
      check(async.close());
    }
    calls = armed.allocs();
  }
  EXPECT_EQ(check.status(), Status::kOk) << tinytb::status_name(check.status());
  EXPECT_EQ(calls, 0) << "heap calls through the async writer";
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
