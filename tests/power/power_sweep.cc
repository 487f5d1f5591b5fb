// tinytb: the power-loss sweep and the full-disk / I/O-error sweeps (littlefs style).
//
//   power_sweep --out DIR [--long] [--seeds N]
//
// For each writer policy, a scripted session runs once without faults to count its
// storage operations T, then:
//   power    for EVERY N in 1..T, the power is cut at operation N, under two models:
//            drop (everything since the last completed sync is lost) and garble (the
//            unsynced bytes are partly kept, flipped or zero-filled; --seeds choices per
//            cut); then the device "reboots": a new writer (next boot counter, steps
//            seeded from a persisted reservation) logs more and closes.
//   errors   for every N, operations N .. N+k-1 fail with kNoSpace or kIoError (k = 1
//            and 4), then storage works again; the session goes on and closes.
//   errcut   errors, then a power cut: operations N .. N+k-1 fail with kIoError (a
//            failing sync drops its dirty bytes, as Linux does), the session goes on,
//            and the power is cut d operations later; checked as a power cut, with
//            the records a kDataLost sync()/close() reported excused. A sample of N, k
//            and d; --long: every N.
//   full     the disk is full from the start at every byte size in a range (real
//            ENOSPC: the bytes that fit, then the error), and space is freed halfway.
// Each case's files are checked here (tests/power/sweep_common.h) and written under
// DIR with a list (DIR/cases.json) that loader_batch.py feeds to TensorBoard's own
// loader in one batch. One line per group, then "N passed, M failed" (groups).
#include <stdio.h>
#include <string.h>

#include <memory>

#include "faulty_fs.h"
#include "sweep_common.h"

namespace {

using sweep::Claims;
using sweep::FileImage;
using sweep::Logged;
using sweep::Policy;
using sweep::Verdict;
using sweep::Writer;
using tinytb::FaultyFs;
using tinytb::FaultySink;
using tinytb::Status;

constexpr size_t kArenaBytes = 1 << 20;
constexpr size_t kMaxFiles = 256;

struct Storage {
  std::vector<uint8_t> arena = std::vector<uint8_t>(kArenaBytes);
  std::vector<FaultyFs::File> table = std::vector<FaultyFs::File>(kMaxFiles);
  FaultyFs fs{arena.data(), arena.size(), table.data(), table.size()};

