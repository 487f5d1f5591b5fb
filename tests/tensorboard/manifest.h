// tinytb tests: the manifest, a JSON list of exactly what a test program logged.
//
// tests/tensorboard/tb_judge.py reads it and checks every reader (its own, TensorBoard's
// loaders, the real server) against it:
//
//   {"runs": {"<run>": {"scalars": {"<tag>": [[step, value], ...]},
//                       "text":    {"<tag>": [[step, {"shape": [...], "values": [...]}], ...]},
//                       "histograms": {"<tag>": [[step, {"inputs": [...], "buckets": k}], ...]},
//                       "audio":   {"<tag>": [[step, {"sample_rate": r, "channels": c,
//                                                     "clips": [...]}], ...]},
//                       "images":  {"<tag>": [[step, {"width": w, "height": h,
//                                                     "images": [...]}], ...]}}}}
//
// Scalar values are the exact float32 passed to scalar(), printed with "%.9g" (which
// round-trips a float32), -0.0 as "-0.0", non-finite ones as "NaN", "Infinity",
// "-Infinity". Text shapes: [] (rank 0), [n] (rank 1), [rows, cols] (rank 2, values
// row-major). Strings are JSON-escaped; UTF-8 is kept as it is. Histograms and audio
// carry the raw inputs, from which the judge computes the expected tensors itself
// (tests/tensorboard/histogram_audio.py has the schema). Images carry the views and the
// files holding the bytes they pointed at (tests/tensorboard/images.py, image_manifest.h).
//
// Record a value only after the writer accepted it (Status::kOk): the manifest must
// hold what is in the files, nothing more. Test code only: it uses the std library.
#ifndef TINYTB_TESTS_TENSORBOARD_MANIFEST_H_
#define TINYTB_TESTS_TENSORBOARD_MANIFEST_H_

#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tinytb/summary/audio.h"
#include "tinytb/values.h"
#include "tinytb/writer/event_writer.h"

namespace tinytb_test {

// `s` as a JSON string literal, quotes included.
inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20 || u == 0x7F) {
          char buf[8];
          snprintf(buf, sizeof(buf), "\\u%04x", u);
          out += buf;
        } else {
          out += c;  // UTF-8 bytes pass through unchanged
        }
    }
  }
  out += "\"";
  return out;
}

// A float32 as the judge reads it back bit for bit.
inline std::string json_float(float value) {
  if (isnan(value)) return "\"NaN\"";
  if (isinf(value)) return value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  if (value == 0.0f) return signbit(value) ? "-0.0" : "0.0";  // json reads "-0" as the integer 0
  char buf[32];
  snprintf(buf, sizeof(buf), "%.9g", static_cast<double>(value));
  return buf;
}

// One histogram input chunk: {"dtype": ..., "values": [...], "scale": s, "zero_point": z}.
inline std::string json_input(const tinytb::Values& v) {
  static const char* const kNames[] = {"float32", "int8", "uint8", "int16", "int32"};
  std::string out = std::string("{\"dtype\": \"") + kNames[static_cast<int>(v.type)] + "\", \"values\": [";
  for (size_t i = 0; i < v.count; ++i) {
    if (i > 0) out += ", ";
    switch (v.type) {
      case tinytb::ValueType::kFloat32: out += json_float(static_cast<const float*>(v.data)[i]); break;
      case tinytb::ValueType::kInt8: out += std::to_string(static_cast<const int8_t*>(v.data)[i]); break;
      case tinytb::ValueType::kUint8: out += std::to_string(static_cast<const uint8_t*>(v.data)[i]); break;
      case tinytb::ValueType::kInt16: out += std::to_string(static_cast<const int16_t*>(v.data)[i]); break;
      case tinytb::ValueType::kInt32: out += std::to_string(static_cast<const int32_t*>(v.data)[i]); break;
    }
  }
  out += "]";
  if (v.type != tinytb::ValueType::kFloat32) {
    out += ", \"scale\": " + json_float(v.quantization.scale) +
           ", \"zero_point\": " + std::to_string(v.quantization.zero_point);
  }
  return out + "}";
}

