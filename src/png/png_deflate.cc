// tinytb: the PNG writer with its own deflate (Huffman codes and runs), docs/png.md.
#include "png/png_deflate.h"

#include <string.h>

#include "png/png_checksum.h"
#include "png/png_framing.h"

// The helpers that run once per byte or per symbol. -Os (the Cortex-M builds) would keep
// them out of line, and there a call costs more than their bodies.
#if defined(__GNUC__)
#define TINYTB_PER_BYTE inline __attribute__((always_inline))
#else
#define TINYTB_PER_BYTE inline
#endif
// The Armv7E-M / Armv8-M DSP instructions (Cortex-M4, M7, M33, M55...): byte-wise
// subtract, halving add and sum of absolute differences, four bytes a step, through
// arm_acle.h. TINYTB_DEFLATE_SIMD32 (png/png_checksum.h: set on such a core, =0 keeps the
// portable code).
#if TINYTB_DEFLATE_SIMD32
#include <arm_acle.h>
#endif
// No aliasing between a chunk's inputs and its output: what lets -O2 vectorize the chunks.
#if defined(__GNUC__) || defined(_MSC_VER)
#define TINYTB_RESTRICT __restrict
#else
#define TINYTB_RESTRICT
#endif

namespace tinytb {
namespace detail {
namespace {

constexpr bool kHaveSimd32 = TINYTB_DEFLATE_SIMD32 != 0;
constexpr size_t kMinMatch = 3;
constexpr size_t kMaxMatch = 258;
static_assert(kDeflateBuffer >= 64 && kDeflateBuffer <= 32768, "counts and Huffman weights are 16-bit");

// ---- deflate's length and distance alphabets (RFC 1951, 3.2.5) ------------------------------

constexpr uint16_t kLenBase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                   31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr uint8_t kLenExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr uint8_t kDistExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
constexpr uint8_t kClOrder[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

// Deflate's length code (the symbol is 257 + it) of a match of l bytes, 3-258: l - 3 below
// 8, else 4e + 4 + the two bits below the leading one of l - 3, e = floor(log2(l - 3)) - 2
// (RFC 1951 3.2.5). Computed with one CLZ rather than read from a 259-byte table: it runs
// once a run.
TINYTB_PER_BYTE unsigned len_code(unsigned l) {
  const unsigned v = l - static_cast<unsigned>(kMinMatch);
  if (v < 8) return v;
  if (l == kMaxMatch) return 28;
#if defined(__GNUC__)
  const unsigned e = 29u - static_cast<unsigned>(__builtin_clz(v));
#else
  unsigned e = 0;
  while ((v >> (e + 3)) != 0) ++e;
#endif
  return 4 * e + 4 + ((v >> e) & 3u);
}
// The same without the builtin, checked against the RFC's table of lengths at compile time.
constexpr bool len_code_follows_the_rfc() {
  for (unsigned c = 0; c < 29; ++c) {
    const unsigned last = c == 28 ? 258u : (c == 27 ? 257u : kLenBase[c + 1] - 1u);
    for (unsigned l = kLenBase[c]; l <= last; ++l) {
      const unsigned v = l - 3;
      unsigned e = 0;
      while ((v >> (e + 3)) != 0) ++e;
      if ((v < 8 ? v : l == 258 ? 28u : 4 * e + 4 + ((v >> e) & 3u)) != c) return false;
    }
  }
  return true;
}
static_assert(len_code_follows_the_rfc(), "length codes as RFC 1951 3.2.5");

// ---- bits out ---------------------------------------------------------------------------

TINYTB_PER_BYTE void store_le32(uint8_t* o, uint32_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(o, &v, 4);  // one store where unaligned stores are allowed
#else
  o[0] = static_cast<uint8_t>(v);
  o[1] = static_cast<uint8_t>(v >> 8);
  o[2] = static_cast<uint8_t>(v >> 16);
  o[3] = static_cast<uint8_t>(v >> 24);
#endif
}

// Pending bits go out kFlushBits at a time (half the bit buffer: 32 on 64-bit hosts, 16 on
// MCUs) as soon as that many are waiting, so fewer than kFlushBits wait between writes
// and one write may add up to kFlushBits more.
constexpr unsigned kFlushBits = sizeof(DeflateBits) * 4;

TINYTB_PER_BYTE void store_flush(uint8_t* o, DeflateBits v) {
  if (kFlushBits == 32) {
    store_le32(o, static_cast<uint32_t>(v));
  } else {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint16_t h = static_cast<uint16_t>(v);
    memcpy(o, &h, 2);  // one STRH where unaligned stores are allowed
#else
    o[0] = static_cast<uint8_t>(v);
    o[1] = static_cast<uint8_t>(v >> 8);
#endif
  }
}

// Up to kFlushBits bits. Checks the room.
inline void put_bits(BitWriter* w, uint32_t value, unsigned count) {
  w->bits |= static_cast<DeflateBits>(value) << w->count;
  w->count += count;
  if (w->count >= kFlushBits) {
    if (w->capacity - w->size < kFlushBits / 8) {
      w->overflow = true;
    } else {
      store_flush(w->out + w->size, w->bits);
      w->size += kFlushBits / 8;
    }
    w->bits >>= kFlushBits;
    w->count -= kFlushBits;
  }
}

// The same without the check, for a block whose whole size in bits is known to fit
// (emit_block checks it once).
TINYTB_PER_BYTE void put_bits_unchecked(BitWriter* w, uint32_t value, unsigned count) {
  w->bits |= static_cast<DeflateBits>(value) << w->count;
  w->count += count;
  if (w->count >= kFlushBits) {
    store_flush(w->out + w->size, w->bits);
    w->size += kFlushBits / 8;
    w->bits >>= kFlushBits;
    w->count -= kFlushBits;
  }
}

// Write out every whole byte and a partial one padded with zeros.
void align_bits(BitWriter* w) {
  while (w->count > 0) {
    if (w->size == w->capacity) {
      w->overflow = true;
    } else {
      w->out[w->size++] = static_cast<uint8_t>(w->bits);
    }
    w->bits >>= 8;
    w->count = w->count >= 8 ? w->count - 8 : 0;
  }
  w->bits = 0;
}

void put_bytes(BitWriter* w, const uint8_t* p, size_t n) {
  if (w->capacity - w->size < n) {
    w->overflow = true;
    return;
  }
  memcpy(w->out + w->size, p, n);
  w->size += n;
}

// One code with its length in the upper half (build_codes<uint32_t>) into a bit writer
// held in locals.
TINYTB_PER_BYTE void put_code(DeflateBits& bits, unsigned& count, uint8_t*& out, uint32_t e) {
  bits |= static_cast<DeflateBits>(e & 0xFFFFu) << count;
  count += e >> 16;
  if (count >= kFlushBits) {
    store_flush(out, bits);
    out += kFlushBits / 8;
    bits >>= kFlushBits;
    count -= kFlushBits;
  }
}

// Literals buf[p, stop) with their codes. With 32-bit flushes (64-bit hosts) two at a
// time (two codes are at most 30 bits): half the steps of the bit writer's dependency
// chain. With 16-bit flushes one at a time: about eleven instructions a literal on a
// Cortex-M4 (the 64-bit buffer took twenty). Its own function, with the writer in locals,
// so that its loop has registers for everything (inlined into emit_block it reloaded the
// tables' addresses from the stack on every literal).
#if defined(__GNUC__)
__attribute__((noinline))
#endif
void put_literals(BitWriter* w, const uint8_t* q, const uint8_t* end, const uint32_t* code) {
  DeflateBits bits = w->bits;
  unsigned count = w->count;
  uint8_t* out = w->out + w->size;
  if (kFlushBits >= 30) {
    for (; end - q >= 2; q += 2) {
      const uint32_t e0 = code[q[0]], e1 = code[q[1]];
      bits |= static_cast<DeflateBits>((e0 & 0xFFFFu) | ((e1 & 0xFFFFu) << (e0 >> 16))) << count;
      count += (e0 >> 16) + (e1 >> 16);
      if (count >= kFlushBits) {
        store_flush(out, bits);
        out += kFlushBits / 8;
        bits >>= kFlushBits;
        count -= kFlushBits;
      }
    }
  }
  if (q != end) {
    do {  // the test at the bottom: one branch a literal, not two
      put_code(bits, count, out, code[*q]);
    } while (++q != end);
  }
  w->bits = bits;
  w->count = count;
  w->size = static_cast<size_t>(out - w->out);
}

// Zeroes p[0, n) a word at a time, as clear_counts().
void clear_bytes(uint8_t* p, size_t n) {
  uint32_t zero = 0;
#if defined(__GNUC__)
  __asm__("" : "+r"(zero));
#endif
  for (; n >= 4; n -= 4, p += 4) memcpy(p, &zero, 4);
  for (; n > 0; --n) *p++ = 0;
}

// Zeroes the counts p[0, n), n even, a word at a time: newlib-nano's memset (the C library
// of Cortex-M builds with --specs=nano.specs) stores a byte at a time, three instructions
// a byte. The zero is hidden from the optimizer so that the loop stays a loop.
void clear_counts(uint16_t* p, size_t n) {
  uint32_t zero = 0;
#if defined(__GNUC__)
  __asm__("" : "+r"(zero));
#endif
  for (size_t i = 0; i < n; i += 2) memcpy(p + i, &zero, 4);
}

// ---- Huffman codes ----------------------------------------------------------------------

// Code lengths for `n` symbols with counts `freq`, none longer than `max_bits`. The used
// symbols are sorted by count and Moffat and Katajainen's in-place method turns the
// sorted weights into Huffman code lengths in the same array (no tree, no heap); when the
// longest is too long the counts are halved (kept above zero) and it runs again. At least
// two symbols get a code, so every code is complete.
//
// Each entry of s->key is (value << 9) | symbol: the sort compares one integer (weight,
// then symbol), and the symbol stays in the low bits while the method overwrites the
// values (weights, then parent indices, then depths) in place.
constexpr unsigned kSymBits = 9;
constexpr uint32_t kSymMask = (1u << kSymBits) - 1;
static_assert(286 <= kSymMask + 1, "symbols fit below the value");
TINYTB_PER_BYTE uint32_t val(const uint32_t* k, size_t i) { return k[i] >> kSymBits; }
TINYTB_PER_BYTE void set_val(uint32_t* k, size_t i, uint32_t v) { k[i] = (v << kSymBits) | (k[i] & kSymMask); }

// The used symbols as keys (weight << kSymBits | symbol), weight = (3 count >> shift) + 2,
// count + 2/3 in thirds: the 2 keeps a halved count above zero and gives rare symbols
// slightly shorter codes, whose lengths then cost fewer header bits (docs/png.md, "What was
// tried for bytes": smaller than count + 1, count | 1 or the exact counts),
// sorted by weight and then symbol: a stable least-significant-digit radix sort over
// 6-bit digits of the weight, starting from symbol order (a weight below 4096 takes two
// passes). `scratch` holds the symbols between passes (n entries). Returns how many.
constexpr size_t kInsertionSort = 24;
size_t sort_by_weight(const uint16_t* freq, size_t n, unsigned shift, uint32_t* keys, uint16_t* scratch) {
  size_t m = 0;
  uint32_t most = 0;
  for (size_t i = 0; i < n; ++i) {
    if (freq[i] == 0) continue;
    const uint32_t w = ((3u * freq[i]) >> shift) + 2u;
    keys[m++] = (w << kSymBits) | static_cast<uint32_t>(i);
    most = w > most ? w : most;
  }
  if (m <= kInsertionSort) {
    // Few symbols (the code-length and distance alphabets, tiny blocks): an insertion sort
    // of the keys costs less than the radix passes' 64-entry tables. Keys compare by weight,
    // then symbol: the same order.
    for (size_t i = 1; i < m; ++i) {
      const uint32_t k = keys[i];
      size_t j = i;
      for (; j > 0 && keys[j - 1] > k; --j) keys[j] = keys[j - 1];
      keys[j] = k;
    }
    return m;
  }
  unsigned passes = 1;
  while (passes < 3 && (most >> (6 * passes)) != 0) ++passes;
  for (unsigned d = 0; d < passes; ++d) {
    const unsigned at = 6 * d;
    uint16_t start[64];
    clear_counts(start, 64);
    const bool from_keys = (d & 1u) == 0;
    // The digit's counts from keys, whichever array holds the current order: keys always
    // holds all m keys (in this order or the one before), and the counts need no order.
    for (size_t i = 0; i < m; ++i) ++start[((keys[i] >> kSymBits) >> at) & 63u];
    uint16_t sum = 0;
    for (unsigned b = 0; b < 64; ++b) {
      const uint16_t c = start[b];
      start[b] = sum;
      sum = static_cast<uint16_t>(sum + c);
    }
    if (from_keys) {
      for (size_t i = 0; i < m; ++i) {
        const uint32_t k = keys[i];
        scratch[start[((k >> kSymBits) >> at) & 63u]++] = static_cast<uint16_t>(k & kSymMask);
      }
    } else {
      for (size_t i = 0; i < m; ++i) {
        const uint32_t sym = scratch[i];
        const uint32_t w = ((3u * freq[sym]) >> shift) + 2u;
        keys[start[(w >> at) & 63u]++] = (w << kSymBits) | sym;
      }
    }
  }
  if ((passes & 1u) != 0) {  // the order ended in scratch: back into keys
    for (size_t i = 0; i < m; ++i) {
      const uint32_t sym = scratch[i];
      keys[i] = ((((3u * freq[sym]) >> shift) + 2u) << kSymBits) | sym;
    }
  }
  return m;
}

// Also counts the codes of each length into count[0, 16) (count[0] = 0), for build_codes(),
// and returns the bits of the alphabet's symbols with these codes (sum of count x length).
uint32_t build_lengths(DeflateState* s, const uint16_t* freq, size_t n, unsigned max_bits, uint8_t* len,
                       uint16_t* count) {
  clear_bytes(len, n);
  uint32_t* a = s->key;
  uint16_t* scratch = s->lit_code;  // free until build_codes() fills it, after every length is built
  for (unsigned shift = 0;; ++shift) {
    size_t m = sort_by_weight(freq, n, shift, a, scratch);
    while (m < 2) {  // pad with the lowest unused symbol, weight 1, in front
      uint32_t sym = 0;
      while (freq[sym] != 0 || (m == 1 && (a[0] & kSymMask) == sym)) ++sym;
      for (size_t j = m; j > 0; --j) a[j] = a[j - 1];
      a[0] = (1u << kSymBits) | sym;
      ++m;
    }
    // Pass 1, left to right: internal node weights, each leaf pair merged into a[next],
    // and the index of its parent left in the slot of a node once it is used.
    set_val(a, 0, val(a, 0) + val(a, 1));
    size_t root = 0, leaf = 2;
    for (size_t next = 1; next < m - 1; ++next) {
      uint32_t w;
      if (leaf >= m || val(a, root) < val(a, leaf)) {
        w = val(a, root);
        set_val(a, root++, static_cast<uint32_t>(next));
      } else {
        w = val(a, leaf++);
      }
      if (leaf >= m || (root < next && val(a, root) < val(a, leaf))) {
        w += val(a, root);
        set_val(a, root++, static_cast<uint32_t>(next));
      } else {
        w += val(a, leaf++);
      }
      set_val(a, next, w);
    }
    // Pass 2, right to left: depths of the internal nodes.
    set_val(a, m - 2, 0);
    for (size_t next = m - 2; next-- > 0;) set_val(a, next, val(a, val(a, next)) + 1);
    // Pass 3: leaf depths, the deepest for the smallest weights.
    size_t avail = 1, used = 0, depth = 0, next = m;
    size_t r = m - 1;  // internal nodes m-2 .. 0, walked down as `r - 1`
    while (avail > 0) {
      while (r > 0 && val(a, r - 1) == depth) {
        ++used;
        --r;
      }
      while (avail > used) {
        set_val(a, --next, static_cast<uint32_t>(depth));
        --avail;
      }
      avail = 2 * used;
      ++depth;
      used = 0;
    }
    if (val(a, 0) <= max_bits) {
      clear_counts(count, 16);
      uint32_t bits = 0;
      for (size_t k = 0; k < m; ++k) {
        const uint32_t l = val(a, k), sym = a[k] & kSymMask;
        len[sym] = static_cast<uint8_t>(l);
        ++count[l];
        bits += freq[sym] * l;
      }
      return bits;
    }
  }
}

struct ByteReverse {
  uint8_t byte[256];
};
constexpr ByteReverse make_byte_reverse() {
  ByteReverse t{};
  for (unsigned i = 0; i < 256; ++i) {
    unsigned r = 0;
    for (unsigned b = 0; b < 8; ++b) r |= ((i >> b) & 1u) << (7 - b);
    t.byte[i] = static_cast<uint8_t>(r);
  }
  return t;
}
constexpr ByteReverse kReverse = make_byte_reverse();

// The low l bits of v (a code of l <= 15 bits) in reverse order, for the LSB-first stream.
// Cores with RBIT (Armv7-M, Armv8-M mainline: M3, M4, M7, M33, M55) reverse a word in one
// instruction, and the 256-byte table is not linked; the others look both bytes up.
TINYTB_PER_BYTE uint32_t reverse_code(uint32_t v, uint32_t l) {
#if defined(__GNUC__) && (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
                          defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__))
  uint32_t r;
  __asm__("rbit %0, %1" : "=r"(r) : "r"(v));
  return r >> (32 - l);
#else
  const uint32_t r = (static_cast<uint32_t>(kReverse.byte[v & 0xFFu]) << 8) | kReverse.byte[(v >> 8) & 0xFFu];
  return r >> (16 - l);
#endif
}

// Canonical codes (RFC 1951, 3.2.2), bit-reversed for the LSB-first stream: into code[]
// as they are, or with each code's length in the upper half (Code = uint32_t), the form the
// symbol loops read with one load.
// `count`: how many codes of each length (build_lengths()), count[0] = 0.
template <typename Code>
void build_codes(const uint8_t* len, size_t n, Code* code, const uint16_t* count) {
  uint16_t next[16] = {};
  uint32_t c = 0;
  for (unsigned b = 1; b < 16; ++b) {
    c = (c + count[b - 1]) << 1;
    next[b] = static_cast<uint16_t>(c);
  }
  for (size_t i = 0; i < n; ++i) {
    const unsigned l = len[i];
    if (l == 0) continue;
    code[i] = static_cast<Code>(reverse_code(next[l]++, l) | (sizeof(Code) == 4 ? l << 16 : 0u));
  }
}

// Deflate's fixed literal/length codes (RFC 1951 3.2.6) of the symbols a block uses
// (freq not zero), into len and, as build_codes<uint32_t> gives them, code: consecutive
// codes of 8 bits from 0x30 for 0-143, 9 bits from 0x190 for 144-255, 7 bits from 0 for
// 256-279 and 8 bits from 0xC0 for 280-285. No counting, no sort; unused symbols are left
// alone (nothing reads them).
uint32_t fixed_codes(const uint16_t* freq, uint8_t* len, uint32_t* code) {
  uint32_t bits = 0;  // returned as build_lengths() does
  for (uint32_t i = 0; i < 286; ++i) {
    if (freq[i] == 0) continue;
    const uint32_t l = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    const uint32_t v = i < 144 ? 0x30 + i : i < 256 ? 0x190 - 144 + i : i < 280 ? i - 256 : 0xC0 - 280 + i;
    len[i] = static_cast<uint8_t>(l);
    code[i] = reverse_code(v, l) | (l << 16);
    bits += freq[i] * l;
  }
  return bits;
}

// ---- blocks -------------------------------------------------------------------------------

void full_run_list(DeflateState* s);

// A run: `len` copies of the byte before it (a match at distance 1).
void record_run(DeflateState* s, size_t len) {
  const unsigned lc = len_code(static_cast<unsigned>(len));
  ++s->lit_freq[257 + lc];
  ++s->dist_freq[0];
  s->match[s->matches++] = static_cast<uint32_t>((s->run << 8) | (len - kMinMatch));
  s->run = 0;
  if (s->matches == kDeflateMaxMatches) full_run_list(s);
}

// 64-bit targets look for runs four positions at a time and count literals in two
// tables (the second is s->key, free until the block is closed): counting equal neighbours
// in one table makes every increment wait for the one before it. 32-bit targets skip four
// positions whenever the middle pair differs (parse()).
constexpr bool kWideParse = TINYTB_DEFLATE_WORD64 != 0;

TINYTB_PER_BYTE uint64_t load_le64(const uint8_t* p) {
  uint64_t v;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(&v, p, 8);
#else
  v = 0;
  for (int k = 7; k >= 0; --k) v = (v << 8) | p[k];
#endif
  return v;
}

// Whether a run can start at p, p+1, p+2 or p+3 (p >= 1, p + 7 <= end): one starts at j
// when b[j-1] == b[j] == b[j+1] == b[j+2] == b[j+3]. Eight bytes compared at once.
TINYTB_PER_BYTE bool run_may_start(const uint8_t* b, size_t p) {
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  const uint64_t x = load_le64(b + p - 1);
  const uint64_t d = x ^ (x >> 8);                      // byte k: b[p-1+k] ^ b[p+k], k = 0..6
  const uint64_t z = ~(((d & kLow7) + kLow7) | d | kLow7);  // 0x80 in each zero byte of d
  return (z & (z >> 8) & (z >> 16) & (z >> 24) & 0x80808080u) != 0;
}

// The symbols of buf[pos, limit): literals, and runs of 4 or more copies of the byte
// before them (LZ77 restricted to distance 1: docs/png.md says why no general matches).
// kCount false (a frame block's second reading, its codes already built from the first):
// the same runs, nothing counted (the wide parse's second table is where the codes are).
template <bool kCount>
void parse_symbols(DeflateState* s, size_t limit) {
  const uint8_t* b = s->buf;
  uint16_t* freq = s->lit_freq;
  uint32_t* freq2 = s->key;
  const size_t end = s->end;
  size_t p = s->pos;
  if (p >= limit) return;
  if (p == 0) {  // the stream's first byte: nothing before it to repeat
    if (kCount) ++freq[b[0]];
    ++s->run;
    p = 1;
  }
  size_t lit_start = p - s->run;  // literals since the last run: [lit_start, p)
  while (p < limit) {
    if (kWideParse && p + 4 <= limit && p + 7 <= end && !run_may_start(b, p)) {
      if (kCount) ++freq[b[p]];
      if (kCount) ++freq2[b[p + 1]];
      if (kCount) ++freq[b[p + 2]];
      if (kCount) ++freq2[b[p + 3]];
      p += 4;
      continue;
    }
    // Every run that could start at p..p+3 includes b[p + 2] == b[p + 3] (a run at j needs
    // b[j - 1] == ... == b[j + 3]): where they differ, four literals without more tests.
    if (!kWideParse && p + 4 <= limit) {
      const uint8_t* q = b + p;
      const uint8_t* const last = b + (limit - 4);
      while (q[2] != q[3]) {  // a loop of its own, on a pointer: about 5 instructions a byte
        if (kCount) ++freq[q[0]];
        if (kCount) ++freq[q[1]];
        if (kCount) ++freq[q[2]];
        if (kCount) ++freq[q[3]];
        q += 4;
        if (q > last) break;
      }
      if (q != b + p) {
        p = static_cast<size_t>(q - b);
        continue;
      }
    }
    const uint8_t v = b[p];
    if (v != b[p - 1] || p + 4 > end || b[p + 1] != v || b[p + 2] != v || b[p + 3] != v) {
      if (kCount) ++freq[v];
      ++p;
      continue;
    }
    const size_t most = end - p < kMaxMatch ? end - p : kMaxMatch;
    size_t l = 4;
    const uint32_t repeated = v * 0x01010101u;  // long runs (flat areas) four bytes a step
    for (uint32_t word; l + 4 <= most; l += 4) {
      memcpy(&word, b + p + l, 4);
      if (word != repeated) break;
    }
    while (l < most && b[p + l] == v) ++l;
    s->pos = p + l;
    s->run = p - lit_start;
    record_run(s, l);  // may close the block
    p += l;
    lit_start = p;
  }
  s->pos = p;
  s->run = p - lit_start;
}

void parse(DeflateState* s, size_t limit) { parse_symbols<true>(s, limit); }

// parse()'s counts start again: both alphabets, and the wide parse's second table.
void clear_symbol_counts(DeflateState* s) {
  clear_counts(s->lit_freq, 286);
  clear_counts(s->dist_freq, 30);
  if (kWideParse) memset(s->key, 0, 256 * sizeof(s->key[0]));
}

// The wide parse's second table of literal counts (in key) joins the first, and is cleared.
void join_wide_counts(DeflateState* s) {
  if (!kWideParse) return;
  for (size_t i = 0; i < 256; ++i) s->lit_freq[i] = static_cast<uint16_t>(s->lit_freq[i] + s->key[i]);
  memset(s->key, 0, 256 * sizeof(s->key[0]));
}

// The code lengths of both alphabets as code-length symbols (RFC 1951 3.2.7): 16 repeats
// the previous length 3-6 times, 17 and 18 give 3-10 and 11-138 zeros. Each symbol goes
// into syms as (extra << 5) | sym, counted in freq; returns how many. lens[n] must hold a
// value that is no length (0xFF): the scans for equal lengths stop there. emit_block keeps
// them in the Huffman scratch for the header (not on the stack: 632 bytes saved on the
// deepest call).
TINYTB_PER_BYTE void put_cl(uint16_t* freq, uint16_t*& syms, unsigned sym, size_t extra) {
  ++freq[sym];
  *syms++ = static_cast<uint16_t>((extra << 5) | sym);
}
size_t run_length(const uint8_t* lens, size_t n, uint16_t* freq, uint16_t* syms) {
  uint16_t* const first = syms;
  size_t i = 0;
  while (i < n) {
    const uint8_t v = lens[i];
    size_t r = 1;
    while (lens[i + r] == v) ++r;  // stops at lens[n] at the latest (the caller's 0xFF)
    size_t left = r;
    if (v == 0) {
      while (left >= 11) {
        const size_t t = left < 138 ? left : 138;
        put_cl(freq, syms, 18, t - 11);
        left -= t;
      }
      if (left >= 3) {
        put_cl(freq, syms, 17, left - 3);
        left = 0;
      }
    } else {
      put_cl(freq, syms, v, 0);
      --left;
      while (left >= 3) {
        const size_t t = left < 6 ? left : 6;
        put_cl(freq, syms, 16, t - 3);
        left -= t;
      }
    }
    for (; left > 0; --left) put_cl(freq, syms, v, 0);
    i += r;
  }
  return static_cast<size_t>(syms - first);
}

// Streamed output: the window's whole bytes to the drain; the bits still pending stay.
void drain_bits(DeflateState* s, BitWriter* w) {
  if (w->size > 0 && !w->overflow) {
    if (!s->drain.write(s->drain.context, w->out, w->size)) {
      s->drain_failed = true;
      w->overflow = true;  // stops the stream like a full buffer does
    }
    s->drained += w->size;
  }
  w->size = 0;
}
void drain_window(DeflateState* s) { drain_bits(s, &s->w); }

// Streamed output: drains the window first when fewer than `bytes` are free in it, so that
// the next `bytes` can be written without a check. Into one buffer (not streamed) it does
// nothing: emit_block checked the whole block's room before its first bit.
TINYTB_PER_BYTE void window_room(DeflateState* s, BitWriter* w, size_t bytes) {
  if (s->drain.write != nullptr && w->capacity - w->size < bytes) drain_bits(s, w);
}

// Literals per piece when streamed: 15 bits each at most, so a piece takes at most 240
// bytes of the window (kDeflateStreamWindow holds it with the pending bits).
constexpr size_t kStreamLiterals = 128;
static_assert(kStreamLiterals * 15 / 8 + 16 <= kDeflateStreamWindow, "a piece of literals fits the window");
// The largest dynamic header: 3 + 5 + 5 + 4 + 19 * 3 bits, then at most 7 bits for each of
// the 286 + 30 code lengths (a repeat code costs fewer bits per length than that).
constexpr size_t kMaxHeaderBytes = (3 + 5 + 5 + 4 + 19 * 3 + 316 * 7 + 7) / 8;
static_assert(kMaxHeaderBytes + 16 <= kDeflateStreamWindow, "a block header fits the window");

// Literals buf[p, stop) into a streamed window, a piece at a time.
void put_literals_streamed(DeflateState* s, BitWriter* w, const uint8_t* buf, size_t p, size_t stop,
                           const uint32_t* code) {
  while (p < stop) {
    const size_t n = stop - p < kStreamLiterals ? stop - p : kStreamLiterals;
    window_room(s, w, 2 * n + 8);
    put_literals(w, buf + p, buf + p + n, code);
    p += n;
  }
}

// A block's header (open_block), its symbols (put_symbols: one call, or one for each
// chunk of a frame block) and its end (close_block). The kind says how its symbols go out.
enum BlockKind : uint8_t { kBlockCoded, kBlockStored, kBlockLost };
// Without frame blocks emit_block() is their one caller: inlined there, as one function.
#if TINYTB_DEFLATE_FRAME_BLOCKS
#define TINYTB_BLOCK_PART
#else
#define TINYTB_BLOCK_PART TINYTB_PER_BYTE
#endif

// The block's codes from s's counts and its header, for `bytes` bytes of input: coded with
// Huffman codes, or stored when that is not larger; kBlockLost when its bits (known
// exactly) do not fit an unstreamed output (nothing more is written then).
TINYTB_BLOCK_PART BlockKind open_block(DeflateState* s, BitWriter& local, size_t bytes, bool final) {
  join_wide_counts(s);
  s->lit_freq[256] = 1;
  const bool fixed = s->fixed;
  size_t hlit = 286, hdist = 30;
  // The code-length symbols as run_length() finds them, each (extra << 5) | sym, kept in
  // the scratch past the lengths for the header: one pass over the lengths instead of two.
  uint16_t* const cl_syms = reinterpret_cast<uint16_t*>(s->key + 32 + 80);
  static_assert(sizeof(DeflateState::key) >= (32 + 80) * sizeof(uint32_t) + 316 * sizeof(uint16_t),
                "the code-length symbols fit the scratch");
  size_t cl_count = 0;
  uint16_t cl_freq[19] = {};
  uint8_t cl_len[19];
  uint16_t cl_code[19];
  size_t hclen = 19;
  uint16_t lit_lengths[16], dist_lengths[16];  // codes of each length (build_lengths)
  uint64_t cost = 3;  // the block's cost in bits (against a stored one): its type first
  if (fixed) {  // the codes go into the Huffman scratch at once: no header needs it
    cost += fixed_codes(s->lit_freq, s->lit_len, s->key);
    s->dist_len[0] = 5;  // distance 1, the only one used (dist_freq is zero elsewhere): code 0
  } else {
    cost += build_lengths(s, s->lit_freq, 286, 15, s->lit_len, lit_lengths);
    build_lengths(s, s->dist_freq, 30, 15, s->dist_len, dist_lengths);
    while (hlit > 257 && s->lit_len[hlit - 1] == 0) --hlit;
    while (hdist > 1 && s->dist_len[hdist - 1] == 0) --hdist;
    // One sequence of code lengths for both alphabets, run-length coded. It lives in the
    // Huffman scratch past the 19 keys the code-length code's construction uses (the
    // literal counts parse() kept there were merged above).
    uint8_t* const lens = reinterpret_cast<uint8_t*>(s->key + 32);
    static_assert(32 * sizeof(uint32_t) + 286 + 30 + 1 <= (32 + 80) * sizeof(uint32_t), "lens fit before cl_syms");
    memcpy(lens, s->lit_len, hlit);
    memcpy(lens + hlit, s->dist_len, hdist);
    lens[hlit + hdist] = 0xFF;  // no length: run_length()'s scans stop there
    cl_count = run_length(lens, hlit + hdist, cl_freq, cl_syms);
    uint16_t cl_lengths[16];
    build_lengths(s, cl_freq, 19, 7, cl_len, cl_lengths);
    build_codes(cl_len, 19, cl_code, cl_lengths);
    while (hclen > 4 && cl_len[kClOrder[hclen - 1]] == 0) --hclen;
    cost += 14 + 3 * hclen;
    for (unsigned sym = 0; sym < 19; ++sym) {
      cost += static_cast<uint64_t>(cl_freq[sym]) * (cl_len[sym] + (sym == 16 ? 2u : sym == 17 ? 3u : sym == 18 ? 7u : 0u));
    }
  }
  for (size_t i = 0; i < 29; ++i) cost += static_cast<uint64_t>(s->lit_freq[257 + i]) * kLenExtra[i];
  for (size_t i = 0; i < 30; ++i) cost += static_cast<uint64_t>(s->dist_freq[i]) * (s->dist_len[i] + kDistExtra[i]);
  const uint64_t stored_cost = 3 + 7 + 32 + 8 * static_cast<uint64_t>(bytes);

  BitWriter* const w = &local;
  const bool streamed = s->drain.write != nullptr;
  if (stored_cost <= cost) {
    window_room(s, w, 16);
    put_bits(w, final ? 1u : 0u, 3);
    align_bits(w);
    uint8_t head[4];
    put_stored_length(head, bytes);
    put_bytes(w, head, 4);
    return kBlockStored;
  }
  if (w->overflow || (!streamed && (w->capacity - w->size) * 8 < w->count + cost)) {
    // The block's bits do not all fit: the stream cannot end in the buffer, whatever comes
    // after. (Streamed, the window drains whenever the next piece would not fit:
    // window_room().) Otherwise every whole byte of this block fits: no check per symbol.
    // Bits go out kFlushBits at a time and only when complete, so nothing is written past
    // the block's last byte.
    w->overflow = true;
    return kBlockLost;
  }
  if (fixed) {
    s->dist_code[0] = 0;  // distance 1, the only one used: 5 zero bits
  } else {
    build_codes(s->dist_len, 30, s->dist_code, dist_lengths);
  }
  window_room(s, w, kMaxHeaderBytes + 8);
  put_bits_unchecked(w, (final ? 1u : 0u) | ((fixed ? 1u : 2u) << 1), 3);
  if (!fixed) {  // fixed codes have no header: they are RFC 1951's
    put_bits_unchecked(w, static_cast<uint32_t>(hlit - 257), 5);
    put_bits_unchecked(w, static_cast<uint32_t>(hdist - 1), 5);
    put_bits_unchecked(w, static_cast<uint32_t>(hclen - 4), 4);
    for (size_t i = 0; i < hclen; ++i) put_bits_unchecked(w, cl_len[kClOrder[i]], 3);
    for (size_t i = 0; i < cl_count; ++i) {
      const unsigned sym = cl_syms[i] & 31u, extra = cl_syms[i] >> 5;
      put_bits_unchecked(w, cl_code[sym], cl_len[sym]);
      if (sym >= 16) put_bits_unchecked(w, extra, sym == 16 ? 2u : sym == 17 ? 3u : 7u);
    }
    // The literal/length codes with their lengths, one word a symbol, in the Huffman
    // scratch (free once the header is out).
    build_codes(s->lit_len, 286, s->key, lit_lengths);
  }
  return kBlockCoded;
}

// The open block's symbols over buf[start, stop): the run list's runs and the literals
// around them, or (stored) the bytes themselves.
TINYTB_BLOCK_PART void put_symbols(DeflateState* s, BitWriter& w, BlockKind kind, size_t start, size_t stop) {
  if (kind == kBlockLost) return;
  const bool streamed = s->drain.write != nullptr;
  const uint8_t* const buf = s->buf;
  if (kind == kBlockStored) {
    // Streamed, the bytes pass through the window a window's worth at a time.
    const uint8_t* from = buf + start;
    for (size_t left = stop - start; left > 0;) {
      window_room(s, &w, 1);
      const size_t take = !streamed || left < w.capacity - w.size ? left : w.capacity - w.size;
      put_bytes(&w, from, take);
      from += take;
      left -= take;
    }
    return;
  }
  const uint32_t* const lit_code = s->key;
  size_t p = start;
  for (size_t k = 0; k < s->matches; ++k) {
    const uint32_t rec = s->match[k];
    const size_t lit_end = p + (rec >> 8);
    if (streamed) {
      put_literals_streamed(s, &w, buf, p, lit_end, lit_code);
      window_room(s, &w, 8);  // the match: 35 bits at most
    } else {
      put_literals(&w, buf + p, buf + lit_end, lit_code);
    }
    p = lit_end;
    const unsigned len = (rec & 0xFFu) + kMinMatch;
    const unsigned lc = len_code(static_cast<unsigned>(len));
    put_bits_unchecked(&w, lit_code[257 + lc] & 0xFFFFu, lit_code[257 + lc] >> 16);
    if (kLenExtra[lc] != 0) put_bits_unchecked(&w, len - kLenBase[lc], kLenExtra[lc]);
    put_bits_unchecked(&w, s->dist_code[0], s->dist_len[0]);  // distance 1: code 0, no extra bits
    p += len;
  }
  if (streamed) {
    put_literals_streamed(s, &w, buf, p, stop, lit_code);
    window_room(s, &w, 8);
  } else {
    put_literals(&w, buf + p, buf + stop, lit_code);
  }
}

// The block's end-of-block code (coded), the window drained; the counts start again.
TINYTB_BLOCK_PART void close_block(DeflateState* s, BitWriter& w, BlockKind kind, bool final) {
  if (kind == kBlockCoded) put_bits_unchecked(&w, s->key[256] & 0xFFFFu, s->key[256] >> 16);
  s->w = w;
  if (s->drain.write != nullptr) drain_window(s);
  if (final) return;  // nothing counts after the last block
  clear_symbol_counts(s);
  s->matches = 0;
  s->run = 0;
}

void emit_block(DeflateState* s, bool final) {
  const size_t start = s->block_start, stop = s->pos;
  if (stop == start && !final) return;
  if (stop == start) {  // an empty final block: fixed Huffman, end-of-block only
    put_bits(&s->w, 1u | (1u << 1), 3);
    put_bits(&s->w, 0, 7);
    return;
  }
  BitWriter w = s->w;  // a local copy stays in registers through the header and the symbols
  const BlockKind kind = open_block(s, w, stop - start, final);
  put_symbols(s, w, kind, start, stop);
  close_block(s, w, kind, final);
  s->block_start = stop;
}

// The run list is full (record_run): one pass closes the block there; a frame block's
// first reading forgets the list (its counts are what it keeps), its second writes the
// symbols so far.
void full_run_list(DeflateState* s) {
#if TINYTB_DEFLATE_FRAME_BLOCKS
  if (s->phase != 0) {
    if (s->phase == 2) {
      BitWriter w = s->w;
      put_symbols(s, w, static_cast<BlockKind>(s->kind), s->block_start, s->pos);
      s->w = w;
      s->block_start = s->pos;
    }
    s->matches = 0;
    return;
  }
#endif
  emit_block(s, false);
}

}  // namespace

namespace {

// ---- the stream ------------------------------------------------------------------------------

// The Adler-32 takes the bytes buffered since it last did: once a buffer (make_room) and
// at the end, not once a row (a call costs about 60 instructions on a Cortex-M4 besides
// its bytes).
void take_adler(DeflateState* s) {
  s->adler = adler32_update(s->adler, s->buf + s->adler_from, s->end - s->adler_from);
  s->adler_from = static_cast<uint16_t>(s->end);  // kDeflateBuffer <= 32768
}

// log2(x) in 1/4096 bit, x >= 1, to within 0.0014 bit (two_blocks_cheaper() compares sums over
// thousands of symbols that differ by tens of bits). The fraction, log2(1 + t) for t in
// [0, 1) taken as 16 bits, from a cubic: t * (1.4235 - t * (0.5877 - t * 0.1656)).
uint32_t log2_q12(uint32_t x) {
#if defined(__GNUC__)
  const uint32_t e = 31u - static_cast<uint32_t>(__builtin_clz(x));
#else
  uint32_t e = 0;
  while ((x >> e) > 1) ++e;
#endif
  const uint32_t t = ((x << (31u - e)) >> 15) & 0xFFFFu;
  const uint32_t c = 5831u - ((t * (2407u - ((t * 678u) >> 16))) >> 16);
  return (e << 12) + ((t * c) >> 16);
}
TINYTB_PER_BYTE uint32_t xlog2(uint32_t x) { return x * log2_q12(x); }  // x log2 x, 1/4096 bit

// What one block of a + b symbols costs over two of a and of b at their entropy:
// (a + b) log2(a + b) - a log2 a - b log2 b, in 1/4096 bit, modulo 2^32: read as signed.
// The x log2 x terms may wrap (a + b up to 65535: a frame block), the difference does not:
// it is at most a + b bits, below 2^31, and the log2's error can put it just below 0.
uint32_t join_bits(uint32_t a, uint32_t b) { return xlog2(a + b) - xlog2(a) - xlog2(b); }

// Whether the open block, parsed up to s->pos (its counts), costs fewer bits ended there,
// the rest of the buffer (its bytes, counted as literals: rest[i] >> shift, 16 bits)
// starting the next block, than with the rest in it. Estimated: each block's symbols at
// their entropy, kSplitTableBits of code table for each symbol both blocks list, and
// kSplitBlockBits for the second block's header (docs/png.md, "What was tried for bytes",
// has the measurements). est(A) + est(B) < est(A + B), est(X) = |X| log2 |X| - sum(x log2 x)
// + its tables, taken as: the symbols' join_bits and the tables < the sizes' join_bits
// (one call site for the x log2 x terms: the same decisions as summing them apart, in
// 62 B less flash and fewer registers).
constexpr uint32_t kSplitTableBits = 3;
constexpr uint32_t kSplitBlockBits = 100;
// Two blocks of counts a and b (b[i] >> shift, 16 bits) estimated cheaper than one block
// of both (a + b symbols at most 65535).
template <typename Count>
bool two_blocks_cheaper(const uint16_t* a_counts, const Count* b_counts, unsigned shift) {
  uint32_t n_a = 0, n_b = 0;
  uint32_t joined = 4096 * kSplitBlockBits;  // modulo 2^32: signed, below 2^31 in size
  for (size_t i = 0; i < 286; ++i) {
    const uint32_t a = a_counts[i], b = (static_cast<uint32_t>(b_counts[i]) >> shift) & 0xFFFFu;
    n_a += a;
    n_b += b;
    if (a == 0 || b == 0) continue;  // the same in one block as in two
    joined += join_bits(a, b) + 4096 * kSplitTableBits;
  }
  return static_cast<int32_t>(joined) < static_cast<int32_t>(join_bits(n_a, n_b));
}

// Adds delta to counts[x] for each byte x of [p, e): a loop of its own on pointers (inlined,
// -Os reloaded its bounds from the stack every byte).
#if defined(__GNUC__)
__attribute__((noinline))
#endif
void count_bytes(uint32_t* counts, const uint8_t* p, const uint8_t* e, uint32_t delta) {
  while (p < e) counts[*p++] += delta;
}
// With the wide parse (key holds parse()'s second table of literal counts): the rest
// counted into lit_code, scratch until the block's codes are built.
bool split_pays_wide(DeflateState* s) {
  uint16_t* const rest = s->lit_code;
  clear_counts(rest, 286);
  for (size_t p = s->pos; p < s->end; ++p) ++rest[s->buf[p]];
  join_wide_counts(s);
  return two_blocks_cheaper(s->lit_freq, rest, 0);
}

// Whether kDefault's block, n bytes from start filling the buffer, ends at half or three
// quarters of it (two_blocks_cheaper). Without the wide parse key is free until emit_block writes
// the block's codes there: the buffer's second half is counted once, packed (low half:
// from half the buffer, high half: from three quarters), and each test takes out what its
// parse went past (a run) instead of counting its rest again (docs/png.md).
bool ends_early(DeflateState* s, size_t start, size_t n) {
  const uint8_t* const b = s->buf;
  const size_t half = start + n / 2, three_quarters = start + n * 3 / 4;
  if (!kWideParse) {
    memset(s->key, 0, 286 * sizeof(s->key[0]));
    count_bytes(s->key, b + half, b + three_quarters, 1);
    count_bytes(s->key, b + three_quarters, b + s->end, 0x10001u);
  }
  for (unsigned shift = 0; shift <= 16; shift += 16) {
    const size_t stop = shift ? three_quarters : half;
    parse(s, stop);
    if (s->block_start != start || s->pos >= s->end) return false;  // the run list closed a block; or no rest
    if (kWideParse) {
      if (split_pays_wide(s)) return true;
    } else {
      count_bytes(s->key, b + stop, b + s->pos, 0u - (1u << shift));
      if (two_blocks_cheaper(s->lit_freq, s->key, shift)) return true;
    }
  }
  return false;
}

// Close the block over everything buffered and keep only its last byte (what a run at the
// start of the next block repeats). kDefault ends it at half or else three quarters of
// the buffer instead when ends_early() (the statistics change there), and keeps the rest,
// not parsed yet, for the next block.
void make_room(DeflateState* s) {
  take_adler(s);
  const size_t n = s->end - s->block_start;
  const bool early = s->level == DeflateLevel::kDefault && n >= kDeflateBuffer / 2 && ends_early(s, s->block_start, n);
  if (!early) parse(s, s->end);
  emit_block(s, false);
  const size_t keep = s->end - s->pos;  // 0 unless the block ended early
  memmove(s->buf, s->buf + s->pos - 1, keep + 1);
  s->end = 1 + keep;
  s->adler_from = static_cast<uint16_t>(s->end);
  s->pos = s->block_start = 1;
}

// ---- PNG row filters (PNG 9.2) ----------------------------------------------------------------

// Paeth's predictor (PNG 9.4), without branches so that it vectorizes. With p = a + b - c:
// |p - a| = |b - c|, |p - b| = |a - c|, |p - c| = |(b - c) + (a - c)|.
template <typename Int>
TINYTB_PER_BYTE Int paeth(Int a, Int b, Int c) {
  const Int da = static_cast<Int>(b - c), db = static_cast<Int>(a - c), dc = static_cast<Int>(da + db);
  const Int pa = da < 0 ? static_cast<Int>(-da) : da;
  const Int pb = db < 0 ? static_cast<Int>(-db) : db;
  const Int pc = dc < 0 ? static_cast<Int>(-dc) : dc;
  const Int bc = pb <= pc ? b : c;
  return (pa <= pb && pa <= pc) ? a : bc;
}
TINYTB_PER_BYTE int paeth(int a, int b, int c) { return paeth<int>(a, b, c); }

#if TINYTB_DEFLATE_SIMD32
// Paeth's predictor for four bytes at once, exactly the scalar one's. |a - c| is two
// saturating differences ORed (one of the two is 0), |b - c| the SEL of the two USUB8
// differences (which leaves GE = b >= c for the sign test); |a + b - 2c| is their saturating
// sum where b - c and a - c have the same sign and their absolute difference where not
// (saturating at 255 changes no comparison below: the other side is at most 255). Each
// SEL picks per byte by the GE flags of the USUB8 just before it; the sign test selects
// between the sum and the difference with two SELs instead of building byte masks, which
// keeps the loop in registers (20 instructions).
TINYTB_PER_BYTE uint32_t paeth4(uint32_t a, uint32_t b, uint32_t c) {
  const uint32_t pb = __uqsub8(a, c) | __uqsub8(c, a);
  const uint32_t c_minus_b = __usub8(c, b);
  const uint32_t pa = __sel(__usub8(b, c), c_minus_b);  // |b - c|, and GE = b >= c for below
  // UQADD8 and UQSUB8 leave the GE flags alone.
  const uint32_t sum = __uqadd8(pa, pb);
  const uint32_t diff = __uqsub8(pa, pb) | __uqsub8(pb, pa);
  const uint32_t if_a_ge = __sel(sum, diff);  // b >= c: the same sign as a - c if a >= c
  const uint32_t if_a_lt = __sel(diff, sum);
  (void)__usub8(a, c);
  const uint32_t pc = __sel(if_a_ge, if_a_lt);
  (void)__usub8(pc, pb);
  const uint32_t bc = __sel(b, c);  // pb <= pc: b, else c
  (void)__usub8(pb, pc);
  const uint32_t least = __sel(pc, pb);  // min(pb, pc)
  (void)__usub8(least, pa);
  return __sel(a, bc);  // pa <= pb and pa <= pc: a
}

TINYTB_PER_BYTE uint32_t load_u32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);  // one LDR: the M4 and later load unaligned words
  return v;
}
// The magnitude of a filtered byte f (x - pred, byte-wise mod 256) read as signed: f ^ 0x80
// is the signed byte + 128 as an unsigned byte, so USADA8's |(f ^ 0x80) - 0x80| sums four
// of them (128 for 0x80, as magnitude()).
constexpr uint32_t kSignBits = 0x80808080u;
#endif

