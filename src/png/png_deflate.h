// tinytb (internal): tinytb's own deflate and the PNG writer around it: compressed PNGs
// in a fixed ~12 KiB state plus ~0.6 KiB of stack, whatever the frame's size
// (docs/png.md: the measurements that chose this design, what memory goes where, how
// the length is known before the bytes).
//
// Rows are PNG-filtered (per row, the filter with the least sum of absolute differences)
// straight from the caller's frame into an 8 KiB buffer. When it is full it becomes one
// deflate block (kDefault may end the block at half or three quarters of it instead, where
// the statistics change, the rest starting the next): literals and runs (the previous
// byte repeated: LZ77 at distance 1),
// coded with dynamic Huffman codes built from that block's counts (15 bits at most);
// a block that would not shrink is stored instead. A frame read in place at kDefault
// (png_deflate_frame(), TINYTB_DEFLATE_FRAME_BLOCKS) joins up to eight buffers into one
// block instead, reading them twice (counted, then coded). A tiny frame (half the buffer
// at most) is one block: kept unfiltered when it is mostly runs (kFast then codes it with deflate's
// fixed codes), otherwise filtered and coded unfiltered instead when that is estimated
// cheaper. Output goes into
// one bounded buffer (running out of it is kTooLarge) or through a 320-byte window to a
// drain. No general LZ77 window: on camera frames it cost
// more bytes than it saved (docs/png.md has the figures). On cores with the Arm DSP
// instructions (__ARM_FEATURE_SIMD32) the filters and the filter choice's sums take four
// bytes a step; the output is the same byte for byte.
#ifndef TINYTB_SRC_PNG_DEFLATE_H_
#define TINYTB_SRC_PNG_DEFLATE_H_

#include <stddef.h>
#include <stdint.h>

#include "png/png_framing.h"
#include "tinytb/config.h"
#include "tinytb/status.h"