class Manifest {
 public:
  void scalar(const std::string& run, const std::string& tag, int64_t step, float value) {
    runs_[run].scalars[tag].emplace_back(step, json_float(value));
  }

  // rank 0: one string; rank 1: a list of `cols`; rank 2: rows x cols, row-major.
  void text(const std::string& run, const std::string& tag, int64_t step, int rank, size_t rows, size_t cols,
            const char* const* cells) {
    std::string v = "{\"shape\": [";
    if (rank == 1) v += std::to_string(cols);
    if (rank == 2) v += std::to_string(rows) + ", " + std::to_string(cols);
    v += "], \"values\": [";
    for (size_t i = 0; i < rows * cols; ++i) {
      if (i > 0) v += ", ";
      v += json_string(cells[i]);
    }
    v += "]}";
    runs_[run].text[tag].emplace_back(step, v);
  }
  void markdown(const std::string& run, const std::string& tag, int64_t step, const char* markdown) {
    text(run, tag, step, 0, 1, 1, &markdown);
  }
  void list(const std::string& run, const std::string& tag, int64_t step, const char* const* items, size_t n) {
    text(run, tag, step, 1, 1, n, items);
  }
  void table(const std::string& run, const std::string& tag, int64_t step, const char* const* cells, size_t rows,
             size_t cols) {
    text(run, tag, step, 2, rows, cols, cells);
  }

  // A histogram of `inputs` (in the order they were added), placed by `placement`:
  // "\"buckets\": k" (TF2's rule), "\"range\": [lo, hi], \"buckets\": k" or "\"edges\": [...]".
  void histogram(const std::string& run, const std::string& tag, int64_t step, const std::string& placement,
                 std::initializer_list<tinytb::Values> inputs) {
    std::string v = "{" + placement + ", \"inputs\": [";
    bool first = true;
    for (const tinytb::Values& input : inputs) {
      if (!first) v += ", ";
      first = false;
      v += json_input(input);
    }
    runs_[run].histograms[tag].emplace_back(step, v + "]}");
  }

  // `count` clips as writer.audio() got them.
  void audio(const std::string& run, const std::string& tag, int64_t step, uint32_t sample_rate, uint16_t channels,
             const tinytb::AudioClip* clips, size_t count) {
    std::string v = "{\"sample_rate\": " + std::to_string(sample_rate) +
                    ", \"channels\": " + std::to_string(channels) + ", \"clips\": [";
    bool labelled = false;
    for (size_t c = 0; c < count; ++c) {
      const tinytb::AudioClip& clip = clips[c];
      labelled = labelled || clip.label != nullptr;
      v += c > 0 ? ", " : "";
      v += clip.pcm16 != nullptr ? "{\"dtype\": \"int16\", \"samples\": [" : "{\"dtype\": \"float32\", \"samples\": [";
      for (size_t i = 0; i < clip.frames * channels; ++i) {
        if (i > 0) v += ", ";
        v += clip.pcm16 != nullptr ? std::to_string(clip.pcm16[i]) : json_float(clip.pcm_float[i]);
      }
      v += "]}";
    }
    v += "]";
    if (labelled) {
      v += ", \"labels\": [";
      for (size_t c = 0; c < count; ++c) {
        v += c > 0 ? ", " : "";
        v += json_string(clips[c].label != nullptr ? clips[c].label : "");
      }
      v += "]";
    }
    runs_[run].audio[tag].emplace_back(step, v + "}");
  }

  // Images: `value` is the JSON object image_manifest.h builds.
  void images(const std::string& run, const std::string& tag, int64_t step, const std::string& value) {
    runs_[run].images[tag].emplace_back(step, value);
  }

  // Points recorded so far, all runs and kinds.
  size_t points() const {
    size_t n = 0;
    for (const auto& run : runs_) {
      for (const auto& tag : run.second.scalars) n += tag.second.size();
      for (const auto& tag : run.second.text) n += tag.second.size();
      for (const auto& tag : run.second.histograms) n += tag.second.size();
      for (const auto& tag : run.second.audio) n += tag.second.size();
      for (const auto& tag : run.second.images) n += tag.second.size();
    }
    return n;
  }