#if TINYTB_DEFLATE_SIMD32
// The sums of magnitudes of None, Sub, Up and Average over row[i, stop) (stop - i a
// multiple of 4, i >= bpp, prev not null) added to sums[0..3], four bytes a step; and
// Paeth's, returned added to `acc`. Two loops in functions of their own: each loop's values
// then fit the registers (in one loop, inlined, -Os kept half of them on the stack).
// x ^ 0x80 is x + 128 mod 256, so USUB8 of it gives each filtered byte + 128 directly,
// the form USADA8 against 0x80 takes (kSignBits).
#if defined(__GNUC__)
__attribute__((noinline))
#endif
void sums4_simd(const uint8_t* row, const uint8_t* prev, size_t i, size_t stop, size_t bpp, uint32_t* sums) {
  uint32_t s0 = sums[0], s1 = sums[1], s2 = sums[2], s3 = sums[3];
  if (i == stop) return;
  do {  // the test at the bottom: -Os otherwise branches twice a step
    const uint32_t x = load_u32(row + i) ^ kSignBits, a = load_u32(row + i - bpp), b = load_u32(prev + i);
    s0 = __usada8(x, kSignBits, s0);
    s1 = __usada8(__usub8(x, a), kSignBits, s1);
    s2 = __usada8(__usub8(x, b), kSignBits, s2);
    s3 = __usada8(__usub8(x, __uhadd8(a, b)), kSignBits, s3);  // UHADD8: (a + b) >> 1 per byte
    i += 4;
  } while (i != stop);
  sums[0] = s0;
  sums[1] = s1;
  sums[2] = s2;
  sums[3] = s3;
}
#if defined(__GNUC__)
__attribute__((noinline))
#endif
uint32_t paeth_sum_simd(const uint8_t* row, const uint8_t* prev, size_t i, size_t stop, size_t bpp, uint32_t acc) {
  if (i == stop) return acc;
  do {  // the test at the bottom: -Os otherwise branches twice a step
    const uint32_t x = load_u32(row + i) ^ kSignBits;
    acc = __usada8(__usub8(x, paeth4(load_u32(row + i - bpp), load_u32(prev + i), load_u32(prev + i - bpp))),
                   kSignBits, acc);
    i += 4;
  } while (i != stop);
  return acc;
}
#endif

