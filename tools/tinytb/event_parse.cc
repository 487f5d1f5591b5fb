// tinytb host tool: decode one Event payload (event_parse.h).
#include "event_parse.h"

#include <cstring>

#include "base/bytes.h"
#include "format/names.h"  // src/format/names.h: the core's UTF-8 rule

namespace tinytb_tool {
namespace {

using tinytb::detail::get_le32;
using tinytb::detail::get_le64;

// ---- protobuf wire format -----------------------------------------------------------------

enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// A bounds-checked reader over one message's bytes. Every method moves forward by at
// least one byte or fails, so no loop over it can spin.
class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  bool done() const { return p_ == end_; }

  bool varint(uint64_t* out) {
    uint64_t v = 0;
    for (int i = 0; i < 10; ++i) {
      if (p_ == end_) return false;
      const uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7Fu) << (7 * i);
      if ((b & 0x80u) == 0) {
        *out = v;
        return true;
      }
    }
    return false;  // more than 10 bytes: protobuf parsers reject it
  }
  bool fixed64(uint64_t* out) {
    if (static_cast<size_t>(end_ - p_) < 8) return false;
    *out = get_le64(p_);
    p_ += 8;
    return true;
  }
  bool fixed32(uint32_t* out) {
    if (static_cast<size_t>(end_ - p_) < 4) return false;
    *out = get_le32(p_);
    p_ += 4;
    return true;
  }
  bool bytes(const uint8_t** data, size_t* size) {
    uint64_t n;
    if (!varint(&n) || n > static_cast<uint64_t>(end_ - p_)) return false;
    *data = p_;
    *size = static_cast<size_t>(n);
    p_ += n;
    return true;
  }
  // A field key: field number 1..2^29-1 and a wire type protobuf-3 parsers skip.
  bool key(uint32_t* field, int* type) {
    uint64_t k;
    if (!varint(&k) || (k >> 3) == 0 || (k >> 3) > 0x1FFFFFFFu) return false;
    *field = static_cast<uint32_t>(k >> 3);
    *type = static_cast<int>(k & 7u);
    return *type == kVarint || *type == kFixed64 || *type == kLengthDelimited || *type == kFixed32;
  }
  bool skip(int type) {
    uint64_t v;
    uint32_t w;
    const uint8_t* d;
    size_t n;
    switch (type) {
      case kVarint: return varint(&v);
      case kFixed64: return fixed64(&v);
      case kLengthDelimited: return bytes(&d, &n);
      case kFixed32: return fixed32(&w);
      default: return false;
    }
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};


// Each parser returns false and sets *error on the first problem.
using Error = const char*;

bool string_field(Cursor& c, std::string* out, Error* error, Error what) {
  const uint8_t* d;
  size_t n;
  if (!c.bytes(&d, &n)) return (*error = what), false;
  if (!is_utf8(d, n)) return (*error = "invalid UTF-8 in a string field"), false;
  if (out != nullptr) out->assign(reinterpret_cast<const char*>(d), n);
  return true;
}

// Skips any message's fields, checking only the wire format.
bool parse_unknown_message(const uint8_t* d, size_t n, Error* error) {
  Cursor c(d, n);
  while (!c.done()) {
    uint32_t field;
    int type;
    if (!c.key(&field, &type) || !c.skip(type)) return (*error = "malformed field"), false;
  }
  return true;
}

// Counts a repeated scalar field in packed (one length-delimited run) or unpacked form.
bool count_repeated(Cursor& c, int type, int element_type, size_t element_bytes, uint64_t* count, Error* error) {
  if (type == kLengthDelimited) {
    const uint8_t* d;
    size_t n;
    if (!c.bytes(&d, &n) || n % element_bytes != 0) return (*error = "malformed packed field"), false;
    *count += n / element_bytes;
    return true;
  }
  if (type == element_type) {
    if (!c.skip(type)) return (*error = "malformed field"), false;
    *count += 1;
    return true;
  }
  if (!c.skip(type)) return (*error = "malformed field"), false;
  return true;
}

bool parse_shape(const uint8_t* d, size_t n, ValueInfo* v, Error* error, bool keep) {
  Cursor c(d, n);
  while (!c.done()) {
    uint32_t field;
    int type;
    if (!c.key(&field, &type)) return (*error = "malformed TensorShapeProto"), false;
    if (field == 2 && type == kLengthDelimited) {  // Dim
      const uint8_t* dd;
      size_t dn;
      if (!c.bytes(&dd, &dn)) return (*error = "malformed TensorShapeProto.dim"), false;
      Cursor dim(dd, dn);
      int64_t size = 0;
      while (!dim.done()) {
        uint32_t f;
        int t;
        uint64_t x;
        if (!dim.key(&f, &t)) return (*error = "malformed TensorShapeProto.Dim"), false;
        if (f == 1 && t == kVarint) {
          if (!dim.varint(&x)) return (*error = "malformed Dim.size"), false;
          size = static_cast<int64_t>(x);
        } else if (f == 2 && t == kLengthDelimited) {
          if (!string_field(dim, nullptr, error, "malformed Dim.name")) return false;
        } else if (!dim.skip(t)) {
          return (*error = "malformed TensorShapeProto.Dim"), false;
        }
      }
      ++v->rank;
      if (keep) v->dims.push_back(size);
      if (size < 0) {
        v->bad_dim = true;
      } else {
        const uint64_t s = static_cast<uint64_t>(size);
        v->elements = (s != 0 && v->elements > UINT64_MAX / s) ? UINT64_MAX : v->elements * s;
      }
    } else if (!c.skip(type)) {
      return (*error = "malformed TensorShapeProto"), false;
    }
  }
  return true;
}

// ---- numbers, for `tinytb compare` ----------------------------------------------------------------

double float_at(const uint8_t* p) {
  const uint32_t bits = get_le32(p);
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}
double double_at(const uint8_t* p) {
  const uint64_t bits = get_le64(p);
  double x;
  std::memcpy(&x, &bits, sizeof(x));
  return x;
}

// Appends a repeated float (fixed32) or double (fixed64) field, packed or not. The wire
// format was checked by count_repeated() already.
void append_reals(const uint8_t* d, size_t n, bool packed, size_t width, std::vector<double>* out) {
  if (!packed) {
    out->push_back(width == 4 ? float_at(d) : double_at(d));
    return;
  }
  for (size_t i = 0; i + width <= n; i += width) out->push_back(width == 4 ? float_at(d + i) : double_at(d + i));
}

// One repeated real field at the cursor: counted, and kept when `keep`.
bool real_field(Cursor& c, int type, int element_type, size_t width, uint64_t* count, std::vector<double>* keep,
                Error* error) {
  Cursor peek = c;
  if (!count_repeated(c, type, element_type, width, count, error)) return false;
  if (keep == nullptr || (type != kLengthDelimited && type != element_type)) return true;
  if (type == kLengthDelimited) {
    const uint8_t* b = nullptr;
    size_t bn = 0;
    if (peek.bytes(&b, &bn)) append_reals(b, bn, true, width, keep);
  } else {
    uint64_t x = 0;
    uint32_t w = 0;
    if (width == 8) {
      peek.fixed64(&x);
      double y;
      std::memcpy(&y, &x, sizeof(y));
      keep->push_back(y);
    } else {
      peek.fixed32(&w);
      float f;
      std::memcpy(&f, &w, sizeof(f));
      keep->push_back(f);
    }
  }
  return true;
}

bool parse_tensor_fields(const uint8_t* d, size_t n, ValueInfo* v, Error* error, std::vector<double>* vals,
                         const uint8_t** content, size_t* content_size);

bool parse_tensor(const uint8_t* d, size_t n, ValueInfo* v, Error* error, bool keep) {
  std::vector<double> vals;
  const uint8_t* content = nullptr;
  size_t content_size = 0;
  bool ok = parse_tensor_fields(d, n, v, error, keep ? &vals : nullptr, &content, &content_size);
  if (!ok || !keep) return ok;
  if (content != nullptr && (v->dtype == 1 || v->dtype == 2)) {
    const size_t width = v->dtype == 1 ? 4 : 8;
    v->numbers.clear();
    append_reals(content, content_size - content_size % width, true, width, &v->numbers);
  } else {
    v->numbers = std::move(vals);
  }
  return true;
}

bool parse_tensor_fields(const uint8_t* d, size_t n, ValueInfo* v, Error* error, std::vector<double>* vals,
                         const uint8_t** content, size_t* content_size) {
  Cursor c(d, n);
  while (!c.done()) {
    uint32_t field;
    int type;
    if (!c.key(&field, &type)) return (*error = "malformed TensorProto"), false;
    const uint8_t* b;
    size_t bn;
    if (field == 1 && type == kVarint) {
      if (!c.varint(&v->dtype)) return (*error = "malformed TensorProto.dtype"), false;
    } else if (field == 2 && type == kLengthDelimited) {
      if (!c.bytes(&b, &bn)) return (*error = "malformed TensorProto.tensor_shape"), false;
      v->rank = 0;
      v->elements = 1;
      v->dims.clear();
      if (!parse_shape(b, bn, v, error, vals != nullptr)) return false;
    } else if (field == 4 && type == kLengthDelimited) {
      if (!c.bytes(&b, &bn)) return (*error = "malformed TensorProto.tensor_content"), false;
      v->content_bytes += bn;
      *content = b;  // a repeated bytes field: the last one counts
      *content_size = bn;
    } else if (field == 5) {
      if (!real_field(c, type, kFixed32, 4, &v->floats, vals, error)) return false;
    } else if (field == 6) {
      if (!real_field(c, type, kFixed64, 8, &v->doubles, vals, error)) return false;
    } else if (field == 8 && type == kLengthDelimited) {
      if (!c.bytes(&b, &bn)) return (*error = "malformed TensorProto.string_val"), false;
      ++v->strings;
    } else if (!c.skip(type)) {
      return (*error = "malformed TensorProto"), false;
    }
  }
  return true;
}

bool parse_metadata(const uint8_t* d, size_t n, ValueInfo* v, Error* error) {
  Cursor c(d, n);
  while (!c.done()) {
    uint32_t field;
    int type;
    if (!c.key(&field, &type)) return (*error = "malformed SummaryMetadata"), false;
    if (field == 1 && type == kLengthDelimited) {  // PluginData
      const uint8_t* b;
      size_t bn;
      if (!c.bytes(&b, &bn)) return (*error = "malformed SummaryMetadata.plugin_data"), false;
      Cursor pd(b, bn);
      while (!pd.done()) {
        uint32_t f;
        int t;
        if (!pd.key(&f, &t)) return (*error = "malformed PluginData"), false;
        if (f == 1 && t == kLengthDelimited) {
          if (!string_field(pd, &v->plugin, error, "malformed PluginData.plugin_name")) return false;
          v->has_plugin = true;
        } else if (!pd.skip(t)) {
          return (*error = "malformed PluginData"), false;
        }
      }
    } else if ((field == 2 || field == 3) && type == kLengthDelimited) {
      if (!string_field(c, nullptr, error, "malformed SummaryMetadata string")) return false;
    } else if (!c.skip(type)) {
      return (*error = "malformed SummaryMetadata"), false;
    }
  }
  return true;
}

// A legacy HistogramProto as TF2's [k, 3] rows (what TensorBoard shows for it).
bool parse_histogram(const uint8_t* d, size_t n, ValueInfo* v, Error* error) {
  double min = 0;
  std::vector<double> limits, counts;
  uint64_t ignored = 0;
  Cursor c(d, n);
  while (!c.done()) {
    uint32_t field;
    int type;
    if (!c.key(&field, &type)) return (*error = "malformed HistogramProto"), false;
    uint64_t x;
    if (field == 1 && type == kFixed64) {
      if (!c.fixed64(&x)) return (*error = "malformed HistogramProto.min"), false;
      std::memcpy(&min, &x, sizeof(min));
    } else if (field == 6) {
      if (!real_field(c, type, kFixed64, 8, &ignored, &limits, error)) return false;
    } else if (field == 7) {
      if (!real_field(c, type, kFixed64, 8, &ignored, &counts, error)) return false;
    } else if (!c.skip(type)) {
      return (*error = "malformed HistogramProto"), false;
    }
  }
  v->numbers.clear();
  double left = min;
  for (size_t i = 0; i < limits.size() && i < counts.size(); ++i) {
    v->numbers.insert(v->numbers.end(), {left, limits[i], counts[i]});
    left = limits[i];
  }
  v->dims = {static_cast<int64_t>(v->numbers.size() / 3), 3};
  return true;
}

bool parse_value(const uint8_t* d, size_t n, ValueInfo* v, Error* error, bool keep) {
  Cursor c(d, n);
  while (!c.done()) {
    uint32_t field;
    int type;
    if (!c.key(&field, &type)) return (*error = "malformed Summary.Value"), false;
    const uint8_t* b;
    size_t bn;
    if (field == 1 && type == kLengthDelimited) {
      if (!string_field(c, &v->tag, error, "malformed Summary.Value.tag")) return false;
    } else if (field == 2 && type == kFixed32) {
      uint32_t bits;
      if (!c.fixed32(&bits)) return (*error = "malformed Summary.Value.simple_value"), false;
      v->kind = ValueKind::kSimple;
      float f;
      std::memcpy(&f, &bits, sizeof(f));
      if (keep) v->numbers.assign(1, f);
    } else if ((field == 4 || field == 5 || field == 6) && type == kLengthDelimited) {
      if (!c.bytes(&b, &bn) || !parse_unknown_message(b, bn, error)) {
        return (*error = "malformed classic image, histogram or audio"), false;
      }
      v->kind = field == 4 ? ValueKind::kImage : field == 5 ? ValueKind::kHisto : ValueKind::kAudio;
      if (keep && field == 5 && !parse_histogram(b, bn, v, error)) return false;
    } else if (field == 8 && type == kLengthDelimited) {
      if (!c.bytes(&b, &bn)) return (*error = "malformed Summary.Value.tensor"), false;
      v->kind = ValueKind::kTensor;  // a repeated tensor field: the last one counts
      v->dtype = 0;
      v->rank = 0;
      v->elements = 1;
      v->bad_dim = false;
      v->strings = v->floats = v->doubles = v->content_bytes = 0;
      v->numbers.clear();
      v->dims.clear();
      if (!parse_tensor(b, bn, v, error, keep)) return false;
    } else if (field == 9 && type == kLengthDelimited) {
      if (!c.bytes(&b, &bn)) return (*error = "malformed Summary.Value.metadata"), false;
      if (!parse_metadata(b, bn, v, error)) return false;
    } else if (!c.skip(type)) {
      return (*error = "malformed Summary.Value"), false;
    }
  }
  return true;
}

}  // namespace

