// tinytb Cortex-M firmware example: a person-detection camera board that logs to TensorBoard
// through its debug probe (semihosting), with no heap. docs/firmware.md has the design;
// firmware_config.h the build options.
//
// Every frame the camera delivers a frame, the model scores it, and tinytb logs, at step =
// the frame's index:
//   camera/gray               the frame the model saw (PNG)                 with images
//   camera/color              the color camera's frame (PNG)                160x120 RGB limit
//   model/person_score        the dequantised "person" score
//   model/top_classes         both classes and scores, highest first (a text table)
//   model/top_class           instead, with TINYTB_FW_TOP_K=0: the best class as plain text
//   model/instructions        what the model cost
//   tinytb/log_instructions   what the calls above cost, together (these two excluded)
//   tinytb/log_stack_bytes    the deepest stack one of those calls used
// and once, at step 0, "board": a line on the core and the configuration.
//
// Costs are instruction counts (board.h): deterministic under QEMU's -icount shift=0. The
// console gets one line per frame with the same figures and a summary. The exit status is 0
// only if every tinytb call returned kOk (1 otherwise; 2 if the log could not be opened).
//
// With TINYTB_FW_SDCARD the same log goes to a FAT SD card through FatFs (sdcard.h: mounted
// before the writer opens, unmounted after it closes; a failed unmount counts as a failed
// call), and the costs include FatFs's and the card's.
//
// With TINYTB_FW_STREAM the log goes over UART0 through ports/stream to `tinytb recv` on the
// host (uart.h, stream_board.h: the session id and the frame period come from the
// semihosting command line), one frame per period, so that TensorBoard shows them arriving;
// the console stays on semihosting. With both, ports/stream's TeeSink writes the card and
// streams the same bytes (the card is the primary: its status is what the writer sees).
#include <stdint.h>

#include "board.h"
#include "camera.h"
#include "firmware_config.h"
#include "model.h"
#if TINYTB_FW_LOGGING
#include "tinytb/tinytb.h"
#if TINYTB_FW_DEBUG
#include "tinytb/debug/flight_recorder.h"
#include "tinytb/debug/sampling.h"
#include "tinytb/debug/tensor_inspector.h"
#endif
#if TINYTB_FW_SDCARD
#include "fatfs_sink.h"
#include "sdcard.h"
#endif
#if TINYTB_FW_STREAM
#include "stream_board.h"
#include "stream_sink.h"
#include "uart.h"
#endif
#if !TINYTB_FW_SDCARD && !TINYTB_FW_STREAM
#include "semihosting_sink.h"
#endif
#endif

