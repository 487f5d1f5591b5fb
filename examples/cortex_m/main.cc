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
#include <stdint.h>

#include "board.h"
#include "camera.h"
#include "firmware_config.h"
#include "model.h"
#if TINYTB_FW_LOGGING
#include "tinytb/tinytb.h"
#if TINYTB_FW_SDCARD
#include "fatfs_sink.h"
#include "sdcard.h"
#else
#include "semihosting_sink.h"
#endif
#endif

namespace {

// The camera's frame buffers: RAM a camera board has whether it logs or not.
uint8_t g_gray[camera::kGrayBytes];
uint8_t g_color[camera::kColorBytes];

// ---- logging: storage, sized at compile time ---------------------------------------------------
#if TINYTB_FW_LOGGING

constexpr size_t kMaxTagLen = 32;
constexpr size_t kMaxTags = 12;
// Room for the scalars and text of a frame, besides its largest image.
constexpr size_t kValueBytes = 1024;

#if TINYTB_FW_IMAGES
constexpr uint32_t kMaxWidth = TINYTB_FW_RGB ? camera::kColorWidth : camera::kGrayWidth;
constexpr uint32_t kMaxHeight = TINYTB_FW_RGB ? camera::kColorHeight : camera::kGrayHeight;
constexpr uint8_t kMaxChannels = TINYTB_FW_RGB ? 3 : 1;
constexpr tinytb::PngMode kPngMode = TINYTB_FW_IMAGES == 3   ? tinytb::PngMode::kLodepng
                                     : TINYTB_FW_IMAGES == 2 ? tinytb::PngMode::kCompressed
                                                             : tinytb::PngMode::kStored;
tinytb::PngEncoder<kMaxWidth, kMaxHeight, kMaxChannels, kPngMode> g_png;
constexpr size_t kQueueBytes =
    tinytb::image_record_bytes(kMaxTagLen, kMaxWidth, kMaxHeight, kMaxChannels) + kValueBytes;
#else
constexpr size_t kQueueBytes = kValueBytes;
#endif

#if TINYTB_FW_SDCARD
tinytb::FatfsSink g_sink;
#else
tinytb::SemihostingSink g_sink;
#endif
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

bool open_log() {
#if TINYTB_FW_SDCARD
  if (!mount_card()) return false;
#endif
  tinytb::WriterOptions options;
  options.logdir = "logs";
  options.run = TINYTB_FW_CORE;
  options.host = TINYTB_FW_MACHINE;
  options.file_stamp = 1;  // no real-time clock: a boot counter names the file
  options.clock.uptime_ms = board::uptime_ms;
  const tinytb::Status status = g_writer.open(g_sink, options);
  check(status, "open");
  if (status != tinytb::Status::kOk) return false;
  check(g_writer.text("board", 0, TINYTB_FW_DESCRIPTION), "board");
  return true;
}

struct FrameCost {
  board::Cost gray{0, 0};
  board::Cost color{0, 0};
  board::Cost values{0, 0};

  uint32_t instructions() const { return gray.instructions + color.instructions + values.instructions; }
  uint32_t stack_bytes() const {
    uint32_t most = gray.stack_bytes > color.stack_bytes ? gray.stack_bytes : color.stack_bytes;
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
  const tinytb::ImageView color = tinytb::ImageView::frame(tinytb::PixelFormat::kRgb565Be, g_color,
                                                           camera::kColorWidth, camera::kColorHeight);
  cost.color = board::measure([&] { check(g_writer.image("camera/color", step, color, g_png), "camera/color"); });
#endif
#endif
  cost.values = board::measure([&] {
    const tinytb::Values values(scores, model::kClasses, model::kOutputQuantization);
    const float person = model::kOutputQuantization.scale *
                         static_cast<float>(scores[model::kPerson] - model::kOutputQuantization.zero_point);
    check(g_writer.scalar("model/person_score", step, person), "model/person_score");
    check(g_writer.text_top_k("model/top_classes", step, values, model::kLabels, model::kClasses),
          "model/top_classes");
    check(g_writer.scalar("model/instructions", step, static_cast<float>(model_instructions)), "model/instructions");
  });
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
#endif
  for (uint32_t frame = 0; frame < TINYTB_FW_FRAMES; ++frame) {
    camera::capture(frame, g_gray, g_color);
    int8_t scores[model::kClasses];
    const board::Cost inference = board::measure([&] { model::run(g_gray, scores); });
    board::print("frame ");
    board::print_uint(frame);
    board::print(":");
#if TINYTB_FW_LOGGING
    const FrameCost cost = log_frame(frame, scores, inference.instructions);
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
  }
#if TINYTB_FW_LOGGING
  check(g_writer.close(), "close");
#if TINYTB_FW_SDCARD
  unmount_card();
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
