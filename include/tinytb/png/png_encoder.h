// tinytb: PNG encoding in a fixed arena, for image summaries.
//
//   // A microcontroller: compressed PNGs with tinytb's own deflate, about 9.3 KiB of arena
//   // for 160x120 RGB whatever the frame's height:
//   static tinytb::PngEncoder<160, 120, 3, tinytb::PngMode::kCompressed> png;
//   (void)writer.image("camera/frame", step, view, png);
//
//   // Stored (uncompressed) PNGs need only a few rows of RAM:
//   static tinytb::PngEncoder<96, 96, 1> png;          // kStored: 1 KiB or so
//
// Four modes (docs/images.md and docs/png.md have the measurements behind them):
//   kStored      PNG with uncompressed deflate blocks. Its size is known from the
//                dimensions alone, so the PNG is generated row by row straight into the
//                writer's queue while the record is encoded: the arena holds a row, a
//                512 bytes of scratch (down-scaling sums a few pixels at a time on the
//                stack, so no row of sums). lodepng is not
//                involved.
//   kCompressed  tinytb's own deflate (src/png/png_deflate.h), default level: per row the
//                filter with the least sum of absolute differences, literals and runs,
//                dynamic Huffman codes per 8 KiB block. Each row is converted into one of
//                two row buffers (or read in place when the view is packed 8-bit gray,
//                RGB or RGBA) and compressed straight into the writer's queue, behind a
//                reserved header that is written once the length is known. The arena is
//                the deflate state (about 12 KiB), two rows and the
//                scratch: it does not grow with the height. The mode for MCUs.
//   kFast        the same with DeflateLevel::kFast (Paeth on every row): about 1.5-2.5x
//                faster, 0.2-2 % larger.
//   kLodepng     each row is converted and PNG-filtered into the arena, lodepng's deflate
//                (dynamic Huffman, LZ77 window 2048) compresses it into the arena, and the
//                stream is copied once, into the queue. lodepng needs 256 KiB for its hash
//                table alone: this mode is for boards with PSRAM and for Linux boards.
// In every compressed mode an image that deflate does not make smaller is stored instead
// (stored_fallbacks() counts them), so a PNG is never larger than its stored form,
// png_max_bytes(): image_record_bytes() holds for every mode.
//
// The arena: the caller provides it (PngEncoder<...> holds one inline; PngEncoderBase
// takes any buffer, e.g. in external RAM). png_arena_bytes() is the most a configuration
// can use, for any pixel content (docs/images.md derives it); a call whose images need
// more than the arena holds returns kTooLarge before anything is encoded.
// arena_high_water() tells what was really used.
//
// kLodepng only: lodepng's allocator hooks (lodepng_malloc, lodepng_realloc,
// lodepng_free) are plain functions with no context pointer, so they are bound to one
// encoder's arena at a time, for the duration of one deflate. A kLodepng encode that
// finds them bound (another encoder in another task or an interrupt) returns kBusy and
// writes nothing; with nothing bound they return null, so lodepng called by anything
// else fails instead of reaching into an arena. In every mode an encoder object is used
// by one call at a time (kBusy otherwise).
#ifndef TINYTB_PNG_ENCODER_H_
#define TINYTB_PNG_ENCODER_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/busy_flag.h"
#include "tinytb/config.h"

#include "tinytb/image/image_view.h"
#include "tinytb/status.h"