namespace {

// The camera's frame buffers: RAM a camera board has whether it logs or not.
uint8_t g_gray[camera::kGrayBytes];
uint8_t g_color[camera::kColorBytes];

// ---- logging: storage, sized at compile time ---------------------------------------------------
#if TINYTB_FW_LOGGING

// The debug tools add their own tags ("layers/00_POOL/saturated_fraction": docs/debugging.md).
constexpr size_t kMaxTagLen = TINYTB_FW_DEBUG ? 40 : 32;
constexpr size_t kMaxTags = TINYTB_FW_DEBUG ? 32 : 12;
// Room for the scalars and text of a frame, besides its largest image. Without the top-k
// table a frame's values are four small records (about 250 bytes): half a KiB holds them.
constexpr size_t kValueBytes = TINYTB_FW_TOP_K ? 1024 : 512;

#if TINYTB_FW_IMAGES
constexpr uint32_t kMaxWidth = TINYTB_FW_RGB == 2 ? camera::kVgaWidth
                               : TINYTB_FW_RGB   ? camera::kColorWidth
                                                 : camera::kGrayWidth;
constexpr uint32_t kMaxHeight = TINYTB_FW_RGB == 2 ? camera::kVgaHeight
                                : TINYTB_FW_RGB   ? camera::kColorHeight
                                                  : camera::kGrayHeight;
constexpr uint8_t kMaxChannels = TINYTB_FW_RGB ? 3 : 1;
constexpr tinytb::PngMode kPngMode = TINYTB_FW_IMAGES == 3   ? tinytb::PngMode::kLodepng
                                     : TINYTB_FW_IMAGES == 2 ? tinytb::PngMode::kCompressed
                                                             : tinytb::PngMode::kStored;
tinytb::PngEncoder<kMaxWidth, kMaxHeight, kMaxChannels, kPngMode> g_png;
#if TINYTB_FW_IMAGES == 2
// Compressed images stream to the sink past the queue (docs/storage.md, "Records larger than
// the queue"): it is flushed empty first, so it needs only the deflate's window and 768 bytes
// of staging (more than a frame's values) instead of a whole record (58.9 KB at 160x120 RGB,
// 0.9 MB at VGA). The cost: a sizing pass, each image is deflated twice.
constexpr size_t kQueueBytes = tinytb::stream_queue_bytes(kPngMode) + 512;
static_assert(kQueueBytes >= kValueBytes, "a frame's values fit the queue");
#else
constexpr size_t kQueueBytes =
    tinytb::image_record_bytes(kMaxTagLen, kMaxWidth, kMaxHeight, kMaxChannels) + kValueBytes;
#endif
#else
constexpr size_t kQueueBytes = kValueBytes;
#endif

#if TINYTB_FW_SDCARD
tinytb::FatfsSink g_sink;
#endif
#if TINYTB_FW_STREAM
uart::CmsdkUart g_uart(uart::kUart0Address);
stream_board::Options g_stream_options;
// The session id is known only once the command line has been read, so the sink is made on
// first use: trivially destructible (no atexit), and with -fno-threadsafe-statics its guard is
// a plain flag (no __cxa_guard_* from the C++ runtime).
tinytb::StreamSink& stream_sink() {
  static tinytb::StreamSink sink(g_uart, g_stream_options.session_id, TINYTB_FW_CORE);
  return sink;
}
#endif
#if !TINYTB_FW_SDCARD && !TINYTB_FW_STREAM
tinytb::SemihostingSink g_sink;
#endif

#if TINYTB_FW_SDCARD && TINYTB_FW_STREAM
tinytb::TeeSink& tee_sink() {
  static tinytb::TeeSink tee(g_sink, stream_sink());
  return tee;
}
#endif

// The sink the writer logs to.
tinytb::Sink& log_sink() {
#if TINYTB_FW_SDCARD && TINYTB_FW_STREAM
  return tee_sink();
#elif TINYTB_FW_STREAM
  return stream_sink();
#else
  return g_sink;
#endif
}
tinytb::EventWriter<kQueueBytes, kMaxTags, kMaxTagLen> g_writer;

uint32_t g_calls = 0;
uint32_t g_failed = 0;

// Every tinytb call goes through here: a failure is counted and named on the console.
void check(tinytb::Status status, const char* what) {
  ++g_calls;
  if (status == tinytb::Status::kOk) return;
  ++g_failed;
  board::print("tinytb call failed: ");
  board::print(what);
  board::print(": ");
  board::print(tinytb::status_name(status));
  board::print("\n");
}

// ---- the debug tools (TINYTB_FW_DEBUG; docs/debugging.md, "In a firmware loop") -----------------
#if TINYTB_FW_DEBUG == 1
// The last 4 frames the model saw, kept as stored PNGs (a raw copy), with both scores; written
// when the top score is below 0.8 or the class flips, or when a handler marked a fault.
tinytb::FlightRecorder<4, tinytb::flight_frame_bytes(camera::kGrayWidth, camera::kGrayHeight, 1), model::kClasses>
    g_recorder;
tinytb::ScoreBelow g_low{0.8f};
tinytb::ClassFlip g_flip;
tinytb::AnyOf<tinytb::ScoreBelow&, tinytb::ClassFlip&> g_dump{g_low, g_flip};
#elif TINYTB_FW_DEBUG == 2
// A 12x12x4 feature map's tiles fit 30x30 pixels (2 columns, gap and margin 2).
tinytb::Histogram<16> g_hist;
tinytb::StaticCanvas<32, 32, tinytb::CanvasFormat::kGray8> g_canvas;
tinytb::TensorInspector g_inspector{g_writer, g_hist, &g_canvas, &g_png};
int8_t g_fmap[12 * 12 * 4];
#endif

#if TINYTB_FW_DEBUG
void debug_frame(int64_t step, const int8_t* scores) {
  const tinytb::Values outputs(scores, model::kClasses, model::kOutputQuantization);
#if TINYTB_FW_DEBUG == 1
  if (step == 0) g_recorder.set_clock(g_writer.clock());
  const tinytb::ImageView gray = tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, g_gray, camera::kGrayWidth,
                                                          camera::kGrayHeight);
  check(g_recorder.record(step, gray, g_png, outputs), "flight record");
  if (g_dump.sample(tinytb::Sample::top1(step, outputs))) {
    check(g_recorder.trigger(g_writer, "low_or_flip", "person score low or class flipped"), "flight trigger");
  }
  // What a fault handler would do (mark), and the main loop's poll() that writes it.
  if (step == TINYTB_FW_FRAMES / 2 - 1) (void)g_recorder.mark("watchdog");
  check(g_recorder.poll(g_writer), "flight poll");
#else
  // A stand-in for a layer's output: the frame average-pooled 8x8, in 4 channels of different gain.
  for (uint32_t y = 0; y < 12; ++y) {
    for (uint32_t x = 0; x < 12; ++x) {
      uint32_t sum = 0;
      for (uint32_t dy = 0; dy < 8; ++dy) {
        for (uint32_t dx = 0; dx < 8; ++dx) sum += g_gray[(y * 8 + dy) * camera::kGrayWidth + x * 8 + dx];
      }
      for (uint32_t c = 0; c < 4; ++c) {
        const uint32_t v = (sum / 64) * (c + 1) / 2;
        g_fmap[(y * 12 + x) * 4 + c] = static_cast<int8_t>(static_cast<int32_t>(v > 255 ? 255 : v) - 128);
      }
    }
  }
  check(g_inspector.layer(step, 0, "POOL", {g_fmap, sizeof(g_fmap), {0.5f, -128}}, tinytb::HwcShape{12, 12, 4}),
        "inspect layer");
  check(g_inspector.inspect("model/scores", step, outputs), "inspect scores");
#endif
}
#endif

