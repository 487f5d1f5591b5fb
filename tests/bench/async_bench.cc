// `make bench-async` (host part): the producer's worst-case cost of logging a scalar and a
// 96x96 gray image (compressed PNG) with a sink that stalls on every write and sync, through
// the async writer (a drain thread pays the stall) and through today's synchronous
// EventWriter (default options: a flush every 10 records, synced). Stalls of 0 and 100 ms.
// Prints a Markdown table (docs/async.md) and writes --json FILE.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "host_os.h"
#include "tinytb/writer/async_writer.h"
#include "tinytb/writer/event_writer.h"

namespace {

using Clock = std::chrono::steady_clock;

// Discards the bytes; every write and sync sleeps `stall_ms` first (an SD card's worst case).
class StallSink : public tinytb::Sink {
 public:
  explicit StallSink(uint32_t stall_ms) : stall_ms_(stall_ms) {}
  tinytb::Status open(const char*, const char*) override { return tinytb::Status::kOk; }
  tinytb::Status write(const uint8_t*, size_t size) override {
    stall();
    bytes += size;
    return tinytb::Status::kOk;
  }
  tinytb::Status sync() override {
    stall();
    return tinytb::Status::kOk;
  }
  tinytb::Status truncate(uint64_t) override { return tinytb::Status::kOk; }
  tinytb::Status close() override { return tinytb::Status::kOk; }
  size_t bytes = 0;