// The arithmetic type of the filter loops: 16-bit lanes where the compiler has vectors
// (twice as many bytes a vector as with int), the native int elsewhere (no sign
// extensions on a Cortex-M). Every intermediate fits in 16 bits (|a + b - 2c| <= 510).
#if defined(__SSE2__) || defined(__ARM_NEON) || defined(__wasm_simd128__) || defined(__ALTIVEC__)
using Lane = int16_t;
#else
using Lane = int;
#endif

// kChunk bytes of a row under filter `type` (1..4) with the left, up and upper-left
// neighbours given apart. A fixed trip count and no aliasing: compilers vectorize it even
// at -O2 (GCC's cheapest cost model needs both).
constexpr size_t kChunk = 16;
template <int kType>
TINYTB_PER_BYTE void filter_chunk(const uint8_t* TINYTB_RESTRICT x, const uint8_t* TINYTB_RESTRICT left,
                                  const uint8_t* TINYTB_RESTRICT up, const uint8_t* TINYTB_RESTRICT upleft,
                                  uint8_t* TINYTB_RESTRICT dst) {
  for (size_t i = 0; i < kChunk; ++i) {
    const Lane a = left[i], b = up[i], c = upleft[i];
    Lane pred;
    if (kType == 1) {
      pred = a;
    } else if (kType == 2) {
      pred = b;
    } else if (kType == 3) {
      pred = static_cast<Lane>((a + b) >> 1);
    } else {
      pred = paeth<Lane>(a, b, c);
    }
    dst[i] = static_cast<uint8_t>(x[i] - pred);
  }
}