namespace tinytb {
namespace detail {

// Rows whose filter types a frame's readings keep (png_deflate_frame()).
constexpr size_t kDeflateFrameTypes = 512;

// Filtered bytes held (one block's input at most) and the runs a block may hold: knobs
// in tinytb/config.h. The state is about kDeflateBuffer + 4 * kDeflateMaxRuns + 2.8 KiB
// (+ 0.3 KiB with TINYTB_DEFLATE_FRAME_BLOCKS).
constexpr size_t kDeflateBuffer = TINYTB_DEFLATE_BUFFER;
constexpr size_t kDeflateMaxMatches = TINYTB_DEFLATE_MAX_RUNS;

enum class DeflateLevel : uint8_t {
  kFast,     // Paeth filter on every row (Sub on the first), no per-row choice, except on
             // rows of at most 64 bytes, which get kDefault's choice; tiny frames that are
             // mostly runs with few rows like the one above (28x28 digits) unfiltered, with
             // the fixed Huffman codes when within 1.5x of the dynamic estimate
  kDefault,  // each row: the filter with the least sum of absolute differences, of all five
};

// The deflate's working word: 64 bits on 64-bit hosts, 32 on MCUs (Cortex-M, RISC-V 32),
// where 64-bit shifts take several instructions each. It sets the bit writer's buffer
// (between writes it holds fewer than half a word of pending bits: 32 or 16) and how the
// parser looks for runs; the output is the same either way. Tests set it to 0 on a host
// to run the MCU paths there.
#if !defined(TINYTB_DEFLATE_WORD64)
#if UINTPTR_MAX > 0xFFFFFFFFu
#define TINYTB_DEFLATE_WORD64 1
#else
#define TINYTB_DEFLATE_WORD64 0
#endif
#endif
#if TINYTB_DEFLATE_WORD64
using DeflateBits = uint64_t;
#else
using DeflateBits = uint32_t;
#endif

// Bits out, least significant first, into a bounded buffer; running out sets overflow.
struct BitWriter {
  DeflateBits bits = 0;
  unsigned count = 0;
  uint8_t* out = nullptr;
  size_t size = 0;
  size_t capacity = 0;
  bool overflow = false;
};

// All of the encoder's state: the caller provides it (static, stack or a pool).
struct DeflateState {
  uint8_t buf[kDeflateBuffer];
  uint32_t match[kDeflateMaxMatches];  // per run: literals before it (24 bits), its length - 3 (8)
  uint16_t lit_freq[286];
  uint16_t dist_freq[30];
  uint8_t lit_len[286];
  uint8_t dist_len[30];
  uint16_t lit_code[286];  // the Huffman sort's scratch (the codes a block is written with go into key)
  uint16_t dist_code[30];
  // Huffman construction scratch: (weight << 9) | symbol, sorted, then turned into code
  // lengths in place.
  uint32_t key[286];
  // Stream position.
  size_t end = 0;          // bytes in buf
  size_t pos = 0;          // next byte to parse
  size_t block_start = 0;  // first byte of the open block
  size_t matches = 0;
  size_t run = 0;          // literals since the last match
  BitWriter w;
  DeflateLevel level = DeflateLevel::kDefault;
  // The PNG around the stream (png_deflate_begin/row/end).
  uint8_t* png = nullptr;   // the caller's output buffer
  size_t png_capacity = 0;
  uint32_t width = 0, height = 0, rows = 0;  // rows: filtered so far
  uint8_t channels = 0;
  uint16_t adler_from = 0;  // buf[adler_from, end): filtered bytes the Adler-32 does not hold yet
  uint32_t adler = 1;  // Adler-32 of the filtered bytes before them
  // A tiny frame (its filtered bytes fit half of buf): its rows are kept unfiltered (type
  // 0) until end(), which keeps them so when they are mostly runs, and otherwise filters
  // them from a copy in buf's upper half and keeps whichever form costs fewer bits.
  bool tiny = false;
  // The open block is coded with deflate's fixed Huffman codes (kFast's tiny frames).
  bool fixed = false;
  // A frame in memory (png_deflate_encode, png_deflate_encode_stream): kDefault reads each
  // block's rows twice, counting its symbols and then coding them, so that one block (one
  // set of code tables) may span up to kDeflateFrameBlock bytes, several buffers.
#if TINYTB_DEFLATE_FRAME_BLOCKS
  const uint8_t* frame = nullptr;
  ptrdiff_t stride = 0;  // row y at frame + y * stride
  uint32_t fy = 0;       // the next row to filter
  uint32_t fi = 0;       // of it: 0, the filter byte next; else 1 + the bytes filtered
  uint8_t ftype = 0;     // row fy's filter type, once chosen (fi > 0)
  uint8_t phase = 0;     // a full run list: 0 closes the block, 1 is forgotten (counting), 2 is written
  uint8_t kind = 0;      // phase 2: how the open block's symbols go out (BlockKind)
  bool written = false;  // every block of the frame is out: end() frames it only
  // The filter types of rows [types_from, types_to) of the frame as they were chosen, row y
  // at types[(y % kDeflateFrameTypes) / 2] (two a byte): a frame's rows are read twice or
  // three times, their filters chosen once (a block and the buffer after it span at most
  // kDeflateFrameTypes rows: frame_block()).
  uint32_t types_from = 0;
  uint32_t types_to = 0;
  uint8_t types[kDeflateFrameTypes / 2];
#endif
  // Streamed output (png_deflate_begin_stream): after every block the window's whole
  // bytes go to `drain` and the window starts again; `drained` counts them.
  ByteWriter drain;
  size_t drained = 0;
  bool drain_failed = false;

