// tinytb: the PNG framing (src/png/png_framing.h).
#include "png/png_framing.h"

#include <string.h>

#include "base/bytes.h"

namespace tinytb {
namespace detail {

const uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

namespace {

// zlib's header: deflate, a 32 KiB window declared (every deflate here fits in it), no
// dictionary, FCHECK making it a multiple of 31. The same for stored and compressed streams.
constexpr uint8_t kZlibHeader[2] = {0x78, 0x01};

// A whole chunk: length, type, data, CRC-32 of type and data. Returns its end.
uint8_t* put_chunk(uint8_t* out, const char* type, const uint8_t* data, size_t n) {
  put_be32(out, static_cast<uint32_t>(n));
  memcpy(out + 4, type, 4);
  if (n > 0) memcpy(out + 8, data, n);
  put_be32(out + 8 + n, crc32_update(kCrc32Init, out + 4, 4 + n));
  return out + 12 + n;
}

bool write_memory(void* context, const uint8_t* data, size_t size) {
  MemoryWriter* m = static_cast<MemoryWriter*>(context);
  if (size > m->capacity - m->size) return false;
  memcpy(m->data + m->size, data, size);
  m->size += size;
  return true;
}

bool write_stream(void* context, const uint8_t* data, size_t size) {
  PngWriter* png = static_cast<PngWriter*>(context);
  png->stream(data, size);
  return png->ok();
}

}  // namespace

// ---- head and tail ---------------------------------------------------------------------------

uint32_t png_head(uint8_t* out, uint32_t width, uint32_t height, uint8_t channels, size_t stream_bytes) {
  memcpy(out, kPngSignature, sizeof(kPngSignature));
  uint8_t ihdr[13];
  put_be32(ihdr, width);
  put_be32(ihdr + 4, height);
  ihdr[8] = 8;  // bits per sample
  ihdr[9] = channels == 1 ? 0 : (channels == 3 ? 2 : 6);
  ihdr[10] = ihdr[11] = ihdr[12] = 0;  // deflate, adaptive filtering, no interlace
  uint8_t* idat = put_chunk(out + 8, "IHDR", ihdr, sizeof(ihdr));
  put_be32(idat, static_cast<uint32_t>(sizeof(kZlibHeader) + stream_bytes + 4));
  memcpy(idat + 4, "IDAT", 4);
  memcpy(idat + 8, kZlibHeader, sizeof(kZlibHeader));
  return crc32_update(kCrc32Init, idat + 4, 4 + sizeof(kZlibHeader));
}

void png_tail(uint8_t* out, uint32_t adler, uint32_t idat_crc) {
  put_be32(out, adler);
  put_be32(out + 4, crc32_update(idat_crc, out, 4));
  (void)put_chunk(out + 8, "IEND", nullptr, 0);
}

void put_stored_length(uint8_t* out, size_t len) {
  const uint32_t n = static_cast<uint32_t>(len);
  out[0] = static_cast<uint8_t>(n);
  out[1] = static_cast<uint8_t>(n >> 8);
  out[2] = static_cast<uint8_t>(~n);
  out[3] = static_cast<uint8_t>(~n >> 8);
}

// ---- streamed -------------------------------------------------------------------------------

void PngWriter::raw(const uint8_t* p, size_t n) { ok_ = ok_ && out_.write(out_.context, p, n); }

void PngWriter::head(uint32_t width, uint32_t height, uint8_t channels, size_t stream_bytes) {
  uint8_t b[kPngHeadBytes];
  crc_ = png_head(b, width, height, channels, stream_bytes);
  raw(b, sizeof(b));
}

void PngWriter::stream(const uint8_t* p, size_t n) {
  crc_ = crc32_update(crc_, p, n);
  raw(p, n);
}

void PngWriter::tail(uint32_t adler) {
  uint8_t b[kPngTailBytes];
  png_tail(b, adler, crc_);
  raw(b, sizeof(b));
}

ByteWriter PngWriter::stream_writer() { return ByteWriter{write_stream, this}; }

bool StoredDeflate::put(const uint8_t* p, size_t n) {
  while (n > 0 && ok_) {
    if (block_left_ == 0) {
      block_left_ = left_ < kStoredBlockMax ? left_ : kStoredBlockMax;
      uint8_t header[5];
      header[0] = static_cast<uint8_t>(block_left_ == left_ ? 1 : 0);  // BFINAL, BTYPE 00, padding
      put_stored_length(header + 1, block_left_);
      ok_ = out_.write(out_.context, header, sizeof(header));
    }
    const size_t take = n < block_left_ ? n : block_left_;
    ok_ = ok_ && out_.write(out_.context, p, take);
    adler_ = adler32_update(adler_, p, take);
    block_left_ -= take;
    left_ -= take;
    p += take;
    n -= take;
  }
  return ok_;
}

ByteWriter MemoryWriter::writer() { return ByteWriter{write_memory, this}; }

// ---- read back --------------------------------------------------------------------------------

bool png_declared_size(const uint8_t* p, size_t n, uint32_t* width, uint32_t* height) {
  if (n < 24 || memcmp(p, kPngSignature, sizeof(kPngSignature)) != 0) return false;
  if (get_be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0) return false;
  *width = get_be32(p + 16);
  *height = get_be32(p + 20);
  return true;
}

}  // namespace detail
}  // namespace tinytb
