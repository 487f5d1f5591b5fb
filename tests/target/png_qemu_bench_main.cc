// tinytb target benchmark (docs/png.md): instructions per frame on a Cortex-M4 for
// lodepng with its default settings and for tinytb's own deflate (default and fast), in
// one firmware run on QEMU's mps2-an386 with -icount shift=0 (one instruction is one
// nanosecond of virtual time; the FPGAIO counter ticks every 40 of them).
//
// Inputs, through semihosting from the working directory (tests/bench/png_qemu_host.cc
// writes them from examples/data; tests/target/run_png_qemu_bench.sh runs everything):
//   frames.idx    one 48-byte record per frame: width, height, channels (uint32, little
//                 endian), the frame's name (NUL-padded)
//   frame<i>.raw  the pixels, rows packed, channels interleaved
// Outputs: frame<i>-lodepng.png, frame<i>-tinytb.png, frame<i>-tinytb-fast.png (the host
// decodes and compares them), and on the console one line per encode:
//   result <i> <encoder> bytes <n> instructions <n> stack <n> [state <n> | arena_peak <n>
//          arena_high <n> alloc_calls <n>]
//
// Memory: the stack, .data and .bss (the DeflateState) in SSRAM2/3 (4 MiB at 0x20000000);
// the frame, tinytb's output buffer and lodepng's arena in the 16 MiB PSRAM at 0x21000000
// (png_qemu_bench.ld). Only the encode call is counted: file I/O, stack painting and
// the arena's reset are outside the window; lodepng's allocator calls are inside it.
#include <stdint.h>
#include <string.h>

#include <initializer_list>

#include "board.h"
#include "png/png_checksum.h"
#include "png/png_deflate.h"
#include "png_qemu_lodepng.h"
#include "semihosting_sink.h"

