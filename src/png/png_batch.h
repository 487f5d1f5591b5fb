// tinytb (internal): the images of one call, laid out in a PNG encoder's arena and turned
// into PNG bytes on demand. Knows nothing of summaries: the record that carries the PNGs
// asks for each one's size (png_bytes) and then its bytes (png_data or write_png), after
// prepare() for the modes that encode lazily:
//   kStored   the size follows from the dimensions; write_png() generates the bytes while
//             they are written (into the record, as it is encoded).
//   kLodepng  prepare(i) encodes the images up to i into the arena, the first time it is
//             asked (after the writer has accepted the tag and the step); write_png()
//             copies them out, framed.
//   kFast, kCompressed
//             png_bytes() is the bound (png_max_bytes) until place() has compressed every
//             image into the writer's queue, behind the room the record's headers take at
//             most; then png_data() says where each PNG lies, and the event encoder moves
//             it down behind the real headers (docs/png.md, "the record path").
//             Or, for a record larger than the writer's queue (docs/storage.md, "Records
//             larger than the queue"): measure() runs the deflate once counting its bytes
//             (the sizing pass), then png_bytes() is exact and write_png() runs it again,
//             streaming the same bytes through a small window (the writing pass).
#ifndef TINYTB_SRC_PNG_BATCH_H_
#define TINYTB_SRC_PNG_BATCH_H_

#include <stddef.h>
#include <stdint.h>

#include "image/image_convert.h"
#include "png/png_arena.h"
#include "png/png_framing.h"
#include "tinytb/png/png_encoder.h"

namespace tinytb {
namespace detail {
struct DeflateState;  // png/png_deflate.h
}  // namespace detail

struct PngBatch {
  // One image of the batch. kLodepng: its zlib payload (deflate stream) sits at arena
  // offset `offset`. kFast/kCompressed: the whole PNG, `png_size` bytes at `png`.
  struct Slot {
    uint32_t offset;
    uint32_t stream_bytes;  // deflate stream, without the zlib header and Adler-32
    uint32_t adler;
    uint32_t stored;  // measured: deflate did not make it smaller, so it goes out stored
    const uint8_t* png;
    size_t png_size;
  };

  // Checks the views against the encoder (kInvalidArgument, kTooLarge, kBusy), lays out
  // the arena and takes the encoder. Nothing is encoded yet. end() must follow a kOk.
  Status begin(PngEncoderBase& encoder, const ImageView* views, size_t count);
  void end();

  // kLodepng: encode the next image into the arena, through the encoder's PngLimits::lodepng
  // (kUnsupported without it). Failures are kept in status.
  Status encode_next();
  // What the hook runs (src/png/png_lodepng.cc): lodepng's deflate of the next image.
  Status lodepng_next();
  // kFast/kCompressed: PNG i with tinytb's deflate, straight into out[0, capacity);
  // stored instead when deflate does not fit (capacity >= png_max_bytes always does).
  Status deflate_into(size_t i, uint8_t* out, size_t capacity, size_t* size);
  Status deflate_rows(detail::DeflateState* state, const detail::RowReader& reader);  // every row of the image
  // kFast/kCompressed, for the record path: the payload of the record being built is
  // out[0, bytes), sized with every PNG at its bound. Compress every image into the end
  // of it, leaving in front all the room the headers can take. Failures are in status.
  Status place(uint8_t* payload, size_t bytes);
  // kFast/kCompressed, for a streamed record: the sizing pass. Every image is deflated
  // once with its output counted, not kept, through window[0, bytes) (at least
  // png_stream_window_bytes()); the window is kept for write_png(). Failures are in status.
  Status measure(uint8_t* window, size_t bytes);
  // What PNG i needs before its size is final: kLodepng encodes the images up to i (once).
  // The batch's first failure, kept in status, is returned from then on.
  Status prepare(size_t i);
  // Bytes of PNG i: kLodepng once prepared; kFast/kCompressed the bound until placed.
  size_t png_bytes(size_t i) const;
  // Where PNG i lies, complete (kFast/kCompressed once placed); null when write_png()
  // produces it.
  const uint8_t* png_data(size_t i) const;
  // The complete PNG i, png_bytes(i) of them, through `out`. False if `out` failed, and
  // for kFast/kCompressed unless measured (placed PNGs are in memory: png_data). Measured,
  // it is the writing pass: the deflate again, streamed through the window; a stream that
  // differs from the measured one in length or checksum is false too (status kEncodeError).
  bool write_png(size_t i, ByteWriter out);

  PngEncoderBase* encoder = nullptr;
  const ImageView* views = nullptr;
  size_t count = 0;
  uint32_t width = 0;
  uint32_t height = 0;
  uint8_t channels = 0;
  bool compressed = false;     // kLodepng
  bool deflate = false;        // kFast, kCompressed
  bool placed = false;         // deflate: place() has run
  bool measured = false;       // deflate: measure() has run
  size_t encoded = 0;         // compressed: images encoded so far
  Status status = Status::kOk;  // the first failure of a lazy encode

 private:
  // PNG i as stored or lodepng's stream framed (deflate's fallback included); not counted.
  bool emit(size_t i, ByteWriter out);
  void note_peak(const uint8_t* top);
  // Deflate image i with its stream going to `drain` through the window.
  Status deflate_stream(size_t i, ByteWriter drain, size_t* stream_bytes, uint32_t* adler);

  uint8_t* base_ = nullptr;  // the arena, 8-aligned
  Slot* slots_ = nullptr;
  uint8_t* scratch_ = nullptr;
  uint32_t* sums_ = nullptr;
  uint8_t* row_ = nullptr;
  uint8_t* prev_ = nullptr;
  void* state_ = nullptr;        // deflate: the DeflateState
  uint8_t* filtered_ = nullptr;  // at the arena's end
  size_t filtered_bytes_ = 0;
  uint8_t* kept_end_ = nullptr;  // end of the streams of images encoded so far
  size_t peak_ = 0;              // bytes from base_ the call needed at most
  uint8_t* window_ = nullptr;    // measured: the caller's window for the deflate's output
  size_t window_bytes_ = 0;
  detail::ArenaHeap heap_;
};

}  // namespace tinytb

#endif  // TINYTB_SRC_PNG_BATCH_H_