#if TINYTB_DEFLATE_SIMD32
// `steps` words of a row under Paeth, four bytes a step: x from px, the byte above from
// pb, their left neighbours bpp bytes before. A function of its own, its pointers at the
// span's end and one index counting up to zero (also the loop's count), x loaded after
// the predictor: then the loop keeps everything in registers (inlined with one index,
// -Os spilled a word and reloaded the loop's end every step: 33 instructions a word, now
// 28). The empty asm hides that the left pointers are the others minus bpp, which GCC
// would otherwise recompute every step.
#if defined(__GNUC__)
__attribute__((noinline))
#endif
void filter_words(const uint8_t* px, const uint8_t* pb, size_t bpp, uint8_t* dst, size_t steps) {
  // Every pointer at its span's end, and one index from -4 * steps up to 0: the index is
  // also the loop's count.
  const ptrdiff_t bytes = static_cast<ptrdiff_t>(steps << 2);
  px += bytes;
  pb += bytes;
  dst += bytes;
  const uint8_t* pa = px - bpp;
  const uint8_t* pc = pb - bpp;
#if defined(__GNUC__)
  __asm__("" : "+r"(pa), "+r"(pc));
#endif
  ptrdiff_t k = -bytes;
  do {  // the test at the bottom: -Os otherwise branches twice a step
    uint32_t a, b, c, x;
    memcpy(&a, pa + k, 4);
    memcpy(&b, pb + k, 4);
    memcpy(&c, pc + k, 4);
    const uint32_t pred = paeth4(a, b, c);
#if defined(__GNUC__)
    __asm__("" : : "r"(pred) : "memory");  // x loaded after the predictor: one register less across it
#endif
    memcpy(&x, px + k, 4);
    const uint32_t f = __usub8(x, pred);
    memcpy(dst + k, &f, 4);
    k += 4;
  } while (k != 0);
}
#endif