namespace {

using tinytb::detail::DeflateLevel;
using tinytb::detail::DeflateState;

constexpr uint32_t kSysFlen = 0x0C;
constexpr uint32_t kSysRead = 0x06;

constexpr uint32_t kMaxWidth = 640, kMaxHeight = 480, kMaxChannels = 3;
constexpr size_t kMaxFrame = size_t{kMaxWidth} * kMaxHeight * kMaxChannels;
constexpr size_t kMaxOut = tinytb::detail::png_deflate_max_bytes(kMaxWidth, kMaxHeight, kMaxChannels);
constexpr size_t kPsramBytes = 16u << 20;
constexpr size_t kArenaBytes = (kPsramBytes - kMaxFrame - kMaxOut - 4096) & ~size_t{4095};
constexpr size_t kIndexRecord = 48;
constexpr size_t kMaxFrames = 24;

__attribute__((section(".psram"), aligned(8))) uint8_t g_frame[kMaxFrame];
__attribute__((section(".psram"), aligned(8))) uint8_t g_out[kMaxOut];
__attribute__((section(".psram"), aligned(8))) uint8_t g_arena[kArenaBytes];
uint8_t g_index[kIndexRecord * kMaxFrames];
DeflateState g_state;

// ---- semihosting files --------------------------------------------------------------------

intptr_t open_file(const char* path, uintptr_t mode) {
  uintptr_t args[3] = {reinterpret_cast<uintptr_t>(path), mode, strlen(path)};
  return tinytb::semihosting::arm_call(tinytb::semihosting::kSysOpen, args);
}

void close_file(intptr_t handle) {
  uintptr_t args[1] = {static_cast<uintptr_t>(handle)};
  (void)tinytb::semihosting::arm_call(tinytb::semihosting::kSysClose, args);
}

// The whole file into buf[0, capacity); false if it cannot be read or does not fit.
bool read_file(const char* path, uint8_t* buf, size_t capacity, size_t* size) {
  const intptr_t h = open_file(path, tinytb::semihosting::kModeReadBinary);
  if (h < 0) return false;
  uintptr_t flen[1] = {static_cast<uintptr_t>(h)};
  const intptr_t length = tinytb::semihosting::arm_call(kSysFlen, flen);
  bool ok = length >= 0 && static_cast<size_t>(length) <= capacity;
  if (ok) {
    uintptr_t args[3] = {static_cast<uintptr_t>(h), reinterpret_cast<uintptr_t>(buf), static_cast<uintptr_t>(length)};
    ok = tinytb::semihosting::arm_call(kSysRead, args) == 0;  // SYS_READ returns the bytes NOT read
    *size = static_cast<size_t>(length);
  }
  close_file(h);
  return ok;
}

bool write_file(const char* path, const uint8_t* data, size_t size) {
  const intptr_t h = open_file(path, tinytb::semihosting::kModeWriteBinary);
  if (h < 0) return false;
  uintptr_t args[3] = {static_cast<uintptr_t>(h), reinterpret_cast<uintptr_t>(data), size};
  const bool ok = tinytb::semihosting::arm_call(tinytb::semihosting::kSysWrite, args) == 0;
  close_file(h);
  return ok;
}

// "frame" + i + suffix, into a buffer big enough for every name used here.
struct Name {
  char text[48];
};
Name frame_file(uint32_t i, const char* suffix) {
  Name n{};
  char digits[11];
  size_t d = 0;
  do {
    digits[d++] = static_cast<char>('0' + i % 10);
    i /= 10;
  } while (i != 0);
  size_t k = 0;
  for (const char* p = "frame"; *p != '\0';) n.text[k++] = *p++;
  while (d > 0) n.text[k++] = digits[--d];
  for (const char* p = suffix; *p != '\0' && k + 1 < sizeof(n.text);) n.text[k++] = *p++;
  n.text[k] = '\0';
  return n;
}

uint32_t read_u32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void print_field(const char* key, uint32_t value) {
  board::print(" ");
  board::print(key);
  board::print(" ");
  board::print_uint(value);
}

// The counter's own cost: what an empty window measures, on average over many (the counter
// ticks every 40 instructions, so one window says 0 or 40).
uint32_t g_overhead = 0;
uint32_t counted(const board::Cost& c) { return c.instructions > g_overhead ? c.instructions - g_overhead : 0; }

// The filter sums this core's deflate chooses by (the DSP path on an M4) against the
// portable loop, png_filter_costs(): every row of every frame, plus random rows.
struct CrossCheck {
  uint32_t rows = 0, mismatches = 0;
  bool simd = false;
  void row(const uint8_t* row, const uint8_t* prev, size_t n, size_t bpp) {
    uint32_t costs[5], portable[5];
    simd = tinytb::detail::png_filter_costs(row, prev, n, bpp, costs, portable);
    ++rows;
    if (memcmp(costs, portable, sizeof(costs)) != 0) ++mismatches;
  }
};
CrossCheck g_cross;

// Rows of 1..200 bytes, 1, 3 or 4 bytes a pixel, first rows and rows with one above;
// contents: noise, small steps, and the extremes (0, 127, 128, 255) where a wrong sign or
// a carry between bytes would show.
void cross_check_random_rows() {
  static uint8_t rows[2][200];
  uint32_t r = 2026;
  auto next = [&r] {
    r = r * 1664525u + 1013904223u;
    return r >> 24;
  };
  static const uint8_t kExtremes[4] = {0, 127, 128, 255};
  for (size_t n = 1; n <= 200; ++n) {
    for (const size_t bpp : {size_t{1}, size_t{3}, size_t{4}}) {
      for (uint32_t kind = 0; kind < 3; ++kind) {
        for (size_t i = 0; i < n; ++i) {
          for (int k = 0; k < 2; ++k) {
            const uint32_t v = next();
            rows[k][i] = static_cast<uint8_t>(kind == 0 ? v : kind == 1 ? 100 + (v & 7) : kExtremes[v & 3]);
          }
        }
        g_cross.row(rows[0], nullptr, n, bpp);
        g_cross.row(rows[0], rows[1], n, bpp);
      }
    }
  }
}

// Adler-32 as this core computes it (the DSP path on an M4) against the portable loop,
// png_checksum_paths(): every frame whole and in uneven pieces, random buffers of 0..700
// bytes from random starting sums, and 20 000 bytes of 0xFF from sums just below the
// modulus (the deferred modulo's worst case).
struct AdlerCheck {
  uint32_t runs = 0, mismatches = 0;
  bool simd = false;
  uint32_t run(uint32_t adler, const uint8_t* p, size_t n) {
    uint32_t target = 0, portable = 0;
    simd = tinytb::detail::png_checksum_paths(adler, p, n, &target, &portable);
    ++runs;
    if (target != portable) ++mismatches;
    return portable;
  }
  void pieces(const uint8_t* p, size_t n) {
    run(tinytb::detail::kAdler32Init, p, n);
    uint32_t adler = tinytb::detail::kAdler32Init;
    for (size_t at = 0, piece = 1; at < n; at += piece, piece = piece * 7 % 1013 + 1) {
      adler = run(adler, p + at, n - at < piece ? n - at : piece);
    }
  }
};
AdlerCheck g_adler;

void adler_check_buffers() {
  static uint8_t buf[20000];
  uint32_t r = 15;
  auto next = [&r] {
    r = r * 1664525u + 1013904223u;
    return r >> 8;
  };
  for (size_t n = 0; n <= 700; ++n) {
    for (size_t i = 0; i < n; ++i) buf[i] = static_cast<uint8_t>(next());
    const uint32_t a = next() % 65521u, b = next() % 65521u;
    g_adler.run((b << 16) | a, buf, n);
  }
  memset(buf, 0xFF, sizeof(buf));
  g_adler.run((65520u << 16) | 65520u, buf, sizeof(buf));
  g_adler.pieces(buf, sizeof(buf));
}

}  // namespace

