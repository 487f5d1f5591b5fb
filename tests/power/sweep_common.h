// tinytb power-loss and fault sweeps: the scripted session, what it logged, and the
// checks every resulting set of files must pass. Test code: the standard library is fine.
//
// The session is a camera logger: scalars every step, short Markdown notes, and 24x16
// gray camera frames as stored-PNG image summaries (the large records that make flushes
// and rotation happen often), with explicit flush() and sync() calls between the
// policy's own flushes. A frame found in a file is decoded (lodepng's decoder, test-side)
// and compared pixel for pixel with the frame that was logged.
#ifndef TINYTB_TESTS_POWER_SWEEP_COMMON_H_
#define TINYTB_TESTS_POWER_SWEEP_COMMON_H_

#include <stdint.h>
#include <stdio.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "event_reader.h"
#include "lodepng_decoder.h"
#include "tinytb/writer/event_writer.h"
#include "tinytb/image/image_view.h"
#include "tinytb/png/png_encoder.h"

namespace sweep {

using tinytb::Status;

// Queue, tags, tag length of every writer in the sweeps.
using Writer = tinytb::EventWriter<1024, 8, 32>;

struct Policy {
  const char* name;
  uint32_t max_queue;
  uint32_t sync_every;
  uint64_t rotate_bytes;
  int64_t steps;
};

// One value the session tried to log.
struct Logged {
  std::string tag;
  int64_t step;
  std::string body;  // the float's 4 bytes, or the text
  bool operator<(const Logged& o) const { return tag != o.tag ? tag < o.tag : step < o.step; }
};

// What the application was told, kept while the session runs.
struct Claims {
  std::vector<Logged> accepted;           // kOk from the logging call, in order
  size_t confirmed = 0;                   // accepted[0, confirmed) were confirmed durable by a kOk sync()/close()
  // ... except these ranges [first, second): a kDataLost sync()/close() said records
  // accepted before it were lost to a failed sync (which ones, the writer cannot say).
  std::vector<std::pair<size_t, size_t>> lost_ranges;
  std::map<std::string, uint64_t> synced;  // file name -> the largest synced_bytes() the writer reported
  bool closed = false;                    // close() returned kOk
  int64_t last_step_tried = -1;           // the highest step the session got to
  std::vector<Status> statuses;           // every call's result, for the error sweep's report
  // Streamed values (records larger than the queue) refused with a storage error: where the
  // failed sync could not be followed by a cut, the record may stay whole in the abandoned
  // file (docs/storage.md, "Records larger than the queue").
  std::vector<Logged> maybe;
};

// The tags run_session() logs, and the block the application persists steps in: after a
// power cut, the next boot resumes after the block holding the last step it got to.
inline const char* const kTags[] = {"loss", "train/lr", "notes", "camera/frame", "camera/big"};
constexpr int64_t kStepBlock = 16;

inline uint64_t g_uptime_ms = 0;
inline uint64_t fake_uptime() { return g_uptime_ms += 13; }

inline tinytb::WriterOptions options_for(const Policy& p, uint32_t boot) {
  tinytb::WriterOptions o;
  o.logdir = "logs";
  o.run = "power";
  o.host = "sweep";
  o.file_stamp = boot;  // no wall clock: the boot counter names the files
  o.clock.uptime_ms = fake_uptime;
  o.max_queue = p.max_queue;
  o.flush_millis = 0;
  o.sync_every = p.sync_every;
  o.rotate_bytes = p.rotate_bytes;
  return o;
}

constexpr uint32_t kFrameW = 24;
constexpr uint32_t kFrameH = 16;
// A frame whose record (about 1.3 KB) is larger than the 1 KiB queue: it streams to the sink
// past the queue in several writes (docs/storage.md, "Records larger than the queue"); where
// rotate_bytes is below it, it is kTooLarge.
constexpr uint32_t kBigW = 40;
constexpr uint32_t kBigH = 30;

inline std::string big_pixels(int64_t step) {
  std::string px(kBigW * kBigH, '\0');
  for (uint32_t y = 0; y < kBigH; ++y) {
    for (uint32_t x = 0; x < kBigW; ++x) {
      px[y * kBigW + x] = static_cast<char>((x * 5 + y * 11 + static_cast<uint32_t>(step) * 17) & 0xFFu);
    }
  }
  return px;
}

// A camera frame that differs at every step.
inline std::string frame_pixels(int64_t step) {
  std::string px(kFrameW * kFrameH, '\0');
  for (uint32_t y = 0; y < kFrameH; ++y) {
    for (uint32_t x = 0; x < kFrameW; ++x) {
      px[y * kFrameW + x] = static_cast<char>((x * 7 + y * 13 + static_cast<uint32_t>(step) * 31) & 0xFFu);
    }
  }
  return px;
}

// A frame deflate cannot shrink (it is stored in compressed mode too).
inline std::string noise_pixels(int64_t step) {
  std::string px(kFrameW * kFrameH, '\0');
  uint32_t x = 2463534242u ^ static_cast<uint32_t>(step);
  for (char& p : px) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p = static_cast<char>(x >> 24);
  }
  return px;
}