// Bytes [i, i1) of a row (i >= bpp, prev not null) under `type`, whole chunks first (on
// a core with the DSP instructions, four bytes a step instead: USUB8 subtracts byte-wise
// mod 256, UHADD8 is (a + b) >> 1 byte-wise, paeth4() is Paeth's predictor; same bytes).
template <int kType>
#if defined(__GNUC__)
__attribute__((noinline))  // its own registers: inlined into apply_type, -Os spilled half of Paeth's
#endif
uint8_t* filter_span(const uint8_t* r, const uint8_t* prev, size_t i, size_t i1, size_t bpp, uint8_t* dst) {
#if TINYTB_DEFLATE_SIMD32
  if (kType == 4 && i + 4 <= i1) {
    const size_t steps = (i1 - i) >> 2;
    filter_words(r + i, prev + i, bpp, dst, steps);
    // The last 1-3 bytes as one more word ending at i1, over bytes just written (the same
    // values): one step instead of Paeth's predictor a byte at a time.
    const size_t tail = (i1 - i) & 3u;
    if (tail != 0) filter_words(r + i1 - 4, prev + i1 - 4, bpp, dst + (i1 - i) - 4, 1);
    return dst + (i1 - i);
  }
  if (i + 4 <= i1) {
    const size_t stop = i + ((i1 - i) & ~size_t{3});
    do {  // the test at the bottom: -Os otherwise branches twice a step
      uint32_t x, a, b;
      memcpy(&x, r + i, 4);
      memcpy(&a, r + i - bpp, 4);
      memcpy(&b, prev + i, 4);
      const uint32_t f = __usub8(x, kType == 1 ? a : kType == 2 ? b : __uhadd8(a, b));
      memcpy(dst, &f, 4);
      i += 4;
      dst += 4;
    } while (i != stop);
  }
#endif
  for (; i + kChunk <= i1; i += kChunk, dst += kChunk) {
    filter_chunk<kType>(r + i, r + i - bpp, prev + i, prev + i - bpp, dst);
  }
  for (; i < i1; ++i) {
    const int a = r[i - bpp], b = prev[i], c = prev[i - bpp];
    const int pred = kType == 1 ? a : kType == 2 ? b : kType == 3 ? (a + b) >> 1 : paeth(a, b, c);
    *dst++ = static_cast<uint8_t>(r[i] - pred);
  }
  return dst;
}