int firmware_main() {
  board::print("png_qemu_bench: arm-none-eabi-g++ " __VERSION__
               ", -mcpu=cortex-m4 -mthumb -Os, soft-float\n");
  size_t index_size = 0;
  if (!read_file("frames.idx", g_index, sizeof(g_index), &index_size) || index_size % kIndexRecord != 0) {
    board::print("cannot read frames.idx (or more than 16 frames)\n");
    return 2;
  }
  uint32_t empty_total = 0;
  constexpr uint32_t kEmptyWindows = 64;
  for (uint32_t i = 0; i < kEmptyWindows; ++i) empty_total += board::measure([] {}).instructions;
  g_overhead = (empty_total + kEmptyWindows / 2) / kEmptyWindows;
  // Calibration: a loop of exactly 2 000 000 instructions (subs + bne, 1 000 000 times) must
  // measure 2 000 000 (the host checks it), or the counter is not counting instructions.
  const board::Cost loop = board::measure([] {
    uint32_t n = 1000000;
    __asm__ volatile(
        "1:\n\t"
        "subs %0, %0, #1\n\t"
        "bne 1b"
        : "+r"(n)
        :
        : "cc");
  });
  print_field("counter_overhead", g_overhead);
  print_field("calibration_2000000", counted(loop));
  print_field("deflate_state", static_cast<uint32_t>(sizeof(DeflateState)));
  cross_check_random_rows();
  adler_check_buffers();
  print_field("arena", static_cast<uint32_t>(kArenaBytes));
  board::print("\n");

  int failures = 0;
  for (uint32_t i = 0; i < index_size / kIndexRecord; ++i) {
    const uint8_t* rec = g_index + i * kIndexRecord;
    const uint32_t width = read_u32(rec), height = read_u32(rec + 4), channels = read_u32(rec + 8);
    char name[kIndexRecord - 12 + 1] = {};
    memcpy(name, rec + 12, kIndexRecord - 12);
    board::print("frame ");
    board::print_uint(i);
    board::print(" ");
    board::print(name);
    board::print("\n");
    size_t frame_size = 0;
    if (width == 0 || height == 0 || width > kMaxWidth || height > kMaxHeight || channels == 0 ||
        channels > kMaxChannels || !read_file(frame_file(i, ".raw").text, g_frame, sizeof(g_frame), &frame_size) ||
        frame_size != size_t{width} * height * channels) {
      board::print("  skipped: bad size or unreadable\n");
      ++failures;
      continue;
    }

    for (uint32_t y = 0; y < height; ++y) {
      const size_t stride = size_t{width} * channels;
      g_cross.row(g_frame + y * stride, y == 0 ? nullptr : g_frame + (y - 1) * stride, stride, channels);
    }
    g_adler.pieces(g_frame, frame_size);

    // lodepng, default settings, a fresh arena.
    png_qemu::arena_reset(g_arena, sizeof(g_arena));
    uint8_t* png = nullptr;
    size_t size = 0;
    unsigned error = 0;
    const board::Cost lode = board::measure([&] { error = png_qemu::lodepng_encode(g_frame, width, height, channels, &png, &size); });
    const png_qemu::ArenaStats arena = png_qemu::arena_stats();
    if (error != 0 || !write_file(frame_file(i, "-lodepng.png").text, png, size)) {
      board::print("  lodepng failed, error ");
      board::print_uint(error);
      board::print("\n");
      ++failures;
    } else {
      board::print("result ");
      board::print_uint(i);
      board::print(" lodepng");
      print_field("bytes", static_cast<uint32_t>(size));
      print_field("instructions", counted(lode));
      print_field("stack", lode.stack_bytes);
      print_field("arena_peak", static_cast<uint32_t>(arena.peak_live));
      print_field("arena_high", static_cast<uint32_t>(arena.high_water));
      print_field("alloc_calls", arena.calls);
      board::print("\n");
    }
    if (png != nullptr) png_qemu::lodepng_release(png);

    for (const bool fast : {false, true}) {
      const DeflateLevel level = fast ? DeflateLevel::kFast : DeflateLevel::kDefault;
      tinytb::Status status = tinytb::Status::kOk;
      const board::Cost own = board::measure([&] {
        status = tinytb::detail::png_deflate_encode(g_frame, width, height, static_cast<uint8_t>(channels),
                                                    size_t{width} * channels, level, &g_state, g_out, sizeof(g_out),
                                                    &size);
      });
      if (status != tinytb::Status::kOk ||
          !write_file(frame_file(i, fast ? "-tinytb-fast.png" : "-tinytb.png").text, g_out, size)) {
        board::print(fast ? "  tinytb fast failed\n" : "  tinytb failed\n");
        ++failures;
        continue;
      }
      board::print("result ");
      board::print_uint(i);
      board::print(fast ? " tinytb-fast" : " tinytb");
      print_field("bytes", static_cast<uint32_t>(size));
      print_field("instructions", counted(own));
      print_field("stack", own.stack_bytes);
      print_field("state", static_cast<uint32_t>(sizeof(DeflateState)));
      board::print("\n");
    }
  }
  board::print("simd_crosscheck");
  print_field("rows", g_cross.rows);
  print_field("mismatches", g_cross.mismatches);
  print_field("simd", g_cross.simd ? 1u : 0u);
  board::print("\n");
  board::print("adler_crosscheck");
  print_field("runs", g_adler.runs);
  print_field("mismatches", g_adler.mismatches);
  print_field("simd", g_adler.simd ? 1u : 0u);
  board::print("\n");
  board::print(failures == 0 ? "all encodes succeeded\n" : "some encodes failed\n");
  return failures == 0 ? 0 : 1;
}