#if TINYTB_FW_SDCARD
bool mount_card() {
  const FRESULT r = sdcard::mount(TINYTB_FW_CARD_IMAGE);
  if (r != FR_OK) {
    board::print("sd card: cannot mount " TINYTB_FW_CARD_IMAGE ": FRESULT ");
    board::print_uint(static_cast<uint32_t>(r));
    board::print("\n");
    return false;
  }
  board::print("sd card: " TINYTB_FW_CARD_IMAGE ", ");
  board::print(sdcard::fat_type());
  board::print(", ");
  board::print_uint(sdcard::cluster_bytes());
  board::print("-byte clusters, ");
  board::print_uint(sdcard::sector_count());
  board::print(" sectors, long names ");
  board::print(tinytb::FatfsSink::kShortNames ? "off\n" : "on\n");
  return true;
}

void unmount_card() {
  ++g_calls;
  const FRESULT r = sdcard::unmount();
  const sdcard::Stats& stats = sdcard::stats();
  board::print("sd card: ");
  board::print_uint(stats.sectors_written);
  board::print(" sectors written in ");
  board::print_uint(stats.write_calls);
  board::print(" writes, ");
  board::print_uint(stats.sectors_read);
  board::print(" read in ");
  board::print_uint(stats.read_calls);
  board::print(" reads; unmount: FRESULT ");
  board::print_uint(static_cast<uint32_t>(r));
  board::print("\n");
  if (r != FR_OK) ++g_failed;
}
#endif

