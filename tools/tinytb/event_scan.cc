// tinytb host tool: judge an event file from its bytes (docs/tools.md).
#include "event_scan.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "event_parse.h"
#include "base/bytes.h"
#include "tinytb/format/crc32c.h"

namespace tinytb_tool {
namespace {

constexpr size_t kHeaderBytes = 12;    // u64 length + u32 masked CRC of it
constexpr size_t kOverheadBytes = 16;  // header + u32 masked CRC of the payload
constexpr size_t kChunkBytes = 1 << 20;

using tinytb::detail::get_le32;
using tinytb::detail::get_le64;

bool header_crc_ok(const uint8_t* header) {
  return tinytb::mask_crc(tinytb::crc32c(header, 8)) == get_le32(header + 8);
}

// ---- reading ------------------------------------------------------------------------------------

// Buffered sequential access for the byte-by-byte search after damage.
class Window {
 public:
  explicit Window(ByteSource& source)
      : source_(source), buffer_(static_cast<size_t>(std::min<uint64_t>(kChunkBytes, source.size()))) {}
  // Pointer to `n` (<= 64) bytes at `offset`, or nullptr on a read error.
  const uint8_t* at(uint64_t offset, size_t n) {
    if (offset < start_ || offset + n > start_ + length_) {
      const uint64_t left = source_.size() - offset;
      length_ = static_cast<size_t>(std::min<uint64_t>(buffer_.size(), left));
      start_ = offset;
      if (!source_.read(offset, buffer_.data(), length_)) {
        length_ = 0;
        return nullptr;
      }
    }
    return buffer_.data() + (offset - start_);
  }

 private:
  ByteSource& source_;
  std::vector<uint8_t> buffer_;
  uint64_t start_ = 0;
  size_t length_ = 0;
};

// Grows `chunk` to hold min(want, kChunkBytes) bytes.
void reserve_chunk(std::vector<uint8_t>& chunk, uint64_t want) {
  const size_t n = static_cast<size_t>(std::min<uint64_t>(want, kChunkBytes));
  if (chunk.size() < n) chunk.resize(n);
}

// Read-ahead for the record walk: small reads (headers, typical payloads) are served from
// one buffer refilled a chunk at a time, so a file of small records costs one read per
// chunk, not two per record. Large reads go straight to the source.
class ReadAhead : public ByteSource {
 public:
  explicit ReadAhead(ByteSource& source) : source_(source) {}
  uint64_t size() const override { return source_.size(); }
  bool read(uint64_t offset, uint8_t* out, size_t n) override {
    if (n > kChunkBytes / 4) return source_.read(offset, out, n);
    if (offset < start_ || offset + n > start_ + length_) {
      const uint64_t left = source_.size() - offset;
      if (n > left) return false;
      length_ = static_cast<size_t>(std::min<uint64_t>(kChunkBytes, left));
      if (buffer_.size() < length_) buffer_.resize(length_);
      start_ = offset;
      if (!source_.read(offset, buffer_.data(), length_)) {
        // A bad spot somewhere in the chunk: read just what was asked, so that every
        // record before the bad spot is still judged (a failing card's data is saved).
        length_ = 0;
        return source_.read(offset, out, n);
      }
    }
    std::memcpy(out, buffer_.data() + (offset - start_), n);
    return true;
  }

 private:
  ByteSource& source_;
  std::vector<uint8_t> buffer_;
  uint64_t start_ = 0;
  size_t length_ = 0;
};

// CRC-32C of `size` bytes at `offset`, read in chunks. False on a read error.
bool crc_of_range(ByteSource& source, uint64_t offset, uint64_t size, std::vector<uint8_t>& chunk, uint32_t* crc) {
  uint32_t c = 0;
  reserve_chunk(chunk, size);
  while (size > 0) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(size, chunk.size()));
    if (!source.read(offset, chunk.data(), n)) return false;
    c = tinytb::crc32c_extend(c, chunk.data(), n);
    offset += n;
    size -= n;
  }
  *crc = c;
  return true;
}