TINYTB_PER_BYTE uint32_t magnitude(int f) {  // |filtered byte| read as signed
  const uint8_t b = static_cast<uint8_t>(f);
  return b < 128 ? b : 256u - b;
}

// |filtered byte| read as signed, in the lanes of the vectorized loops.
TINYTB_PER_BYTE Lane lane_magnitude(Lane v) {
  const Lane f = static_cast<Lane>(v & 0xFF);
  return f < 128 ? f : static_cast<Lane>(256 - f);
}

// The five filters' sums of magnitudes over kChunk bytes (each sum at most 16 * 128, so
// it fits a lane), vectorized like filter_chunk.
TINYTB_PER_BYTE void cost_chunk(const uint8_t* TINYTB_RESTRICT x, const uint8_t* TINYTB_RESTRICT left,
                                const uint8_t* TINYTB_RESTRICT up, const uint8_t* TINYTB_RESTRICT upleft,
                                uint32_t* TINYTB_RESTRICT sums) {
  Lane s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  for (size_t i = 0; i < kChunk; ++i) {
    const Lane v = x[i], a = left[i], b = up[i], c = upleft[i];
    s0 = static_cast<Lane>(s0 + lane_magnitude(v));
    s1 = static_cast<Lane>(s1 + lane_magnitude(static_cast<Lane>(v - a)));
    s2 = static_cast<Lane>(s2 + lane_magnitude(static_cast<Lane>(v - b)));
    s3 = static_cast<Lane>(s3 + lane_magnitude(static_cast<Lane>(v - ((a + b) >> 1))));
    s4 = static_cast<Lane>(s4 + lane_magnitude(static_cast<Lane>(v - paeth<Lane>(a, b, c))));
  }
  sums[0] = static_cast<uint32_t>(s0);
  sums[1] = static_cast<uint32_t>(s1);
  sums[2] = static_cast<uint32_t>(s2);
  sums[3] = static_cast<uint32_t>(s3);
  sums[4] = static_cast<uint32_t>(s4);
}


// Sums of |filtered byte| of one row for the five filter types, in one pass; `prev` is
// null for the first row (zeros above: Up is None there, and Paeth is Sub). kSimd32: four
// bytes a step with the DSP instructions (USUB8, UHADD8, USADA8) for None, Sub, Up and
// Average, Paeth a byte at a time; the sums are exactly the portable loop's (a test
// compares them on the target: png_filter_costs()).
template <bool kSimd32>
void row_costs(const uint8_t* row, const uint8_t* prev, size_t n, size_t bpp, uint32_t* cost) {
  uint32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  if (prev == nullptr) {
    for (size_t i = 0; i < n; ++i) {
      const int x = row[i], a = i >= bpp ? row[i - bpp] : 0;
      s0 += magnitude(x);
      s1 += magnitude(x - a);
      s3 += magnitude(x - (a >> 1));
    }
    s2 = s0;
    s4 = s1;
  } else {
    for (size_t i = 0; i < bpp; ++i) {
      const int x = row[i], b = prev[i];
      s0 += magnitude(x);
      s1 += magnitude(x);
      s2 += magnitude(x - b);
      s3 += magnitude(x - (b >> 1));
      s4 += magnitude(x - b);
    }
    size_t i = bpp;
#if TINYTB_DEFLATE_SIMD32
    if (kSimd32) {
      const size_t stop = n > i ? i + ((n - i) & ~size_t{3}) : i;  // n < bpp: the cross-check's short rows
      uint32_t sums[4] = {s0, s1, s2, s3};
      sums4_simd(row, prev, i, stop, bpp, sums);
      s0 = sums[0];
      s1 = sums[1];
      s2 = sums[2];
      s3 = sums[3];
      s4 = paeth_sum_simd(row, prev, i, stop, bpp, s4);
      i = stop;
    }
#endif
    if (!kSimd32) {
      for (; i + kChunk <= n; i += kChunk) {
        uint32_t sums[5];
        cost_chunk(row + i, row + i - bpp, prev + i, prev + i - bpp, sums);
        s0 += sums[0];
        s1 += sums[1];
        s2 += sums[2];
        s3 += sums[3];
        s4 += sums[4];
      }
    }
    for (; i < n; ++i) {
      const int x = row[i], a = row[i - bpp], b = prev[i], c = prev[i - bpp];
      s0 += magnitude(x);
      s1 += magnitude(x - a);
      s2 += magnitude(x - b);
      s3 += magnitude(x - ((a + b) >> 1));
      s4 += magnitude(x - paeth(a, b, c));
    }
  }
  cost[0] = s0;
  cost[1] = s1;
  cost[2] = s2;
  cost[3] = s3;
  cost[4] = s4;
}

// Bytes i0..i1 of the row under filter `type` (PNG 9.2), into dst; `prev` null for the
// first row. One loop per type, the first pixel's bytes (nothing to the left) apart.
void apply_type(int type, const uint8_t* row, const uint8_t* prev, size_t i0, size_t i1, size_t bpp, uint8_t* dst) {
  size_t i = i0;
  if (type == 0) {
    memcpy(dst, row + i0, i1 - i0);
    return;
  }
  if (type == 2 && prev == nullptr) {
    memcpy(dst, row + i0, i1 - i0);
    return;
  }
  for (; i < i1 && i < bpp; ++i) {  // a = c = 0
    const int x = row[i], b = prev != nullptr ? prev[i] : 0;
    const int f = type == 1 ? x : type == 2 ? x - b : type == 3 ? x - (b >> 1) : x - b;
    *dst++ = static_cast<uint8_t>(f);
  }
  if (i >= i1) return;
  if (prev == nullptr) {  // Sub and Paeth both predict from the left; Average from half of it
    for (; i < i1; ++i) *dst++ = static_cast<uint8_t>(row[i] - (type == 3 ? row[i - bpp] >> 1 : row[i - bpp]));
    return;
  }
  switch (type) {
    case 1:
      filter_span<1>(row, prev, i, i1, bpp, dst);
      break;
    case 2:
      filter_span<2>(row, prev, i, i1, bpp, dst);
      break;
    case 3:
      filter_span<3>(row, prev, i, i1, bpp, dst);
      break;
    default:
      filter_span<4>(row, prev, i, i1, bpp, dst);
      break;
  }
}

// Rows up to this many bytes get kDefault's choice at kFast too: on tiny frames (28x28
// digits: dark background, sharp strokes) Paeth everywhere cost 2-12% more than lodepng,
// and the five sums of a row this short cost less than its block's code tables.
constexpr size_t kFastChoiceRow = 64;

// The filter for a row. kFast: Paeth, or Sub on the first row (nothing above), except on
// short rows (kFastChoiceRow). kDefault: the least sum of absolute (signed) filtered
// bytes; a tie goes to the lower type, so the first row, where Up and Paeth repeat None
// and Sub, picks None, Sub or Average.
int choose_filter(DeflateLevel level, const uint8_t* row, const uint8_t* prev, size_t n, size_t bpp) {
  if (level == DeflateLevel::kFast && n > kFastChoiceRow) return prev == nullptr ? 1 : 4;
  uint32_t cost[5];
  row_costs<kHaveSimd32>(row, prev, n, bpp, cost);
  int best = 0;
  for (int t = 1; t < 5; ++t) {
    if (cost[t] < cost[best]) best = t;
  }
  return best;
}

