// tinytb target benchmark, the host's half (tests/target/png_qemu_bench_main.cc is the
// firmware's): writes the frames the firmware encodes and then checks and reports what it
// wrote. Host code; tests/target/run_png_qemu_bench.sh runs both halves.
//
//   png_qemu_host frames --data DIR --out RUN [--quick]
//       RUN/frames.idx and RUN/frame<i>.raw from tests/support/frames.cc (all eight frames of the
//       host bench, or with --quick person 96x96 gray and kodim23 160x120 RGB only)
//   png_qemu_host check --run RUN [--json FILE] [--qemu "QEMU version"]
//       For every frame and encoder (lodepng default, tinytb, tinytb fast), one check each:
//         decodes   the firmware's PNG, decoded by lodepng, has the frame's exact pixels
//         reported  the console has its result line, with the file's length
//         same      its bytes equal the host build's for the same frame (tinytb:
//                   png_deflate_encode; lodepng: tests/bench/lodepng_reference.cc), so the
//                   target runs the same encoder with the same settings as the host bench
//       and one check that the counter counts instructions (a known 2 000 000-instruction loop),
//       then prints the table and "N passed, M failed", and writes the "qemu" fragment
//       (docs: tests/bench fragments contract; metrics m4_instructions, m4_instr_ratio,
//       m4_memory_bytes). Exit status 0 only if every check passed.
#include <stdio.h>
#include <string.h>

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "frames.h"
#include "lodepng_decoder.h"
#include "lodepng_reference.h"
#include "png/png_deflate.h"

