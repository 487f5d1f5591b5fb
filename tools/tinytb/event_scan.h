// tinytb host tool: judge an event file from its bytes.
//
// Pure logic over a ByteSource (no files, no printing), so the same code serves
// `check`, `repair`, `pull`, the unit tests and the fuzzer. The verdicts and why they
// are drawn where they are: docs/tools.md. The guarantees for untrusted bytes (no
// crash, no hang, memory bounded whatever the length fields say): docs/security.md.
#ifndef TINYTB_TOOLS_EVENT_SCAN_H_
#define TINYTB_TOOLS_EVENT_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "event_parse.h"

namespace tinytb_tool {

// Random access to a file's bytes. size() is fixed for one scan.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Copies exactly `n` bytes at `offset` (offset + n <= size()) to `out`; false on an
  // I/O error or if the bytes are no longer there (the file shrank).
  virtual bool read(uint64_t offset, uint8_t* out, size_t n) = 0;
};

// Bytes in memory (tests, the fuzzer). The bytes must outlive the source.
class MemorySource : public ByteSource {
 public:
  MemorySource(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint64_t size() const override { return size_; }
  bool read(uint64_t offset, uint8_t* out, size_t n) override;

 private:
  const uint8_t* data_;
  size_t size_;
};

enum class Verdict { kClean = 0, kTorn = 1, kCorrupt = 2 };
const char* verdict_name(Verdict v);

// What follows the valid prefix.
enum class Tail {
  kNone,            // clean: the file ends on a record boundary
  kPartialHeader,   // torn: 1..11 bytes, not all zero
  kPartialRecord,   // torn: an intact length header whose record runs past the end of the file
  kZeroFilled,      // torn: zero bytes only
  kCutThenZeros,    // torn: the start of a record (header cut, or intact header and record cut), then zeros
  kBadLengthCrc,    // corrupt: the length CRC fails over bytes that are not the above
  kBadPayloadCrc,   // corrupt: all the record's bytes are there but its payload CRC fails
  kUndecodable,     // corrupt: CRCs match, the payload is not a valid Event
  kBadWallTime,     // corrupt: CRCs match, wall_time is NaN or infinite
  kReadError,       // the bytes could not be read; no verdict
};
const char* tail_name(Tail t);

// Per-file tag statistics: a tag's kind (its plugin name, from the file) is kept cut to
// this many bytes, and one tag's statistics take at most kTagStatsBytesPerTag bytes of heap,
// bookkeeping included (docs/security.md; tests/tools/tag_memory_test.cc measures it).
constexpr size_t kMaxKindBytes = 32;
constexpr size_t kTagStatsBytesPerTag = 640;

struct ScanOptions {
  // Payloads up to this size are read whole and parsed; larger ones have their CRC
  // checked in chunks and are not parsed (counted in unparsed_records, warned).
  uint64_t max_parse_bytes = 256ull << 20;
  size_t max_tags = 10000;        // distinct tags with statistics; more are counted only
  size_t max_tag_bytes = 256;     // a longer tag is kept cut to this many bytes
  size_t max_warnings = 20;       // more are counted only
  uint64_t max_records = 0;       // stop after this many valid records (0: no limit)
  bool find_records_after_damage = true;
  // Called with every valid, parsed event in file order (`tinytb compare` reads runs
  // through it); with keep_numbers the events carry their values (event_parse.h).
  std::function<void(const EventInfo&)> on_event;
  bool keep_numbers = false;
};

struct TagStats {
  std::string tag;         // raw bytes from the file (may be cut to max_tag_bytes)
  std::string kind;        // plugin name of the first metadata seen, or the legacy field
  uint64_t count = 0;
  int64_t min_step = 0;
  int64_t max_step = 0;
  int64_t last_step = 0;
  uint64_t steps_not_increasing = 0;
};

struct ScanResult {
  uint64_t file_size = 0;
  Verdict verdict = Verdict::kClean;
  Tail tail = Tail::kNone;
  bool read_error = false;   // a read failed: the verdict covers only what was read

  uint64_t records = 0;      // valid records from the start of the file
  uint64_t valid_bytes = 0;  // where they end: the repair cut
  std::string problem;       // what is wrong at valid_bytes, one line ("" when clean)
  uint64_t declared_record_bytes = 0;  // 16 + length, when the header at valid_bytes is intact

  // Verifiable records (both CRCs match) after the damage; corrupt files only.
  uint64_t records_after_damage = 0;
  uint64_t first_record_after_damage = 0;  // its offset, when records_after_damage > 0
  bool records_after_damage_known = true;  // false: the search hit its work cap

  bool first_is_file_version = false;
  std::string file_version;
  bool has_wall_time = false;  // at least one event
  double min_wall_time = 0;
  double max_wall_time = 0;
  uint64_t summary_values = 0;
  uint64_t unparsed_records = 0;

  std::vector<TagStats> tags;  // sorted by tag
  uint64_t untracked_tags = 0; // distinct tags beyond max_tags
  std::vector<std::string> warnings;
  uint64_t more_warnings = 0;

  uint64_t tail_bytes() const { return file_size - valid_bytes; }
};

ScanResult scan_event_file(ByteSource& source, const ScanOptions& options = ScanOptions());

// Does the file start like an event file: its first record valid and a file_version
// event? (How an 8.3-named file on a card is recognised.)
bool starts_with_file_version(ByteSource& source);

// What `repair` does with a scanned file.
enum class RepairAction { kNone, kCut, kRefuse };
struct RepairPlan {
  RepairAction action = RepairAction::kNone;
  uint64_t cut_to = 0;   // new size, for kCut
  std::string reason;    // for kRefuse (and a short note for kCut)
};

// clean: nothing. torn: cut to the valid prefix. corrupt: refuse, unless `salvage` and
// the cut loses nothing verifiable (at least one valid record before the damage, no
// verifiable record after it). A read error: refuse.
RepairPlan plan_repair(const ScanResult& scan, bool salvage);

// Text from a file made safe for a terminal: control characters, DEL and invalid
// UTF-8 become \xNN escapes, backslash becomes "\\".
// Also escaped, byte by byte: Unicode's bidirectional and invisible format characters
// (U+202E and kin), which would let a tag reorder or hide what the terminal shows.
std::string printable(const std::string& raw);

// A name from a card made safe to create under DST: every byte printable() would
// escape becomes '_' ('/' stays; names of the same length, so a clash shows as a
// conflict between two targets).
std::string safe_file_name(const std::string& raw);

}  // namespace tinytb_tool

#endif  // TINYTB_TOOLS_EVENT_SCAN_H_