namespace tinytb {

// kStored: uncompressed; kFast / kCompressed: tinytb's deflate (fast / default level),
// a few KiB of arena; kLodepng: lodepng's deflate, hundreds of KiB of arena.
enum class PngMode : uint8_t { kStored, kFast, kCompressed, kLodepng };

struct PngBatch;  // src/png/png_batch.h
// kLodepng is opt-in at link time: its deflate (and lodepng) is linked only when the
// application names png_lodepng_mode, so a firmware that does not use the mode carries
// none of lodepng's 6 KB. PngEncoder<..., PngMode::kLodepng> names it by itself; a
// PngEncoderBase in kLodepng mode needs PngLimits::lodepng = tinytb::png_lodepng_mode
// (without it every call returns kUnsupported). The function is built with lodepng:
// CMake's TINYTB_WITH_LODEPNG=ON (target tinytb::lodepng), otherwise the link fails.
using PngLodepngHook = Status (*)(PngBatch& batch);
Status png_lodepng_mode(PngBatch& batch);

// "stored", "fast", "compressed" or "lodepng" (for logs and reports); "unknown" otherwise.
const char* png_mode_name(PngMode mode);

// What an encoder accepts. Views larger than max_width x max_height (after crop and
// down-scale), with more than max_channels output channels, or batches of more than
// max_batch images return kTooLarge.
struct PngLimits {
  uint32_t max_width = 0;
  uint32_t max_height = 0;
  uint8_t max_channels = 0;  // 1 (gray), 3 (RGB and gray) or 4 (RGBA, RGB and gray)
  uint8_t max_batch = 1;     // images per summary (tf.summary.image's max_outputs)
  PngMode mode = PngMode::kStored;
  PngLodepngHook lodepng = nullptr;  // png_lodepng_mode for kLodepng (above); unused otherwise
};

namespace png_sizing {

constexpr size_t round8(size_t n) { return (n + 7) & ~static_cast<size_t>(7); }
// One allocation from the arena's heap: an 8-byte header, the size rounded up to 8.
constexpr size_t block(size_t n) { return 8 + round8(n); }
constexpr size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

constexpr size_t kSlotBytes = 32;      // per image of a call: sizes, offsets, checksum
constexpr size_t kScratchBytes = 512;  // an int8 lookup table and a chunk of converted pixels
constexpr size_t kAlignSlack = 8;      // a caller's arena may start anywhere
constexpr size_t kWindow = 2048;       // lodepng's LZ77 window (its default)

// tinytb's deflate (kFast, kCompressed): an upper bound of sizeof(detail::DeflateState)
// on any target (src/png/png_encoder.cc checks it): the filtered-byte buffer, the run list,
// the Huffman counts, lengths, codes and scratch (2724 bytes), 168 bytes for its counters,
// bit writer, pointers and streamed output's drain, and with TINYTB_DEFLATE_FRAME_BLOCKS
// 296 more: the frame's cursor and the filter types of 512 rows (256 bytes). The sizes are
// knobs in tinytb/config.h.
constexpr size_t kDeflateStateBytes = round8(TINYTB_DEFLATE_BUFFER + 4 * TINYTB_DEFLATE_MAX_RUNS + 2724 + 168 +
                                             (TINYTB_DEFLATE_FRAME_BLOCKS ? 296 : 0));

// The PNG-filtered image: one filter byte, then the row's bytes, for every row.
constexpr size_t filtered_bytes(size_t w, size_t h, size_t ch) { return h * (1 + w * ch); }
// The zlib data of a stored PNG without header and checksum: 5 bytes a block of <= 65535.
constexpr size_t stored_deflate_bytes(size_t filtered) { return filtered + 5 * ceil_div(filtered, 65535); }

// lodepng_deflate's own allocations (lodepng 20220618, btype 2), the worst case for any
// input of `n` bytes; docs/images.md walks through each term. `ptr` is the target's
// pointer size (lodepng's package-merge nodes hold one), so a host can size an MCU's arena.
constexpr size_t bpm_node_bytes(size_t ptr) { return 2 * ptr + 8; }
constexpr size_t hash_bytes() {
  return block(4 * 65536) + block(4 * kWindow) + 3 * block(2 * kWindow) + block(4 * 259);
}
// A Huffman tree of up to `n` symbols and `bits` bits: what it keeps (lengths, codes,
// the decode table lodepng also builds, its freed 512-entry scratch) and the most its
// package-merge step holds at once (the leaves, then their sort buffer or the lists).
constexpr size_t tree_lists_bytes(size_t bits, size_t ptr) {
  return block(2 * bits * (bits + 1) * bpm_node_bytes(ptr)) + block(2 * bits * (bits + 1) * ptr) +
         2 * block(bits * ptr);
}
constexpr size_t tree_bytes(size_t n, size_t bits, size_t ptr) {
  return block(4 * n) + block(4 * n) + block(4 * 512) + block(512 + 10 * n) + block(2 * (512 + 10 * n)) +
         block(n * bpm_node_bytes(ptr)) +
         (block(n * bpm_node_bytes(ptr)) > tree_lists_bytes(bits, ptr) ? block(n * bpm_node_bytes(ptr))
                                                                         : tree_lists_bytes(bits, ptr));
}
// lodepng's block size for `n` input bytes, and one block's working set: symbol counts,
// the LZ77 symbols (at most 4 per 3 bytes, in a vector that grows by half), three trees.
constexpr size_t deflate_block(size_t n) {
  return n / 8 + 8 < 65536 ? 65536 : (n / 8 + 8 > 262144 ? 262144 : n / 8 + 8);
}
constexpr size_t block_working_bytes(size_t n, size_t ptr) {
  return block(4 * 286) + block(4 * 30) + block(4 * 19) + block(6 * ceil_div(4 * n, 3)) + tree_bytes(286, 15, ptr) +
         tree_bytes(30, 15, ptr) + 2 * block(4 * 316) + tree_bytes(19, 7, ptr);
}
constexpr size_t deflate_bytes(size_t n, size_t ptr) {
  return hash_bytes() + block_working_bytes(n < deflate_block(n) ? n : deflate_block(n), ptr);
}

}  // namespace png_sizing

// Exact size of a stored PNG of w x h with `channels` (1, 3 or 4), and so the most a
// compressed one takes: signature, IHDR, one IDAT (zlib header, blocks, Adler-32), IEND.
constexpr size_t png_max_bytes(size_t width, size_t height, size_t channels) {
  return png_sizing::stored_deflate_bytes(png_sizing::filtered_bytes(width, height, channels)) + 63;
}

// The window a PNG of `mode` needs in the writer's queue when its record is larger than
// the queue and is streamed to the sink (docs/storage.md, "Records larger than the
// queue"): kFast/kCompressed drain their output through a window of 320 bytes, whatever
// the block size (src/png/png_deflate.h, kDeflateStreamWindow); the other modes need none
// (their sizes are known before writing).
constexpr size_t png_stream_window_bytes(PngMode mode) {
  return mode == PngMode::kFast || mode == PngMode::kCompressed ? 320 : 0;
}

// The arena a configuration needs, for any image content (usable in static_assert).
// `pointer_bytes` is the target's pointer size: the default is this build's.
constexpr size_t png_arena_bytes(size_t width, size_t height, size_t channels, PngMode mode, size_t batch = 1,
                                 size_t pointer_bytes = sizeof(void*)) {
  using namespace png_sizing;
  const size_t fixed = kAlignSlack + batch * kSlotBytes + kScratchBytes + round8(width * channels);
  if (mode == PngMode::kStored) return fixed;
  // tinytb's deflate: the second row buffer (the row above, which the filters read) and
  // the deflate state. Nothing grows with the height: the PNG goes straight into the
  // writer's queue (or the caller's buffer).
  if (mode == PngMode::kFast || mode == PngMode::kCompressed) {
    return fixed + round8(width * channels) + kDeflateStateBytes;
  }
  const size_t filtered = filtered_bytes(width, height, channels);
  const size_t stream = stored_deflate_bytes(filtered);
  // kLodepng: the previous row for filtering, the filtered image, the streams of the batch's
  // earlier images, this image's stream (room to grow by half), lodepng's work.
  return fixed + round8(width * channels) + round8(filtered) + (batch - 1) * block(stream) +
         block(stream + stream / 2 + 8) + deflate_bytes(filtered, pointer_bytes);
}

// The size-erased encoder: an arena and its limits. Use PngEncoder<...> for one with
// its arena inline, or construct this with your own buffer (which must outlive it).
class PngEncoderBase {
 public:
  // `arena` (8-byte alignment is best; up to 7 bytes are lost otherwise) may be null
  // only with arena_bytes 0, which makes every call return kTooLarge.
  PngEncoderBase(uint8_t* arena, size_t arena_bytes, const PngLimits& limits);
  // The same, for PngEncoder<...>: `config` is config_check::this_build() as the derived
  // class's file sees it, so an application whose deflate knobs size the inline arena
  // differently from the library's fails to link (config.h). The library does not read it.
  PngEncoderBase(uint8_t* arena, size_t arena_bytes, const PngLimits& limits, const char* config);
  PngEncoderBase(const PngEncoderBase&) = delete;
  PngEncoderBase& operator=(const PngEncoderBase&) = delete;

