// tinytb: libFuzzer target over what the host tool does with untrusted bytes
// (docs/security.md): scan, plan the repair, apply it, scan again.
//
//   make fuzz                  (10 minutes; FUZZ_SECONDS=N to change)
//   tests/fuzz/run_fuzz.sh BUILD SECONDS
//
// Any crash, sanitizer report, allocation above -rss_limit_mb or input slower than
// -timeout fails. The invariants below abort with a message when broken.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "event_scan.h"
#include "tinytb/format/crc32c.h"

namespace {

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

void check_one(const uint8_t* data, size_t size, const tinytb_tool::ScanOptions& options) {
  using namespace tinytb_tool;
  MemorySource source(data, size);
  const ScanResult r = scan_event_file(source, options);
  require(!r.read_error, "a memory source never fails");
  require(r.file_size == size, "file_size");
  require(r.valid_bytes <= size, "the valid prefix lies within the file");
  require((r.verdict == Verdict::kClean) == (r.tail == Tail::kNone), "clean means no tail");
  require(r.verdict != Verdict::kClean || r.valid_bytes == size, "a clean file is valid to its end");
  require(r.verdict == Verdict::kClean || r.valid_bytes < size, "a tail has bytes");
  require(r.records == 0 || r.valid_bytes >= 16 * r.records, "every record has 16 bytes of framing");
  require(r.tags.size() <= options.max_tags && r.warnings.size() <= options.max_warnings, "bounded statistics");
  for (bool salvage : {false, true}) {
    const RepairPlan plan = plan_repair(r, salvage);
    if (plan.action != RepairAction::kCut) continue;
    require(plan.cut_to == r.valid_bytes, "repair cuts exactly at the valid prefix");
    // The repaired file is the valid prefix, byte for byte: it must be clean with the
    // same records, and repairing it again must do nothing.
    MemorySource repaired(data, static_cast<size_t>(plan.cut_to));
    const ScanResult again = scan_event_file(repaired, options);
    require(again.verdict == Verdict::kClean, "a repaired file is clean");
    require(again.records == r.records, "a repaired file keeps every valid record");
    require(plan_repair(again, salvage).action == RepairAction::kNone, "repair is idempotent");
  }
  starts_with_file_version(source);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The record CRC's hardware path (SSE4.2 / ARMv8 CRC, where this host has it) against its
  // table, on the input from every start offset below 16 and a seed taken from the input.
  for (size_t offset = 0; offset < 16 && offset <= size; ++offset) {
    const uint32_t seed = size >= 4 ? (uint32_t{data[0]} << 24 | uint32_t{data[1]} << 16 | uint32_t{data[size - 1]}) : 0u;
    require(tinytb::crc32c_extend(seed, data + offset, size - offset) ==
                tinytb::crc32c_extend_portable(seed, data + offset, size - offset),
            "the CRC-32C instruction and the table agree");
  }
  tinytb_tool::ScanOptions options;
  check_one(data, size, options);
  options.max_parse_bytes = 64;  // the chunked-CRC path for large records
  options.max_tags = 4;
  options.max_warnings = 2;
  check_one(data, size, options);
  return 0;
}