#if TINYTB_FW_STREAM
bool start_stream() {
  g_stream_options = stream_board::read_options(TINYTB_FW_STREAM_PERIOD_MS);
  board::print("stream: UART0 at " TINYTB_FW_STR(TINYTB_FW_STREAM_BAUD) " baud, session ");
  board::print_uint(g_stream_options.session_id);
  board::print(g_stream_options.session_from_host ? " (from the command line), one frame every "
                                                  : " (from the counter), one frame every ");
  board::print_uint(g_stream_options.period_ms);
  board::print(" ms\n");
  // A link that takes nothing for a second is dead: the write fails rather than hanging.
  const tinytb::Status status = g_uart.begin(TINYTB_FW_STREAM_BAUD, uart::kMps2PclkHz, 1000);
  check(status, "uart");
  return status == tinytb::Status::kOk;
}

void report_stream() {
  board::print("stream: ");
  board::print_uint(stream_sink().frames_sent());
  board::print(" frames, ");
  board::print_uint(static_cast<uint32_t>(stream_sink().link_bytes()));
  board::print(" bytes on the link (UART ");
  board::print_uint(static_cast<uint32_t>(g_uart.bytes_sent()));
  board::print(" bytes, ");
  board::print_uint(g_uart.stalls());
  board::print(" stalls, ");
  board::print_uint(g_uart.overruns());
  board::print(" overruns)\n");
#if TINYTB_FW_SDCARD
  // The card decides what the writer sees; a failing link is only counted.
  board::print("tee: ");
  board::print_uint(tee_sink().secondary_errors());
  board::print(" link errors\n");
#endif
}
#endif

bool open_log() {
#if TINYTB_FW_SDCARD
  if (!mount_card()) return false;
#endif
#if TINYTB_FW_STREAM
  if (!start_stream()) return false;
#endif
  tinytb::WriterOptions options;
  options.logdir = "logs";
  options.run = TINYTB_FW_CORE;
  options.host = TINYTB_FW_MACHINE;
  options.file_stamp = 1;  // no real-time clock: a boot counter names the file
  options.clock.uptime_ms = board::uptime_ms;
  const tinytb::Status status = g_writer.open(log_sink(), options);
  check(status, "open");
  if (status != tinytb::Status::kOk) return false;
  check(g_writer.text("board", 0, TINYTB_FW_DESCRIPTION), "board");
  return true;
}

struct FrameCost {
  board::Cost gray{0, 0};
  board::Cost color{0, 0};
  board::Cost values{0, 0};
  board::Cost debug{0, 0};  // TINYTB_FW_DEBUG's tools

  uint32_t instructions() const {
    return gray.instructions + color.instructions + values.instructions + debug.instructions;
  }
  uint32_t stack_bytes() const {
    uint32_t most = gray.stack_bytes > color.stack_bytes ? gray.stack_bytes : color.stack_bytes;
    most = most > debug.stack_bytes ? most : debug.stack_bytes;
    return most > values.stack_bytes ? most : values.stack_bytes;
  }
};

// Logs one frame and what it cost; each group of calls is measured on its own.
FrameCost log_frame(int64_t step, const int8_t* scores, uint32_t model_instructions) {
  FrameCost cost;
#if TINYTB_FW_IMAGES
  const tinytb::ImageView gray = tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, g_gray, camera::kGrayWidth,
                                                          camera::kGrayHeight);
  cost.gray = board::measure([&] { check(g_writer.image("camera/gray", step, gray, g_png), "camera/gray"); });
#if TINYTB_FW_RGB
#if TINYTB_FW_RGB == 2
  // The VGA frame buffer, read in place (flash); tinytb keeps no copy of it.
  const tinytb::ImageView color = tinytb::ImageView::frame(tinytb::PixelFormat::kRgb565Be, camera::kVgaFrame,
                                                           camera::kVgaWidth, camera::kVgaHeight);
