// tinytb: libFuzzer target holding the direct event encoder (src/format/event.cc: scalars,
// string tensors such as text, the file_version event) to nanopb's (event_general.cc) byte
// for byte (docs/firmware.md, "Scalars and text without nanopb").
//
//   make fuzz-event            (FUZZ_SECONDS, default 600); make test runs it for 10 s
//   tests/fuzz/run_event_fuzz.sh BUILD SECONDS
//
// The input is read as a little program: a header (wall time, step, shape, flags, data
// class, plugin content length, tag length, rank and dims) and then the tag's, the cells'
// and the plugin content's bytes, so that the fuzzer reaches every length prefix boundary,
// empty and long strings, produced Markdown, negative and zero dims. Invariants (abort with
// a message when broken): both encoders agree on whether the event can be sized and on its
// size, write the same bytes, write none past the size, and refuse a size one short.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "format/event.h"
#include "summary/summary.h"

namespace {

using namespace tinytb::detail;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

struct Reader {
  const uint8_t* p;
  size_t left;
  uint64_t take(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
      v |= static_cast<uint64_t>(left > 0 ? *p : 0) << (8 * i);
      if (left > 0) {
        ++p;
        --left;
      }
    }
    return v;
  }
  std::string bytes(size_t n) {
    if (n > left) n = left;
    std::string s(reinterpret_cast<const char*>(p), n);
    p += n;
    left -= n;
    return s;
  }
};

void check(const EventSpec& event) {
  require(is_direct_event(event), "the shape built is a direct one");
  size_t direct_size = 0, general_size = 0;
  const bool direct_sized = event_size(event, &direct_size);
  const bool general_sized = event_size_general(event, &general_size);
  require(direct_sized == general_sized, "both size the event, or neither");
  if (!direct_sized) return;
  require(direct_size == general_size, "the same size");
  std::vector<uint8_t> direct(direct_size + 1, 0x5A), general(general_size + 1, 0xA5);
  const bool direct_ok = encode_event(event, direct.data(), direct_size);
  const bool general_ok = encode_event_general(event, general.data(), general_size);
  require(direct_ok == general_ok, "both encode the event, or neither");
  require(direct[direct_size] == 0x5A, "no byte past the size");
  if (direct_ok) {
    require(std::memcmp(direct.data(), general.data(), direct_size) == 0, "the same bytes");
  }
  if (direct_size > 0) require(!encode_event(event, direct.data(), direct_size - 1), "a size one short is refused");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in{data, size};
  EventSpec event;
  event.wall_time_bits = in.take(1) % 4 == 0 ? 0 : in.take(8);
  const uint64_t step_kind = in.take(1);
  event.step = static_cast<int64_t>(step_kind % 3 == 0 ? in.take(8) : in.take(step_kind % 3));
  // Negated through uint64_t: INT64_MIN stays itself (a step the writer may be given).
  if (step_kind & 0x80) event.step = static_cast<int64_t>(0 - static_cast<uint64_t>(event.step));
  const uint8_t shape = static_cast<uint8_t>(in.take(1));
  const uint8_t flags = static_cast<uint8_t>(in.take(1));
  const uint8_t data_class = static_cast<uint8_t>(in.take(1) & 0x7F);
  const size_t content_len = static_cast<size_t>(in.take(1));
  const size_t tag_len = static_cast<size_t>(in.take(2) % 5000);
  if (shape % 4 == 0) {  // the file_version event
    check(event);
    return 0;
  }
  const std::string tag = in.bytes(tag_len);
  const std::string content = in.bytes(content_len);
  SummarySpec spec;
  float value = 0.0f;
  // Cells: up to 12, each a length byte (x 3 for a long one) and its bytes; C strings, so
  // each ends at its first NUL as the writer's text() would see it.
  std::vector<std::string> cells;
  std::vector<const char*> ptrs;
  MarkdownText markdown;
  if (shape % 4 == 1) {
    const uint32_t bits = static_cast<uint32_t>(in.take(4));
    std::memcpy(&value, &bits, sizeof(value));
    if (flags & 1) {
      make_simple_scalar(&value, &spec);
    } else {
      make_scalar(&value, &spec);
    }
  } else {
    const uint8_t rank = static_cast<uint8_t>(in.take(1) % 3);
    const size_t rows = rank == 2 ? 1 + in.take(1) % 4 : 1;
    const size_t cols = rank == 0 ? 1 : 1 + in.take(1) % 3;
    for (size_t i = 0; i < rows * cols; ++i) {
      const size_t len = static_cast<size_t>(in.take(1));
      cells.push_back(in.bytes(len & 0x80 ? len * 3 : len).c_str());  // cut at a NUL
    }
    for (const std::string& c : cells) ptrs.push_back(c.c_str());
    if (shape % 4 == 3 && rank > 0) {
      make_markdown_text(ptrs.data(), rows, cols, rank, &markdown, &spec);
    } else {
      make_text(ptrs.data(), rows, cols, rank, &spec);
      if (flags & 2) {  // dims the writer never makes
        for (uint8_t d = 0; d < rank; ++d) spec.tensor.dims[d] = static_cast<int64_t>(in.take(8));
      }
    }
  }
  spec.tag = tag.data();
  spec.tag_len = tag.size();
  spec.with_metadata = (flags & 4) != 0;
  if (flags & 8) spec.data_class = static_cast<DataClass>(data_class);
  if (flags & 16) {
    spec.plugin_content = reinterpret_cast<const uint8_t*>(content.data());
    spec.plugin_content_size = content.size();
  }
  if (flags & 32) spec.plugin_name = "";
  event.summary = &spec;
  check(event);
  return 0;
}