// The end of the last non-zero byte in [from, to), or `from` if they are all zero.
bool nonzero_end(ByteSource& source, uint64_t from, uint64_t to, std::vector<uint8_t>& chunk, uint64_t* end) {
  reserve_chunk(chunk, to - from);
  uint64_t hi = to;
  while (hi > from) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(hi - from, chunk.size()));
    const uint64_t lo = hi - n;
    if (!source.read(lo, chunk.data(), n)) return false;
    for (size_t i = n; i > 0; --i) {
      if (chunk[i - 1] != 0) {
        *end = lo + i;
        return true;
      }
    }
    hi = lo;
  }
  *end = from;
  return true;
}

// ---- the scan -------------------------------------------------------------------------------------

// One tag's statistics while the scan runs. The tag itself is only the map's key (its one
// copy; it moves into stats.tag when the scan ends), so a tag costs the key, this entry
// and a kind cut to kMaxKindBytes: within kTagStatsBytesPerTag.
struct TagEntry {
  TagStats stats;
  bool kind_from_metadata = false;
  bool order_warned = false;
  bool form_warned = false;
};

class Scanner {
 public:
  Scanner(ByteSource& source, const ScanOptions& options) : source_(source), options_(options) {}
  ScanResult run();

 private:
  void warn(std::string text);
  void fail(Tail tail, std::string problem);
  void classify_crc_failure(uint64_t pos, bool header_ok, uint64_t record_end, Tail corrupt_kind,
                            const std::string& problem);
  void find_records_after_damage();
  void add_event(const EventInfo& e, uint64_t offset);
  void check_form(const std::string& tag, TagEntry& entry, const ValueInfo& v, int64_t step);
  bool read_failed();

  ByteSource& source_;
  const ScanOptions& options_;
  ScanResult r_;
  std::map<std::string, TagEntry> tags_;
  std::vector<uint8_t> payload_;
  std::vector<uint8_t> chunk_;
};

void Scanner::warn(std::string text) {
  if (r_.warnings.size() < options_.max_warnings) {
    r_.warnings.push_back(std::move(text));
  } else {
    ++r_.more_warnings;
  }
}

void Scanner::fail(Tail tail, std::string problem) {
  r_.tail = tail;
  r_.problem = std::move(problem);
  switch (tail) {
    case Tail::kNone: r_.verdict = Verdict::kClean; break;
    case Tail::kPartialHeader:
    case Tail::kPartialRecord:
    case Tail::kZeroFilled:
    case Tail::kCutThenZeros: r_.verdict = Verdict::kTorn; break;
    default: r_.verdict = Verdict::kCorrupt; break;
  }
}

bool Scanner::read_failed() {
  r_.read_error = true;
  r_.tail = Tail::kReadError;
  r_.problem = "read error at or after offset " + std::to_string(r_.valid_bytes);
  return false;
}

std::string at_offset(uint64_t pos) { return " at offset " + std::to_string(pos); }

// A CRC failed at `pos`. Torn if the bytes from there are zeros, or the start of one
// record followed by zeros; otherwise `corrupt_kind`.
void Scanner::classify_crc_failure(uint64_t pos, bool header_ok, uint64_t record_end, Tail corrupt_kind,
                                   const std::string& problem) {
  const uint64_t size = r_.file_size;
  uint64_t end = 0;
  if (!nonzero_end(source_, pos, size, chunk_, &end)) {
    read_failed();
    return;
  }
  if (end == pos) {
    fail(Tail::kZeroFilled, "zero-filled tail: " + std::to_string(size - pos) + " zero bytes" + at_offset(pos) +
                                " to the end (what a file system leaves when power fails after it grew the file)");
    return;
  }
  if (end < size && (end - pos < kHeaderBytes || (header_ok && end < record_end))) {
    fail(Tail::kCutThenZeros, "record cut short" + at_offset(pos) + ": " + std::to_string(end - pos) +
                                  " bytes of it, then " + std::to_string(size - end) + " zero bytes to the end");
    return;
  }
  fail(corrupt_kind, problem);
}

