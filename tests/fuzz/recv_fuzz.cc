// tinytb: libFuzzer target over `tinytb recv`'s parser (tools/tinytb/recv_stream.h), the code
// that reads bytes from a serial port or a socket anyone can write to (docs/security.md).
//
//   make fuzz-recv             (FUZZ_SECONDS, default 600); make test runs it for 20 s
//   tests/fuzz/run_recv_fuzz.sh BUILD SECONDS
//
// The first input byte picks how the rest is cut into feed() calls and the record limit;
// the rest is the link's bytes. Invariants (abort with a message when broken): every record
// handed on has both TFRecord CRCs right and comes inside a file; the memory held stays
// under one frame, one record and one feed; the counters add up; and cutting the same bytes
// into other feeds changes nothing at all.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "recv_stream.h"
#include "tinytb/format/crc32c.h"

namespace {

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

uint32_t u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

class Checked : public tinytb_tool::RecvOutput {
 public:
  void begin_file(uint32_t session, const std::string& board, const std::string& dir,
                  const std::string& name) override {
    require(!open_, "begin_file while a file is open");
    require(board.size() <= 255 && dir.size() <= 255 && name.size() <= 255, "open strings bounded");
    open_ = true;
    records_in_file = 0;
    log += "B" + std::to_string(session) + "/" + board + "/" + dir + "/" + name + ";";
  }
  void record(const uint8_t* data, size_t size) override {
    require(open_, "record outside a file");
    require(size >= 16, "a record has its framing");
    uint64_t length = 0;
    for (int i = 0; i < 8; ++i) length |= static_cast<uint64_t>(data[i]) << (8 * i);
    require(length + 16 == size, "record length");
    require(tinytb::mask_crc(tinytb::crc32c(data, 8)) == u32(data + 8), "length CRC");
    require(tinytb::mask_crc(tinytb::crc32c(data + 12, size - 16)) == u32(data + size - 4), "payload CRC");
    log += "R" + std::to_string(size) + ":" + std::to_string(tinytb::crc32c(data, size)) + ";";
    ++records;
    ++records_in_file;
  }
  void sync() override {
    require(open_, "sync outside a file");
    log += "S;";
  }
  void drop_last_records(size_t count) override {
    require(open_, "drop_last_records outside a file");
    require(count <= records_in_file, "drop only records of this file");
    records_in_file -= count;
    records -= count;
    log += "D" + std::to_string(count) + ";";
  }
  void end_file() override {
    require(open_, "end_file without a file");
    open_ = false;
    log += "E;";
  }
  std::string log;
  uint64_t records = 0;
  uint64_t records_in_file = 0;
  bool open_ = false;
};

std::string run(const uint8_t* data, size_t size, size_t chunk, uint64_t max_record, tinytb_tool::RecvCounters* out) {
  Checked files;
  tinytb_tool::StreamParser::Options options;
  options.max_record = max_record;
  tinytb_tool::StreamParser parser(files, options);
  for (size_t at = 0; at < size; at += chunk) {
    const size_t n = size - at < chunk ? size - at : chunk;
    parser.feed(data + at, n);
    require(parser.buffered() <= max_record + 16384 + 22 + n + 16, "memory bound");
  }
  parser.finish();
  require(!files.open_, "finish ends the file");
  const tinytb_tool::RecvCounters& c = parser.counters();
  require(c.bytes_in == size, "bytes_in");
  require(c.bytes_skipped <= size && c.frames * 22 + c.bytes_skipped <= size, "frames and skipped bytes fit the input");
  require(c.records == files.records, "records counted");
  require(c.resyncs <= c.frames + c.duplicates, "a resync ends at a valid frame (taken or a duplicate)");
  *out = c;
  return files.log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t control = data[0];
  ++data;
  --size;
  static const size_t kChunks[] = {1, 3, 17, 512, 4096, 1u << 20};
  const size_t chunk = kChunks[control % 6];
  const uint64_t max_record = (control & 0x80) != 0 ? 64 : (64ull << 20);
  tinytb_tool::RecvCounters a, b;
  const std::string whole = run(data, size, 1u << 30, max_record, &a);
  const std::string cut = run(data, size, chunk, max_record, &b);
  require(whole == cut, "the same bytes in other feeds give the same output");
  require(std::memcmp(&a, &b, sizeof a) == 0, "the same bytes in other feeds give the same counters");
  return 0;
}