#else
  const tinytb::ImageView color = tinytb::ImageView::frame(tinytb::PixelFormat::kRgb565Be, g_color,
                                                           camera::kColorWidth, camera::kColorHeight);
#endif
  cost.color = board::measure([&] { check(g_writer.image("camera/color", step, color, g_png), "camera/color"); });
#endif
#endif
  cost.values = board::measure([&] {
    const float person = model::kOutputQuantization.scale *
                         static_cast<float>(scores[model::kPerson] - model::kOutputQuantization.zero_point);
    check(g_writer.scalar("model/person_score", step, person), "model/person_score");
#if TINYTB_FW_TOP_K
    const tinytb::Values values(scores, model::kClasses, model::kOutputQuantization);
    check(g_writer.text_top_k("model/top_classes", step, values, model::kLabels, model::kClasses),
          "model/top_classes");
#else
    // Scalars and text only: the winning class as plain text.
    const char* best = model::kLabels[scores[model::kPerson] > scores[1 - model::kPerson] ? model::kPerson
                                                                                         : 1 - model::kPerson];
    check(g_writer.text("model/top_class", step, best), "model/top_class");
#endif
    check(g_writer.scalar("model/instructions", step, static_cast<float>(model_instructions)), "model/instructions");
  });
#if TINYTB_FW_DEBUG
  cost.debug = board::measure([&] { debug_frame(step, scores); });
#endif
  check(g_writer.scalar("tinytb/log_instructions", step, static_cast<float>(cost.instructions())),
        "tinytb/log_instructions");
  check(g_writer.scalar("tinytb/log_stack_bytes", step, static_cast<float>(cost.stack_bytes())),
        "tinytb/log_stack_bytes");
  return cost;
}

void print_cost(const char* name, const board::Cost& cost) {
  board::print(name);
  board::print(" ");
  board::print_uint(cost.instructions);
}

#endif  // TINYTB_FW_LOGGING

// A dequantised score with 4 decimals (newlib-nano's printf has no %f, and is not needed).
static_assert(model::kOutputQuantization.scale == 1.0f / 256 && model::kOutputQuantization.zero_point == -128,
              "print_score() computes (q + 128) / 256");
void print_score(int8_t q) {
  const uint32_t ten_thousandths = (static_cast<uint32_t>(q + 128) * 10000 + 128) / 256;
  board::print(ten_thousandths >= 10000 ? "1." : "0.");
  const uint32_t digits = ten_thousandths % 10000;
  for (uint32_t unit = 1000; unit > 0; unit /= 10) {
    const char digit[2] = {static_cast<char>('0' + digits / unit % 10), '\0'};
    board::print(digit);
  }
}

}  // namespace

