// tinytb: the power cut at every sector write (littlefs's method) through ChaN's FatFs.
//
//   fatfs_sector_sweep --out DIR [--long]
//
// The camera session of sweep_common.h (scalars, Markdown notes, PNG frames, flush(),
// sync(), rotation, close()) runs through the FatFs port and the real FatFs onto a card
// image made by mkfs.fat (host_disk.h: 512-byte sectors, a write-back cache that CTRL_SYNC
// commits). One clean run counts its sector writes N and its CTRL_SYNCs S. Then, for each
// k in 1..N (every k with --long, else a stride that keeps make test short):
//   drop     the power is cut at write k; every sector not committed by a CTRL_SYNC is lost
//   tear     write-through; write k keeps a prefix of its new bytes (the rest old)
//   garble   write-through; write k leaves noise
// and for each j in 1..S:
//   syncfail the j-th CTRL_SYNC fails and the card drops what it had not committed (as
//            Linux drops the dirty pages of a failed fsync); the session goes on, and the
//            power is cut d sector writes later (d in 1, 8, 64) or after close().
// and for each k (the same stride):
//   writefail write k fails (RES_ERROR, nothing stored: FR_DISK_ERR to FatFs); the session
//            goes on, closes, and the power is cut (drop).
// After every cut: the image is written out and `fsck.fat -n` judges it; FatFs mounts it
// again and reads every file back through our record parser: complete records, at most a
// damaged tail, every value a completed sync confirmed (minus what a kDataLost reported)
// is there; the next boot's writer starts a new file, logs, closes, and fsck runs again.
// A sample of cases is copied off the card with mtools (mcopy) into DIR, with DIR/cases.json
// for tests/power/loader_batch.py (TensorBoard's own loader, one batch).
//
// What a FAT card cannot survive is counted, not failed: a torn or garbled FAT, directory or
// boot sector (FatFs updates them in place), and a garbled file sector written before in
// the session (FatFs rewrites a file's last partial sector on every append, so it may hold
// synced bytes). docs/storage.md
// ("The real FatFs") gives the figures. Prints one line per group, the counts, then
// "N passed, M failed" (groups).
#include <stdio.h>
#include <string.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fatfs_sink.h"
#include "host_disk.h"
#include "sweep_common.h"
#include "tinytb/format/crc32c.h"

namespace {

using sweep::Claims;
using sweep::FileImage;
using sweep::Policy;
using sweep::Verdict;
using sweep::Writer;
using tinytb::Status;

const char* const kRunDir = "logs/power";

enum class Model { kDrop, kTear, kGarble, kSyncFail, kWriteFail };
const char* model_name(Model m) {
  switch (m) {
    case Model::kDrop: return "drop";
    case Model::kTear: return "tear";
    case Model::kGarble: return "garble";
    case Model::kWriteFail: return "writefail";
    default: return "syncfail";
  }
}

struct Counts {
  size_t cuts = 0, injected = 0, fsck_runs = 0, fsck_clean = 0, fsck_lost_only = 0, exported = 0;
  size_t excused = 0;          // damage a FAT card cannot prevent (see the header)
  size_t excused_damaged = 0;  // of those, the cases where a check did find damage:
  size_t excused_fsck = 0;     //   fsck.fat found more than lost clusters
  size_t excused_lost = 0;     //   a value a completed sync had confirmed was gone
  std::vector<std::string> excused_examples;
  std::map<std::string, size_t> damaged_by_reason;  // the damaged excused cases, by model and sector kind
};

struct Group {
  std::string name;
  size_t cases = 0, failed = 0, excused = 0;
  std::vector<std::string> first_errors;
};

struct Run {
  std::string out;
  std::string json;
  bool export_ok = true;
  Counts counts;
  std::vector<Group> groups;
  std::string image;  // where cut images are written for fsck
};

// fsck.fat -n: 0 is a clean card. Exit 1 lists what it would fix, one finding per
// unindented line with its details indented below. Acceptable findings: a wrong free-cluster
// count (FSINFO is a hint FatFs updates lazily), clusters no file owns, and a file whose
// cluster chain is longer than its size (both: clusters allocated by writes the cut made
// unreachable; fsck frees them, no byte of any file changes), and two FATs that differ but
// are both intact (FatFs ignores a failed write of the mirror FAT; the first FAT is used).
// Anything else (a chain shorter than the file, a cross-link, a bad directory entry, a FAT
// that is not intact) is damage.
bool fsck_acceptable(const std::string& image, Counts* counts, std::string* report) {
  std::string out;
  const int rc = host_disk::run("fsck.fat -n '" + image + "'", &out);
  ++counts->fsck_runs;
  if (rc == 0) {
    ++counts->fsck_clean;
    return true;
  }
  if (rc != 1) {
    *report = "fsck.fat exit " + std::to_string(rc) + ": " + out;
    return false;
  }
  std::vector<std::string> findings;  // each: the line, then its indented details
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    const std::string line = out.substr(start, end - start);
    start = end + 1;
    if (line.rfind("  ", 0) == 0) {
      if (!findings.empty()) findings.back() += " | " + line.substr(2);
      continue;
    }
    if (line.empty() || line.rfind("fsck.fat ", 0) == 0 || line.find("Checking we can access") != std::string::npos ||
        line.find("Leaving filesystem unchanged") != std::string::npos || line.find(" files, ") != std::string::npos) {
      continue;
    }
    findings.push_back(line);
  }
  bool ok = true;
  std::string bad;
  for (const std::string& f : findings) {
    const bool harmless = f.find("Free cluster summary wrong") != std::string::npos ||
                          f.find("Reclaimed") != std::string::npos || f.find("unused clusters") != std::string::npos ||
                          (f[0] == '/' && f.find("cluster chain length is >") != std::string::npos) ||
                          f.find("FATs differ but appear to be intact") != std::string::npos;
    if (harmless) continue;
    ok = false;
    if (bad.size() < 400) bad += f + " || ";
  }
  if (ok) {
    ++counts->fsck_lost_only;
  } else {
    *report = "fsck.fat: " + bad;
  }
  return ok;
}