// Frames whose filtered bytes fit this (half the buffer) are tiny: the whole image is one
// block, and the other half can hold a copy (finish_tiny). On the 28x28 digits (dark background,
// strokes of a few near-white values) no filter at all codes 9-15% smaller than the
// least-sum choice, which trades the few repeated values for many different differences.
constexpr size_t kTinyFrame = kDeflateBuffer / 2;

// log2(x) in sixteenths of a bit, x >= 1 (log2_q12() rounded: no table of its own).
TINYTB_PER_BYTE uint32_t log2_16(uint32_t x) { return (log2_q12(x) + 128u) >> 8; }

// The bits of the open block (a whole tiny frame of n bytes, parsed) estimated in
// sixteenths of a bit from its counts: each symbol at its entropy, plus the extra bits of
// the lengths, 1 bit for each distance and about 5 bits of code table for each symbol
// used. Also the exact bits of the block with deflate's fixed codes (`fixed`) and the bytes
// its runs cover (`in_runs`: those that are not literals).
struct TinyCost {
  uint32_t bits, fixed, in_runs;
};
TinyCost tiny_cost(DeflateState* s, size_t n) {
  join_wide_counts(s);
  const uint16_t* f = s->lit_freq;
  // The literals: those before each run of the run list and those after the last.
  uint32_t literals = static_cast<uint32_t>(s->run), extra = 0;
  for (size_t k = 0; k < s->matches; ++k) literals += s->match[k] >> 8;
  for (size_t i = 0; i < 29; ++i) extra += f[257 + i] * (kLenExtra[i] + 1u);
  const uint32_t symbols = literals + static_cast<uint32_t>(s->matches);
  const uint32_t total = log2_16(symbols);
  uint32_t bits = 16 * extra;
  // Fixed codes: the block type and end-of-block, each run's distance code at 5 bits (4
  // more than `extra` counts), literals at 8 or 9 bits, lengths at 7 or 8.
  uint32_t fixed = 3 + 7 + extra + 4 * static_cast<uint32_t>(s->matches);
  for (size_t i = 0; i < 286; ++i) {
    if (f[i] == 0) continue;
    bits += f[i] * (total - log2_16(f[i])) + 16 * 5;
    fixed += f[i] * (8u + (i - 144 < 112) - (i - 256 < 24));  // 8, 9, 7, 8 bits (RFC 1951 3.2.6)
  }
  return TinyCost{bits, fixed, static_cast<uint32_t>(n - literals)};
}

// Forget the parse of the open block (nothing of it written yet): buf[0, end) is parsed
// again from its start.
void restart_parse(DeflateState* s) {
  clear_symbol_counts(s);
  s->pos = s->matches = s->run = 0;
}

// One row filtered as the level chooses into buf, closing blocks as it fills.
void filter_row(DeflateState* s, const uint8_t* row, const uint8_t* prev) {
  const size_t n = static_cast<size_t>(s->width) * s->channels;
  const int type = choose_filter(s->level, row, prev, n, s->channels);
  // The filter byte, then the row, written straight into the deflate buffer.
  if (s->end == kDeflateBuffer) make_room(s);
  s->buf[s->end++] = static_cast<uint8_t>(type);
  if (kDeflateBuffer - s->end >= n) {  // the whole row fits: most rows
    apply_type(type, row, prev, 0, n, s->channels, s->buf + s->end);
    s->end += n;
    return;
  }
  for (size_t i = 0; i < n;) {
    if (s->end == kDeflateBuffer) make_room(s);
    const size_t room = kDeflateBuffer - s->end;
    const size_t take = n - i < room ? n - i : room;
    apply_type(type, row, prev, i, i + take, s->channels, s->buf + s->end);
    s->end += take;
    i += take;
  }
}

// A tiny frame at its end: its rows are in buf unfiltered (type 0), and are parsed as
// one block. Mostly runs (at least half its bytes, and at most 3 bits a byte estimated:
// the 28x28 digits' dark background) it stays so with no filter tried, unless clearly more
// bytes equal the byte above them than the runs cover (vertical bars, a disc, a stripe: Up
// or Sub would make them zeros; sampled four bytes of every 16). Otherwise the rows are
// filtered as the level chooses, from a copy in buf's upper half, and the form estimated
// cheaper is kept. kFast codes an unfiltered frame with deflate's fixed codes when they cost
// at most 1.5x the dynamic estimate (the digits: 1.11-1.49x; no code construction). A parse
// that fills the run list writes a block: that form is kept, and nothing is estimated (its
// counts went with the block).
void finish_tiny(DeflateState* s) {
  if (!s->tiny) return;
  const size_t n = s->end;
  parse(s, n);
  if (s->block_start != 0) return;  // the run list filled: a block is written (its counts are gone)
  const TinyCost none = tiny_cost(s, n);
  const size_t stride = 1 + static_cast<size_t>(s->width) * s->channels;
  // Where the rest would skip the filters, the bytes equal to the byte above, sampled: four
  // bytes of every 16 (about 10 instructions each on the M4: 0.6 a byte of frame).
  size_t above = 0;
  if (2 * none.in_runs >= n && none.bits <= 16 * 3 * n) {
    for (size_t i = stride + 4; i <= n; i += 16) {
      uint32_t a, b;
      memcpy(&a, s->buf + i - 4, 4);
      memcpy(&b, s->buf + i - 4 - stride, 4);
      above += a == b;
    }
  } else {
    above = n;
  }
  if (16 * above > none.in_runs + n / 8) {
    uint8_t* const copy = s->buf + kTinyFrame;
    memcpy(copy, s->buf, n);
    restart_parse(s);
    s->end = 0;
    for (size_t at = 1; at < n; at += stride) filter_row(s, copy + at, at > 1 ? copy + at - stride : nullptr);
    parse(s, n);
    if (s->block_start != 0 || tiny_cost(s, n).bits <= none.bits) return;
    memcpy(s->buf, copy, n);
    restart_parse(s);
    parse(s, n);
  }
  s->fixed = s->level == DeflateLevel::kFast && 16 * none.fixed <= none.bits + none.bits / 2;
}

#if TINYTB_DEFLATE_FRAME_BLOCKS
// ---- a frame in memory: blocks over several buffers ------------------------------------------

// Where a buffer's worth of the frame starts: the frame's cursor and the byte before it
// (the last of the buffer before: what a run at its start repeats).
struct FrameMark {
  uint32_t fy, fi;
  uint8_t ftype, before;
};
FrameMark frame_mark(const DeflateState* s) {
  return FrameMark{s->fy, s->fi, s->ftype, s->end > 0 ? s->buf[s->end - 1] : uint8_t{0}};
}

// The buffer filled from the frame at m, as filter_row() would have filled it (each row's
// filter chosen as the level does: the same choice both readings), nothing parsed yet.
void fill_from_frame(DeflateState* s, const FrameMark& m) {
  s->fy = m.fy;
  s->fi = m.fi;
  s->ftype = m.ftype;
  s->buf[0] = m.before;
  s->end = s->pos = s->block_start = (m.fy == 0 && m.fi == 0) ? 0 : 1;
  s->adler_from = static_cast<uint16_t>(s->end);
  s->matches = s->run = 0;
  const size_t n = static_cast<size_t>(s->width) * s->channels;
  while (s->end < kDeflateBuffer && s->fy < s->height) {
    const uint8_t* const row = s->frame + static_cast<ptrdiff_t>(s->fy) * s->stride;
    const uint8_t* const prev = s->fy > 0 ? row - s->stride : nullptr;
    if (s->fi == 0) {
      // The row's type as a reading before chose it, or chosen now and kept (the last
      // kDeflateFrameTypes rows chosen, by row number modulo it, two a byte).
      const uint32_t y = s->fy;
      uint8_t& slot = s->types[(y % kDeflateFrameTypes) / 2];
      const unsigned at = 4 * (y & 1u);
      if (y >= s->types_from && y < s->types_to) {
        s->ftype = static_cast<uint8_t>((slot >> at) & 15u);
      } else {
        s->ftype = static_cast<uint8_t>(choose_filter(s->level, row, prev, n, s->channels));
        if (y != s->types_to) s->types_from = y;  // not the next row: the kept ones are of no use
        slot = static_cast<uint8_t>((slot & ~(15u << at)) | (unsigned{s->ftype} << at));
        s->types_to = y + 1;
        if (s->types_to - s->types_from > kDeflateFrameTypes) ++s->types_from;
      }
      s->buf[s->end++] = s->ftype;
      s->fi = 1;
      continue;
    }
    const size_t i = s->fi - 1, room = kDeflateBuffer - s->end;
    const size_t take = n - i < room ? n - i : room;
    apply_type(s->ftype, row, prev, i, i + take, s->channels, s->buf + s->end);
    s->end += take;
    s->fi += static_cast<uint32_t>(take);
    if (s->fi == 1 + n) {
      ++s->fy;
      s->fi = 0;
    }
  }
}

// The rows one buffer's worth of the frame can touch (a part of one at each end).
size_t rows_a_buffer(const DeflateState* s) {
  return kDeflateBuffer / (1 + static_cast<size_t>(s->width) * s->channels) + 2;
}

// One block from the frame's cursor on. First reading: a buffer at a time, filtered and
// parsed for its counts; the next buffer joins the block while one block of both is
// estimated cheaper than two (two_blocks_cheaper(), the block split's estimate), up to
// kDeflateFrameBlock bytes. Then the codes are built from the block's counts, its header
// written, and the same buffers filtered and parsed again, their symbols written.
// A block also stops joining buffers before it and the next buffer would span more rows
// than the filter types kept (kDeflateFrameTypes): every row of the block then finds its
// type in the second reading, and the buffer that starts the next block in its first.
void frame_block(DeflateState* s) {
  const FrameMark start = frame_mark(s);
  uint16_t* const a = s->lit_code;  // the block's literal/length counts (free until its codes are built)
  clear_counts(a, 286);
  uint32_t runs = 0;
  size_t bytes = 0;
  FrameMark next = start;
  s->phase = 1;
  const size_t buffer_rows = rows_a_buffer(s);
  while (s->fy < s->height && bytes + kDeflateBuffer <= kDeflateFrameBlock &&
         s->fy - start.fy + buffer_rows <= kDeflateFrameTypes) {
    const FrameMark at = frame_mark(s);
    fill_from_frame(s, at);
    clear_symbol_counts(s);
    parse(s, s->end);
    join_wide_counts(s);
    if (bytes > 0 && two_blocks_cheaper(a, s->lit_freq, 0)) break;  // this buffer starts the next block
    for (size_t i = 0; i < 286; ++i) a[i] = static_cast<uint16_t>(a[i] + s->lit_freq[i]);
    runs += s->dist_freq[0];
    bytes += s->end - s->block_start;
    next = frame_mark(s);
  }
  const bool final = next.fy >= s->height;
  clear_symbol_counts(s);
  memcpy(s->lit_freq, a, sizeof(s->lit_freq));
  s->dist_freq[0] = static_cast<uint16_t>(runs);
  BitWriter w = s->w;
  const BlockKind kind = open_block(s, w, bytes, final);
  s->w = w;
  s->kind = kind;
  s->phase = 2;
  FrameMark at = start;
  // (A stored block that ran out of an unstreamed output stops there: kTooLarge.)
  while (kind != kBlockLost && !s->w.overflow && (at.fy != next.fy || at.fi != next.fi)) {
    fill_from_frame(s, at);
    take_adler(s);
    parse_symbols<false>(s, s->end);
    w = s->w;
    put_symbols(s, w, kind, s->block_start, s->pos);
    s->w = w;
    at = frame_mark(s);
  }
  s->phase = 0;
  w = s->w;
  close_block(s, w, kind, final);
}