void Scanner::find_records_after_damage() {
  const uint64_t size = r_.file_size;
  uint64_t budget = 2 * size + kChunkBytes;
  Window window(source_);
  uint64_t o = r_.valid_bytes + 1;
  while (size >= kOverheadBytes && o <= size - kOverheadBytes) {
    const uint8_t* h = window.at(o, kHeaderBytes);
    if (h == nullptr) {
      r_.records_after_damage_known = false;
      return;
    }
    if (header_crc_ok(h)) {
      const uint64_t length = get_le64(h);
      if (length <= size - o - kOverheadBytes) {
        if (length > budget) {
          r_.records_after_damage_known = false;
          return;
        }
        budget -= length;
        uint32_t crc;
        uint8_t trailer[4];
        if (!crc_of_range(source_, o + kHeaderBytes, length, chunk_, &crc) ||
            !source_.read(o + kHeaderBytes + length, trailer, 4)) {
          r_.records_after_damage_known = false;
          return;
        }
        if (tinytb::mask_crc(crc) == get_le32(trailer)) {
          if (r_.records_after_damage == 0) r_.first_record_after_damage = o;
          ++r_.records_after_damage;
          o += kOverheadBytes + length;
          continue;
        }
      }
    }
    ++o;
  }
}

const char* kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::kSimple: return "scalars (simple_value)";
    case ValueKind::kImage: return "images (classic)";
    case ValueKind::kHisto: return "histograms (classic)";
    case ValueKind::kAudio: return "audio (classic)";
    case ValueKind::kTensor: return "tensor (no plugin)";
    case ValueKind::kNone: break;
  }
  return "no data";
}

constexpr uint64_t kDtFloat = 1, kDtDouble = 2, kDtString = 7;

// TensorBoard's plugins read these forms (docs/format.md); anything else they drop or fail on.
void Scanner::check_form(const std::string& tag, TagEntry& entry, const ValueInfo& v, int64_t step) {
  if (entry.form_warned || v.kind != ValueKind::kTensor || !entry.kind_from_metadata) return;
  const std::string& plugin = entry.stats.kind;
  const uint64_t n = v.elements;
  const char* wrong = nullptr;
  if (v.bad_dim) {
    wrong = "a negative dimension";
  } else if (plugin == "scalars") {
    if (v.dtype != kDtFloat || v.rank != 0 || (v.floats + v.content_bytes / 4) != 1) {
      wrong = "a scalar that is not DT_FLOAT rank 0 with one value (the data server drops it)";
    }
  } else if (plugin == "images" || plugin == "audio" || plugin == "text") {
    if (v.dtype != kDtString) {
      wrong = "not DT_STRING";
    } else if (v.strings != n) {
      wrong = "a string count that does not match the shape";
    } else if (plugin == "images" && (v.rank != 1 || n < 2)) {
      wrong = "images not of shape [2 + k] (width, height, images)";
    } else if (plugin == "audio" && v.rank != 1 && v.rank != 2) {
      wrong = "audio not of shape [k] or [k, 2]";
    } else if (plugin == "text" && v.rank > 2) {
      wrong = "text of rank above 2";
    }
  } else if (plugin == "histograms") {
    const uint64_t have = v.dtype == kDtDouble ? v.doubles + v.content_bytes / 8
                          : v.dtype == kDtFloat ? v.floats + v.content_bytes / 4
                                                : UINT64_MAX;
    if (have == UINT64_MAX) {
      wrong = "a histogram that is not DT_DOUBLE or DT_FLOAT";
    } else if (v.rank != 2 || n % 3 != 0 || have != n) {
      wrong = "a histogram not of shape [k, 3] with k * 3 values";
    }
  }
  if (wrong != nullptr) {
    entry.form_warned = true;
    warn("tag " + printable(tag) + " step " + std::to_string(step) + ": " + plugin + " value is " +
         wrong);
  }
}