inline std::string frame_body(uint32_t width, uint32_t height, const std::string& pixels) {
  return "gray" + std::to_string(width) + "x" + std::to_string(height) + ":" + pixels;
}

inline std::string float_body(float v) { return std::string(reinterpret_cast<const char*>(&v), sizeof(v)); }

// Runs steps [first, first + count) and then close(), stopping the moment the power is
// gone (`dead` returns true): a power cut stops the CPU too.
template <typename Dead>
void run_session(Writer& w, const Policy& p, int64_t first, int64_t count, Claims* c, Dead dead) {
  auto note = [&](Status s) {
    c->statuses.push_back(s);
    if (w.is_open() && w.file_name()[0] != '\0') {
      uint64_t& best = c->synced[w.file_name()];
      best = std::max(best, w.synced_bytes());
    }
  };
  auto scalar = [&](const char* tag, int64_t step) {
    const float v = static_cast<float>(step) * 0.25f + static_cast<float>(tag[0]);
    const Status s = w.scalar(tag, step, v);
    if (s == Status::kOk) c->accepted.push_back({tag, step, float_body(v)});
    note(s);
  };
  auto text = [&](const char* tag, int64_t step, const std::string& t) {
    const Status s = w.text(tag, step, t.c_str());
    if (s == Status::kOk) c->accepted.push_back({tag, step, t});
    note(s);
  };
  auto image = [&](const char* tag, int64_t step) {
    // Stored and compressed frames in turn: tinytb's deflate compresses into the queue
    // behind a reserved header; every other compressed frame is noise, which it stores.
    static tinytb::PngEncoder<kFrameW, kFrameH, 1> stored;  // about a row of arena
    static tinytb::PngEncoder<kFrameW, kFrameH, 1, tinytb::PngMode::kCompressed> compressed;
    const bool deflate = step % 8 == 5;
    const std::string px = deflate && step % 16 == 13 ? noise_pixels(step) : frame_pixels(step);
    const tinytb::ImageView frame =
        tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, px.data(), kFrameW, kFrameH);
    tinytb::PngEncoderBase& png = deflate ? static_cast<tinytb::PngEncoderBase&>(compressed) : stored;
    const Status s = w.image(tag, step, frame, png);
    if (s == Status::kOk) c->accepted.push_back({tag, step, frame_body(kFrameW, kFrameH, px)});
    note(s);
  };
  auto big = [&](const char* tag, int64_t step) {
    static tinytb::PngEncoder<kBigW, kBigH, 1> stored;
    const std::string px = big_pixels(step);
    const tinytb::ImageView frame = tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, px.data(), kBigW, kBigH);
    const Status s = w.image(tag, step, frame, stored);
    if (s == Status::kOk) c->accepted.push_back({tag, step, frame_body(kBigW, kBigH, px)});
    if (s == Status::kIoError || s == Status::kNoSpace) c->maybe.push_back({tag, step, frame_body(kBigW, kBigH, px)});
    note(s);
  };
  auto confirm = [&](Status s) {
    if (s == Status::kDataLost) c->lost_ranges.push_back({c->confirmed, c->accepted.size()});
    if (s == Status::kOk || s == Status::kDataLost) c->confirmed = c->accepted.size();
    note(s);
  };
  for (int64_t step = first; step < first + count; ++step) {
    c->last_step_tried = step;
    scalar("loss", step);
    if (dead()) return;
    if (step % 2 == 0) {
      scalar("train/lr", step);
      if (dead()) return;
    }
    if (step % 3 == 0) {
      text("notes", step, "**step " + std::to_string(step) + "**: ok");
      if (dead()) return;
    }
    if (step % 4 == 1) {
      image("camera/frame", step);
      if (dead()) return;
    }
    if (step % 8 == 3) {
      big("camera/big", step);
      if (dead()) return;
    }
    if (step % 7 == 6) {
      const Status s = w.flush();
      if (s == Status::kOk && p.sync_every == 1) c->confirmed = c->accepted.size();
      note(s);
      if (dead()) return;
    }
    if (step % 10 == 9) {
      confirm(w.sync());
      if (dead()) return;
    }
  }
  const Status s = w.close();
  if (s == Status::kOk || s == Status::kDataLost) c->closed = true;
  c->statuses.push_back(s);
  if (s == Status::kDataLost) c->lost_ranges.push_back({c->confirmed, c->accepted.size()});
  if (s == Status::kOk || s == Status::kDataLost) c->confirmed = c->accepted.size();
}

