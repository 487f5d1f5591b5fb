// tinytb (internal): TensorBoard's HParamsPluginData (version 0), the content of the
// hparams plugin's summary metadata, streamed by nanopb from the caller's HParam arrays.
// The writer (src/writer/log_hparams.cc) checks the inputs, sizes the content with
// hparams_data_size() and lets the event encoder call write_hparams_data() as the
// spec's plugin_produce (format/summary_value.h), so the message is never held whole.
#ifndef TINYTB_SRC_FORMAT_HPARAMS_DATA_H_
#define TINYTB_SRC_FORMAT_HPARAMS_DATA_H_

#include <stddef.h>
#include <stdint.h>

#include "format/summary_value.h"
#include "tinytb/hparams.h"

namespace tinytb {
namespace detail {

// The three messages of the plugin: the experiment (hparam and metric infos), a session's
// start (its hparams) and its end (its status). Pointers into caller memory, unchecked here.
struct HParamsData {
  enum class Kind : uint8_t { kExperiment, kSessionStart, kSessionEnd };
  Kind kind = Kind::kSessionEnd;
  const HParamsExperiment* experiment = nullptr;  // kExperiment
  const HParam* hparams = nullptr;                // kSessionStart
  size_t hparam_count = 0;
  const char* group_name = "";                    // kSessionStart; "" = the run's name
  SessionStatus status = SessionStatus::kUnknown; // kSessionEnd
  // time_created_secs, start_time_secs or end_time_secs, as the double's bits (the writer's
  // wall_time_bits(): no double arithmetic on the board).
  uint64_t time_bits = 0;
};

// The serialized size; false if nanopb's sizing pass fails.
bool hparams_data_size(const HParamsData& data, size_t* size);

// Writes the serialized message to `out`; `context` is the HParamsData. The
// plugin_produce signature of SummarySpec.
bool write_hparams_data(const void* context, ByteOut* out);

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_FORMAT_HPARAMS_DATA_H_