void Scanner::add_event(const EventInfo& e, uint64_t offset) {
  if (r_.records == 0) {
    r_.first_is_file_version = e.has_file_version;
    r_.file_version = e.file_version;
    if (!e.has_file_version) warn("the first record is not a file_version event");
  }
  if (e.has_file_version) {
    if (e.file_version != "brain.Event:2" && e.file_version != "brain.Event:1") {
      warn("file_version " + printable(e.file_version) + at_offset(offset) + " is not brain.Event:1 or :2");
    }
    if (r_.records != 0) warn("a file_version event" + at_offset(offset) + " that is not the first record");
  }
  if (!r_.has_wall_time) {
    r_.has_wall_time = true;
    r_.min_wall_time = r_.max_wall_time = e.wall_time;
  } else {
    r_.min_wall_time = std::min(r_.min_wall_time, e.wall_time);
    r_.max_wall_time = std::max(r_.max_wall_time, e.wall_time);
  }
  for (const ValueInfo& v : e.values) {
    ++r_.summary_values;
    std::string tag = v.tag.substr(0, options_.max_tag_bytes);
    auto it = tags_.find(tag);
    if (it == tags_.end()) {
      if (tags_.size() >= options_.max_tags) {
        ++r_.untracked_tags;
        continue;
      }
      it = tags_.emplace(std::move(tag), TagEntry()).first;
      it->second.stats.min_step = it->second.stats.max_step = e.step;
    }
    TagEntry& entry = it->second;
    TagStats& s = entry.stats;
    if (v.has_plugin && !entry.kind_from_metadata) {  // TensorBoard keeps the first metadata it sees
      s.kind.assign(v.plugin, 0, kMaxKindBytes);  // a file may name a plugin of any length
      s.kind.shrink_to_fit();
      entry.kind_from_metadata = true;
    } else if (s.kind.empty()) {
      s.kind = kind_name(v.kind);
    }
    if (v.kind == ValueKind::kNone) warn("tag " + printable(it->first) + at_offset(offset) + ": a value with no data");
    if (s.count > 0 && e.step <= s.last_step) {
      ++s.steps_not_increasing;
      if (!entry.order_warned) {
        entry.order_warned = true;
        warn("tag " + printable(it->first) + ": step " + std::to_string(e.step) + " after " +
             std::to_string(s.last_step) + at_offset(offset) +
             " (steps must increase; TensorBoard treats this as a restart)");
      }
    }
    s.min_step = std::min(s.min_step, e.step);
    s.max_step = std::max(s.max_step, e.step);
    s.last_step = e.step;
    ++s.count;
    check_form(it->first, entry, v, e.step);
  }
}