// Whether a complete, valid TFRecord starts anywhere after byte `from`: damage followed by
// good records is corruption in the middle of the file (readers stop at the damage and
// never see them), not a torn tail.
bool record_after(const std::vector<uint8_t>& bytes, size_t from) {
  auto le32 = [&](size_t at) {
    return static_cast<uint32_t>(bytes[at]) | static_cast<uint32_t>(bytes[at + 1]) << 8 |
           static_cast<uint32_t>(bytes[at + 2]) << 16 | static_cast<uint32_t>(bytes[at + 3]) << 24;
  };
  for (size_t at = from + 1; at + 16 <= bytes.size(); ++at) {
    if (tinytb::mask_crc(tinytb::crc32c(bytes.data() + at, 8)) != le32(at + 8)) continue;
    const uint64_t len = le32(at) | static_cast<uint64_t>(le32(at + 4)) << 32;
    if (len > bytes.size() - at - 16) continue;
    const size_t n = static_cast<size_t>(len);
    if (tinytb::mask_crc(tinytb::crc32c(bytes.data() + at + 12, n)) == le32(at + 12 + n)) return true;
  }
  return false;
}

std::vector<FileImage> card_files(std::string* error) {
  std::vector<host_disk::FoundFile> found;
  std::vector<FileImage> files;
  FILINFO info;
  if (f_stat(kRunDir, &info) == FR_NO_FILE || f_stat("logs", &info) == FR_NO_FILE) return files;
  if (!host_disk::read_tree(kRunDir, &found, error)) return files;
  for (auto& f : found) files.push_back({f.path.substr(f.path.rfind('/') + 1), std::move(f.bytes)});
  return files;
}

struct Case {
  Model model;
  uint64_t k = 0;       // drop/tear/garble: the cut write; syncfail: the failing CTRL_SYNC
  uint64_t delay = 0;   // syncfail: cut this many writes after the failure (0: after close)
  uint32_t seed = 0;
  bool export_files = false;
};

