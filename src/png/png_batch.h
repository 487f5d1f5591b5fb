// tinytb (internal): the images of one call, laid out in a PNG encoder's arena and turned
// into PNG bytes on demand. The event layer asks for them through a StringSource:
//   kStored   at() gives each PNG's size from the dimensions, produce() writes the bytes
//             into the record while it is encoded.
//   kLodepng  at() encodes the images into the arena the first time it is asked (after
//             the writer has accepted the tag and the step); produce() copies them.
//   kFast, kCompressed
//             at() gives the bound (png_max_bytes) until place() has compressed every
//             image into the writer's queue, behind the room the record's headers take
//             at most; then it gives each PNG where it lies, and the event encoder moves
//             it down behind the real headers (docs/png.md, "the record path").
#ifndef TINYTB_SRC_PNG_BATCH_H_
#define TINYTB_SRC_PNG_BATCH_H_

#include <stddef.h>
#include <stdint.h>

#include "image/image_convert.h"
#include "png/png_arena.h"
#include "summary/summary.h"
#include "tinytb/png/png_encoder.h"

namespace tinytb {

// Where PNG bytes go: a nanopb stream (the record) or a caller's buffer.
struct ByteWriter {
  bool (*write)(void* context, const uint8_t* data, size_t size) = nullptr;
  void* context = nullptr;
};

struct PngBatch {
  // One image of the batch. kLodepng: its zlib payload (deflate stream) sits at arena
  // offset `offset`. kFast/kCompressed: the whole PNG, `png_size` bytes at `png`.
  struct Slot {
    uint32_t offset;
    uint32_t stream_bytes;  // deflate stream, without the zlib header and Adler-32
    uint32_t adler;
    uint32_t reserved;
    const uint8_t* png;
    size_t png_size;
  };

  // Checks the views against the encoder (kInvalidArgument, kTooLarge, kBusy), lays out
  // the arena and takes the encoder. Nothing is encoded yet. end() must follow a kOk.
  Status begin(PngEncoderBase& encoder, const ImageView* views, size_t count);
  void end();

  // kLodepng: encode the next image into the arena. Failures are kept in status.
  Status encode_next();
  // kFast/kCompressed: PNG i with tinytb's deflate, straight into out[0, capacity);
  // stored instead when deflate does not fit (capacity >= png_max_bytes always does).
  Status deflate_into(size_t i, uint8_t* out, size_t capacity, size_t* size);
  // kFast/kCompressed, for the record path: the payload of the record being built is
  // out[0, bytes), sized with every PNG at its bound. Compress every image into the end
  // of it, leaving in front all the room the headers can take. Failures are in status.
  Status place(uint8_t* payload, size_t bytes);
  // Bytes of PNG i (compressed: once encoded).
  size_t png_bytes(size_t i) const;
  // The complete PNG i, through `out`. False if `out` failed.
  bool write_png(size_t i, ByteWriter out);

  // The summary tensor's strings: "<width>", "<height>", then the PNGs.
  detail::StringSource strings() const;

  PngEncoderBase* encoder = nullptr;
  const ImageView* views = nullptr;
  size_t count = 0;
  uint32_t width = 0;
  uint32_t height = 0;
  uint8_t channels = 0;
  bool compressed = false;     // kLodepng
  bool deflate = false;        // kFast, kCompressed
  bool placed = false;         // deflate: place() has run
  char width_text[12] = {};
  char height_text[12] = {};
  size_t encoded = 0;         // compressed: images encoded so far
  Status status = Status::kOk;  // the first failure of a lazy encode

 private:
  static detail::Blob at(const void* context, size_t index);
  static bool produce(const void* context, size_t index, detail::ByteOut* out);
  static bool not_placed(const void* context, size_t index, detail::ByteOut* out);
  void note_peak(const uint8_t* top);

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
  detail::ArenaHeap heap_;
};

}  // namespace tinytb

#endif  // TINYTB_SRC_PNG_BATCH_H_
