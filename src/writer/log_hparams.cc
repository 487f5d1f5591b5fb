// tinytb: writer.hparams_*(): the hparams plugin's three records (docs/hparams.md). The
// inputs are checked here, the HParamsPluginData is sized by format/hparams_data and
// streamed into the record while log_summary() encodes it: no buffer holds it whole.
#include <string.h>

#include "format/hparams_data.h"
#include "format/names.h"
#include "tinytb/writer/event_writer.h"
#include "writer/writer_summary.h"

namespace tinytb {
namespace {

// The tags TensorBoard's hparams plugin looks for (plugins/hparams/metadata.py).
constexpr const char kExperimentTag[] = "_hparams_/experiment";
constexpr const char kSessionStartTag[] = "_hparams_/session_start_info";
constexpr const char kSessionEndTag[] = "_hparams_/session_end_info";

bool text_ok(const char* text, size_t limit, bool clean, bool may_be_empty) {
  if (text == nullptr) return false;
  const size_t n = detail::bounded_length(text, limit);
  if (n > limit || (n == 0 && !may_be_empty)) return false;
  return clean ? detail::is_clean_utf8(text, n) : detail::is_utf8(text, n);
}

// NaN and the infinities have every exponent bit set; read from the bits, so a board
// without a double-precision FPU links no soft-float comparison for it.
bool finite(double value) {
  uint64_t bits;
  memcpy(&bits, &value, sizeof(bits));
  return ((bits >> 52) & 0x7FFu) != 0x7FFu;
}

// `with_values`: a session's hparams (values written); else an experiment's (names and types).
bool hparams_ok(const HParam* hparams, size_t count, size_t limit, bool with_values) {
  if (hparams == nullptr || count == 0) return false;
  for (size_t i = 0; i < count; ++i) {
    const HParam& p = hparams[i];
    if (!text_ok(p.name, limit, true, false)) return false;
    switch (p.type) {
      case HParamType::kText:
        if (with_values && !text_ok(p.text_value, limit, false, true)) return false;
        break;
      case HParamType::kNumber:
        if (with_values && !finite(p.number_value)) return false;
        break;
      case HParamType::kFlag:
        break;
      default:
        return false;
    }
  }
  return true;
}

}  // namespace

// The plugin's records: a DT_FLOAT tensor of shape [0] (TensorBoard's NULL_TENSOR, what its
// own writer puts there) carrying the HParamsPluginData in the metadata.
Status EventWriterBase::log_hparams(const char* tag, detail::HParamsData& data) {
  const WallTime now = wall_time();
  data.time_bits = wall_time_bits(now);
  size_t content = 0;
  if (!detail::hparams_data_size(data, &content)) return Status::kEncodeError;
  Summary summary;
  summary.use_full_path();
  detail::SummarySpec& spec = summary.spec;
  spec.plugin_name = "hparams";
  spec.data_class = detail::DataClass::kTensor;
  spec.plugin_content_size = content;
  spec.plugin_produce = detail::write_hparams_data;
  spec.plugin_context = &data;
  spec.tensor.dtype = detail::DType::kFloat;
  spec.tensor.rank = 1;
  spec.tensor.dims[0] = 0;
  return log_summary(detail::TagRef{nullptr, tag}, 0, summary);
}

Status EventWriterBase::hparams_experiment(const HParamsExperiment& experiment) {
  const size_t limit = queue_cap_;
  if (!hparams_ok(experiment.hparams, experiment.hparam_count, limit, false) ||
      (experiment.metric_count > 0 && experiment.metrics == nullptr) ||
      !text_ok(experiment.name, limit, false, true) || !text_ok(experiment.description, limit, false, true)) {
    return Status::kInvalidArgument;
  }
  for (size_t i = 0; i < experiment.metric_count; ++i) {
    const HParamMetric& m = experiment.metrics[i];
    if (!text_ok(m.tag, limit, true, false) || !text_ok(m.group, limit, true, true) ||
        !text_ok(m.display_name, limit, false, true)) {
      return Status::kInvalidArgument;
    }
  }
  detail::HParamsData data;
  data.kind = detail::HParamsData::Kind::kExperiment;
  data.experiment = &experiment;
  return log_hparams(kExperimentTag, data);
}

Status EventWriterBase::hparams_session_start(const HParam* hparams, size_t count, const char* group_name) {
  if (!hparams_ok(hparams, count, queue_cap_, true) || !text_ok(group_name, queue_cap_, false, true)) {
    return Status::kInvalidArgument;
  }
  detail::HParamsData data;
  data.kind = detail::HParamsData::Kind::kSessionStart;
  data.hparams = hparams;
  data.hparam_count = count;
  data.group_name = group_name;
  return log_hparams(kSessionStartTag, data);
}

Status EventWriterBase::hparams_session_end(SessionStatus status) {
  if (static_cast<uint8_t>(status) > static_cast<uint8_t>(SessionStatus::kRunning)) return Status::kInvalidArgument;
  detail::HParamsData data;
  data.kind = detail::HParamsData::Kind::kSessionEnd;
  data.status = status;
  return log_hparams(kSessionEndTag, data);
}

}  // namespace tinytb