namespace {

constexpr size_t kIndexRecord = 48;

struct Encoder {
  const char* key;   // in file names and console lines
  const char* name;  // in the report (the fragments contract's encoder names)
};
constexpr Encoder kEncoders[] = {{"lodepng", "lodepng default"}, {"tinytb", "tinytb"}, {"tinytb-fast", "tinytb fast"}};

std::vector<uint8_t> read_file(const std::string& path, bool* ok) {
  std::ifstream f(path, std::ios::binary);
  *ok = static_cast<bool>(f);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

void put_u32(std::vector<uint8_t>* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
uint32_t get_u32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

int write_frames(const std::string& data, const std::string& run, bool quick) {
  std::string error;
  const std::vector<tinytb_test::Frame> frames = tinytb_test::load_frames(data, &error);
  if (frames.empty()) {
    fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }
  std::vector<uint8_t> index;
  size_t n = 0;
  for (const tinytb_test::Frame& f : frames) {
    if (quick && f.name != "person 96x96 gray" && f.name != "kodim23 160x120 RGB") continue;
    put_u32(&index, f.width);
    put_u32(&index, f.height);
    put_u32(&index, f.channels);
    char name[kIndexRecord - 12] = {};
    if (f.name.size() >= sizeof(name)) return 2;
    memcpy(name, f.name.data(), f.name.size());
    index.insert(index.end(), name, name + sizeof(name));
    std::ofstream raw(run + "/frame" + std::to_string(n) + ".raw", std::ios::binary);
    raw.write(reinterpret_cast<const char*>(f.pixels.data()), static_cast<std::streamsize>(f.pixels.size()));
    if (!raw) return 2;
    ++n;
  }
  std::ofstream idx(run + "/frames.idx", std::ios::binary);
  idx.write(reinterpret_cast<const char*>(index.data()), static_cast<std::streamsize>(index.size()));
  printf("%zu frames written to %s\n", n, run.c_str());
  return idx ? 0 : 2;
}

struct Row {
  std::string frame, encoder;
  std::map<std::string, uint64_t> fields;  // from the console's result line
  bool reported = false;
  uint64_t frame_bytes = 0;  // width x height x channels: what "per byte" divides by
};

int passed = 0, failed = 0;
void check(bool ok, const std::string& what) {
  ++(ok ? passed : failed);
  printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
}

int check_run(const std::string& run, const std::string& json, const std::string& qemu) {
  bool ok = false;
  const std::vector<uint8_t> index = read_file(run + "/frames.idx", &ok);
  if (!ok || index.empty() || index.size() % kIndexRecord != 0) {
    fprintf(stderr, "no frames.idx in %s\n", run.c_str());
    return 2;
  }
  std::ifstream console(run + "/console.txt");
  std::string line, compiler;
  std::map<std::string, uint64_t> globals;
  std::map<std::pair<size_t, std::string>, std::map<std::string, uint64_t>> results;
  while (std::getline(console, line)) {
    std::istringstream in(line);
    std::string word;
    in >> word;
    if (word == "png_qemu_bench:") {
      compiler = line.substr(word.size() + 1);
    } else if (word == "result") {
      size_t i = 0;
      std::string key, field;
      uint64_t value = 0;
      in >> i >> key;
      auto& fields = results[{i, key}];
      while (in >> field >> value) fields[field] = value;
    } else if (word == "simd_crosscheck" || word == "adler_crosscheck") {
      std::string field;
      uint64_t value = 0;
      const std::string prefix = word == "simd_crosscheck" ? "simd_" : "adler_";
      while (in >> field >> value) globals[prefix + field] = value;
    } else if (word == "counter_overhead") {
      uint64_t value = 0;
      in >> value;
      globals[word] = value;
      std::string field;
      while (in >> field >> value) globals[field] = value;
    }
  }

  // The counter ticks every 40 instructions and the loop's set-up costs a few: +-80 is exact.
  const long long calibration = globals.count("calibration_2000000") != 0
                                    ? static_cast<long long>(globals["calibration_2000000"]) : -1;
  check(calibration >= 2000000 - 80 && calibration <= 2000000 + 80,
        "the counter counts instructions: a 2 000 000-instruction loop measured " + std::to_string(calibration));
  // The M4 build chooses filters with the DSP instructions; its sums must be the
  // portable loop's on every row the firmware compared (random rows and every frame's).
  check(globals["simd_simd"] == 1, "the Cortex-M4 build uses the DSP (SIMD32) filter sums");
  check(globals["simd_rows"] > 0 && globals["simd_mismatches"] == 0,
        "DSP filter sums equal the portable ones on " + std::to_string(globals["simd_rows"]) + " rows (" +
            std::to_string(globals["simd_mismatches"]) + " differ)");
  // Adler-32 likewise (png_checksum_paths): the DSP form against the portable loop.
  check(globals["adler_simd"] == 1 && globals["adler_runs"] > 0 && globals["adler_mismatches"] == 0,
        "DSP Adler-32 equals the portable one on " + std::to_string(globals["adler_runs"]) + " buffers (" +
            std::to_string(globals["adler_mismatches"]) + " differ)");
  std::vector<Row> rows;
  static tinytb::detail::DeflateState state;
  for (size_t i = 0; i < index.size() / kIndexRecord; ++i) {
    const uint8_t* rec = index.data() + i * kIndexRecord;
    const unsigned w = get_u32(rec), h = get_u32(rec + 4), ch = get_u32(rec + 8);
    const std::string frame(reinterpret_cast<const char*>(rec + 12), strnlen(reinterpret_cast<const char*>(rec + 12), kIndexRecord - 12));
    const std::vector<uint8_t> pixels = read_file(run + "/frame" + std::to_string(i) + ".raw", &ok);
    if (!ok || pixels.size() != static_cast<size_t>(w) * h * ch) {
      check(false, frame + ": raw frame readable");
      continue;
    }
    for (const Encoder& e : kEncoders) {
      Row row{frame, e.name, {}, false, static_cast<uint64_t>(w) * h * ch};
      const std::string label = frame + ", " + e.name + ": ";
      const std::vector<uint8_t> png = read_file(run + "/frame" + std::to_string(i) + "-" + e.key + ".png", &ok);
      tinytb_test::DecodedPng d;
      const bool decoded = ok && tinytb_test::decode_png(png.data(), png.size(), &d);
      check(decoded && d.width == w && d.height == h && d.channels == ch && d.pixels == pixels,
            label + "the firmware's PNG decodes (lodepng) to the frame's pixels" + (decoded || !ok ? "" : " [" + d.error + "]"));
      const auto it = results.find({i, e.key});
      row.reported = it != results.end() && it->second.count("instructions") != 0;
      if (row.reported) row.fields = it->second;
      check(row.reported && row.fields["bytes"] == png.size(), label + "console reports its instructions and length");
      std::vector<uint8_t> host;
      if (strcmp(e.key, "lodepng") == 0) {
        (void)tinytb_test::lodepng_reference_encode(pixels.data(), w, h, ch, &host, nullptr);
      } else {
        host.resize(tinytb::detail::png_deflate_max_bytes(w, h, ch));
        size_t size = 0;
        const auto level = strcmp(e.key, "tinytb") == 0 ? tinytb::detail::DeflateLevel::kDefault
                                                         : tinytb::detail::DeflateLevel::kFast;
        if (tinytb::detail::png_deflate_encode(pixels.data(), w, h, static_cast<uint8_t>(ch), static_cast<size_t>(w) * ch,
                                               level, &state, host.data(), host.size(), &size) != tinytb::Status::kOk) {
          size = 0;
        }
        host.resize(size);
      }
      check(!host.empty() && host == png, label + "same bytes as the host build of the same encoder");
      rows.push_back(row);
    }
  }

  // The report: ratios against lodepng's count for the same frame, same run.
  const std::string title = "Cortex-M4 instructions per encode, one firmware run on QEMU " + qemu +
                            " mps2-an386 with -icount shift=0 (FPGAIO counter: 1 tick = 40 instructions, counter "
                            "overhead subtracted); " + compiler +
                            "; lodepng 20220618 default settings over a first-fit arena in PSRAM";
  printf("\n%s\n\n", title.c_str());
  printf("| frame | encoder | bytes | M4 instructions | instr / byte of frame | instr / lodepng | working memory (M4) |\n");
  printf("|---|---|---:|---:|---:|---:|---|\n");
  std::ostringstream js;
  js << "{\n  \"part\": \"qemu\",\n  \"title\": \"" << title << "\",\n  \"encoders\": [";
  double worst = 0, worst_per_byte[2] = {0, 0};
  bool complete = true;
  bool first = true;
  for (size_t r = 0; r < rows.size(); ++r) {
    Row& row = rows[r];
    if (!row.reported) {
      complete = false;
      continue;
    }
    const Row* ref = nullptr;
    for (const Row& o : rows) {
      if (o.frame == row.frame && o.encoder == "lodepng default" && o.reported) ref = &o;
    }
    const uint64_t instr = row.fields["instructions"], stack = row.fields["stack"];
    const double ratio = ref != nullptr && ref->fields.at("instructions") != 0
                             ? static_cast<double>(instr) / static_cast<double>(ref->fields.at("instructions"))
                             : 0;
    const bool lode = row.encoder == "lodepng default";
    const uint64_t memory = (lode ? row.fields["arena_peak"] : row.fields["state"]) + stack;
    char mem[160];
    if (lode) {
      snprintf(mem, sizeof(mem), "%llu B (arena peak %llu + stack %llu; arena high water %llu)",
               static_cast<unsigned long long>(memory), static_cast<unsigned long long>(row.fields["arena_peak"]),
               static_cast<unsigned long long>(stack), static_cast<unsigned long long>(row.fields["arena_high"]));
    } else {
      snprintf(mem, sizeof(mem), "%llu B (state %llu + stack %llu)", static_cast<unsigned long long>(memory),
               static_cast<unsigned long long>(row.fields["state"]), static_cast<unsigned long long>(stack));
    }
    const double per_byte = static_cast<double>(instr) / static_cast<double>(row.frame_bytes);
    printf("| %s | %s | %llu | %llu | %.1f | %.3f | %s |\n", row.frame.c_str(), row.encoder.c_str(),
           static_cast<unsigned long long>(row.fields["bytes"]), static_cast<unsigned long long>(instr), per_byte,
           ratio, mem);
    if (row.encoder == "tinytb" && ratio > worst) worst = ratio;
    if (row.encoder != "lodepng default") {
      double& w = worst_per_byte[row.encoder == "tinytb" ? 0 : 1];
      w = per_byte > w ? per_byte : w;
    }
    char entry[768];
    snprintf(entry, sizeof(entry),
             "%s\n    {\"encoder\": \"%s\", \"frame\": \"%s\", \"m4_instructions\": %llu, \"m4_instr_ratio\": %.4f, "
             "\"m4_instr_per_byte\": %.2f, \"m4_memory_bytes\": %llu, \"m4_bytes\": %llu, \"m4_stack_bytes\": %llu, \"m4_memory_note\": \"%s\"}",
             first ? "" : ",", row.encoder.c_str(), row.frame.c_str(), static_cast<unsigned long long>(instr), ratio,
             per_byte, static_cast<unsigned long long>(memory), static_cast<unsigned long long>(row.fields["bytes"]),
             static_cast<unsigned long long>(stack), mem);
    js << entry;
    first = false;
  }
  // Issue 15's goals: instructions per byte of frame (width x height x channels), the
  // worst frame, kCompressed (tinytb) <= 80 and kFast <= 40.
  char goal[1024];
  snprintf(goal, sizeof(goal),
           "\n  ],\n  \"writers\": [],\n  \"goals\": [\n    {\"goal\": \"Cortex-M4 instructions per frame, tinytb / "
           "lodepng default, worst frame (QEMU -icount)\", \"value\": %.4f, \"limit\": 0.5, \"met\": %s},\n"
           "    {\"goal\": \"Cortex-M4 instructions per byte of frame, tinytb (kCompressed), worst frame\", "
           "\"value\": %.2f, \"limit\": 80, \"met\": %s},\n"
           "    {\"goal\": \"Cortex-M4 instructions per byte of frame, tinytb fast (kFast), worst frame\", "
           "\"value\": %.2f, \"limit\": 40, \"met\": %s}\n  ]\n}\n",
           worst, complete && worst <= 0.5 ? "true" : "false", worst_per_byte[0],
           complete && worst_per_byte[0] <= 80 ? "true" : "false", worst_per_byte[1],
           complete && worst_per_byte[1] <= 40 ? "true" : "false");
  js << goal;
  printf("\ntinytb / lodepng default instructions, worst frame: %.3f (goal <= 0.5)\n", worst);
  printf("instructions per byte of frame, worst frame: tinytb %.1f (goal <= 80), tinytb fast %.1f (goal <= 40)\n",
         worst_per_byte[0], worst_per_byte[1]);
  if (!json.empty()) {
    std::ofstream out(json);
    out << js.str();
    check(static_cast<bool>(out), "fragment written to " + json);
  }
  printf("\n%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: png_qemu_host frames --data DIR --out RUN [--quick] | check --run RUN [--json FILE]\n");
    return 2;
  }
  const std::string mode = argv[1];
  std::string data = "examples/data", run, json, qemu = "(version unknown)";
  bool quick = false;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (i + 1 < argc && a == "--data") {
      data = argv[++i];
    } else if (i + 1 < argc && (a == "--out" || a == "--run")) {
      run = argv[++i];
    } else if (i + 1 < argc && a == "--json") {
      json = argv[++i];
    } else if (i + 1 < argc && a == "--qemu") {
      qemu = argv[++i];
    } else {
      fprintf(stderr, "png_qemu_host: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (run.empty()) return 2;
  if (mode == "frames") return write_frames(data, run, quick);
  if (mode == "check") return check_run(run, json, qemu);
  return 2;
}