// Whether accepted[i] must survive a power cut: confirmed, and not in a reported loss.
inline bool must_survive(const Claims& c, size_t i) {
  if (i >= c.confirmed) return false;
  for (const auto& r : c.lost_ranges) {
    if (i >= r.first && i < r.second) return false;
  }
  return true;
}

// One file as it is on the storage after the events.
struct FileImage {
  std::string name;  // base name
  std::vector<uint8_t> bytes;
};

// What a set of files holds, and everything wrong with it.
struct Verdict {
  std::vector<std::string> errors;
  std::vector<size_t> complete_records;  // per file: records before the first bad byte
  std::vector<size_t> clean_bytes;       // per file: the bytes those records take
  std::vector<bool> has_tail;            // per file: bytes after them (one torn or garbled record)
  size_t duplicates = 0;                 // records seen again, identical (re-sent after a failed sync)
  void fail(const std::string& e) {
    if (errors.size() < 8) errors.push_back(e);
  }
};

inline std::string body_of(const tinytb_test::ParsedValue& v) {
  if (!v.floats.empty()) return float_body(v.floats[0]);
  if (v.classic == 2) return float_body(v.simple_value);  // the classic form (docs/format.md)
  if (v.classic == 4) {                                   // Summary.Image: height, width, one PNG
    tinytb_test::DecodedPng png;
    if (!tinytb_test::decode_png(reinterpret_cast<const uint8_t*>(v.encoded.data()), v.encoded.size(), &png) ||
        png.channels != 1 || v.width != static_cast<int64_t>(png.width) || v.height != static_cast<int64_t>(png.height)) {
      return "an image that does not decode as declared";
    }
    return frame_body(png.width, png.height, std::string(png.pixels.begin(), png.pixels.end()));
  }
  if (v.dims.size() == 1 && v.strings.size() == 3) {  // an image summary: "<w>", "<h>", one PNG
    tinytb_test::DecodedPng png;
    const std::string& bytes = v.strings[2];
    if (!tinytb_test::decode_png(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &png) ||
        png.channels != 1 || v.strings[0] != std::to_string(png.width) || v.strings[1] != std::to_string(png.height)) {
      return "an image that does not decode as declared";
    }
    return frame_body(png.width, png.height, std::string(png.pixels.begin(), png.pixels.end()));
  }
  if (!v.strings.empty()) return v.strings[0];
  return std::string();
}

