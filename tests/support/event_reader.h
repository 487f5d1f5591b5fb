// tinytb tests: an independent reader for what the writer produced.
//
// Hand-written protobuf wire parsing (not nanopb, not the library's code), so the
// unit tests check the encoder against a second implementation of the format.
// Test-only: uses the standard library freely.
#ifndef TINYTB_TESTS_EVENT_READER_H_
#define TINYTB_TESTS_EVENT_READER_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "tinytb/format/crc32c.h"

namespace tinytb_test {

struct ParsedValue {
  std::string tag;
  bool has_metadata = false;
  std::string plugin_name;
  std::string plugin_content;
  int data_class = 0;
  bool has_tensor = false;
  int dtype = 0;
  std::vector<int64_t> dims;
  std::vector<float> floats;
  std::vector<std::string> strings;
  std::vector<double> doubles;  // double_val
  std::string content;          // tensor_content
  bool has_content = false;
  // The classic fields (docs/format.md, "Summary forms"): the Summary.Value field number
  // that carried the value (2 simple_value, 4 image, 5 histo, 6 audio), 0 for none.
  int classic = 0;
  float simple_value = 0;
  int64_t height = 0, width = 0, colorspace = 0;  // image
  std::string encoded;                            // image or audio bytes
  double min = 0, max = 0, num = 0, sum = 0, sum_squares = 0;
  std::vector<double> bucket_limit, bucket;
  float sample_rate = 0;
  int64_t num_channels = 0, length_frames = 0;
  std::string content_type;
};

struct ParsedEvent {
  double wall_time = 0;
  bool has_wall_time = false;
  int64_t step = 0;
  std::string file_version;
  bool has_summary = false;
  std::vector<ParsedValue> values;
};

struct ParsedFile {
  std::vector<ParsedEvent> events;
  size_t clean_bytes = 0;  // bytes of complete, valid records
  bool torn = false;       // a partial record follows them
  bool corrupt = false;    // a CRC or parse failure
};

class Wire {
 public:
  Wire(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  bool done() const { return p_ >= end_; }
  bool varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) return false;
      const uint8_t b = *p_++;
      *v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool fixed(void* out, size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) return false;
    std::memcpy(out, p_, n);
    p_ += n;
    return true;
  }
  bool bytes(const uint8_t** data, size_t* n) {
    uint64_t len;
    if (!varint(&len) || len > static_cast<uint64_t>(end_ - p_)) return false;
    *data = p_;
    *n = static_cast<size_t>(len);
    p_ += len;
    return true;
  }
  bool skip(int wire_type) {
    uint64_t v;
    const uint8_t* d;
    size_t n;
    uint8_t buf[8];
    switch (wire_type) {
      case 0: return varint(&v);
      case 1: return fixed(buf, 8);
      case 2: return bytes(&d, &n);
      case 5: return fixed(buf, 4);
      default: return false;
    }
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

inline std::string as_string(const uint8_t* d, size_t n) { return std::string(reinterpret_cast<const char*>(d), n); }

inline bool parse_shape(const uint8_t* d, size_t n, std::vector<int64_t>* dims) {
  Wire w(d, n);
  while (!w.done()) {
    uint64_t key;
    if (!w.varint(&key)) return false;
    if (key == ((2 << 3) | 2)) {
      const uint8_t* dd;
      size_t dn;
      if (!w.bytes(&dd, &dn)) return false;
      Wire dim(dd, dn);
      int64_t size = 0;
      while (!dim.done()) {
        uint64_t k, v;
        if (!dim.varint(&k)) return false;
        if (k == ((1 << 3) | 0)) {
          if (!dim.varint(&v)) return false;
          size = static_cast<int64_t>(v);
        } else if (!dim.skip(static_cast<int>(k & 7))) {
          return false;
        }
      }
      dims->push_back(size);
    } else if (!w.skip(static_cast<int>(key & 7))) {
      return false;
    }
  }
  return true;
}

inline bool parse_tensor(const uint8_t* d, size_t n, ParsedValue* v) {
  Wire w(d, n);
  while (!w.done()) {
    uint64_t key, x;
    const uint8_t* b;
    size_t bn;
    if (!w.varint(&key)) return false;
    const int field = static_cast<int>(key >> 3), type = static_cast<int>(key & 7);
    if (field == 1 && type == 0) {
      if (!w.varint(&x)) return false;
      v->dtype = static_cast<int>(x);
    } else if (field == 2 && type == 2) {
      if (!w.bytes(&b, &bn) || !parse_shape(b, bn, &v->dims)) return false;
    } else if (field == 5 && type == 2) {  // packed floats
      if (!w.bytes(&b, &bn) || bn % 4 != 0) return false;
      for (size_t i = 0; i < bn; i += 4) {
        float f;
        std::memcpy(&f, b + i, 4);
        v->floats.push_back(f);
      }
    } else if (field == 8 && type == 2) {
      if (!w.bytes(&b, &bn)) return false;
      v->strings.push_back(as_string(b, bn));
    } else if (field == 6 && type == 2) {  // packed doubles
      if (!w.bytes(&b, &bn) || bn % 8 != 0) return false;
      for (size_t i = 0; i < bn; i += 8) {
        double d;
        std::memcpy(&d, b + i, 8);
        v->doubles.push_back(d);
      }
    } else if (field == 4 && type == 2) {
      if (!w.bytes(&b, &bn)) return false;
      v->content = as_string(b, bn);
      v->has_content = true;
    } else if (!w.skip(type)) {
      return false;
    }
  }
  return true;
}

inline bool parse_metadata(const uint8_t* d, size_t n, ParsedValue* v) {
  Wire w(d, n);
  while (!w.done()) {
    uint64_t key, x;
    const uint8_t* b;
    size_t bn;
    if (!w.varint(&key)) return false;
    if (key == ((1 << 3) | 2)) {
      if (!w.bytes(&b, &bn)) return false;
      Wire pd(b, bn);
      while (!pd.done()) {
        uint64_t k;
        if (!pd.varint(&k)) return false;
        if (k == ((1 << 3) | 2)) {
          const uint8_t* s;
          size_t sn;
          if (!pd.bytes(&s, &sn)) return false;
          v->plugin_name = as_string(s, sn);
        } else if (k == ((2 << 3) | 2)) {
          const uint8_t* s;
          size_t sn;
          if (!pd.bytes(&s, &sn)) return false;
          v->plugin_content = as_string(s, sn);
        } else if (!pd.skip(static_cast<int>(k & 7))) {
          return false;
        }
      }
    } else if (key == ((4 << 3) | 0)) {
      if (!w.varint(&x)) return false;
      v->data_class = static_cast<int>(x);
    } else if (!w.skip(static_cast<int>(key & 7))) {
      return false;
    }
  }
  return true;
}

inline bool parse_packed_doubles(const uint8_t* b, size_t bn, std::vector<double>* out) {
  if (bn % 8 != 0) return false;
  for (size_t i = 0; i < bn; i += 8) {
    double x;
    std::memcpy(&x, b + i, 8);
    out->push_back(x);
  }
  return true;
}

// Summary.Image (4), HistogramProto (5) or Summary.Audio (6).
inline bool parse_classic(int which, const uint8_t* d, size_t n, ParsedValue* v) {
  Wire w(d, n);
  while (!w.done()) {
    uint64_t key, x;
    const uint8_t* b;
    size_t bn;
    if (!w.varint(&key)) return false;
    const int field = static_cast<int>(key >> 3), type = static_cast<int>(key & 7);
    if (which == 5 && type == 1 && field >= 1 && field <= 5) {
      double* slots[] = {&v->min, &v->max, &v->num, &v->sum, &v->sum_squares};
      if (!w.fixed(slots[field - 1], 8)) return false;
    } else if (which == 5 && (field == 6 || field == 7) && type == 2) {
      if (!w.bytes(&b, &bn) || !parse_packed_doubles(b, bn, field == 6 ? &v->bucket_limit : &v->bucket)) return false;
    } else if (which == 6 && field == 1 && type == 5) {
      if (!w.fixed(&v->sample_rate, 4)) return false;
    } else if (type == 0 && which != 5) {
      if (!w.varint(&x)) return false;
      int64_t* slot = which == 4 ? (field == 1 ? &v->height : field == 2 ? &v->width : &v->colorspace)
                                 : (field == 2 ? &v->num_channels : &v->length_frames);
      *slot = static_cast<int64_t>(x);
    } else if (field == 4 && type == 2 && which != 5) {
      if (!w.bytes(&b, &bn)) return false;
      v->encoded = as_string(b, bn);
    } else if (which == 6 && field == 5 && type == 2) {
      if (!w.bytes(&b, &bn)) return false;
      v->content_type = as_string(b, bn);
    } else {
      return false;  // nothing else is ever written
    }
  }
  return true;
}

inline bool parse_value(const uint8_t* d, size_t n, ParsedValue* v) {
  Wire w(d, n);
  while (!w.done()) {
    uint64_t key;
    const uint8_t* b;
    size_t bn;
    if (!w.varint(&key)) return false;
    const int field = static_cast<int>(key >> 3), type = static_cast<int>(key & 7);
    if (field == 1 && type == 2) {
      if (!w.bytes(&b, &bn)) return false;
      v->tag = as_string(b, bn);
    } else if (field == 8 && type == 2) {
      if (!w.bytes(&b, &bn) || !parse_tensor(b, bn, v)) return false;
      v->has_tensor = true;
    } else if (field == 9 && type == 2) {
      if (!w.bytes(&b, &bn) || !parse_metadata(b, bn, v)) return false;
      v->has_metadata = true;
    } else if (field == 2 && type == 5) {
      if (!w.fixed(&v->simple_value, 4)) return false;
      v->classic = 2;
    } else if ((field == 4 || field == 5 || field == 6) && type == 2) {
      if (!w.bytes(&b, &bn) || !parse_classic(field, b, bn, v)) return false;
      v->classic = field;
    } else if (!w.skip(type)) {
      return false;
    }
  }
  return true;
}

inline bool parse_event(const uint8_t* d, size_t n, ParsedEvent* e) {
  Wire w(d, n);
  while (!w.done()) {
    uint64_t key, x;
    const uint8_t* b;
    size_t bn;
    if (!w.varint(&key)) return false;
    const int field = static_cast<int>(key >> 3), type = static_cast<int>(key & 7);
    if (field == 1 && type == 1) {
      if (!w.fixed(&e->wall_time, 8)) return false;
      e->has_wall_time = true;
    } else if (field == 2 && type == 0) {
      if (!w.varint(&x)) return false;
      e->step = static_cast<int64_t>(x);
    } else if (field == 3 && type == 2) {
      if (!w.bytes(&b, &bn)) return false;
      e->file_version = as_string(b, bn);
    } else if (field == 5 && type == 2) {
      if (!w.bytes(&b, &bn)) return false;
      e->has_summary = true;
      Wire s(b, bn);
      while (!s.done()) {
        uint64_t k;
        if (!s.varint(&k)) return false;
        if (k == ((1 << 3) | 2)) {
          const uint8_t* vb;
          size_t vn;
          ParsedValue v;
          if (!s.bytes(&vb, &vn) || !parse_value(vb, vn, &v)) return false;
          e->values.push_back(v);
        } else if (!s.skip(static_cast<int>(k & 7))) {
          return false;
        }
      }
    } else if (!w.skip(type)) {
      return false;
    }
  }
  return true;
}

inline uint32_t le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

// Split a file into records, checking both CRCs, and parse every Event.
inline ParsedFile parse_file(const uint8_t* data, size_t size) {
  ParsedFile out;
  size_t pos = 0;
  while (pos < size) {
    if (size - pos < 12) {
      out.torn = true;
      break;
    }
    uint64_t len = 0;
    for (int i = 0; i < 8; ++i) len |= static_cast<uint64_t>(data[pos + i]) << (8 * i);
    if (tinytb::mask_crc(tinytb::crc32c(data + pos, 8)) != le32(data + pos + 8)) {
      out.corrupt = true;
      break;
    }
    if (len > size - pos - 12 || size - pos - 12 - len < 4) {
      out.torn = true;
      break;
    }
    const uint8_t* payload = data + pos + 12;
    if (tinytb::mask_crc(tinytb::crc32c(payload, static_cast<size_t>(len))) !=
        le32(payload + static_cast<size_t>(len))) {
      out.corrupt = true;
      break;
    }
    ParsedEvent e;
    if (!parse_event(payload, static_cast<size_t>(len), &e)) {
      out.corrupt = true;
      break;
    }
    out.events.push_back(e);
    pos += 12 + static_cast<size_t>(len) + 4;
    out.clean_bytes = pos;
  }
  return out;
}

inline ParsedFile parse_file(const std::vector<uint8_t>& bytes) { return parse_file(bytes.data(), bytes.size()); }

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_EVENT_READER_H_