// One session, its cut, the checks, the next boot. Returns the errors ("" list: passed);
// *skipped if the cut point lies past the end of the session; *excused with the reason when
// the damage is one a FAT card cannot prevent.
std::vector<std::string> run_case(const Policy& p, const host_disk::Card& card, const Case& cs, const std::string& dir,
                                  Run* run, bool* skipped, std::string* excused) {
  std::vector<std::string> errors;
  *skipped = false;
  excused->clear();
  if (!host_disk::use_card(card)) return {"the card does not mount"};
  const bool injected = cs.model == Model::kSyncFail || cs.model == Model::kWriteFail;
  host_disk::write_back(cs.model != Model::kTear && cs.model != Model::kGarble);
  if (cs.model == Model::kSyncFail) {
    host_disk::fail_sync(cs.k);
  } else if (cs.model == Model::kWriteFail) {
    host_disk::fail_write(cs.k);
  } else {
    host_disk::cut_at(cs.k, cs.model == Model::kDrop    ? host_disk::Loss::kDropUnsynced
                            : cs.model == Model::kTear ? host_disk::Loss::kTear
                                                       : host_disk::Loss::kGarble,
                      cs.seed);
  }
  bool cut_armed = !injected;
  Claims c;
  {
    tinytb::FatfsSink sink;
    auto w = std::make_unique<Writer>();
    auto dead = [&] {
      // The failure fired: arm the later cut (the session is deterministic up to here).
      if (!cut_armed && host_disk::failed_at() != 0 && cs.delay != 0) {
        const uint64_t at = host_disk::failed_at() + cs.delay;
        if (at > host_disk::sector_writes()) {
          host_disk::cut_at(at - host_disk::sector_writes(), host_disk::Loss::kDropUnsynced, cs.seed);
        }
        cut_armed = true;
      }
      return host_disk::powered_off();
    };
    Status s = w->open(sink, sweep::options_for(p, 7));
    if (s == Status::kOk) sweep::run_session(*w, p, 0, p.steps, &c, dead);
    if (injected) {
      for (int tries = 0; tries < 4 && w->is_open() && !host_disk::powered_off(); ++tries) (void)w->close();
      if (host_disk::failed_at() == 0) {
        *skipped = true;  // the session made fewer syncs or writes than that
        return {};
      }
      if (cs.delay != 0 && !host_disk::powered_off()) {
        *skipped = true;  // the cut would come after the session's last write
        return {};
      }
      ++run->counts.injected;
    } else if (!host_disk::powered_off()) {
      *skipped = true;
      return {};
    }
    // The CPU stopped with the power: the writer and the sink are gone with it.
  }
  ++run->counts.cuts;
  const host_disk::CutInfo cut = host_disk::last_cut();
  if (cut.happened && (cs.model == Model::kTear || cs.model == Model::kGarble)) {
    const host_disk::Region r = host_disk::region_of(cut.lba);
    if (r != host_disk::Region::kData) {
      *excused = std::string(model_name(cs.model)) + " of a " + host_disk::region_name(r) + " sector";
    } else if (cs.model == Model::kGarble && cut.rewrite) {
      *excused = "garble of a file sector written before (it may hold synced bytes)";
    }
  }

  // The card as the power left it: fsck.fat from outside, then FatFs again.
  host_disk::power_on();
  if (!host_disk::export_image(run->image)) return {"cannot write the image"};
  std::string report;
  if (!fsck_acceptable(run->image, &run->counts, &report)) errors.push_back("after the cut: " + report);
  if (host_disk::mount() != FR_OK) {
    errors.push_back("the card does not mount after the cut");
    return errors;
  }
  std::string read_error;
  const std::vector<FileImage> after_cut = card_files(&read_error);
  if (!read_error.empty()) errors.push_back("reading back: " + read_error);

  const bool with_errors = injected;
  Verdict v = sweep::check_after_cut(after_cut, c, with_errors, &errors);
  // Nothing corrupt in the middle of a file. A damaged tail only in the file being written,
  // or, after an injected error, in a file FatFs refused to cut back (an aborted file object).
  for (size_t i = 0; i < after_cut.size(); ++i) {
    if (!v.has_tail[i]) continue;
    if (record_after(after_cut[i].bytes, v.clean_bytes[i])) {
      errors.push_back(after_cut[i].name + ": damaged bytes in the middle (good records after byte " +
                       std::to_string(v.clean_bytes[i]) + ")");
    } else if (i + 1 < after_cut.size() && !injected && cs.model != Model::kGarble && cs.model != Model::kTear) {
      errors.push_back(after_cut[i].name + ": a damaged tail in a file the writer had left");
    }
  }

  // The next boot: a new file, more values, a clean close.
  Claims c2;
  {
    tinytb::FatfsSink sink;
    if (!sweep::next_boot(sink, p, c, "the cut", &c2, &errors)) return errors;
  }
  const std::vector<FileImage> final_files = card_files(&read_error);
  if (!read_error.empty()) errors.push_back("reading back after the next boot: " + read_error);
  Verdict v2 =
      sweep::check_after_boot(final_files, after_cut.size(), c, c2, with_errors, "after the next boot", &errors);
  if (!host_disk::export_image(run->image)) return {"cannot write the image"};
  if (!fsck_acceptable(run->image, &run->counts, &report)) errors.push_back("after the next boot: " + report);

  // A sample goes to TensorBoard: copied off the card by mtools, compared with FatFs's view.
  if (cs.export_files && errors.empty() && excused->empty()) {
    std::string out;
    if (host_disk::run("rm -rf '" + dir + "' && mkdir -p '" + dir + "' && MTOOLS_SKIP_CHECK=1 mcopy -n -i '" +
                           run->image + "' '::/" + kRunDir + "/*' '" + dir + "/'",
                       &out) != 0) {
      errors.push_back("mcopy: " + out);
    } else {
      for (const FileImage& f : final_files) {
        std::vector<uint8_t> bytes;
        FILE* in = fopen((dir + "/" + f.name).c_str(), "rb");
        if (in != nullptr) {
          int ch;
          while ((ch = fgetc(in)) != EOF) bytes.push_back(static_cast<uint8_t>(ch));
          fclose(in);
        }
        if (in == nullptr || bytes != f.bytes) errors.push_back("mcopy gave other bytes for " + f.name);
      }
      std::string entry;
      if (!sweep::export_case(dir, final_files, v2, &entry)) run->export_ok = false;
      // export_case wrote the same bytes again: mtools' copies were compared above.
      if (!run->json.empty()) run->json += ",\n";
      run->json += entry;
      ++run->counts.exported;
    }
  }
  return errors;
}

