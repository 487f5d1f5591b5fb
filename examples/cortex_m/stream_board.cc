// tinytb Cortex-M firmware, streaming build: boot options and pacing (stream_board.h).
#include "stream_board.h"

#include <stddef.h>

#include "board.h"
#include "semihosting_sink.h"

namespace stream_board {
namespace {

constexpr uint32_t kSysGetCmdline = 0x15;
constexpr size_t kCmdlineBytes = 256;

// The word's value if `word` is "<key>=<decimal>" with a value that fits 32 bits.
bool parse_option(const char* word, size_t length, const char* key, uint32_t* value) {
  size_t i = 0;
  for (; key[i] != '\0'; ++i) {
    if (i >= length || word[i] != key[i]) return false;
  }
  if (i >= length || word[i] != '=') return false;
  ++i;
  if (i >= length) return false;
  uint64_t v = 0;
  for (; i < length; ++i) {
    if (word[i] < '0' || word[i] > '9') return false;
    v = v * 10 + static_cast<uint32_t>(word[i] - '0');
    if (v > UINT32_MAX) return false;
  }
  *value = static_cast<uint32_t>(v);
  return true;
}

uint64_t g_start_ms = 0;
bool g_started = false;

}  // namespace

Options read_options(uint32_t default_period_ms) {
  Options options;
  options.period_ms = default_period_ms;
  char cmdline[kCmdlineBytes] = {};
  uintptr_t args[2] = {reinterpret_cast<uintptr_t>(cmdline), sizeof(cmdline) - 1};
  if (tinytb::semihosting::native_call(kSysGetCmdline, args) == 0) {
    const size_t length = args[1] < sizeof(cmdline) ? args[1] : sizeof(cmdline) - 1;
    size_t start = 0;
    for (size_t i = 0; i <= length; ++i) {
      if (i < length && cmdline[i] != ' ' && cmdline[i] != '\0') continue;
      uint32_t value = 0;
      const char* word = cmdline + start;
      const size_t n = i - start;
      if (parse_option(word, n, "session", &value) && value != 0) {
        options.session_id = value;
        options.session_from_host = true;
      } else if (parse_option(word, n, "period_ms", &value)) {
        options.period_ms = value;
      }
      start = i + 1;
    }
  }
  if (!options.session_from_host) {
    // Never 0, which the stream may reserve for "no session".
    options.session_id = board::counter_ticks() * 2654435761u | 1u;
  }
  return options;
}

void wait_for_frame(uint32_t frame, uint32_t period_ms) {
  if (!g_started) {
    g_start_ms = board::uptime_ms();
    g_started = true;
  }
  const uint64_t due = g_start_ms + static_cast<uint64_t>(frame) * period_ms;
  while (board::uptime_ms() < due) {
  }
}

}  // namespace stream_board
