// tinytb: HParamsPluginData through nanopb, every string and array a callback over the
// caller's memory (format/hparams_data.h).
#include "format/hparams_data.h"

#include <pb_encode.h>
#include <stdint.h>
#include <string.h>

#include "proto/tensorboard_event.pb.h"

namespace tinytb {
namespace detail {
namespace {

static_assert(sizeof(double) == sizeof(uint64_t), "the times are IEEE-754 binary64 bits");

// A NUL-terminated string; proto3 leaves an empty one out, and so do we (the same bytes
// as TensorBoard's own writer).
bool encode_cstr(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const char* text = static_cast<const char*>(*arg);
  if (text == nullptr || text[0] == '\0') return true;
  return pb_encode_tag_for_field(stream, field) &&
         pb_encode_string(stream, reinterpret_cast<const pb_byte_t*>(text), strlen(text));
}

// Value.string_value: one member of a oneof in TensorBoard's message, so an empty text is
// still written (key and length 0), or the value would have no kind at all.
bool encode_string_value(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const char* text = static_cast<const char*>(*arg);
  return pb_encode_tag_for_field(stream, field) &&
         pb_encode_string(stream, reinterpret_cast<const pb_byte_t*>(text), strlen(text));
}

void set_cstr(pb_callback_t* cb, const char* text) {
  cb->funcs.encode = encode_cstr;
  cb->arg = const_cast<char*>(text);
}

bool encode_hparam_infos(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const HParamsExperiment& e = *static_cast<const HParamsExperiment*>(*arg);
  for (size_t i = 0; i < e.hparam_count; ++i) {
    tinytb_pb_HParamInfo info = tinytb_pb_HParamInfo_init_zero;
    set_cstr(&info.name, e.hparams[i].name);
    info.type = static_cast<tinytb_pb_HParamsDataType>(e.hparams[i].type);
    if (!pb_encode_tag_for_field(stream, field) || !pb_encode_submessage(stream, tinytb_pb_HParamInfo_fields, &info)) {
      return false;
    }
  }
  return true;
}

bool encode_metric_infos(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const HParamsExperiment& e = *static_cast<const HParamsExperiment*>(*arg);
  for (size_t i = 0; i < e.metric_count; ++i) {
    tinytb_pb_HParamsMetricInfo info = tinytb_pb_HParamsMetricInfo_init_zero;
    info.has_name = true;
    set_cstr(&info.name.group, e.metrics[i].group);
    set_cstr(&info.name.tag, e.metrics[i].tag);
    set_cstr(&info.display_name, e.metrics[i].display_name);
    if (!pb_encode_tag_for_field(stream, field) ||
        !pb_encode_submessage(stream, tinytb_pb_HParamsMetricInfo_fields, &info)) {
      return false;
    }
  }
  return true;
}

// SessionStartInfo.hparams, a map: one {key, google.protobuf.Value} entry per hparam.
bool encode_session_hparams(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const HParamsData& d = *static_cast<const HParamsData*>(*arg);
  for (size_t i = 0; i < d.hparam_count; ++i) {
    const HParam& p = d.hparams[i];
    tinytb_pb_HParamsEntry entry = tinytb_pb_HParamsEntry_init_zero;
    set_cstr(&entry.key, p.name);
    entry.has_value = true;
    switch (p.type) {
      case HParamType::kNumber:
        entry.value.has_number_value = true;
        entry.value.number_value = p.number_value;
        break;
      case HParamType::kFlag:
        entry.value.has_bool_value = true;
        entry.value.bool_value = p.flag_value;
        break;
      case HParamType::kText:
        entry.value.string_value.funcs.encode = encode_string_value;
        entry.value.string_value.arg = const_cast<char*>(p.text_value);
        break;
    }
    if (!pb_encode_tag_for_field(stream, field) || !pb_encode_submessage(stream, tinytb_pb_HParamsEntry_fields, &entry)) {
      return false;
    }
  }
  return true;
}

void build(const HParamsData& d, tinytb_pb_HParamsPluginData* msg) {
  *msg = tinytb_pb_HParamsPluginData{};
  msg->version = 0;
  switch (d.kind) {
    case HParamsData::Kind::kExperiment: {
      msg->which_data = tinytb_pb_HParamsPluginData_experiment_tag;
      tinytb_pb_HParamsExperiment& e = msg->data.experiment;
      set_cstr(&e.name, d.experiment->name);
      set_cstr(&e.description, d.experiment->description);
      memcpy(&e.time_created_secs, &d.time_bits, sizeof(double));
      e.hparam_infos.funcs.encode = encode_hparam_infos;
      e.hparam_infos.arg = const_cast<HParamsExperiment*>(d.experiment);
      e.metric_infos.funcs.encode = encode_metric_infos;
      e.metric_infos.arg = const_cast<HParamsExperiment*>(d.experiment);
      break;
    }
    case HParamsData::Kind::kSessionStart: {
      msg->which_data = tinytb_pb_HParamsPluginData_session_start_info_tag;
      tinytb_pb_HParamsSessionStartInfo& s = msg->data.session_start_info;
      s.hparams.funcs.encode = encode_session_hparams;
      s.hparams.arg = const_cast<HParamsData*>(&d);
      set_cstr(&s.group_name, d.group_name);
      memcpy(&s.start_time_secs, &d.time_bits, sizeof(double));
      break;
    }
    case HParamsData::Kind::kSessionEnd:
      msg->which_data = tinytb_pb_HParamsPluginData_session_end_info_tag;
      msg->data.session_end_info.status = static_cast<tinytb_pb_HParamsStatus>(d.status);
      memcpy(&msg->data.session_end_info.end_time_secs, &d.time_bits, sizeof(double));
      break;
  }
}

bool forward(pb_ostream_t* stream, const pb_byte_t* data, size_t size) {
  return static_cast<ByteOut*>(stream->state)->write(data, size);
}

}  // namespace

bool hparams_data_size(const HParamsData& data, size_t* size) {
  tinytb_pb_HParamsPluginData msg;
  build(data, &msg);
  return pb_get_encoded_size(size, tinytb_pb_HParamsPluginData_fields, &msg);
}

bool write_hparams_data(const void* context, ByteOut* out) {
  tinytb_pb_HParamsPluginData msg;
  build(*static_cast<const HParamsData*>(context), &msg);
  pb_ostream_t stream = {};
  stream.callback = forward;
  stream.state = out;
  stream.max_size = SIZE_MAX;
  return pb_encode(&stream, tinytb_pb_HParamsPluginData_fields, &msg);
}

}  // namespace detail
}  // namespace tinytb