// Checks what every file set must satisfy:
//   - names sort in creation order;
//   - each file is k complete records, then at most one damaged tail which every reader
//     stops at (readers never get past a bad record, so it is one torn record to them);
//     `tail_allowed(i)` says whether file i may have one;
//   - each file with records starts with file_version;
//   - every record is one the application logged and was told was accepted, with its
//     value; per tag, steps strictly increase in name order, except identical re-sent
//     duplicates when `allow_duplicates`;
//   - the first value of each tag in the run carries its metadata.
template <typename TailAllowed>
Verdict check_files(const std::vector<FileImage>& files, const std::vector<Logged>& accepted, bool allow_duplicates,
                    TailAllowed tail_allowed, std::vector<Logged>* found, const std::vector<Logged>* maybe = nullptr) {
  Verdict v;
  std::map<std::pair<std::string, int64_t>, std::string> logged;
  if (maybe != nullptr) {
    for (const Logged& l : *maybe) logged[{l.tag, l.step}] = l.body;  // a refused streamed record (Claims)
  }
  for (const Logged& l : accepted) logged[{l.tag, l.step}] = l.body;
  for (size_t i = 1; i < files.size(); ++i) {
    if (!(files[i - 1].name < files[i].name)) v.fail("names out of creation order: " + files[i].name);
  }
  std::map<std::string, int64_t> last_step;
  std::set<std::pair<std::string, int64_t>> seen;
  std::set<std::string> tags_seen;
  for (size_t i = 0; i < files.size(); ++i) {
    const FileImage& f = files[i];
    const tinytb_test::ParsedFile p = tinytb_test::parse_file(f.bytes);
    v.complete_records.push_back(p.events.size());
    v.clean_bytes.push_back(p.clean_bytes);
    const bool tail = p.clean_bytes < f.bytes.size();
    v.has_tail.push_back(tail);
    if (tail && !tail_allowed(i)) v.fail(f.name + ": damaged tail after " + std::to_string(p.events.size()) + " records");
    for (size_t e = 0; e < p.events.size(); ++e) {
      const tinytb_test::ParsedEvent& ev = p.events[e];
      if (e == 0) {
        if (ev.file_version != "brain.Event:2") v.fail(f.name + ": first record is not file_version");
        continue;
      }
      if (ev.values.size() != 1) {
        v.fail(f.name + ": record without exactly one value");
        continue;
      }
      const tinytb_test::ParsedValue& val = ev.values[0];
      const std::string body = body_of(val);
      auto it = logged.find({val.tag, ev.step});
      if (it == logged.end() || it->second != body) {
        v.fail(f.name + ": a record nobody logged: " + val.tag + "@" + std::to_string(ev.step));
        continue;
      }
      // A classic value (simple_value, Summary.Image) needs no metadata: TensorBoard knows its plugin.
      if (tags_seen.insert(val.tag).second && !val.has_metadata && val.classic == 0) {
        v.fail(val.tag + ": first value without metadata");
      }
      auto ls = last_step.find(val.tag);
      if (ls != last_step.end() && ev.step <= ls->second) {
        // Records re-sent into a new file after a failed sync repeat what the old file
        // may already hold, identically (the value was checked above).
        if (allow_duplicates && seen.count({val.tag, ev.step}) != 0) {
          ++v.duplicates;
          continue;
        }
        v.fail(val.tag + ": step " + std::to_string(ev.step) + " after " + std::to_string(ls->second));
        continue;
      }
      seen.insert({val.tag, ev.step});
      if (found != nullptr) found->push_back({val.tag, ev.step, body});
      last_step[val.tag] = ev.step;
    }
  }
  return v;
}

// Writes the files under `dir` (created) for the batch TensorBoard check, and appends
// this case to `json` ({"dir": ..., "files": [[name, complete records], ...]}).
inline bool export_case(const std::string& dir, const std::vector<FileImage>& files, const Verdict& v,
                        std::string* json) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return false;
  std::string entry = "{\"dir\": \"" + dir + "\", \"files\": [";
  for (size_t i = 0; i < files.size(); ++i) {
    FILE* out = fopen((dir + "/" + files[i].name).c_str(), "wb");
    if (out == nullptr) return false;
    const size_t n = files[i].bytes.empty() ? 0 : fwrite(files[i].bytes.data(), 1, files[i].bytes.size(), out);
    fclose(out);
    if (n != files[i].bytes.size()) return false;
    entry += (i ? ", [\"" : "[\"") + files[i].name + "\", " + std::to_string(v.complete_records[i]) + "]";
  }
  entry += "]}";
  if (!json->empty()) *json += ",\n";
  *json += entry;
  return true;
}