void record(Group* g, Run* run, const std::string& name, const std::vector<std::string>& errors,
            const std::string& excused) {
  ++g->cases;
  if (!excused.empty()) {
    ++g->excused;
    ++run->counts.excused;
    if (!errors.empty()) {
      ++run->counts.excused_damaged;
      ++run->counts.damaged_by_reason[excused];
    }
    bool fsck = false, lost = false;
    for (const auto& e : errors) {
      fsck = fsck || e.find("fsck.fat") != std::string::npos;
      lost = lost || e.find("confirmed record lost") != std::string::npos;
    }
    run->counts.excused_fsck += fsck ? 1 : 0;
    run->counts.excused_lost += lost ? 1 : 0;
    if (!errors.empty() && run->counts.excused_examples.size() < 6) {
      run->counts.excused_examples.push_back(g->name + " " + name + " (" + excused + "): " + errors[0]);
    }
    return;
  }
  if (errors.empty()) return;
  ++g->failed;
  if (g->first_errors.size() < 5) g->first_errors.push_back(name + ": " + errors[0]);
}

}  // namespace

int main(int argc, char** argv) {
  Run run;
  bool long_sweep = false;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
      run.out = argv[++i];
    } else if (strcmp(argv[i], "--long") == 0) {
      long_sweep = true;
    } else {
      fprintf(stderr, "usage: %s --out DIR [--long]\n", argv[0]);
      return 2;
    }
  }
  if (run.out.empty()) {
    fprintf(stderr, "usage: %s --out DIR [--long]\n", argv[0]);
    return 2;
  }
  run.image = host_disk::scratch_dir() + "/cut.img";

  // Queue 1024 B; records: scalars ~60 B, notes ~70 B, frames ~450 B.
  const std::vector<Policy> policies = {
      {"sync-every-flush", 4, 1, 6000, 24},  // default sync policy, rotation every ~6 KB
      {"sync-explicit", 8, 0, 4000, 24},     // sync only on sync(), close() and rotation
  };
  std::vector<host_disk::Card> cards = {host_disk::kFat32Cluster4k, host_disk::kFat16Cluster32k};
  if (long_sweep) {
    cards.push_back(host_disk::kFat16Cluster4k);
    cards.push_back(host_disk::kFat32Cluster32k);
  }
  const uint64_t target = long_sweep ? 0 : 40;  // cut points per model in make test

  size_t passed = 0, failed = 0;
  for (const host_disk::Card& card : cards) {
    for (const Policy& p : policies) {
      // The clean run: N sector writes, S CTRL_SYNCs.
      if (!host_disk::use_card(card)) return 1;
      host_disk::write_back(true);
      Claims clean;
      {
        tinytb::FatfsSink sink;
        auto w = std::make_unique<Writer>();
        if (w->open(sink, sweep::options_for(p, 7)) == Status::kOk) {
          sweep::run_session(*w, p, 0, p.steps, &clean, [] { return false; });
        }
      }
      const uint64_t writes = host_disk::sector_writes();
      const uint64_t syncs = host_disk::syncs();
      host_disk::note_directories({"logs", kRunDir});
      size_t by_region[4] = {};
      for (uint32_t lba : host_disk::write_log()) ++by_region[static_cast<int>(host_disk::region_of(lba))];
      printf("card %-10s policy %-17s %4llu sector writes (data %zu, FAT %zu, directory %zu, boot/FSINFO %zu), "
             "%3llu CTRL_SYNCs per session\n",
             card.name, p.name, static_cast<unsigned long long>(writes),
             by_region[static_cast<int>(host_disk::Region::kData)], by_region[static_cast<int>(host_disk::Region::kFat)],
             by_region[static_cast<int>(host_disk::Region::kDirectory)],
             by_region[static_cast<int>(host_disk::Region::kReserved)], static_cast<unsigned long long>(syncs));
      if (!clean.closed || writes == 0) {
        printf("FAIL %s/%s: the session does not run cleanly without faults\n", card.name, p.name);
        return 1;
      }
      const uint64_t stride = target == 0 ? 1 : std::max<uint64_t>(1, writes / target);
      for (Model m : {Model::kDrop, Model::kTear, Model::kGarble, Model::kSyncFail, Model::kWriteFail}) {
        Group g;
        g.name = std::string("fatfs/") + card.name + "/" + p.name + "/" + model_name(m);
        std::vector<Case> todo;
        if (m == Model::kSyncFail) {
          const uint64_t sync_stride = target == 0 ? 1 : std::max<uint64_t>(1, syncs / 12);
          for (uint64_t j = 1; j <= syncs; j += sync_stride) {
            for (uint64_t d : {0, 1, 8, 64}) todo.push_back({m, j, d, static_cast<uint32_t>(j), false});
          }
        } else if (m == Model::kWriteFail) {
          for (uint64_t k = 1; k <= writes; k += stride) todo.push_back({m, k, 0, static_cast<uint32_t>(k), false});
        } else {
          for (uint64_t k = 1; k <= writes; k += stride) {
            // Offset the stride per model so the three models cut at different writes.
            const uint64_t at = std::min(writes, k + (static_cast<uint64_t>(m) * stride) / 3);
            todo.push_back({m, at, 0, static_cast<uint32_t>(at * 7 + 1), false});
          }
        }
        for (size_t i = 0; i < todo.size(); ++i) {
          todo[i].export_files = i % (long_sweep ? 16 : 8) == 0;
          char name[64];
          snprintf(name, sizeof(name), "%s %llu+%llu", m == Model::kSyncFail ? "sync" : "write",
                   static_cast<unsigned long long>(todo[i].k), static_cast<unsigned long long>(todo[i].delay));
          char sub[64];
          snprintf(sub, sizeof(sub), "/case-%04llu-%llu", static_cast<unsigned long long>(todo[i].k),
                   static_cast<unsigned long long>(todo[i].delay));
          bool skipped = false;
          std::string excused;
          const std::vector<std::string> errors =
              run_case(p, card, todo[i], run.out + "/" + g.name + sub + "/" + kRunDir, &run, &skipped, &excused);
          if (!skipped) record(&g, &run, name, errors, excused);
        }
        const bool ok = g.failed == 0 && g.cases > 0;
        printf("%s %-48s %4zu cases, %3zu excused\n", ok ? "PASS" : "FAIL", g.name.c_str(), g.cases, g.excused);
        for (const auto& e : g.first_errors) printf("     %s\n", e.c_str());
        ok ? ++passed : ++failed;
        run.groups.push_back(g);
      }
    }
  }
  FILE* f = fopen((run.out + "/cases.json").c_str(), "w");
  if (f == nullptr || !run.export_ok) {
    printf("FAIL cannot write the cases under %s\n", run.out.c_str());
    ++failed;
  } else {
    fprintf(f, "[\n%s\n]\n", run.json.c_str());
    fclose(f);
  }
  const Counts& n = run.counts;
  printf("fatfs sector sweep: %zu power cuts (%zu after an injected error), %zu fsck.fat runs (%zu clean, %zu only "
         "lost clusters, a chain longer than its file or a stale free count), %zu cases copied out by mcopy for TensorBoard; %zu cuts hit a FAT, "
         "directory or boot sector or garbled a rewritten file sector (excused), %zu of them left damage (%zu that fsck.fat "
         "reports, %zu a loss of confirmed values)\n",
         n.cuts, n.injected, n.fsck_runs, n.fsck_clean, n.fsck_lost_only, n.exported, n.excused, n.excused_damaged,
         n.excused_fsck, n.excused_lost);
  for (const auto& r : n.damaged_by_reason) printf("  damage left by a %s: %zu cases\n", r.first.c_str(), r.second);
  for (const auto& e : n.excused_examples) printf("     excused: %s\n", e.c_str());
  printf("%zu passed, %zu failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
