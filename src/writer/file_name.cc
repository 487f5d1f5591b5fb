// tinytb: the long event file name form.
#include "tinytb/writer/file_name.h"

#include "format/names.h"

namespace tinytb {

Status long_file_name(const FileNameParts& parts, char* out, size_t capacity) {
  if (out == nullptr || parts.host == nullptr || parts.suffix == nullptr || capacity == 0 ||
      parts.sequence > kMaxFileSequence) {
    if (out != nullptr && capacity > 0) out[0] = '\0';
    return Status::kInvalidArgument;
  }
  size_t pos = 0;
  const bool fits = detail::append_text(out, capacity, &pos, "events.out.tfevents.") &&
                    detail::append_decimal(out, capacity, &pos, parts.stamp, 10) &&
                    detail::append_text(out, capacity, &pos, ".") &&
                    detail::append_text(out, capacity, &pos, parts.host) &&
                    detail::append_text(out, capacity, &pos, ".") &&
                    detail::append_decimal(out, capacity, &pos, parts.sequence, 4) &&
                    detail::append_text(out, capacity, &pos, ".") &&
                    detail::append_text(out, capacity, &pos, parts.suffix);
  if (!fits) {
    out[0] = '\0';
    return Status::kInvalidArgument;
  }
  return Status::kOk;
}

}  // namespace tinytb