// The checks right after a cut, on the files as the power left them: complete records,
// at most one damaged tail per file, nothing unknown, and everything a completed sync
// confirmed (minus what a kDataLost reported) is there. Appends to *errors.
inline Verdict check_after_cut(const std::vector<FileImage>& files, const Claims& c, bool with_errors,
                               std::vector<std::string>* errors) {
  std::vector<Logged> found;
  Verdict v = check_files(files, c.accepted, with_errors, [](size_t) { return true; }, &found, &c.maybe);
  errors->insert(errors->end(), v.errors.begin(), v.errors.end());
  std::set<std::pair<std::string, int64_t>> have;
  for (const Logged& l : found) have.insert({l.tag, l.step});
  for (size_t i = 0; i < c.confirmed; ++i) {
    if (must_survive(c, i) && have.count({c.accepted[i].tag, c.accepted[i].step}) == 0) {
      errors->push_back("confirmed record lost: " + c.accepted[i].tag + "@" + std::to_string(c.accepted[i].step));
      break;
    }
  }
  return v;
}

// The next boot on `sink`: the next boot counter names the file; steps continue from the
// reservation the application persisted (the block holding the last step `c` got to);
// six steps, then close(), claims in *c2. `when` names what came before in the errors
// ("reboot", "the cut"). Returns false if the writer does not open.
inline bool next_boot(tinytb::Sink& sink, const Policy& p, const Claims& c, const std::string& when, Claims* c2,
                      std::vector<std::string>* errors) {
  auto w = std::make_unique<Writer>();
  const Status s = w->open(sink, options_for(p, 8));
  if (s != Status::kOk) {
    errors->push_back("open after " + when + ": " + tinytb::status_name(s));
    return false;
  }
  const int64_t reserved = (c.last_step_tried / kStepBlock + 1) * kStepBlock - 1;
  for (const char* tag : kTags) {
    if (w->seed_step(tag, reserved) != Status::kOk) errors->push_back(std::string("seed_step ") + tag);
  }
  run_session(*w, p, reserved + 1, 6, c2, [] { return false; });
  if (!c2->closed) errors->push_back("close after " + when + " failed");
  return true;
}

// The checks after the next boot, on all the files: as check_files() with every value
// logged in both boots (only the last file, closed cleanly, may not have a damaged tail),
// and everything logged after the boot is in the files written after it (the first
// `files_before` are the cut's). `when` prefixes the count's error. Appends to *errors.
inline Verdict check_after_boot(const std::vector<FileImage>& files, size_t files_before, const Claims& c,
                                const Claims& c2, bool with_errors, const std::string& when,
                                std::vector<std::string>* errors) {
  std::vector<Logged> all = c.accepted;
  all.insert(all.end(), c2.accepted.begin(), c2.accepted.end());
  std::vector<Logged> maybe = c.maybe;
  maybe.insert(maybe.end(), c2.maybe.begin(), c2.maybe.end());
  const size_t last = files.empty() ? 0 : files.size() - 1;
  Verdict v = check_files(files, all, with_errors, [&](size_t i) { return i != last; }, nullptr, &maybe);
  errors->insert(errors->end(), v.errors.begin(), v.errors.end());
  size_t after_boot_records = 0;
  for (size_t i = files_before; i < files.size(); ++i) after_boot_records += v.complete_records[i] - 1;
  if (after_boot_records != c2.accepted.size()) {
    errors->push_back(when + ": " + std::to_string(after_boot_records) + " records for " +
                      std::to_string(c2.accepted.size()) + " logged");
  }
  return v;
}

}  // namespace sweep

#endif  // TINYTB_TESTS_POWER_SWEEP_COMMON_H_