// The writer's own rule (src/format/names.cc), so the tool and the library cannot disagree.
bool is_utf8(const uint8_t* s, size_t size) { return tinytb::detail::is_utf8(reinterpret_cast<const char*>(s), size); }

bool parse_event(const uint8_t* d, size_t n, EventInfo* e, Error* error, bool keep_numbers) {
  Cursor c(d, n);
  while (!c.done()) {
    uint32_t field;
    int type;
    if (!c.key(&field, &type)) return (*error = "malformed Event field"), false;
    const uint8_t* b;
    size_t bn;
    uint64_t x;
    if (field == 1 && type == kFixed64) {
      if (!c.fixed64(&x)) return (*error = "malformed Event.wall_time"), false;
      std::memcpy(&e->wall_time, &x, sizeof(double));
    } else if (field == 2 && type == kVarint) {
      if (!c.varint(&x)) return (*error = "malformed Event.step"), false;
      e->step = static_cast<int64_t>(x);
    } else if (field == 3 && type == kLengthDelimited) {
      if (!string_field(c, &e->file_version, error, "malformed Event.file_version")) return false;
      e->has_file_version = true;
    } else if (field == 5 && type == kLengthDelimited) {
      if (!c.bytes(&b, &bn)) return (*error = "malformed Event.summary"), false;
      Cursor s(b, bn);
      while (!s.done()) {
        uint32_t f;
        int t;
        if (!s.key(&f, &t)) return (*error = "malformed Summary"), false;
        if (f == 1 && t == kLengthDelimited) {
          const uint8_t* vb;
          size_t vn;
          if (!s.bytes(&vb, &vn)) return (*error = "malformed Summary.value"), false;
          e->values.emplace_back();
          if (!parse_value(vb, vn, &e->values.back(), error, keep_numbers)) return false;
        } else if (!s.skip(t)) {
          return (*error = "malformed Summary"), false;
        }
      }
    } else if (field == 7 && type == kLengthDelimited) {  // SessionLog: its strings must be UTF-8
      if (!c.bytes(&b, &bn)) return (*error = "malformed Event.session_log"), false;
      Cursor s(b, bn);
      while (!s.done()) {
        uint32_t f;
        int t;
        if (!s.key(&f, &t)) return (*error = "malformed SessionLog"), false;
        if ((f == 2 || f == 3) && t == kLengthDelimited) {
          if (!string_field(s, nullptr, error, "malformed SessionLog string")) return false;
        } else if (!s.skip(t)) {
          return (*error = "malformed SessionLog"), false;
        }
      }
    } else if (!c.skip(type)) {
      return (*error = "malformed Event field"), false;
    }
  }
  return true;
}

}  // namespace tinytb_tool