  // Constructs in bytes the caller owns (the encoder's arena). A member placement form
  // rather than <new>'s, which toolchains without a C++ library (Debian's RISC-V GCC) lack.
  static void* operator new(size_t, void* where) noexcept { return where; }
};

// The most bytes png_deflate_encode() writes for w x h with `channels`, whatever the
// pixels: the filtered image (h rows of 1 + w * channels) plus at most 6 bytes a block
// (a block is stored when coding would not shrink it: 3 header bits, up to 7 bits of
// alignment, 4 length bytes), plus the PNG framing (kPngFramingBytes). Blocks end when
// the buffer fills (with a quarter of it at least: kDefault may end a block at half or
// three quarters of what it holds) or when kDeflateMaxMatches runs (4 bytes or more
// each) wait.
constexpr size_t png_deflate_max_bytes(size_t width, size_t height, size_t channels) {
  return kPngFramingBytes + height * (1 + width * channels) +
         6 * (height * (1 + width * channels) / (kDeflateBuffer / 4) +
              height * (1 + width * channels) / (4 * kDeflateMaxMatches) + 2);
}

// One row PNG-filtered as DeflateLevel::kDefault chooses (the least sum of absolute
// filtered bytes): out[0] gets the filter type, out[1, 1 + n) the filtered bytes. `row`
// holds n bytes of pixels `bpp` bytes each; `prev` is the row above, null for the first.
// For encoders that filter a whole image before deflating it (lodepng's).
void png_filter_row(const uint8_t* row, const uint8_t* prev, size_t n, size_t bpp, uint8_t* out);

// The five filters' sums of magnitudes for one row (what kDefault chooses by), twice:
// into costs[5] as the encoder computes them on this target, into portable[5] with the
// plain C++ loop. Returns whether the target's path is a different one (the Cortex-M DSP
// instructions: __ARM_FEATURE_SIMD32); either way the two must be equal (a test checks it
// on the M4 under QEMU).
bool png_filter_costs(const uint8_t* row, const uint8_t* prev, size_t n, size_t bpp, uint32_t* costs,
                      uint32_t* portable);

// Row by row, for frames that are converted (or produced) a row at a time: begin(), then
// row() `height` times, then end(). Each row is width * channels bytes; `prev` is the
// row before it as it was given (null for the first row) and must still hold those
// bytes: two row buffers used in turn are enough. The PNG is written into out[0,
// capacity): the stream from byte 43 on as rows arrive, the framing in front and behind
// when end() knows the length.
// Errors: kInvalidArgument (bad arguments, a row after the last or end() before it),
// kTooLarge (out too small: at once, or when the stream reaches its end).
Status png_deflate_begin(DeflateState* state, uint32_t width, uint32_t height, uint8_t channels, DeflateLevel level,
                         uint8_t* out, size_t capacity);
Status png_deflate_row(DeflateState* state, const uint8_t* row, const uint8_t* prev);
Status png_deflate_end(DeflateState* state, size_t* size);

// A whole frame in memory into a begun deflate (png_deflate_begin or _begin_stream, no row
// given yet), in place of the rows: row y at pixels + y * stride (stride may be negative:
// a bottom-up frame), each width * channels bytes; then end() or end_stream() as after the
// rows. kDefault reads each block's rows twice (counting, then coding: blocks of up to
// kDeflateFrameBlock bytes, with fewer code tables than the rows' blocks of one buffer);
// tiny frames and kFast go a row at a time, as png_deflate_row() would take them.
// Errors: kInvalidArgument (bad arguments, rows already given), kTooLarge.
Status png_deflate_frame(DeflateState* state, const uint8_t* pixels, ptrdiff_t stride);

// The window a streamed deflate needs, whatever the block size: the output goes through
// it a piece at a time and is drained whenever the next piece would not fit (a block's
// header, 286 bytes at most; 128 literals, 240 bytes at most; a stored block's bytes in
// window-sized parts), and at the end of every block. Decoupled from the block so that
// larger blocks (fewer code tables: smaller output) cost no more output buffering.
constexpr size_t kDeflateStreamWindow = 320;

// The same deflate with its output streamed: the deflate stream alone (no PNG framing,
// no zlib header or Adler-32: the caller frames it) goes to `drain` in pieces of at most
// window_bytes, written into window[0, window_bytes) first (window_bytes >=
// kDeflateStreamWindow). Rows as png_deflate_row(). end_stream() gives the stream's
// length and the Adler-32 of the filtered bytes; the bytes equal png_deflate_encode()'s
// stream for the same rows. Errors: kInvalidArgument, kTooLarge (a window too small),
// kIoError (drain returned false: nothing more is written).
Status png_deflate_begin_stream(DeflateState* state, uint32_t width, uint32_t height, uint8_t channels,
                                DeflateLevel level, uint8_t* window, size_t window_bytes, ByteWriter drain);
Status png_deflate_end_stream(DeflateState* state, size_t* stream_bytes, uint32_t* adler);

// The most filtered bytes one kDefault block of png_deflate_frame() may span (its rows read
// twice): what 16-bit symbol counts and a stored block's 16-bit length allow.
constexpr size_t kDeflateFrameBlock = 65535;

// png_deflate_encode()'s stream streamed (as png_deflate_begin_stream() and
// png_deflate_end_stream() with the frame's rows): the same bytes.
Status png_deflate_encode_stream(const uint8_t* pixels, uint32_t width, uint32_t height, uint8_t channels,
                                 ptrdiff_t stride, DeflateLevel level, DeflateState* state, uint8_t* window,
                                 size_t window_bytes, ByteWriter drain, size_t* stream_bytes, uint32_t* adler);

// Encode 8-bit gray (1), RGB (3) or RGBA (4) pixels, rows `stride` bytes apart, into `out`
// (capacity bytes) as a complete PNG; *size gets its length. The frame is read in place
// (this row and the one above, for the filters): the state is all the memory it needs.
// Errors: kInvalidArgument, kTooLarge (out too small: nothing useful is in it).
Status png_deflate_encode(const uint8_t* pixels, uint32_t width, uint32_t height, uint8_t channels, size_t stride,
                          DeflateLevel level, DeflateState* state, uint8_t* out, size_t capacity, size_t* size);

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_PNG_DEFLATE_H_