  std::string to_json() const {
    std::string out = "{\"runs\": {";
    bool first_run = true;
    for (const auto& run : runs_) {
      out += first_run ? "\n  " : ",\n  ";
      first_run = false;
      out += json_string(run.first) + ": {";
      bool first_kind = true;
      for (const auto& kind : {std::make_pair("scalars", &run.second.scalars),
                               std::make_pair("text", &run.second.text),
                               std::make_pair("histograms", &run.second.histograms),
                               std::make_pair("audio", &run.second.audio),
                               std::make_pair("images", &run.second.images)}) {
        if (kind.second->empty()) continue;
        out += first_kind ? "\n    " : ",\n    ";
        first_kind = false;
        out += json_string(kind.first) + ": {";
        bool first_tag = true;
        for (const auto& tag : *kind.second) {
          out += first_tag ? "\n      " : ",\n      ";
          first_tag = false;
          out += json_string(tag.first) + ": [";
          for (size_t i = 0; i < tag.second.size(); ++i) {
            if (i > 0) out += ", ";
            out += "[" + std::to_string(tag.second[i].first) + ", " + tag.second[i].second + "]";
          }
          out += "]";
        }
        out += "\n    }";
      }
      out += "\n  }";
    }
    out += "\n}";
    if (!hparams_.empty()) out += ",\n\"hparams\": " + hparams_;
    out += "}\n";
    return out;
  }

  // The top-level "hparams" section (hparams_manifest.h makes it), as JSON.
  void hparams(const std::string& json) { hparams_ = json; }

  // Writes the manifest to `path`; false (and a message on stderr) on failure.
  bool write(const char* path) const {
    const std::string json = to_json();
    FILE* f = fopen(path, "wb");
    if (f == nullptr) {
      perror(path);
      return false;
    }
    const bool ok = fwrite(json.data(), 1, json.size(), f) == json.size();
    if (fclose(f) != 0 || !ok) {
      perror(path);
      return false;
    }
    return true;
  }

 private:
  // tag -> [(step, value as JSON)] in logging order.
  using Series = std::map<std::string, std::vector<std::pair<int64_t, std::string>>>;
  struct Run {
    Series scalars;
    Series text;
    Series histograms;
    Series audio;
    Series images;
  };
  std::map<std::string, Run> runs_;
  std::string hparams_;
};

// The summary form the fixture writers log in (docs/format.md, "Summary forms"): the
// library's default unless `--form tensor` or `--form classic` says otherwise.
inline tinytb::SummaryForm& fixture_form() {
  static tinytb::SummaryForm form = tinytb::WriterOptions().form;
  return form;
}

// The command line every fixture writer takes: `--logdir DIR --manifest PATH
// [--form classic|tensor]`. Fills both (the log directory without trailing slashes) and
// fixture_form(), and returns true; prints the usage line for `program` and returns false
// on anything else.
inline bool parse_fixture_args(int argc, char** argv, const char* program, std::string* logdir,
                               const char** manifest_path) {
  *manifest_path = nullptr;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--logdir" && i + 1 < argc) {
      *logdir = argv[++i];
    } else if (arg == "--manifest" && i + 1 < argc) {
      *manifest_path = argv[++i];
    } else if (arg == "--form" && i + 1 < argc && (std::string(argv[i + 1]) == "classic" ||
                                                    std::string(argv[i + 1]) == "tensor")) {
      fixture_form() = std::string(argv[++i]) == "classic" ? tinytb::SummaryForm::kClassic
                                                          : tinytb::SummaryForm::kTensor;
    } else {
      logdir->clear();
      break;
    }
  }
  while (logdir->size() > 1 && logdir->back() == '/') logdir->pop_back();
  if (logdir->empty() || *manifest_path == nullptr) {
    fprintf(stderr, "usage: %s --logdir DIR --manifest PATH [--form classic|tensor]\n", program);
    return false;
  }
  return true;
}

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_TENSORBOARD_MANIFEST_H_
