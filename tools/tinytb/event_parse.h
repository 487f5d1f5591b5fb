// tinytb host tool: decode one Event payload from untrusted bytes (docs/tools.md).
//
// A hand-written protobuf wire parser for the few messages a check needs (Event >
// Summary > Value > metadata / tensor > shape > dim). Bounds-checked, no recursion, no
// allocation beyond the tag and plugin strings and one ValueInfo per value. Accepts what
// protobuf parsers accept (unknown fields, packed or unpacked repeated scalars, a known
// field number with another wire type read as unknown) and rejects what TensorBoard's
// parsers reject (malformed varints, lengths past the end, wire types 3, 4, 6, 7, field
// number 0, invalid UTF-8 in the string fields it reads).
#ifndef TINYTB_TOOLS_EVENT_PARSE_H_
#define TINYTB_TOOLS_EVENT_PARSE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tinytb_tool {

// What the scan needs from one Summary.Value.
enum class ValueKind { kNone, kSimple, kImage, kHisto, kAudio, kTensor };

struct ValueInfo {
  std::string tag;
  ValueKind kind = ValueKind::kNone;
  bool has_plugin = false;
  std::string plugin;
  uint64_t dtype = 0;
  size_t rank = 0;
  uint64_t elements = 1;      // product of the dims (saturating)
  bool bad_dim = false;       // a negative dim
  uint64_t strings = 0;       // string_val count
  uint64_t floats = 0;        // float_val count
  uint64_t doubles = 0;       // double_val count
  uint64_t content_bytes = 0; // tensor_content size

  // Kept only when parse_event() is asked for numbers (`tinytb compare`), else empty:
  // a simple_value (one number); a DT_FLOAT or DT_DOUBLE tensor's values, row-major, from
  // float_val, double_val or tensor_content; a legacy histogram as TF2's [k, 3] rows
  // (left edge, right edge, count), the first left edge its min. `dims` is the tensor's shape.
  std::vector<double> numbers;
  std::vector<int64_t> dims;
};

struct EventInfo {
  double wall_time = 0;
  int64_t step = 0;
  bool has_file_version = false;
  std::string file_version;
  std::vector<ValueInfo> values;
};

// Decodes `size` bytes as an Event. On failure returns false with *error a static
// string naming the problem.
// With `keep_numbers`, each value's numbers are decoded too (ValueInfo::numbers).
bool parse_event(const uint8_t* data, size_t size, EventInfo* event, const char** error,
                 bool keep_numbers = false);

// Valid UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_utf8(const uint8_t* s, size_t size);

}  // namespace tinytb_tool

#endif  // TINYTB_TOOLS_EVENT_PARSE_H_