  std::vector<FileImage> files() const {
    std::vector<FileImage> out;
    for (size_t i = 0; i < fs.file_count(); ++i) {
      const char* path = fs.file(i).path;
      const char* base = strrchr(path, '/');
      FileImage f;
      f.name = base ? base + 1 : path;
      f.bytes.assign(fs.data(i), fs.data(i) + fs.file(i).size);
      out.push_back(f);
    }
    return out;
  }
};

struct Group {
  std::string name;
  size_t cases = 0;
  size_t failed = 0;
  size_t duplicates = 0;
  size_t torn_files = 0;
  std::vector<std::string> first_errors;
  void record(const std::string& case_name, const std::vector<std::string>& errors) {
    ++cases;
    if (errors.empty()) return;
    ++failed;
    if (first_errors.size() < 5) first_errors.push_back(case_name + ": " + errors[0]);
  }
};

struct Run {
  std::string out;
  std::string json;
  std::vector<Group> groups;
  bool export_ok = true;
};

std::string case_dir(const Run& run, const std::string& group, uint32_t n, uint32_t extra) {
  char buf[64];
  snprintf(buf, sizeof(buf), "/case-%04u-%u/logs/power", n, extra);
  return run.out + "/" + group + buf;
}

// Operations of one clean run of the session, by kind.
uint32_t count_ops(const Policy& p, uint32_t per_kind[5]) {
  Storage st;
  FaultySink sink(st.fs);
  auto w = std::make_unique<Writer>();
  Claims c;
  if (w->open(sink, sweep::options_for(p, 7)) != Status::kOk) return 0;
  sweep::run_session(*w, p, 0, p.steps, &c, [] { return false; });
  for (int k = 0; k < 5; ++k) per_kind[k] = st.fs.ops_of(static_cast<FaultyFs::Op>(k));
  return c.closed ? st.fs.ops() : 0;
}

// ---- power loss ------------------------------------------------------------------------------

// Injected errors before the cut (errcut): operations fail_from .. fail_from + count - 1.
struct Injected {
  uint32_t from = 0;
  uint32_t count = 0;
};

std::vector<std::string> power_case(const Policy& p, FaultyFs::PowerLoss model, uint32_t cut, uint32_t seed,
                                    const std::string& dir, Run* run, size_t* torn, Injected inject = {},
                                    bool* skipped = nullptr) {
  std::vector<std::string> errors;
  Storage st;
  st.fs.cut_power_at(cut);
  if (inject.count != 0) st.fs.fail_at(inject.from, Status::kIoError, inject.count);
  const bool with_errors = inject.count != 0;
  Claims c;
  {
    FaultySink sink(st.fs);
    auto w = std::make_unique<Writer>();
    const Status s = w->open(sink, sweep::options_for(p, 7));
    if (s == Status::kOk) sweep::run_session(*w, p, 0, p.steps, &c, [&] { return st.fs.powered_off(); });
    if (!st.fs.powered_off()) {
      // Errors change how many operations a session takes: a cut past its end is no case.
      if (skipped != nullptr) {
        *skipped = true;
        return {};
      }
      return {"the session ended before operation " + std::to_string(cut)};
    }
    // The CPU stopped with the power: the writer and the sink are gone with it.
  }
  st.fs.reboot(model, seed);

  // After the cut: complete records, at most one damaged tail per file, nothing unknown,
  // and everything a completed sync confirmed is there.
  const std::vector<FileImage> after_cut = st.files();
  Verdict v = sweep::check_after_cut(after_cut, c, with_errors, &errors);
  for (const auto& claim : c.synced) {
    size_t clean = 0;
    bool exists = false;
    for (size_t i = 0; i < after_cut.size(); ++i) {
      if (after_cut[i].name == claim.first) {
        exists = true;
        clean = v.clean_bytes[i];
      }
    }
    if (claim.second > 0 && (!exists || clean < claim.second)) {
      errors.push_back(claim.first + ": the writer reported " + std::to_string(claim.second) +
                       " synced bytes, " + std::to_string(clean) + " complete bytes survived");
    }
  }
  for (bool t : v.has_tail) *torn += t ? 1 : 0;

  // Reboot: a new writer logs more and closes (sweep::next_boot).
  Claims c2;
  {
    FaultySink sink(st.fs);
    if (!sweep::next_boot(sink, p, c, "reboot", &c2, &errors)) return errors;
  }
  const std::vector<FileImage> final_files = st.files();
  Verdict v2 = sweep::check_after_boot(final_files, after_cut.size(), c, c2, with_errors, "after reboot", &errors);
  if (!sweep::export_case(dir, final_files, v2, &run->json)) run->export_ok = false;
  return errors;
}

void power_sweep(const Policy& p, uint32_t total_ops, uint32_t seeds, Run* run) {
  for (const auto model : {FaultyFs::PowerLoss::kDropUnsynced, FaultyFs::PowerLoss::kGarbleUnsynced}) {
    const bool garble = model == FaultyFs::PowerLoss::kGarbleUnsynced;
    Group g;
    g.name = std::string("power/") + p.name + (garble ? "/garble" : "/drop");
    const uint32_t n_seeds = garble ? seeds : 1;
    for (uint32_t cut = 1; cut <= total_ops; ++cut) {
      for (uint32_t seed = 0; seed < n_seeds; ++seed) {
        const std::string dir = case_dir(*run, g.name, cut, seed);
        g.record("cut " + std::to_string(cut) + " seed " + std::to_string(seed),
                 power_case(p, model, cut, cut * 7919 + seed, dir, run, &g.torn_files));
      }
    }
    run->groups.push_back(g);
  }
}

// Errors, then a power cut: the combination the plain sweeps never make (issue 18). The
// cut comes d operations after the last failing one; the loss model is the drop model
// (and garble with --long).
size_t errcut_sweep(const Policy& p, uint32_t total_ops, bool long_sweep, Run* run) {
  const std::vector<uint32_t> counts = {1, 3};
  const std::vector<uint32_t> delays = long_sweep ? std::vector<uint32_t>{1, 2, 5, 13} : std::vector<uint32_t>{1, 4, 9};
  const uint32_t every = long_sweep ? 1 : 3;
  size_t cases = 0;
  for (const auto model : {FaultyFs::PowerLoss::kDropUnsynced, FaultyFs::PowerLoss::kGarbleUnsynced}) {
    const bool garble = model == FaultyFs::PowerLoss::kGarbleUnsynced;
    if (garble && !long_sweep) continue;
    Group g;
    g.name = std::string("errcut/") + p.name + (garble ? "/garble" : "/drop");
    for (uint32_t at = 1; at <= total_ops; at += every) {
      for (const uint32_t count : counts) {
        for (const uint32_t delay : delays) {
          const uint32_t cut = at + count - 1 + delay;
          bool skipped = false;
          const std::string dir = case_dir(*run, g.name, at, count * 100 + delay);
          std::vector<std::string> errors =
              power_case(p, model, cut, at * 31 + delay, dir, run, &g.torn_files, Injected{at, count}, &skipped);
          if (skipped) continue;
          g.record("eio at " + std::to_string(at) + " x" + std::to_string(count) + ", cut at " + std::to_string(cut),
                   errors);
        }
      }
    }
    cases += g.cases;
    run->groups.push_back(g);
  }
  return cases;
}

// ---- errors and full disk -----------------------------------------------------------------------

// Runs the session against storage that misbehaves as `arrange` sets it up, with the
// application retrying open() and close() as a real one would, and checks the result:
// the writer gave Statuses and kept working, closed cleanly once storage was back, and
// the files hold exactly what was accepted (identical re-sent copies aside).
template <typename Arrange, typename Dead>
std::vector<std::string> error_case(const Policy& p, Arrange arrange, Dead during, const std::string& dir, Run* run,
                                    Group* g) {
  std::vector<std::string> errors;
  Storage st;
  arrange(st.fs);
  FaultySink sink(st.fs);
  auto w = std::make_unique<Writer>();
  Claims c;
  Status s = Status::kIoError;
  for (int tries = 0; tries < 100 && s != Status::kOk; ++tries) {
    s = w->open(sink, sweep::options_for(p, 7));
    if (s != Status::kOk) (void)during(st.fs);
  }
  if (s != Status::kOk) return {std::string("open never succeeded: ") + tinytb::status_name(s)};
  sweep::run_session(*w, p, 0, p.steps, &c, [&] { return during(st.fs); });
  // close() keeps the writer open while records are still queued (retry later); once it
  // has closed, a failure can only come from the sink's own close, after the last sync.
  for (int tries = 0; tries < 8 && w->is_open(); ++tries) (void)w->close();
  if (w->is_open()) errors.push_back("close never succeeded once storage was back");
  if (st.fs.contract_violations() != 0) errors.push_back("the writer broke the sink contract (truncate)");

  const std::vector<FileImage> files = st.files();
  std::vector<Logged> found;
  const size_t last = files.size() - 1;
  Verdict v = sweep::check_files(files, c.accepted, true, [&](size_t i) { return i != last; }, &found, &c.maybe);
  errors.insert(errors.end(), v.errors.begin(), v.errors.end());
  g->duplicates += v.duplicates;
  for (bool t : v.has_tail) g->torn_files += t ? 1 : 0;
  std::vector<Logged> want = c.accepted;
  std::sort(want.begin(), want.end());
  std::sort(found.begin(), found.end());
  // A refused streamed record left whole where the storage could not cut it (Claims::maybe)
  // is in the files although the call failed: not one the application was told it logged.
  found.erase(std::remove_if(found.begin(), found.end(),
                             [&](const Logged& l) {
                               return !std::binary_search(want.begin(), want.end(), l) &&
                                      std::find_if(c.maybe.begin(), c.maybe.end(), [&](const Logged& m) {
                                        return m.tag == l.tag && m.step == l.step;
                                      }) != c.maybe.end();
                             }),
              found.end());
  if (want.size() != found.size()) {
    errors.push_back(std::to_string(found.size()) + " records in the files, " + std::to_string(want.size()) +
                     " accepted");
  }
  for (const FileImage& f : files) {
    if (p.rotate_bytes != 0 && f.bytes.size() > p.rotate_bytes) errors.push_back(f.name + " above rotate_bytes");
  }
  if (!sweep::export_case(dir, files, v, &run->json)) run->export_ok = false;
  return errors;
}

void error_sweep(const Policy& p, uint32_t total_ops, Run* run) {
  for (const Status status : {Status::kNoSpace, Status::kIoError}) {
    for (const uint32_t count : {1u, 4u}) {
      Group g;
      g.name = std::string("errors/") + p.name + "/" + (status == Status::kNoSpace ? "nospace" : "eio") + "-x" +
               std::to_string(count);
      for (uint32_t at = 1; at <= total_ops; ++at) {
        const std::string dir = case_dir(*run, g.name, at, count);
        g.record("op " + std::to_string(at),
                 error_case(p, [&](FaultyFs& fs) { fs.fail_at(at, status, count); }, [](FaultyFs&) { return false; },
                            dir, run, &g));
      }
      run->groups.push_back(g);
    }
  }
}

void full_disk_sweep(const Policy& p, size_t total_bytes, Run* run) {
  Group g;
  g.name = std::string("full/") + p.name;
  // Every 23rd byte size from nothing to the whole session: the disk fills inside every
  // kind of record and every operation; after 60 more calls, space is freed.
  for (size_t cap = 0; cap <= total_bytes; cap += 23) {
    uint32_t calls = 0;
    const std::string dir = case_dir(*run, g.name, static_cast<uint32_t>(cap), 0);
    g.record("capacity " + std::to_string(cap),
             error_case(p, [&](FaultyFs& fs) { fs.set_capacity(cap); },
                        [&](FaultyFs& fs) {
                          if (++calls == 60) fs.set_capacity(kArenaBytes);
                          return false;
                        },
                        dir, run, &g));
  }
  run->groups.push_back(g);
}

size_t clean_bytes(const Policy& p) {
  Storage st;
  FaultySink sink(st.fs);
  auto w = std::make_unique<Writer>();
  Claims c;
  if (w->open(sink, sweep::options_for(p, 7)) != Status::kOk) return 0;
  sweep::run_session(*w, p, 0, p.steps, &c, [] { return false; });
  size_t total = 0;
  for (size_t i = 0; i < st.fs.file_count(); ++i) total += st.fs.file(i).size;
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  Run run;
  bool long_sweep = false;
  uint32_t seeds = 1;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
      run.out = argv[++i];
    } else if (strcmp(argv[i], "--long") == 0) {
      long_sweep = true;
    } else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) {
      seeds = static_cast<uint32_t>(atoi(argv[++i]));
    } else {
      fprintf(stderr, "usage: %s --out DIR [--long] [--seeds N]\n", argv[0]);
      return 2;
    }
  }
  if (run.out.empty() || seeds == 0) {
    fprintf(stderr, "usage: %s --out DIR [--long] [--seeds N]\n", argv[0]);
    return 2;
  }
  if (long_sweep && seeds == 1) seeds = 20;

  // Queue 1024 B; records: scalars ~60 B, notes ~70 B, frames ~450 B.
  std::vector<Policy> policies = {
      {"sync-every-flush", 4, 1, 2048, 40},  // default sync policy, rotation every ~2 KiB
      {"sync-every-3rd", 1, 3, 4096, 30},    // every record written at once, synced every 3rd flush
      {"sync-explicit", 8, 0, 1536, 40},     // sync only on sync(), close() and rotation
  };
  if (long_sweep) {
    policies.push_back({"no-rotation", 2, 1, 0, 60});
    policies.push_back({"sync-every-2nd-tight", 3, 2, 1100, 60});
  }

  size_t cuts = 0, injections = 0, capacities = 0, combined = 0;
  for (const Policy& p : policies) {
    uint32_t kinds[5] = {};
    const uint32_t total = count_ops(p, kinds);
    const size_t bytes = clean_bytes(p);
    printf("policy %-22s %3u operations per session (open %u, write %u, sync %u, truncate %u, close %u), %zu bytes\n",
           p.name, total, kinds[0], kinds[1], kinds[2], kinds[3], kinds[4], bytes);
    if (total == 0) {
      printf("FAIL %s: the session does not run cleanly without faults\n", p.name);
      return 1;
    }
    power_sweep(p, total, seeds, &run);
    cuts += static_cast<size_t>(total) * (1 + seeds);
    error_sweep(p, total, &run);
    injections += static_cast<size_t>(total) * 4;
    combined += errcut_sweep(p, total, long_sweep, &run);
    full_disk_sweep(p, bytes, &run);
    capacities += bytes / 23 + 1;
  }

  FILE* list = fopen((run.out + "/cases.json").c_str(), "w");
  if (list == nullptr) {
    printf("FAIL cannot write %s/cases.json\n", run.out.c_str());
    return 1;
  }
  fprintf(list, "[\n%s\n]\n", run.json.c_str());
  fclose(list);

  size_t passed = 0, failed = 0;
  for (const Group& g : run.groups) {
    printf("%s %-44s %5zu cases", g.failed ? "FAIL" : "PASS", g.name.c_str(), g.cases);
    if (g.torn_files) printf(", %zu files with a damaged tail", g.torn_files);
    if (g.duplicates) printf(", %zu re-sent duplicates", g.duplicates);
    printf("\n");
    for (const std::string& e : g.first_errors) printf("     %s\n", e.c_str());
    (g.failed ? failed : passed) += 1;
  }
  if (!run.export_ok) {
    printf("FAIL writing the case files under %s\n", run.out.c_str());
    ++failed;
  }
  printf("sweep figures: %zu power cuts (every operation, drop + %u garble seed%s), %zu injected errors, "
         "%zu injected errors followed by a power cut, %zu full-disk sizes\n",
         cuts, seeds, seeds == 1 ? "" : "s", injections, combined, capacities);
  printf("%zu passed, %zu failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