ScanResult Scanner::run() {
  const uint64_t size = source_.size();
  r_.file_size = size;
  uint64_t pos = 0;
  uint8_t header[kHeaderBytes];
  while (pos < size) {
    if (options_.max_records != 0 && r_.records >= options_.max_records) break;
    const uint64_t left = size - pos;
    if (left < kHeaderBytes) {
      uint64_t end = 0;
      if (!nonzero_end(source_, pos, size, chunk_, &end)) return read_failed(), std::move(r_);
      if (end == pos) {
        classify_crc_failure(pos, false, 0, Tail::kZeroFilled, "");
      } else {
        fail(Tail::kPartialHeader, std::to_string(left) + " bytes" + at_offset(pos) +
                                       ", less than a record header");
      }
      break;
    }
    if (!source_.read(pos, header, kHeaderBytes)) return read_failed(), std::move(r_);
    const bool header_ok = header_crc_ok(header);
    if (!header_ok) {
      classify_crc_failure(pos, false, 0, Tail::kBadLengthCrc,
                           "the length CRC" + at_offset(pos) + " does not match (" + std::to_string(left) +
                               " bytes from there to the end)");
      break;
    }
    const uint64_t length = get_le64(header);
    if (left < kOverheadBytes || length > left - kOverheadBytes) {
      r_.declared_record_bytes = length > UINT64_MAX - kOverheadBytes ? UINT64_MAX : length + kOverheadBytes;
      fail(Tail::kPartialRecord, "the record" + at_offset(pos) + " declares " + std::to_string(length) +
                                     " payload bytes; only " + std::to_string(left) +
                                     " bytes of the record are in the file");
      break;
    }
    const uint64_t record_end = pos + kOverheadBytes + length;
    r_.declared_record_bytes = kOverheadBytes + length;
    // The payload: whole when it may be parsed, else its CRC in chunks.
    const bool parse = length <= options_.max_parse_bytes;
    uint32_t crc;
    uint8_t trailer[4];
    if (parse) {
      payload_.resize(static_cast<size_t>(length) + 4);
      if (!source_.read(pos + kHeaderBytes, payload_.data(), payload_.size())) return read_failed(), std::move(r_);
      crc = tinytb::crc32c(payload_.data(), static_cast<size_t>(length));
      std::memcpy(trailer, payload_.data() + length, 4);
    } else if (!crc_of_range(source_, pos + kHeaderBytes, length, chunk_, &crc) ||
               !source_.read(pos + kHeaderBytes + length, trailer, 4)) {
      return read_failed(), std::move(r_);
    }
    if (tinytb::mask_crc(crc) != get_le32(trailer)) {
      classify_crc_failure(pos, true, record_end, Tail::kBadPayloadCrc,
                           "the payload CRC of the record" + at_offset(pos) + " (" +
                               std::to_string(r_.declared_record_bytes) + " bytes) does not match");
      break;
    }
    EventInfo event;
    if (parse) {
      const char* error = nullptr;
      if (!parse_event(payload_.data(), static_cast<size_t>(length), &event, &error, options_.keep_numbers)) {
        fail(Tail::kUndecodable, "the record" + at_offset(pos) + " (CRCs match) is not a valid Event: " + error);
        break;
      }
      if (!std::isfinite(event.wall_time)) {
        fail(Tail::kBadWallTime, "the record" + at_offset(pos) + " has wall_time " +
                                     (std::isnan(event.wall_time) ? "NaN" : "infinite") +
                                     " (TensorBoard's data server drops it, or the whole file for NaN)");
        break;
      }
      add_event(event, pos);
      if (options_.on_event) options_.on_event(event);
    } else {
      ++r_.unparsed_records;
      warn("the record" + at_offset(pos) + " has " + std::to_string(length) +
           " payload bytes, above the parse limit: CRCs checked, contents not parsed");
    }
    ++r_.records;
    pos = record_end;
    r_.valid_bytes = pos;
    r_.declared_record_bytes = 0;
  }
  if (r_.tail == Tail::kNone) r_.declared_record_bytes = 0;
  if (r_.verdict == Verdict::kCorrupt && options_.find_records_after_damage) find_records_after_damage();
  // Node by node, so the tags move into the result instead of being copied beside the map.
  r_.tags.reserve(tags_.size());
  while (!tags_.empty()) {
    auto node = tags_.extract(tags_.begin());
    node.mapped().stats.tag = std::move(node.key());
    r_.tags.push_back(std::move(node.mapped().stats));
  }
  return std::move(r_);
}

}  // namespace

bool MemorySource::read(uint64_t offset, uint8_t* out, size_t n) {
  if (offset > size_ || n > size_ - offset) return false;
  if (n != 0) std::memcpy(out, data_ + offset, n);
  return true;
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kClean: return "clean";
    case Verdict::kTorn: return "torn";
    case Verdict::kCorrupt: return "corrupt";
  }
  return "?";
}

const char* tail_name(Tail t) {
  switch (t) {
    case Tail::kNone: return "none";
    case Tail::kPartialHeader: return "partial header";
    case Tail::kPartialRecord: return "partial record";
    case Tail::kZeroFilled: return "zero-filled";
    case Tail::kCutThenZeros: return "record cut short, then zeros";
    case Tail::kBadLengthCrc: return "bad length CRC";
    case Tail::kBadPayloadCrc: return "bad payload CRC";
    case Tail::kUndecodable: return "undecodable record";
    case Tail::kBadWallTime: return "non-finite wall_time";
    case Tail::kReadError: return "read error";
  }
  return "?";
}

ScanResult scan_event_file(ByteSource& source, const ScanOptions& options) {
  ReadAhead ahead(source);
  Scanner scanner(ahead, options);
  return scanner.run();
}

