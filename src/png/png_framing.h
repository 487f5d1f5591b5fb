// tinytb (internal): the one framing of a PNG file around its deflate stream, shared by
// every PNG writer in src/png/ (stored, tinytb's deflate, lodepng's deflate) and by the
// header check of pre-encoded files.
//
// Every PNG tinytb writes has the same shape (PNG 5.2-5.6, 11.2; RFC 1950):
//
//   signature (8) | IHDR chunk (25) | IDAT length, "IDAT", zlib header 78 01 (10)
//   | the deflate stream | Adler-32, IDAT CRC (8) | IEND chunk (12)
//
// so the framing is kPngHeadBytes in front of the stream and kPngTailBytes behind it:
// a PNG's size is its stream's plus kPngFramingBytes. One IDAT chunk, 8-bit samples,
// colour type 0 (gray), 2 (RGB) or 6 (RGBA), no interlace.
#ifndef TINYTB_SRC_PNG_FRAMING_H_
#define TINYTB_SRC_PNG_FRAMING_H_

#include <stddef.h>
#include <stdint.h>

#include "png/png_checksum.h"

namespace tinytb {

// Where bytes go: a record being encoded, a caller's buffer. write() takes all `size`
// bytes or returns false (and the writing stops there).
struct ByteWriter {
  bool (*write)(void* context, const uint8_t* data, size_t size) = nullptr;
  void* context = nullptr;
};

namespace detail {

extern const uint8_t kPngSignature[8];

constexpr size_t kPngHeadBytes = 8 + 25 + 8 + 2;        // signature, IHDR, IDAT length and type, zlib header
constexpr size_t kPngTailBytes = 4 + 4 + 12;            // Adler-32, IDAT CRC, IEND
constexpr size_t kPngFramingBytes = kPngHeadBytes + kPngTailBytes;  // 63
// A stored deflate block (BTYPE 00) holds at most this many bytes.
constexpr size_t kStoredBlockMax = 65535;

// The head of a PNG of width x height with `channels` (1, 3 or 4) whose deflate stream
// is `stream_bytes` long, into out[0, kPngHeadBytes). Returns the CRC-32 of the IDAT
// chunk so far (its type and the zlib header), for png_tail() once the stream has been
// added to it (crc32_update over the stream, wherever it lies).
uint32_t png_head(uint8_t* out, uint32_t width, uint32_t height, uint8_t channels, size_t stream_bytes);

// The tail into out[0, kPngTailBytes): the stream's Adler-32 (of the data it inflates
// to), the IDAT CRC continued from `idat_crc` (png_head's, continued over the stream),
// and IEND.
void png_tail(uint8_t* out, uint32_t adler, uint32_t idat_crc);

// A stored block's LEN and NLEN (RFC 1951 3.2.4: little-endian, NLEN = ~LEN), into
// out[0, 4). len <= kStoredBlockMax. The three header bits and the byte alignment before
// them are the caller's: a bit writer inside a stream, or one header byte (StoredDeflate).
void put_stored_length(uint8_t* out, size_t len);

// A PNG written in order through a ByteWriter: head(), the stream in any pieces
// (stream()), tail(). After a failed write nothing more is written; ok() tells.
class PngWriter {
 public:
  explicit PngWriter(ByteWriter out) : out_(out) {}

  void head(uint32_t width, uint32_t height, uint8_t channels, size_t stream_bytes);
  void stream(const uint8_t* p, size_t n);
  void tail(uint32_t adler);
  bool ok() const { return ok_; }
  // The stream's bytes as a ByteWriter (for StoredDeflate); `this` must outlive it.
  ByteWriter stream_writer();

 private:
  void raw(const uint8_t* p, size_t n);

  ByteWriter out_;
  uint32_t crc_ = 0;
  bool ok_ = true;
};

// A deflate stream of stored blocks (BTYPE 00, at most kStoredBlockMax bytes each, the
// last one final) around `total` bytes given to put() in any pieces, and their Adler-32.
// Its size is stored_deflate_bytes(total) (png_encoder.h), whatever the bytes.
class StoredDeflate {
 public:
  StoredDeflate(ByteWriter out, size_t total) : out_(out), left_(total) {}

  // False once a write failed (nothing more is written then). At most `total` bytes in all.
  bool put(const uint8_t* p, size_t n);
  uint32_t adler() const { return adler_; }

 private:
  ByteWriter out_;
  size_t left_;
  size_t block_left_ = 0;
  uint32_t adler_ = kAdler32Init;
  bool ok_ = true;
};

// Writes into out[0, capacity): a ByteWriter over a caller's buffer.
struct MemoryWriter {
  uint8_t* data = nullptr;
  size_t capacity = 0;
  size_t size = 0;  // bytes written so far

  ByteWriter writer();
};

// The size a PNG declares in its IHDR (which must come first, right after the
// signature). False when p[0, n) does not start with the signature and an IHDR chunk.
bool png_declared_size(const uint8_t* p, size_t n, uint32_t* width, uint32_t* height);

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_PNG_FRAMING_H_