  // Encode one view into `out` (capacity bytes) as a complete PNG file; *size gets its
  // length. For a PNG you want outside an event file (an SD card, a serial link).
  // Errors: kInvalidArgument (bad view, null out or size), kTooLarge (view beyond the
  // limits, arena too small, or capacity below what this PNG needs), kBusy.
  // png_max_bytes() of the output size is always enough capacity. kFast/kCompressed
  // compress straight into `out`: a capacity below png_max_bytes() works when the PNG
  // compresses into it.
  Status encode(const ImageView& view, uint8_t* out, size_t capacity, size_t* size);

  const PngLimits& limits() const { return limits_; }
  size_t arena_capacity() const { return arena_bytes_; }
  // The most arena bytes any call has used so far (alignment loss included).
  size_t arena_high_water() const { return high_water_; }
  // Compressed modes: images written stored because deflate did not make them smaller.
  uint32_t stored_fallbacks() const { return stored_fallbacks_; }
  // Images encoded so far.
  uint32_t images_encoded() const { return images_encoded_; }

 private:
  friend struct PngBatch;  // src/png/png_batch.h: lays out the arena, counts what it used

  uint8_t* const arena_;
  const size_t arena_bytes_;
  const PngLimits limits_;
  size_t high_water_ = 0;
  uint32_t stored_fallbacks_ = 0;
  uint32_t images_encoded_ = 0;
  detail::BusyFlag in_use_;  // taken by a call, so two tasks cannot share the arena
};

// An encoder with its arena inline, sized at compile time for the largest image:
//   MaxWidth x MaxHeight:  output size (after crop and down-scale)
//   MaxChannels:           1, 3 or 4 (a 3-channel encoder also takes gray images)
//   Mode:                  kStored, kFast, kCompressed or kLodepng
//   MaxBatch:              images per summary
template <uint32_t MaxWidth, uint32_t MaxHeight, uint8_t MaxChannels = 3, PngMode Mode = PngMode::kStored,
          uint8_t MaxBatch = 1>
class PngEncoder : public PngEncoderBase {
  // The hook is named only in the kLodepng instantiation: other modes do not link lodepng.
  template <PngMode M, bool = (M == PngMode::kLodepng)>
  struct Lodepng {
    static constexpr PngLodepngHook kHook = nullptr;
  };
  template <PngMode M>
  struct Lodepng<M, true> {
    static constexpr PngLodepngHook kHook = &png_lodepng_mode;
  };
  static_assert(MaxWidth >= 1 && MaxWidth <= ImageView::kMaxImageSide, "MaxWidth must be 1..16384");
  static_assert(MaxHeight >= 1 && MaxHeight <= ImageView::kMaxImageSide, "MaxHeight must be 1..16384");
  static_assert(MaxChannels == 1 || MaxChannels == 3 || MaxChannels == 4, "MaxChannels must be 1, 3 or 4");
  static_assert(MaxBatch >= 1, "MaxBatch must be at least 1");

 public:
  static constexpr size_t kArenaBytes = png_arena_bytes(MaxWidth, MaxHeight, MaxChannels, Mode, MaxBatch);
  // RAM this configuration takes: the whole object, arena included.
  static constexpr size_t storage_bytes() { return sizeof(PngEncoder); }

  PngEncoder()
      : PngEncoderBase(arena_, sizeof(arena_),
                       PngLimits{MaxWidth, MaxHeight, MaxChannels, MaxBatch, Mode, Lodepng<Mode>::kHook},
                       config_check::this_build()) {}

 private:
  alignas(8) uint8_t arena_[kArenaBytes];
};

}  // namespace tinytb

#endif  // TINYTB_PNG_ENCODER_H_
