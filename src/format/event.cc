// tinytb: the event layer's direct path: the Event written by hand, no nanopb, for the
// shapes a scalars-and-text build sends (format/event.h says which). Every other shape goes
// to the caller's general encoder (event_general.cc, nanopb), so a build that never names
// that one links no nanopb at all.
//
// Why by hand (docs/firmware.md, "Scalars and text without nanopb"): nanopb's encoder and
// the event descriptors are 3.3 KB of flash on a Cortex-M4F, a quarter of a 12 KB budget,
// and its nested messages (Event, Summary, Value, TensorProto, each a sizing pass and a
// callback frame of about 200 B) made text the deepest scalars-and-text call at 1,664 B of
// stack. Here every length is computed once (a Layout), then the bytes are written in
// order, in exactly the bytes nanopb writes: fields by number (metadata after the tensor),
// proto3 defaults left out (wall_time whose 8 bytes are all zero, step 0, a dim of size 0,
// data_class 0), negative varints in 10 bytes, float_val packed, every string_val entry
// written even when empty, the plugin content only when non-empty.
// tests/format/event_direct_test.cc and tests/fuzz/event_direct_fuzz.cc hold both equal.
#include "format/event.h"

#include <string.h>

#include "base/bytes.h"

namespace tinytb {
namespace detail {
namespace {

constexpr bool kClassicBuilt = (TINYTB_SUMMARY_FORMS & 1) != 0;

// Field keys (field number << 3 | wire type) of the fields written below.
constexpr uint8_t kKeyWallTime = 0x09;     // Event.wall_time, fixed64
constexpr uint8_t kKeyStep = 0x10;         // Event.step, varint
constexpr uint8_t kKeyFileVersion = 0x1A;  // Event.file_version
constexpr uint8_t kKeySummary = 0x2A;      // Event.summary, length-delimited
constexpr uint8_t kKeyValue = 0x0A;        // Summary.value
constexpr uint8_t kKeyTag = 0x0A;          // Summary.Value.tag
constexpr uint8_t kKeySimpleValue = 0x15;  // Summary.Value.simple_value, fixed32
constexpr uint8_t kKeyTensor = 0x42;       // Summary.Value.tensor
constexpr uint8_t kKeyMetadata = 0x4A;     // Summary.Value.metadata
constexpr uint8_t kKeyDtype = 0x08;        // TensorProto.dtype, varint
constexpr uint8_t kKeyShape = 0x12;        // TensorProto.tensor_shape
constexpr uint8_t kKeyFloatVal = 0x2A;     // TensorProto.float_val, packed
constexpr uint8_t kKeyStringVal = 0x42;    // TensorProto.string_val, one per string
constexpr uint8_t kKeyDim = 0x12;          // TensorShapeProto.dim
constexpr uint8_t kKeyDimSize = 0x08;      // TensorShapeProto.Dim.size, varint
constexpr uint8_t kKeyPluginData = 0x0A;   // SummaryMetadata.plugin_data
constexpr uint8_t kKeyDataClass = 0x20;    // SummaryMetadata.data_class, varint
constexpr uint8_t kKeyPluginName = 0x0A;   // PluginData.plugin_name
constexpr uint8_t kKeyContent = 0x12;      // PluginData.content

size_t varint_bytes(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80u) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Key and length prefix of a length-delimited field holding `len` bytes, and the bytes.
size_t delimited_bytes(size_t len) { return 1 + varint_bytes(len) + len; }

// A Dim message: its size as a varint, left out when 0.
size_t dim_bytes(int64_t size) { return size != 0 ? 1 + varint_bytes(static_cast<uint64_t>(size)) : 0; }

// The lengths of every nested message, computed once for sizing and encoding alike.
struct Layout {
  size_t shape;   // TensorShapeProto's length (rank > 0)
  size_t tensor;  // TensorProto's length
  size_t plugin_name_len;
  size_t plugin_data;  // PluginData's length (0 when there is no metadata)
  size_t metadata;     // SummaryMetadata's length (0 when there is no metadata)
  size_t value;        // Summary.Value's
  size_t summary;      // Summary's
  size_t event;        // the whole Event's
};

// TensorProto of one float, rank 0: dtype (2 bytes) + float_val (key, length 4, 4 bytes).
constexpr size_t kScalarTensorBytes = 2 + 2 + 4;

bool is_string_tensor(const TensorSpec& t) {
  return t.dtype == DType::kString && t.rank <= TINYTB_MAX_RANK && t.float_count == 0 && t.content.size == 0 &&
         (t.strings.count == 0 || t.strings.at != nullptr);
}

// False where nanopb's sizing fails too: a string neither in memory nor produced.
bool layout(const EventSpec& event, Layout* l) {
  *l = Layout{};
  if (event.summary == nullptr) {
    l->event = delimited_bytes(sizeof(kFileVersion) - 1);
  } else {
    const SummarySpec& spec = *event.summary;
    const TensorSpec& t = spec.tensor;
    if (spec.classic.kind == ValueKind::kSimple) {  // tag and simple_value, never metadata
      l->value = delimited_bytes(spec.tag_len) + 1 + 4;
    } else {
      if (t.dtype == DType::kFloat) {
        l->tensor = kScalarTensorBytes;
      } else {
        l->tensor = 2;
        if (t.rank > 0) {
          for (uint8_t i = 0; i < t.rank; ++i) l->shape += delimited_bytes(dim_bytes(t.dims[i]));
          l->tensor += delimited_bytes(l->shape);
        }
        for (size_t i = 0; i < t.strings.count; ++i) {
          const Blob blob = t.strings.at(t.strings.context, i);
          if (blob.data == nullptr && blob.size > 0 && blob.produce == nullptr) return false;
          l->tensor += delimited_bytes(blob.size);
        }
      }
      l->value = delimited_bytes(spec.tag_len) + delimited_bytes(l->tensor);
      if (spec.with_metadata) {
        l->plugin_name_len = strlen(spec.plugin_name);
        l->plugin_data = delimited_bytes(l->plugin_name_len);
        if (spec.plugin_content_size > 0) l->plugin_data += delimited_bytes(spec.plugin_content_size);
        // data_class: key and a one-byte varint (is_direct_event() checked it is below
        // 0x80), left out when 0 (proto3 default).
        l->metadata = delimited_bytes(l->plugin_data) + (static_cast<uint8_t>(spec.data_class) != 0 ? 2 : 0);
        l->value += delimited_bytes(l->metadata);
      }
    }
    l->summary = delimited_bytes(l->value);
    l->event = delimited_bytes(l->summary);
  }
  if (event.wall_time_bits != 0) l->event += 1 + 8;
  if (event.step != 0) l->event += 1 + varint_bytes(static_cast<uint64_t>(event.step));
  return true;
}

// The output: out[0, size), every write bounded, so a producer that writes more than it
// said fails instead of running past the end. memmove: a blob may already lie in the
// output buffer a little further on (images compressed into the queue), as in
// event_general.cc's move_into_buffer().
struct Cursor {
  uint8_t* p;
  uint8_t* end;
};

bool put(void* context, const uint8_t* data, size_t size) {
  Cursor* c = static_cast<Cursor*>(context);
  if (size > static_cast<size_t>(c->end - c->p)) return false;
  if (size > 0 && c->p != data) memmove(c->p, data, size);
  c->p += size;
  return true;
}

// A key followed by a varint (a length, a step, a dim).
bool put_key_varint(Cursor* c, uint8_t key, uint64_t v) {
  uint8_t buf[11];
  size_t n = 0;
  buf[n++] = key;
  while (v >= 0x80u) {
    buf[n++] = static_cast<uint8_t>(v | 0x80u);
    v >>= 7;
  }
  buf[n++] = static_cast<uint8_t>(v);
  return put(c, buf, n);
}

bool put_key_le(Cursor* c, uint8_t key, uint64_t v, size_t bytes) {
  uint8_t buf[9];
  buf[0] = key;
  for (size_t i = 0; i < bytes; ++i) buf[1 + i] = static_cast<uint8_t>(v >> (8 * i));
  return put(c, buf, 1 + bytes);
}

bool put_delimited(Cursor* c, uint8_t key, const void* data, size_t len) {
  return put_key_varint(c, key, len) && put(c, static_cast<const uint8_t*>(data), len);
}

bool put_string(Cursor* c, const StringSource& strings, size_t index) {
  const Blob blob = strings.at(strings.context, index);
  if (!put_key_varint(c, kKeyStringVal, blob.size)) return false;
  if (blob.data != nullptr || blob.size == 0) return put(c, blob.data, blob.size);
  if (blob.produce == nullptr) return false;
  uint8_t* const start = c->p;
  ByteOut out(put, c);
  return blob.produce(strings.context, index, &out) && static_cast<size_t>(c->p - start) == blob.size;
}

bool put_tensor(Cursor* c, const TensorSpec& t, const Layout& l) {
  if (!put_key_varint(c, kKeyTensor, l.tensor) || !put_key_varint(c, kKeyDtype, static_cast<uint8_t>(t.dtype))) {
    return false;
  }
  if (t.dtype == DType::kFloat) {
    uint32_t bits = 0;
    memcpy(&bits, t.floats, sizeof(bits));
    uint8_t le[4];
    for (size_t i = 0; i < 4; ++i) le[i] = static_cast<uint8_t>(bits >> (8 * i));
    return put_key_varint(c, kKeyFloatVal, 4) && put(c, le, 4);
  }
  if (t.rank > 0) {
    if (!put_key_varint(c, kKeyShape, l.shape)) return false;
    for (uint8_t i = 0; i < t.rank; ++i) {
      const size_t len = dim_bytes(t.dims[i]);
      if (!put_key_varint(c, kKeyDim, len)) return false;
      if (len > 0 && !put_key_varint(c, kKeyDimSize, static_cast<uint64_t>(t.dims[i]))) return false;
    }
  }
  for (size_t i = 0; i < t.strings.count; ++i) {
    if (!put_string(c, t.strings, i)) return false;
  }
  return true;
}

bool put_metadata(Cursor* c, const SummarySpec& spec, const Layout& l) {
  if (!put_key_varint(c, kKeyMetadata, l.metadata) || !put_key_varint(c, kKeyPluginData, l.plugin_data) ||
      !put_delimited(c, kKeyPluginName, spec.plugin_name, l.plugin_name_len)) {
    return false;
  }
  if (spec.plugin_content_size > 0 &&
      !put_delimited(c, kKeyContent, spec.plugin_content, spec.plugin_content_size)) {
    return false;
  }
  const uint8_t data_class = static_cast<uint8_t>(spec.data_class);
  return data_class == 0 || put_key_varint(c, kKeyDataClass, data_class);
}

}  // namespace

bool is_direct_event(const EventSpec& event) {
  const SummarySpec* spec = event.summary;
  if (spec == nullptr) return true;
  const TensorSpec& t = spec->tensor;
  if (spec->classic.kind == ValueKind::kSimple) return kClassicBuilt && t.floats != nullptr;
  if (spec->classic.kind != ValueKind::kTensor || spec->plugin_name == nullptr) return false;
  if (spec->plugin_content == nullptr && spec->plugin_content_size > 0) return false;  // produced content
  if (static_cast<uint8_t>(spec->data_class) >= 0x80) return false;
  const bool scalar = t.dtype == DType::kFloat && t.rank == 0 && t.float_count == 1 && t.floats != nullptr &&
                      t.strings.count == 0 && t.content.size == 0;
  return scalar || is_string_tensor(t);
}

bool event_size(const EventSpec& event, size_t* size) {
  if (!is_direct_event(event)) return event.general != nullptr && event.general->size(event, size);
  Layout l;
  if (!layout(event, &l)) return false;
  *size = l.event;
  return true;
}

bool encode_event(const EventSpec& event, uint8_t* out, size_t size) {
  if (!is_direct_event(event)) return event.general != nullptr && event.general->encode(event, out, size);
  Layout l;
  if (!layout(event, &l) || l.event != size) return false;
  Cursor c{out, out + size};
  const uint64_t wall = event.wall_time_bits;
  if (wall != 0 && !put_key_le(&c, kKeyWallTime, wall, 8)) return false;
  if (event.step != 0 && !put_key_varint(&c, kKeyStep, static_cast<uint64_t>(event.step))) return false;
  if (event.summary == nullptr) {
    return put_delimited(&c, kKeyFileVersion, kFileVersion, sizeof(kFileVersion) - 1) && c.p == c.end;
  }
  const SummarySpec& spec = *event.summary;
  if (!put_key_varint(&c, kKeySummary, l.summary) || !put_key_varint(&c, kKeyValue, l.value) ||
      !put_delimited(&c, kKeyTag, spec.tag, spec.tag_len)) {
    return false;
  }
  if (spec.classic.kind == ValueKind::kSimple) {
    uint32_t bits = 0;
    memcpy(&bits, spec.tensor.floats, sizeof(bits));
    return put_key_le(&c, kKeySimpleValue, bits, 4) && c.p == c.end;
  }
  if (!put_tensor(&c, spec.tensor, l)) return false;
  if (spec.with_metadata && !put_metadata(&c, spec, l)) return false;
  return c.p == c.end;
}

#if !TINYTB_SMALL_TARGET
namespace {

uint8_t* raw_varint(uint8_t* p, uint64_t v) {
  while (v >= 0x80u) {
    *p++ = static_cast<uint8_t>(v | 0x80u);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

// Summary.Value: tag (key, length, bytes) and simple_value (key, 4 bytes).
size_t simple_value_bytes(size_t tag_len) { return delimited_bytes(tag_len) + 1 + 4; }

}  // namespace

size_t simple_scalar_event_bytes(uint64_t wall_time_bits, int64_t step, size_t tag_len) {
  size_t n = delimited_bytes(delimited_bytes(simple_value_bytes(tag_len)));
  if (wall_time_bits != 0) n += 1 + 8;
  if (step != 0) n += 1 + varint_bytes(static_cast<uint64_t>(step));
  return n;
}

// Field order and proto3 defaults as encode_event(): wall_time, step, then the summary.
size_t encode_simple_scalar(uint8_t* out, uint64_t wall_time_bits, int64_t step, const char* tag, size_t tag_len,
                            float value) {
  uint8_t* p = out;
  if (wall_time_bits != 0) {
    *p++ = kKeyWallTime;
    p = put_le64(p, wall_time_bits);
  }
  if (step != 0) {
    *p++ = kKeyStep;
    p = raw_varint(p, static_cast<uint64_t>(step));
  }
  const size_t value_len = simple_value_bytes(tag_len);
  *p++ = kKeySummary;
  p = raw_varint(p, delimited_bytes(value_len));
  *p++ = kKeyValue;
  p = raw_varint(p, value_len);
  *p++ = kKeyTag;
  p = raw_varint(p, tag_len);
  if (tag_len > 0) memcpy(p, tag, tag_len);  // an empty tag may come as a null pointer
  p += tag_len;
  uint32_t bits = 0;
  memcpy(&bits, &value, sizeof(bits));
  *p++ = kKeySimpleValue;
  p = put_le32(p, bits);
  return static_cast<size_t>(p - out);
}
#endif

}  // namespace detail
}  // namespace tinytb