// Every block of a frame (kDefault, not tiny) from the frame itself: s is begun, the frame
// is `height` rows `stride` bytes apart.
void frame_blocks(DeflateState* s, const uint8_t* pixels, ptrdiff_t stride) {
  s->frame = pixels;
  s->stride = stride;
  s->fy = s->fi = 0;
  s->end = 0;
  s->types_from = s->types_to = 0;
  memset(s->types, 0, sizeof(s->types));
  while (!s->w.overflow && s->fy < s->height) frame_block(s);
  s->rows = s->height;
  s->written = true;
  s->frame = nullptr;
}
#endif  // TINYTB_DEFLATE_FRAME_BLOCKS

// Whether png_deflate_frame() wrote every block already (end() then frames the stream only).
bool frame_written(const DeflateState* s) {
#if TINYTB_DEFLATE_FRAME_BLOCKS
  return s->written;
#else
  (void)s;
  return false;
#endif
}

}  // namespace

bool png_filter_costs(const uint8_t* row, const uint8_t* prev, size_t n, size_t bpp, uint32_t* costs,
                      uint32_t* portable) {
  row_costs<kHaveSimd32>(row, prev, n, bpp, costs);
  row_costs<false>(row, prev, n, bpp, portable);
  return kHaveSimd32;
}

void png_filter_row(const uint8_t* row, const uint8_t* prev, size_t n, size_t bpp, uint8_t* out) {
  const int type = choose_filter(DeflateLevel::kDefault, row, prev, n, bpp);
  out[0] = static_cast<uint8_t>(type);
  apply_type(type, row, prev, 0, n, bpp, out + 1);
}

Status png_deflate_begin(DeflateState* s, uint32_t width, uint32_t height, uint8_t channels, DeflateLevel level,
                         uint8_t* out, size_t capacity) {
  if (s == nullptr) return Status::kInvalidArgument;
  s->png = nullptr;  // no stream open until this one is accepted
  if (out == nullptr || width == 0 || height == 0 || width > 16384 || height > 16384 ||
      (channels != 1 && channels != 3 && channels != 4)) {
    return Status::kInvalidArgument;
  }
  if (capacity < kPngFramingBytes) return Status::kTooLarge;  // the stream itself is checked as it grows
  // Fresh state (the buffer needs no clearing, the counts do).
  clear_symbol_counts(s);
  s->end = s->pos = s->block_start = s->matches = s->run = 0;
  s->w = BitWriter{};
  s->drain = ByteWriter{};
  s->drained = 0;
  s->drain_failed = false;
  s->w.out = out + kPngHeadBytes;
  s->w.capacity = capacity - kPngFramingBytes;
  s->level = level;
  s->png = out;
  s->png_capacity = capacity;
  s->width = width;
  s->height = height;
  s->channels = channels;
  s->rows = 0;
  s->fixed = false;
#if TINYTB_DEFLATE_FRAME_BLOCKS
  s->frame = nullptr;
  s->phase = 0;
  s->written = false;
#endif
  s->tiny = static_cast<size_t>(height) * (1 + static_cast<size_t>(width) * channels) <= kTinyFrame;
  s->adler = kAdler32Init;
  s->adler_from = 0;
  return Status::kOk;
}

Status png_deflate_row(DeflateState* s, const uint8_t* row, const uint8_t* prev) {
  if (s == nullptr || s->png == nullptr || row == nullptr || s->rows >= s->height || (s->rows > 0) != (prev != nullptr)) {
    return Status::kInvalidArgument;
  }
  if (s->w.overflow) return Status::kTooLarge;
  if (s->tiny) {  // kept unfiltered until end(): finish_tiny()
    const size_t n = static_cast<size_t>(s->width) * s->channels;
    s->buf[s->end] = 0;
    memcpy(s->buf + s->end + 1, row, n);
    s->end += 1 + n;
  } else {
    filter_row(s, row, prev);
  }
  ++s->rows;
  return s->w.overflow ? Status::kTooLarge : Status::kOk;
}

Status png_deflate_end(DeflateState* s, size_t* size) {
  if (s == nullptr || s->png == nullptr || size == nullptr || s->rows != s->height) return Status::kInvalidArgument;
  uint8_t* const out = s->png;
  s->png = nullptr;  // the stream is over, whatever happens below
  if (s->w.overflow) return Status::kTooLarge;
  if (!frame_written(s)) {
    finish_tiny(s);
    take_adler(s);
    parse(s, s->end);
    emit_block(s, true);
  }
  align_bits(&s->w);
  if (s->w.overflow) return Status::kTooLarge;

  // The stream's length is known now: the framing around it is filled in.
  const uint32_t crc = png_head(out, s->width, s->height, s->channels, s->w.size);
  png_tail(out + kPngHeadBytes + s->w.size, s->adler, crc32_update(crc, out + kPngHeadBytes, s->w.size));
  *size = kPngHeadBytes + s->w.size + kPngTailBytes;
  return Status::kOk;
}

Status png_deflate_begin_stream(DeflateState* s, uint32_t width, uint32_t height, uint8_t channels,
                                DeflateLevel level, uint8_t* window, size_t window_bytes, ByteWriter drain) {
  if (drain.write == nullptr) return Status::kInvalidArgument;
  if (window != nullptr && window_bytes < kDeflateStreamWindow) return Status::kTooLarge;
  // The buffered form's checks and reset, on a window framed as if it were a whole PNG;
  // then the output is pointed at the window itself, which every block drains.
  const Status st = png_deflate_begin(s, width, height, channels, level, window, window_bytes + kPngFramingBytes);
  if (st != Status::kOk) return st;
  s->w.out = window;
  s->w.capacity = window_bytes;
  s->drain = drain;
  return Status::kOk;
}

Status png_deflate_end_stream(DeflateState* s, size_t* stream_bytes, uint32_t* adler) {
  if (s == nullptr || stream_bytes == nullptr || adler == nullptr) return Status::kInvalidArgument;
  if (s->drain_failed) {  // the rows stopped early at a failed drain: that is the reason to give
    s->png = nullptr;
    s->drain = ByteWriter{};
    return Status::kIoError;
  }
  if (s->png == nullptr || s->rows != s->height || s->drain.write == nullptr) return Status::kInvalidArgument;
  s->png = nullptr;
  if (!s->w.overflow) {
    if (!frame_written(s)) {
      finish_tiny(s);
      take_adler(s);
      parse(s, s->end);
      emit_block(s, true);  // drains what the block wrote
    }
    align_bits(&s->w);
    drain_window(s);
  }
  const bool failed = s->drain_failed;
  s->drain = ByteWriter{};
  if (failed) return Status::kIoError;
  if (s->w.overflow) return Status::kTooLarge;
  *stream_bytes = s->drained;
  *adler = s->adler;
  return Status::kOk;
}

Status png_deflate_frame(DeflateState* s, const uint8_t* pixels, ptrdiff_t stride) {
  if (s == nullptr || s->png == nullptr || pixels == nullptr || s->rows != 0 ||
      (stride >= 0 ? static_cast<size_t>(stride) : 0 - static_cast<size_t>(stride)) <
          static_cast<size_t>(s->width) * s->channels) {
    return Status::kInvalidArgument;
  }
  if (s->w.overflow) return Status::kTooLarge;
#if TINYTB_DEFLATE_FRAME_BLOCKS
  // Frame blocks where at least two buffers can join within the kept filter types (rows of
  // about 32 bytes and more); narrower frames, tiny frames and kFast go a row at a time.
  if (s->level == DeflateLevel::kDefault && !s->tiny && 2 * rows_a_buffer(s) <= kDeflateFrameTypes) {
    frame_blocks(s, pixels, stride);
    return s->w.overflow ? Status::kTooLarge : Status::kOk;
  }
#endif
  Status st = Status::kOk;
  for (uint32_t y = 0; y < s->height && st == Status::kOk; ++y) {
    const uint8_t* row = pixels + static_cast<ptrdiff_t>(y) * stride;
    st = png_deflate_row(s, row, y == 0 ? nullptr : row - stride);
  }
  return st;
}

Status png_deflate_encode(const uint8_t* pixels, uint32_t width, uint32_t height, uint8_t channels, size_t stride,
                          DeflateLevel level, DeflateState* s, uint8_t* out, size_t capacity, size_t* size) {
  if (pixels == nullptr || s == nullptr || out == nullptr || size == nullptr || width == 0 || height == 0 ||
      width > 16384 || height > 16384 || (channels != 1 && channels != 3 && channels != 4) ||
      stride < static_cast<size_t>(width) * channels || stride > static_cast<size_t>(PTRDIFF_MAX)) {
    return Status::kInvalidArgument;
  }
  Status st = png_deflate_begin(s, width, height, channels, level, out, capacity);
  if (st == Status::kOk) st = png_deflate_frame(s, pixels, static_cast<ptrdiff_t>(stride));
  if (st != Status::kOk) {
    s->png = nullptr;
    return st;
  }
  return png_deflate_end(s, size);
}

Status png_deflate_encode_stream(const uint8_t* pixels, uint32_t width, uint32_t height, uint8_t channels,
                                 ptrdiff_t stride, DeflateLevel level, DeflateState* s, uint8_t* window,
                                 size_t window_bytes, ByteWriter drain, size_t* stream_bytes, uint32_t* adler) {
  if (pixels == nullptr || s == nullptr || stream_bytes == nullptr || adler == nullptr) return Status::kInvalidArgument;
  Status st = png_deflate_begin_stream(s, width, height, channels, level, window, window_bytes, drain);
  if (st != Status::kOk) return st;
  st = png_deflate_frame(s, pixels, stride);
  if (st != Status::kOk && st != Status::kTooLarge) {
    s->png = nullptr;
    s->drain = ByteWriter{};
    return st;
  }
  // A failed drain stops the stream: end_stream() says which failure it was.
  return png_deflate_end_stream(s, stream_bytes, adler);
}

}  // namespace detail
}  // namespace tinytb

#undef TINYTB_PER_BYTE
#undef TINYTB_RESTRICT
