// tinytb: a bare-metal program that uses the whole core (open, scalars, text, scopes,
// flush, close) through the memory port, linked for Cortex-M4 with no startup files
// and no heap. tests/target/check_no_heap.sh then asks `nm` whether anything pulled
// in malloc, free, _sbrk, operator new/delete or a __cxa_* runtime function.
//
// It is linked, not run: the QEMU firmware (examples/cortex_m) runs the same core.
#include "memory_sink.h"
#include "tinytb/tinytb.h"

namespace {

uint8_t g_file[8192];
tinytb::MemorySink g_sink(g_file, sizeof(g_file));
tinytb::EventWriter<1024, 8, 32> g_writer;

uint64_t fake_uptime_ms() {
  static uint64_t now = 0;
  return now += 10;
}

// Images: a compressed PNG with tinytb's deflate (straight into the queue), one with
// lodepng's (every allocation from the encoder's arena through lodepng_malloc/realloc/
// free), a stored one, a pre-encoded JPEG.
uint8_t g_image_file[8192];
tinytb::MemorySink g_image_sink(g_image_file, sizeof(g_image_file));
tinytb::EventWriter<4096, 4, 32> g_image_writer;
tinytb::PngEncoder<16, 16, 3, tinytb::PngMode::kCompressed> g_png;
tinytb::PngEncoder<16, 16, 3, tinytb::PngMode::kLodepng> g_png_lodepng;
tinytb::PngEncoder<16, 16, 1> g_png_stored;
uint8_t g_frame[16 * 16 * 2];

int run_images() {
  for (size_t i = 0; i < sizeof(g_frame); ++i) g_frame[i] = static_cast<uint8_t>(i * 5);
  tinytb::WriterOptions options;
  options.logdir = "logs";
  options.run = "target";
  options.clock.uptime_ms = fake_uptime_ms;
  if (g_image_writer.open(g_image_sink, options) != tinytb::Status::kOk) return 11;
  using tinytb::ImageView;
  using tinytb::PixelFormat;
  const ImageView frame = ImageView::frame(PixelFormat::kRgb565Be, g_frame, 16, 16);
  if (g_image_writer.image("camera/frame", 0, frame, g_png) != tinytb::Status::kOk) return 12;
  if (g_image_writer.image("camera/lodepng", 0, frame, g_png_lodepng) != tinytb::Status::kOk) return 16;
  const ImageView gray = ImageView::frame(PixelFormat::kGray8, g_frame, 16, 16);
  if (g_image_writer.image("camera/gray", 0, gray, g_png_stored) != tinytb::Status::kOk) return 13;
  const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x10, 0x00, 0x10, 0x01, 0x01, 0x11, 0x00,
                          0xFF, 0xD9};
  if (g_image_writer.encoded_image("camera/jpeg", 0, tinytb::EncodedImage{jpeg, sizeof(jpeg)}, 16, 16) !=
      tinytb::Status::kOk) {
    return 14;
  }
  return g_image_writer.close() == tinytb::Status::kOk ? 0 : 15;
}

// Histograms (TF2's rule in two passes, a fixed range, caller edges, every input type),
// audio (int16 and float, labels) and a top-k table.
uint8_t g_signal_file[8192];
tinytb::MemorySink g_signal_sink(g_signal_file, sizeof(g_signal_file));
tinytb::EventWriter<2048, 8, 32> g_signal_writer;
tinytb::Histogram<16> g_histogram;
int16_t g_pcm[200];
float g_pcm_float[100];

int run_signals() {
  tinytb::WriterOptions options;
  options.logdir = "logs";
  options.run = "signals";
  options.clock.uptime_ms = fake_uptime_ms;
  if (g_signal_writer.open(g_signal_sink, options) != tinytb::Status::kOk) return 21;
  const int8_t scores[4] = {-128, 90, -100, 3};
  const tinytb::Quantization softmax{1.0f / 256, -128};
  const float activations[3] = {0.5f, -1.0f, 2.0f};
  const int32_t wide[2] = {-5, 70000};
  static const double kEdges[] = {0.0, 0.5, 1.0};
  if (g_histogram.compute({scores, 4, softmax}) != tinytb::Status::kOk) return 22;
  if (g_histogram.scan({g_pcm, 200}) != tinytb::Status::kOk || g_histogram.add({g_pcm, 200}) != tinytb::Status::kOk ||
      g_histogram.compute({activations, 3}) != tinytb::Status::kOk ||
      g_histogram.compute({g_frame, sizeof(g_frame)}) != tinytb::Status::kOk ||
      g_histogram.compute({wide, 2, {0.5f, 1}}) != tinytb::Status::kOk) {
    return 23;
  }
  if (g_histogram.reset_range(-1.0, 1.0, 8) != tinytb::Status::kOk ||
      g_histogram.reset_edges(kEdges, 2) != tinytb::Status::kOk || g_histogram.reset() != tinytb::Status::kOk) {
    return 24;
  }
  if (g_signal_writer.histogram("model/scores", 0, g_histogram) != tinytb::Status::kOk) return 25;
  const tinytb::AudioClip clips[] = {tinytb::AudioClip(g_pcm, 200, "yes"), tinytb::AudioClip(g_pcm_float, 100)};
  if (g_signal_writer.audio("mic/clip", 0, clips, 2, 16000) != tinytb::Status::kOk) return 26;
  static const char* const kLabels[] = {"silence", "yes", "no", "unknown"};
  if (g_signal_writer.text_top_k("model/top", 0, {scores, 4, softmax}, kLabels, 2) != tinytb::Status::kOk) return 27;
  return g_signal_writer.close() == tinytb::Status::kOk ? 0 : 28;
}

int run() {
  tinytb::WriterOptions options;
  options.logdir = "logs";
  options.run = "target";
  options.clock.uptime_ms = fake_uptime_ms;
  if (g_writer.open(g_sink, options) != tinytb::Status::kOk) return 1;
  tinytb::Scope model(g_writer, "model");
  const char* const cells[] = {"class", "score", "person", "0.93", "no person", "0.07"};
  for (int64_t step = 0; step < 20; ++step) {
    if (model.scalar("latency_ms", step, 12.5f + static_cast<float>(step)) != tinytb::Status::kOk) return 2;
    if (g_writer.text_table("model/top_k", step, cells, 3, 2) != tinytb::Status::kOk) return 3;
  }
  if (g_writer.text("notes", 0, "**bare metal**") != tinytb::Status::kOk) return 4;
  if (g_writer.flush() != tinytb::Status::kOk) return 5;
  if (g_writer.close() != tinytb::Status::kOk) return 6;
  const int images = run_images();
  return images != 0 ? images : run_signals();
}

}  // namespace

extern "C" {
volatile int g_result;

[[noreturn]] void Reset_Handler() {
  g_result = run();
  for (;;) {
  }
}
}