 private:
  void stall() {
    if (stall_ms_ != 0) std::this_thread::sleep_for(std::chrono::milliseconds(stall_ms_));
  }
  uint32_t stall_ms_;
};

struct Costs {
  std::vector<double> scalar_ns, image_ns;
  uint32_t dropped = 0;
};

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

uint8_t g_frame[96 * 96];
tinytb::PngEncoder<96, 96, 1, tinytb::PngMode::kCompressed> g_png;

void make_frame(int k) {
  for (int y = 0; y < 96; ++y) {
    for (int x = 0; x < 96; ++x) {
      g_frame[y * 96 + x] = static_cast<uint8_t>((x * 2 + y + k * 7 + ((x * y) % 13)) & 0xFF);
    }
  }
}

void must(tinytb::Status s) {
  if (s != tinytb::Status::kOk) {
    fprintf(stderr, "async_bench: %s\n", tinytb::status_name(s));
    abort();
  }
}

template <typename F>
double timed(F&& f) {
  const auto t0 = Clock::now();
  f();
  return std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
}

constexpr int kScalars = 40;  // per image
constexpr int kImages = 12;

tinytb::WriterOptions writer_options(const char* run) {
  tinytb::WriterOptions o;
  o.logdir = "bench";
  o.run = run;  // a run per case: a run's tags and steps are its own
  o.flush_millis = 0;
  // The microcontrollers' defaults, set explicitly (hosts default to max_queue 0, sync_every 0):
  // the comparison is about a flush and sync inside the producer's call.
  o.max_queue = 10;
  o.sync_every = 1;
  return o;
}

Costs run_async(uint32_t stall_ms) {
  StallSink sink(stall_ms);
  static tinytb::EventWriter<16384, 8, 32> writer;
  static tinytb::AsyncRing<64, 128> values;
  static tinytb::AsyncRing<4, 9728> frames;
  tinytb::AsyncWriter async(writer, values, &frames);
  Costs c;
  if (writer.open(sink, writer_options(stall_ms ? "async-stall" : "async")) != tinytb::Status::kOk) abort();
  tinytb::AsyncOptions ao;
  ao.os = tinytb::host_os();
  if (async.start(ao) != tinytb::Status::kOk) abort();
  std::atomic<bool> stop{false};
  std::thread drain([&] {
    while (!stop.load()) {
      (void)async.drain();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  const tinytb::ImageView view = tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, g_frame, 96, 96);
  for (int k = 0; k < kImages; ++k) {
    make_frame(k);
    for (int i = 0; i < kScalars; ++i) {
      c.scalar_ns.push_back(timed([&] { (void)async.scalar("bench/scalar", k * kScalars + i, 1.0f * i); }));
    }
    c.image_ns.push_back(timed([&] { (void)async.image("bench/gray", k, view, g_png); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a camera at ~50 fps
  }
  stop.store(true);
  drain.join();
  c.dropped = async.stats().dropped_records;
  must(async.close());
  if (async.stats().rejected_records != 0) abort();
  return c;
}

Costs run_sync(uint32_t stall_ms) {
  StallSink sink(stall_ms);
  static tinytb::EventWriter<16384, 8, 32> writer;
  Costs c;
  if (writer.open(sink, writer_options(stall_ms ? "sync-stall" : "sync")) != tinytb::Status::kOk) abort();
  const tinytb::ImageView view = tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, g_frame, 96, 96);
  // Fewer calls: each flush waits 2 x stall_ms.
  const int images = stall_ms != 0 ? 3 : kImages;
  for (int k = 0; k < images; ++k) {
    make_frame(k);
    for (int i = 0; i < 9; ++i) {  // the image is every 10th record: it flushes (max_queue 10)
      c.scalar_ns.push_back(timed([&] { must(writer.scalar("bench/scalar", k * kScalars + i, 1.0f * i)); }));
    }
    c.image_ns.push_back(timed([&] { must(writer.image("bench/gray", k, view, g_png)); }));
  }
  must(writer.close());
  return c;
}

// The alternative docs/async.md weighs: one single-producer ring per producer (no CAS).
struct SpscRing {
  uint32_t head = 0;  // the producer's
  uint32_t tail = 0;  // the consumer's
  alignas(8) uint8_t slots[64][128];
  bool push(const uint8_t* value, size_t n) {
    const uint32_t h = __atomic_load_n(&head, __ATOMIC_RELAXED);
    if (h - __atomic_load_n(&tail, __ATOMIC_ACQUIRE) == 64) return false;
    memcpy(slots[h & 63], value, n);
    __atomic_store_n(&head, h + 1, __ATOMIC_RELEASE);
    return true;
  }
  bool pop(uint8_t* out, size_t n) {
    const uint32_t t = __atomic_load_n(&tail, __ATOMIC_RELAXED);
    if (__atomic_load_n(&head, __ATOMIC_ACQUIRE) == t) return false;
    memcpy(out, slots[t & 63], n);
    __atomic_store_n(&tail, t + 1, __ATOMIC_RELEASE);
    return true;
  }
};

// ns per push + pop of a 72-byte value (a scalar's slot), one thread, uncontended.
void ring_costs(double* mpmc_ns, double* spsc_ns) {
  constexpr int kTurns = 2000000;
  static tinytb::AsyncRing<64, 128> mpmc;
  static SpscRing spsc;
  uint8_t value[72] = {1, 2, 3};
  uint8_t out[72];
  uint32_t sum = 0;
  auto t0 = Clock::now();
  for (int i = 0; i < kTurns; ++i) {
    value[0] = static_cast<uint8_t>(i);
    tinytb::RingSlot w = mpmc.try_claim();
    memcpy(w.data, value, sizeof(value));
    mpmc.publish(w);
    tinytb::RingSlot r = mpmc.try_take();
    memcpy(out, r.data, sizeof(out));
    mpmc.release(r);
    sum += out[0];
  }
  *mpmc_ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / kTurns;
  t0 = Clock::now();
  for (int i = 0; i < kTurns; ++i) {
    value[0] = static_cast<uint8_t>(i);
    if (!spsc.push(value, sizeof(value)) || !spsc.pop(out, sizeof(out))) abort();
    sum += out[0];
  }
  *spsc_ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / kTurns;
  if (sum == 1) printf(" ");  // keep the loops
}

}  // namespace

int main(int argc, char** argv) {
  const char* json = nullptr;
  for (int i = 1; i + 1 < argc; ++i) {
    if (strcmp(argv[i], "--json") == 0) json = argv[i + 1];
  }
  struct Row {
    const char* path;
    uint32_t stall;
    Costs c;
  };
  std::vector<Row> rows;
  for (uint32_t stall : {0u, 100u}) {
    rows.push_back(Row{"async", stall, run_async(stall)});
    rows.push_back(Row{"sync", stall, run_sync(stall)});
  }
  printf("| path | sink stall | scalar p50 | scalar max | 96x96 gray image p50 | image max | dropped |\n");
  printf("|---|---|---|---|---|---|---|\n");
  std::string out = "{\"host\": [";
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    printf("| %s | %u ms | %.0f ns | %.0f ns | %.0f ns | %.0f ns | %u |\n", r.path, r.stall, pct(r.c.scalar_ns, 0.5),
           pct(r.c.scalar_ns, 1.0), pct(r.c.image_ns, 0.5), pct(r.c.image_ns, 1.0), r.c.dropped);
    char buf[400];
    snprintf(buf, sizeof(buf),
             "%s{\"path\": \"%s\", \"stall_ms\": %u, \"scalar_p50_ns\": %.0f, \"scalar_max_ns\": %.0f, "
             "\"image_p50_ns\": %.0f, \"image_max_ns\": %.0f, \"dropped\": %u}",
             i ? ", " : "", r.path, r.stall, pct(r.c.scalar_ns, 0.5), pct(r.c.scalar_ns, 1.0), pct(r.c.image_ns, 0.5),
             pct(r.c.image_ns, 1.0), r.c.dropped);
    out += buf;
  }
  double mpmc_ns = 0, spsc_ns = 0;
  ring_costs(&mpmc_ns, &spsc_ns);
  printf("\nring only, push + pop of a 72-byte value, one thread: multi-producer ring (CAS) %.1f ns, "
         "single-producer ring %.1f ns\n", mpmc_ns, spsc_ns);
  char tail[160];
  snprintf(tail, sizeof(tail), "], \"ring_mpmc_ns\": %.1f, \"ring_spsc_ns\": %.1f}\n", mpmc_ns, spsc_ns);
  out += tail;
  if (json != nullptr) {
    FILE* f = fopen(json, "w");
    if (f != nullptr) {
      fputs(out.c_str(), f);
      fclose(f);
    }
  }
  return 0;
}