int firmware_main() {
  board::print(TINYTB_FW_DESCRIPTION "\n");
#if TINYTB_FW_LOGGING
  if (!open_log()) return 2;
  uint32_t total = 0, least = UINT32_MAX, most = 0, deepest = 0;
#if TINYTB_FW_STREAM
  uint32_t stream_total = 0;
#endif
#endif
  for (uint32_t frame = 0; frame < TINYTB_FW_FRAMES; ++frame) {
#if TINYTB_FW_STREAM
    stream_board::wait_for_frame(frame, g_stream_options.period_ms);
#endif
    camera::capture(frame, g_gray, g_color);
    int8_t scores[model::kClasses];
    const board::Cost inference = board::measure([&] { model::run(g_gray, scores); });
    board::print("frame ");
    board::print_uint(frame);
    board::print(":");
#if TINYTB_FW_LOGGING
    const FrameCost cost = log_frame(frame, scores, inference.instructions);
#if TINYTB_FW_STREAM
    // Out on the link now, not when the queue fills: the host shows each frame as it happens.
    // What sending costs (framing, CRC-32C, the UART) is measured on its own line.
    const uint64_t link_before = stream_sink().link_bytes();
    const board::Cost flush = board::measure([&] { check(g_writer.flush(), "flush"); });
    const uint64_t link_bytes = stream_sink().link_bytes() - link_before;
    stream_total += flush.instructions;
#endif
    total += cost.instructions();
    least = cost.instructions() < least ? cost.instructions() : least;
    most = cost.instructions() > most ? cost.instructions() : most;
    deepest = cost.stack_bytes() > deepest ? cost.stack_bytes() : deepest;
    board::print(" log ");
    board::print_uint(cost.instructions());
    board::print(" instructions (");
#if TINYTB_FW_IMAGES
    print_cost("camera/gray", cost.gray);
    board::print(", ");
#if TINYTB_FW_RGB
    print_cost("camera/color", cost.color);
    board::print(", ");
#endif
#endif
    print_cost("values", cost.values);
    board::print("), stack ");
    board::print_uint(cost.stack_bytes());
    board::print(" bytes;");
#endif
    board::print(" model ");
    board::print_uint(inference.instructions);
    board::print(" instructions, person score ");
    print_score(scores[model::kPerson]);
    board::print("\n");
#if TINYTB_FW_STREAM
    board::print("stream ");
    board::print_uint(frame);
    board::print(": ");
    board::print_uint(static_cast<uint32_t>(link_bytes));
    board::print(" bytes on the link, flush ");
    board::print_uint(flush.instructions);
    board::print(" instructions\n");
#endif
  }
#if TINYTB_FW_LOGGING
  check(g_writer.close(), "close");
#if TINYTB_FW_SDCARD
  unmount_card();
#endif
#if TINYTB_FW_STREAM
  report_stream();
  board::print("instructions per streamed frame (the flush): mean ");
  board::print_uint(stream_total / TINYTB_FW_FRAMES);
  board::print("\n");
#endif
  board::print("instructions per logged frame: mean ");
  board::print_uint(total / TINYTB_FW_FRAMES);
  board::print(", least ");
  board::print_uint(least);
  board::print(", most ");
  board::print_uint(most);
  board::print("\ndeepest stack of a logging call: ");
  board::print_uint(deepest);
  board::print(" bytes\nlogging RAM: writer ");
  board::print_uint(static_cast<uint32_t>(decltype(g_writer)::storage_bytes()));
  board::print(" bytes (queue ");
  board::print_uint(static_cast<uint32_t>(decltype(g_writer)::kQueueBytes));
  board::print(")");
#if TINYTB_FW_IMAGES
  board::print(", PNG encoder ");
  board::print_uint(static_cast<uint32_t>(decltype(g_png)::storage_bytes()));
  board::print(" bytes (arena high water ");
  board::print_uint(static_cast<uint32_t>(g_png.arena_high_water()));
  board::print(")");
#endif
#if TINYTB_FW_DEBUG == 1
  board::print(", flight recorder ");
  board::print_uint(static_cast<uint32_t>(decltype(g_recorder)::storage_bytes()));
  board::print(" bytes (triggers written ");
  board::print_uint(g_recorder.triggers());
  board::print(")");
#elif TINYTB_FW_DEBUG == 2
  board::print(", inspector ");
  board::print_uint(static_cast<uint32_t>(sizeof(g_inspector) + decltype(g_hist)::storage_bytes() +
                                          decltype(g_canvas)::storage_bytes()));
  board::print(" bytes (with its histogram and canvas)");
#endif
  board::print("\n");
#endif
  board::print("stack high water since reset: ");
  board::print_uint(static_cast<uint32_t>(board::stack_high_water()));
  board::print(" of ");
  board::print_uint(static_cast<uint32_t>(board::stack_size()));
  board::print(" bytes\n");
#if TINYTB_FW_LOGGING
  board::print("tinytb calls: ");
  board::print_uint(g_calls);
  board::print(", failed: ");
  board::print_uint(g_failed);
  board::print("\n");
  return g_failed == 0 ? 0 : 1;
#else
  return 0;
#endif
}