bool starts_with_file_version(ByteSource& source) {
  ScanOptions options;
  options.max_records = 1;
  options.find_records_after_damage = false;
  options.max_parse_bytes = 1 << 20;  // a file_version event is a few dozen bytes
  const ScanResult r = scan_event_file(source, options);
  return !r.read_error && r.records == 1 && r.first_is_file_version;
}

RepairPlan plan_repair(const ScanResult& scan, bool salvage) {
  RepairPlan plan;
  if (scan.read_error) {
    plan.action = RepairAction::kRefuse;
    plan.reason = "the file could not be read to its end";
    return plan;
  }
  switch (scan.verdict) {
    case Verdict::kClean: return plan;
    case Verdict::kTorn:
      plan.action = RepairAction::kCut;
      plan.cut_to = scan.valid_bytes;
      plan.reason = std::string("torn tail (") + tail_name(scan.tail) + ")";
      return plan;
    case Verdict::kCorrupt: break;
  }
  plan.action = RepairAction::kRefuse;
  if (!salvage) {
    plan.reason = "corrupt: left as it is (--salvage cuts a damaged last record; pull copies the valid prefix)";
  } else if (scan.records == 0) {
    plan.reason = "corrupt: no valid record at all, not recognisably an event file: left as it is";
  } else if (!scan.records_after_damage_known) {
    plan.reason = "corrupt: could not rule out verifiable records after the damage: left as it is";
  } else if (scan.records_after_damage > 0) {
    plan.reason = "corrupt: " + std::to_string(scan.records_after_damage) +
                  " verifiable records after the damage would be lost: left as it is (pull copies the valid prefix)";
  } else {
    plan.action = RepairAction::kCut;
    plan.cut_to = scan.valid_bytes;
    plan.reason = std::string("salvage: damage (") + tail_name(scan.tail) + ") with nothing verifiable after it";
  }
  return plan;
}

namespace {

// Code points a terminal would obey or hide rather than show: C1 controls, the
// bidirectional marks, embeddings, overrides and isolates (Trojan Source, CVE-2021-42574),
// zero-width and other invisible format characters, line and paragraph separators, the
// byte order mark, interlinear annotations and the invisible tag characters.
bool is_invisible_control(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF ||
         (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xE0000 && cp <= 0xE007F);
}

// Walks `raw`: keep(i, len) for a run of bytes safe to show, unsafe(byte) for each byte
// that must not reach a terminal or a file name as it is.
template <typename Keep, typename Unsafe>
void split_unsafe(const std::string& raw, Keep keep, Unsafe unsafe) {
  const uint8_t* s = reinterpret_cast<const uint8_t*>(raw.data());
  const size_t n = raw.size();
  size_t i = 0;
  while (i < n) {
    const uint8_t c = s[i];
    if (c < 0x20 || c == 0x7F) {
      unsafe(c);
      ++i;
    } else if (c < 0x80) {
      keep(i, 1);
      ++i;
    } else {
      // Longest valid UTF-8 sequence here, else one unsafe byte.
      const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (len <= n - i && is_utf8(s + i, len)) {
        uint32_t cp = c & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
        for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (s[i + k] & 0x3Fu);
        if (!is_invisible_control(cp)) {
          keep(i, len);
        } else {
          for (size_t k = 0; k < len; ++k) unsafe(s[i + k]);
        }
        i += len;
      } else {
        unsafe(c);
        ++i;
      }
    }
  }
}

}  // namespace

std::string printable(const std::string& raw) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  split_unsafe(
      raw,
      [&](size_t i, size_t len) {
        if (len == 1 && raw[i] == '\\') {
          out += "\\\\";
        } else {
          out.append(raw, i, len);
        }
      },
      [&](uint8_t c) {
        out += "\\x";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      });
  return out;
}

std::string safe_file_name(const std::string& raw) {
  std::string out;
  split_unsafe(
      raw, [&](size_t i, size_t len) { out.append(raw, i, len); }, [&](uint8_t) { out += '_'; });
  return out;
}

}  // namespace tinytb_tool
