// tinytb: the event layer's general path, nanopb encoding with callbacks over caller memory:
// every event shape, and the streamed forms (split, stream). Reached only through
// kGeneralCodec and the stream functions, which the writer's image, histogram, audio,
// hparams and top-k calls name; a build whose calls never do links no nanopb
// (docs/firmware.md, "Scalars and text without nanopb").
//
// Every variable-length field is a nanopb callback (see proto/tensorboard_event.options),
// so the message structs below are small, fixed and on the stack, and the bytes of tags,
// strings and values are streamed from where the caller keeps them.
#include "format/event.h"

#include <pb_encode.h>
#include <string.h>

#include "proto/tensorboard_event.pb.h"

namespace tinytb {
namespace detail {
namespace {

// A produced blob's bytes go through nanopb's stream (summary_value.h: ByteOut).
bool to_pb_stream(void* stream, const uint8_t* data, size_t size) {
  return pb_write(static_cast<pb_ostream_t*>(stream), data, size);
}

// ---- field callbacks --------------------------------------------------------------

struct Text {
  const char* data;
  size_t size;
};

bool encode_text(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const Text* text = static_cast<const Text*>(*arg);
  return pb_encode_tag_for_field(stream, field) &&
         pb_encode_string(stream, reinterpret_cast<const pb_byte_t*>(text->data), text->size);
}

bool encode_floats(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const TensorSpec* tensor = static_cast<const TensorSpec*>(*arg);
  if (!pb_encode_tag(stream, PB_WT_STRING, field->tag)) return false;
  if (!pb_encode_varint(stream, 4u * tensor->float_count)) return false;
  for (size_t i = 0; i < tensor->float_count; ++i) {
    if (!pb_encode_fixed32(stream, &tensor->floats[i])) return false;
  }
  return true;
}

// String `index` of `source` as one length-delimited field (its key already written).
bool to_split(pb_ostream_t* stream, const pb_byte_t* data, size_t size);
bool add_hole(pb_ostream_t* stream, const Blob& blob, const void* context, size_t index);

bool encode_blob(pb_ostream_t* stream, const StringSource& source, size_t index) {
  const Blob blob = source.at(source.context, index);
  if (blob.data != nullptr || blob.size == 0) return pb_encode_string(stream, blob.data, blob.size);
  if (blob.produce == nullptr || !pb_encode_varint(stream, blob.size)) return false;
  if (stream->callback == nullptr) return pb_write(stream, nullptr, blob.size);  // sizing: count, produce nothing
  if (stream->callback == to_split) {  // left as a hole: produced later, outside nanopb
    return add_hole(stream, blob, source.context, index) && pb_write(stream, nullptr, blob.size);
  }
  const size_t start = stream->bytes_written;
  ByteOut out(to_pb_stream, stream);
  return blob.produce(source.context, index, &out) && stream->bytes_written - start == blob.size;
}

bool encode_strings(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const StringSource* source = static_cast<const StringSource*>(*arg);
  for (size_t i = 0; i < source->count; ++i) {
    if (!pb_encode_tag_for_field(stream, field) || !encode_blob(stream, *source, i)) return false;
  }
  return true;
}

// tensor_content: one Blob, from memory or produced while encoding (never during sizing).
bool encode_content(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const TensorSpec* tensor = static_cast<const TensorSpec*>(*arg);
  const Blob& blob = tensor->content;
  if (!pb_encode_tag_for_field(stream, field)) return false;
  if (blob.data != nullptr) return pb_encode_string(stream, blob.data, blob.size);
  if (blob.produce == nullptr || !pb_encode_varint(stream, blob.size)) return false;
  if (stream->callback == nullptr) return pb_write(stream, nullptr, blob.size);  // sizing pass
  const size_t start = stream->bytes_written;
  ByteOut out(to_pb_stream, stream);
  return blob.produce(tensor->content_context, 0, &out) && stream->bytes_written - start == blob.size;
}

bool encode_dims(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const TensorSpec* tensor = static_cast<const TensorSpec*>(*arg);
  for (uint8_t i = 0; i < tensor->rank; ++i) {
    tinytb_pb_TensorShapeProto_Dim dim = tinytb_pb_TensorShapeProto_Dim_init_zero;
    dim.size = tensor->dims[i];
    if (!pb_encode_tag_for_field(stream, field) ||
        !pb_encode_submessage(stream, tinytb_pb_TensorShapeProto_Dim_fields, &dim)) {
      return false;
    }
  }
  return true;
}

// The Summary.Value(s) of a summary event, with everything their callbacks point at.
struct ValueContext {
  const SummarySpec* spec;
  Text tag;
  Text plugin;
  Text plugin_content;
  size_t item;  // the classic value being encoded (ClassicSpec::items)
};

// ---- the classic values (docs/format.md, "Summary forms") ----------------------------

constexpr bool kClassicBuilt = (TINYTB_SUMMARY_FORMS & 1) != 0;
constexpr const char kWavContentType[] = "audio/wav";
const Text kWavText = {kWavContentType, sizeof(kWavContentType) - 1};

// "<tag>", or "<tag><suffix><item>" for one of several values.
bool encode_item_tag(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const ValueContext* ctx = static_cast<const ValueContext*>(*arg);
  const ClassicSpec& classic = ctx->spec->classic;
  char digits[20];
  size_t n = 0;
  size_t suffix_len = 0;
  if (classic.items > 1) {
    suffix_len = strlen(classic.suffix);
    size_t v = ctx->item;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
  }
  if (!pb_encode_tag_for_field(stream, field) || !pb_encode_varint(stream, ctx->tag.size + suffix_len + n) ||
      !pb_write(stream, reinterpret_cast<const pb_byte_t*>(ctx->tag.data), ctx->tag.size) ||
      !pb_write(stream, reinterpret_cast<const pb_byte_t*>(classic.suffix), suffix_len)) {
    return false;
  }
  while (n > 0) {
    const pb_byte_t d = static_cast<pb_byte_t>(digits[--n]);
    if (!pb_write(stream, &d, 1)) return false;
  }
  return true;
}

// The image or audio bytes of the current item.
bool encode_item_blob(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const ValueContext* ctx = static_cast<const ValueContext*>(*arg);
  const SummarySpec& spec = *ctx->spec;
  return pb_encode_tag_for_field(stream, field) &&
         encode_blob(stream, spec.tensor.strings, spec.classic.first + ctx->item * spec.classic.stride);
}

// bucket_limit and bucket: packed doubles read from the histogram.
bool encode_doubles(pb_ostream_t* stream, const pb_field_t* field, const ClassicSpec& classic,
                    double (*get)(const void*, size_t)) {
  if (!pb_encode_tag(stream, PB_WT_STRING, field->tag) || !pb_encode_varint(stream, 8u * classic.buckets)) {
    return false;
  }
  for (size_t i = 0; i < classic.buckets; ++i) {
    const double d = get(classic.histo, i);
    if (!pb_encode_fixed64(stream, &d)) return false;
  }
  return true;
}

bool encode_limits(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const ClassicSpec& classic = *static_cast<const ClassicSpec*>(*arg);
  return encode_doubles(stream, field, classic, classic.limit);
}

bool encode_counts(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const ClassicSpec& classic = *static_cast<const ClassicSpec*>(*arg);
  return encode_doubles(stream, field, classic, classic.count);
}

bool encode_classic_values(pb_ostream_t* stream, const pb_field_t* field, ValueContext* ctx) {
  const SummarySpec& spec = *ctx->spec;
  const ClassicSpec& classic = spec.classic;
  const bool per_item = classic.kind == ValueKind::kImage || classic.kind == ValueKind::kAudio;
  const size_t values = per_item ? classic.items : 1;
  if (values == 0) return false;
  for (size_t i = 0; i < values; ++i) {
    ctx->item = i;
    tinytb_pb_Summary_Value value = tinytb_pb_Summary_Value_init_zero;
    value.tag.funcs.encode = encode_item_tag;
    value.tag.arg = ctx;
    switch (classic.kind) {
      case ValueKind::kSimple:
        if (spec.tensor.floats == nullptr) return false;
        value.which_value = tinytb_pb_Summary_Value_simple_value_tag;
        value.value.simple_value = spec.tensor.floats[0];
        break;
      case ValueKind::kImage:
        value.which_value = tinytb_pb_Summary_Value_image_tag;
        value.value.image.height = classic.height;
        value.value.image.width = classic.width;
        value.value.image.colorspace = classic.colorspace;
        value.value.image.encoded_image_string.funcs.encode = encode_item_blob;
        value.value.image.encoded_image_string.arg = ctx;
        break;
      case ValueKind::kAudio:
        value.which_value = tinytb_pb_Summary_Value_audio_tag;
        value.value.audio.sample_rate = classic.sample_rate;
        value.value.audio.num_channels = classic.num_channels;
        value.value.audio.length_frames = classic.frames(spec.tensor.strings.context, i);
        value.value.audio.encoded_audio_string.funcs.encode = encode_item_blob;
        value.value.audio.encoded_audio_string.arg = ctx;
        value.value.audio.content_type.funcs.encode = encode_text;
        value.value.audio.content_type.arg = const_cast<Text*>(&kWavText);
        break;
      case ValueKind::kHisto:
        value.which_value = tinytb_pb_Summary_Value_histo_tag;
        value.value.histo.min = classic.min;
        value.value.histo.max = classic.max;
        value.value.histo.num = classic.num;
        value.value.histo.sum = classic.sum;
        value.value.histo.sum_squares = classic.sum_squares;
        if (classic.buckets > 0) {
          value.value.histo.bucket_limit.funcs.encode = encode_limits;
          value.value.histo.bucket_limit.arg = const_cast<ClassicSpec*>(&classic);
          value.value.histo.bucket.funcs.encode = encode_counts;
          value.value.histo.bucket.arg = const_cast<ClassicSpec*>(&classic);
        }
        break;
      case ValueKind::kTensor:
        return false;
    }
    if (!pb_encode_tag_for_field(stream, field) ||
        !pb_encode_submessage(stream, tinytb_pb_Summary_Value_fields, &value)) {
      return false;
    }
  }
  return true;
}

// PluginData.content produced by the spec's plugin_produce (sizing passes only count it).
bool encode_plugin_produced(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  const SummarySpec& spec = *static_cast<const ValueContext*>(*arg)->spec;
  const size_t size = spec.plugin_content_size;
  if (spec.plugin_produce == nullptr || !pb_encode_tag_for_field(stream, field) || !pb_encode_varint(stream, size)) {
    return false;
  }
  if (stream->callback == nullptr) return pb_write(stream, nullptr, size);
  const size_t start = stream->bytes_written;
  ByteOut out(to_pb_stream, stream);
  return spec.plugin_produce(spec.plugin_context, &out) && stream->bytes_written - start == size;
}

bool encode_value(pb_ostream_t* stream, const pb_field_t* field, void* const* arg) {
  ValueContext* ctx = static_cast<ValueContext*>(*arg);
  const SummarySpec& spec = *ctx->spec;
  const TensorSpec& tensor = spec.tensor;
  if (spec.classic.kind != ValueKind::kTensor) return kClassicBuilt && encode_classic_values(stream, field, ctx);

  tinytb_pb_Summary_Value value = tinytb_pb_Summary_Value_init_zero;
  value.tag.funcs.encode = encode_text;
  value.tag.arg = &ctx->tag;
  value.which_value = tinytb_pb_Summary_Value_tensor_tag;
  tinytb_pb_TensorProto& proto = value.value.tensor;
  proto.dtype = static_cast<tinytb_pb_DataType>(tensor.dtype);
  if (tensor.rank > 0) {
    proto.has_tensor_shape = true;
    proto.tensor_shape.dim.funcs.encode = encode_dims;
    proto.tensor_shape.dim.arg = const_cast<TensorSpec*>(&tensor);
  }
  if (tensor.float_count > 0) {
    proto.float_val.funcs.encode = encode_floats;
    proto.float_val.arg = const_cast<TensorSpec*>(&tensor);
  }
  if (tensor.strings.count > 0) {
    proto.string_val.funcs.encode = encode_strings;
    proto.string_val.arg = const_cast<StringSource*>(&tensor.strings);
  }
  if (tensor.content.size > 0) {
    proto.tensor_content.funcs.encode = encode_content;
    proto.tensor_content.arg = const_cast<TensorSpec*>(&tensor);
  }
  if (spec.with_metadata) {
    value.has_metadata = true;
    value.metadata.has_plugin_data = true;
    value.metadata.plugin_data.plugin_name.funcs.encode = encode_text;
    value.metadata.plugin_data.plugin_name.arg = &ctx->plugin;
    value.metadata.data_class = static_cast<tinytb_pb_DataClass>(spec.data_class);
    if (spec.plugin_content_size > 0) {
      value.metadata.plugin_data.content.funcs.encode =
          spec.plugin_content == nullptr ? encode_plugin_produced : encode_text;
      value.metadata.plugin_data.content.arg = spec.plugin_content == nullptr ? static_cast<void*>(ctx)
                                                                               : &ctx->plugin_content;
    }
  }
  return pb_encode_tag_for_field(stream, field) && pb_encode_submessage(stream, tinytb_pb_Summary_Value_fields, &value);
}

// ---- the Event ----------------------------------------------------------------------

struct EventContext {
  tinytb_pb_Event proto;
  ValueContext value;
  Text version;
};

void build(const EventSpec& event, EventContext* ctx) {
  ctx->proto = tinytb_pb_Event{};
  // The bits as they are: a copy, no floating-point arithmetic (nanopb writes the field's
  // memory as a fixed64, and leaves it out when all its bytes are zero).
  static_assert(sizeof(ctx->proto.wall_time) == sizeof(event.wall_time_bits), "Event.wall_time is a double");
  memcpy(&ctx->proto.wall_time, &event.wall_time_bits, sizeof(event.wall_time_bits));
  ctx->proto.step = event.step;
  if (event.summary == nullptr) {
    ctx->version = Text{kFileVersion, sizeof(kFileVersion) - 1};
    ctx->proto.which_what = tinytb_pb_Event_file_version_tag;
    ctx->proto.what.file_version.funcs.encode = encode_text;
    ctx->proto.what.file_version.arg = &ctx->version;
    return;
  }
  const SummarySpec& spec = *event.summary;
  ctx->value.spec = &spec;
  ctx->value.tag = Text{spec.tag, spec.tag_len};
  ctx->value.item = 0;
  ctx->value.plugin = Text{spec.plugin_name, spec.plugin_name != nullptr ? strlen(spec.plugin_name) : 0};
  ctx->value.plugin_content = Text{reinterpret_cast<const char*>(spec.plugin_content), spec.plugin_content_size};
  ctx->proto.which_what = tinytb_pb_Event_summary_tag;
  ctx->proto.what.summary.value.funcs.encode = encode_value;
  ctx->proto.what.summary.value.arg = &ctx->value;
}

}  // namespace

bool event_size_general(const EventSpec& event, size_t* size) {
  EventContext ctx;
  build(event, &ctx);
  return pb_get_encoded_size(size, tinytb_pb_Event_fields, &ctx.proto);
}

// nanopb's buffer stream with memmove instead of memcpy: a blob may already lie in the
// output buffer a little further on (images compressed into the queue: src/png/png_batch.h),
// and is moved down into place behind the headers written before it.
namespace {
bool move_into_buffer(pb_ostream_t* stream, const pb_byte_t* data, size_t size) {
  pb_byte_t* dest = static_cast<pb_byte_t*>(stream->state);
  stream->state = dest + size;
  if (dest != data) memmove(dest, data, size);
  return true;
}
}  // namespace

bool encode_event_general(const EventSpec& event, uint8_t* out, size_t size) {
  EventContext ctx;
  build(event, &ctx);
  pb_ostream_t stream = pb_ostream_from_buffer(out, size);
  stream.callback = move_into_buffer;
  return pb_encode(&stream, tinytb_pb_Event_fields, &ctx.proto) && stream.bytes_written == size;
}

namespace {
bool to_event_out(pb_ostream_t* stream, const pb_byte_t* data, size_t size) {
  const EventOut* out = static_cast<const EventOut*>(stream->state);
  return out->write(out->context, data, size);
}
}  // namespace

namespace {

// The split stream: gap bytes up from scratch[0], hole records down from its end; a null
// `data` is a hole's bytes, which are only counted.
bool to_split(pb_ostream_t* stream, const pb_byte_t* data, size_t size) {
  EventSplit* split = static_cast<EventSplit*>(stream->state);
  if (data == nullptr) return true;
  if (size > split->records_start() - split->gap_bytes) return false;
  memcpy(split->scratch + split->gap_bytes, data, size);
  split->gap_bytes += size;
  return true;
}

bool add_hole(pb_ostream_t* stream, const Blob& blob, const void* context, size_t index) {
  EventSplit* split = static_cast<EventSplit*>(stream->state);
  if (split->records_start() - split->gap_bytes < sizeof(EventHole)) return false;
  const EventHole hole{blob.produce, context, index, blob.size, split->gap_bytes};
  ++split->holes;
  memcpy(split->scratch + split->records_start(), &hole, sizeof(hole));  // the scratch may be unaligned
  return true;
}

}  // namespace

EventHole EventSplit::hole(size_t i) const {
  EventHole h;
  memcpy(&h, scratch + scratch_bytes - (i + 1) * sizeof(EventHole), sizeof(h));
  return h;
}

bool encode_event_split(const EventSpec& event, size_t size, uint8_t* scratch, size_t scratch_bytes,
                        EventSplit* split) {
  *split = EventSplit{};
  split->scratch = scratch;
  split->scratch_bytes = scratch_bytes;
  EventContext ctx;
  build(event, &ctx);
  pb_ostream_t stream = PB_OSTREAM_SIZING;
  stream.callback = to_split;
  stream.state = split;
  stream.max_size = size;
  return pb_encode(&stream, tinytb_pb_Event_fields, &ctx.proto) && stream.bytes_written == size;
}

bool produce_hole(const EventHole& hole, EventOut out) {
  if (out.write == nullptr || hole.produce == nullptr) return false;
  pb_ostream_t stream = PB_OSTREAM_SIZING;
  stream.callback = to_event_out;
  stream.state = &out;
  stream.max_size = hole.size;
  ByteOut bytes(to_pb_stream, &stream);
  return hole.produce(hole.context, hole.index, &bytes) && stream.bytes_written == hole.size;
}

bool encode_event_stream(const EventSpec& event, size_t size, EventOut out) {
  if (out.write == nullptr) return false;
  EventContext ctx;
  build(event, &ctx);  // nanopb for every shape: the direct path's bytes are the same (event_direct_test)
  pb_ostream_t stream = PB_OSTREAM_SIZING;
  stream.callback = to_event_out;
  stream.state = &out;
  stream.max_size = size;
  return pb_encode(&stream, tinytb_pb_Event_fields, &ctx.proto) && stream.bytes_written == size;
}

const EventCodec kGeneralCodec = {event_size_general, encode_event_general};

}  // namespace detail
}  // namespace tinytb
