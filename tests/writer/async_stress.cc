// The async writer under load (docs/async.md, "Tests"), built with -fsanitize=thread by
// `make async-stress`: several producer threads (one of them marked as an interrupt) log
// scalars and texts while a drain thread writes them through an EventWriter into memory,
// under each FullPolicy. The file is then read back with the test reader: every value is
// either in the file or counted as dropped, each tag's steps increase, each value is the
// one its producer logged at that step, and the counters TensorBoard would show
// (tinytb/dropped_records, tinytb/dropped_bytes) match the drops.
// Prints "N passed, M failed" and exits non-zero on any failure.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "event_reader.h"
#include "host_os.h"
#include "memory_sink.h"
#include "tinytb/writer/async_writer.h"
#include "tinytb/writer/event_writer.h"

namespace {

int g_passed = 0;
int g_failed = 0;

void check(bool ok, const char* what, const std::string& detail = "") {
  if (ok) {
    ++g_passed;
    printf("ok   %s\n", what);
  } else {
    ++g_failed;
    printf("FAIL %s %s\n", what, detail.c_str());
  }
}

tinytb::WallTime fake_wall() { return tinytb::WallTime{1700000000, 0}; }

constexpr int kProducers = 4;  // producer 0 stands in for an interrupt (scalars only)
constexpr int kTagsPerProducer = 3;

const char* policy_name(tinytb::FullPolicy p) {
  switch (p) {
    case tinytb::FullPolicy::kDropNew: return "drop-new";
    case tinytb::FullPolicy::kDropOldest: return "drop-oldest";
    default: return "wait";
  }
}

// The value producer p logs at step s of tag t: recomputed on read-back.
float value_of(int p, int t, int64_t s) { return static_cast<float>((s * 7 + p * 131 + t * 17) % 100003); }

struct Produced {
  uint64_t ok = 0;
  uint64_t dropped = 0;  // kBusy / kUnsupported: not queued, counted
  uint64_t other = 0;    // any other status: a failure
};

void run(tinytb::FullPolicy policy, int per_producer, size_t buffer_bytes, bool sink_stall) {
  printf("-- %s: %d producers x %d values\n", policy_name(policy), kProducers, per_producer);
  std::vector<uint8_t> buffer(buffer_bytes);
  tinytb::MemorySink sink(buffer.data(), buffer.size());
  static tinytb::EventWriter<16384, 32, 32> writer;
  static tinytb::AsyncRing<256, 128> values;
  tinytb::WriterOptions wo;
  wo.logdir = "stress";
  wo.run = policy_name(policy);  // a run of its own: the writer forgets the last run's tags
  wo.max_queue = 200;
  wo.sync_every = 0;
  wo.clock.wall_time = fake_wall;
  if (writer.open(sink, wo) != tinytb::Status::kOk) {
    check(false, "open");
    return;
  }
  tinytb::AsyncWriter async(writer, values);
  tinytb::AsyncOptions ao;
  ao.policy = policy;
  ao.wait_ms = 50;
  ao.os = tinytb::host_os();
  check(async.start(ao) == tinytb::Status::kOk, "start");

  std::atomic<int> running{kProducers};
  std::vector<Produced> produced(kProducers);
  std::vector<std::thread> threads;
  const auto t0 = std::chrono::steady_clock::now();
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] {
      std::unique_ptr<tinytb::HostInterruptScope> irq;
      if (p == 0) irq.reset(new tinytb::HostInterruptScope());
      char tags[kTagsPerProducer][32];
      for (int t = 0; t < kTagsPerProducer; ++t) snprintf(tags[t], sizeof(tags[t]), "p%d/t%d", p, t);
      for (int i = 0; i < per_producer; ++i) {
        const int t = i % kTagsPerProducer;
        const int64_t step = i / kTagsPerProducer;
        tinytb::Status s;
        if (p == 3 && t == 2) {
          char text[24];
          snprintf(text, sizeof(text), "v%d", static_cast<int>(value_of(p, t, step)));
          s = async.text(tags[t], step, text);
        } else {
          s = async.scalar(tags[t], step, value_of(p, t, step));
        }
        if (s == tinytb::Status::kOk) {
          ++produced[p].ok;
        } else if (s == tinytb::Status::kBusy || s == tinytb::Status::kUnsupported) {
          ++produced[p].dropped;
        } else {
          ++produced[p].other;
        }
      }
      running.fetch_sub(1);
    });
  }
  uint32_t drains = 0;
  tinytb::Status drain_status = tinytb::Status::kOk;
  std::thread drain([&] {
    while (running.load() > 0) {
      const tinytb::Status s = async.drain(sink_stall ? 16 : SIZE_MAX);
      if (s != tinytb::Status::kOk) drain_status = s;
      ++drains;
      if (sink_stall) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  for (auto& t : threads) t.join();
  drain.join();
  const tinytb::Status closed = async.close();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  check(drain_status == tinytb::Status::kOk, "every drain kOk", tinytb::status_name(drain_status));
  check(closed == tinytb::Status::kOk, "close kOk", tinytb::status_name(closed));
  check(async.scalar("late", 1, 1.0f) == tinytb::Status::kNotOpen, "a producer after close: kNotOpen");
  check(async.drain() == tinytb::Status::kNotOpen, "a drain after close: kNotOpen");

  uint64_t ok = 0, dropped = 0, other = 0;
  for (const Produced& p : produced) {
    ok += p.ok;
    dropped += p.dropped;
    other += p.other;
  }
  const tinytb::AsyncStats st = async.stats();
  printf("   %.2f s, %u drains: %llu queued, %llu dropped by producers, %u written, %u rejected\n", secs, drains,
         static_cast<unsigned long long>(ok), static_cast<unsigned long long>(dropped), st.written_records,
         st.rejected_records);
  check(other == 0, "producers saw only kOk, kBusy, kUnsupported");
  check(st.rejected_records == 0, "the writer refused nothing at the drain", std::to_string(st.rejected_records));
  check(st.queued_records == ok, "stats: queued == producers' kOk");
  check(static_cast<uint64_t>(st.written_records) + st.dropped_records == ok + dropped,
        "every value written or counted as dropped");

  // Read back, streaming (millions of records).
  std::map<std::string, int64_t> last;
  uint64_t values_read = 0, counter_events = 0, bad_value = 0, bad_order = 0, bad_time = 0;
  double last_dropped = -1, last_bytes = -1;
  size_t pos = 0;
  bool corrupt = false;
  const uint8_t* d = sink.data();
  const size_t size = sink.size();
  while (pos + 12 <= size) {
    uint64_t len = 0;
    for (int i = 0; i < 8; ++i) len |= static_cast<uint64_t>(d[pos + i]) << (8 * i);
    if (pos + 16 + len > size) {
      corrupt = true;
      break;
    }
    tinytb_test::ParsedEvent e;
    if (!tinytb_test::parse_event(d + pos + 12, static_cast<size_t>(len), &e)) {
      corrupt = true;
      break;
    }
    pos += 16 + static_cast<size_t>(len);
    for (const tinytb_test::ParsedValue& v : e.values) {
      if (v.tag == "tinytb/dropped_records") {
        ++counter_events;
        last_dropped = v.simple_value;
        continue;
      }
      if (v.tag == "tinytb/dropped_bytes") {
        last_bytes = v.simple_value;
        continue;
      }
      int p = -1, t = -1;
      if (sscanf(v.tag.c_str(), "p%d/t%d", &p, &t) != 2) continue;
      ++values_read;
      auto it = last.find(v.tag);
      if (it != last.end() && e.step <= it->second) ++bad_order;
      last[v.tag] = e.step;
      if (e.wall_time != 1700000000.0) ++bad_time;
      const float want = value_of(p, t, e.step);
      if (p == 3 && t == 2) {
        char text[24];
        snprintf(text, sizeof(text), "v%d", static_cast<int>(want));
        const std::string got = v.strings.empty() ? v.content : v.strings[0];
        if (got.find(text) == std::string::npos) ++bad_value;
      } else if (v.simple_value != want) {
        ++bad_value;
      }
    }
  }
  check(!corrupt && pos == size, "file reads back whole");
  check(values_read == st.written_records, "values in the file == written",
        std::to_string(values_read) + " vs " + std::to_string(st.written_records));
  check(values_read + st.dropped_records == ok + dropped, "in the file + dropped == logged");
  check(bad_order == 0, "steps strictly increase per tag", std::to_string(bad_order));
  check(bad_value == 0, "each value is its producer's", std::to_string(bad_value));
  check(bad_time == 0, "each value carries its producer's wall time", std::to_string(bad_time));
  check(counter_events >= 1 && last_dropped == static_cast<float>(st.dropped_records),
        "tinytb/dropped_records ends at the count", std::to_string(last_dropped));
  check(last_bytes == static_cast<float>(st.dropped_bytes), "tinytb/dropped_bytes ends at the count");
  if (policy != tinytb::FullPolicy::kWait) check(st.dropped_records > 0, "the run did drop (the ring overflowed)");
}

}  // namespace

int main(int argc, char** argv) {
  int per = argc > 1 ? atoi(argv[1]) : 200000;
  run(tinytb::FullPolicy::kDropNew, per, size_t{32} << 20, false);
  run(tinytb::FullPolicy::kDropOldest, per, size_t{32} << 20, false);
  run(tinytb::FullPolicy::kWait, per / 8, size_t{32} << 20, false);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
