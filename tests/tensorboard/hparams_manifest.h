// tinytb tests: the manifest's "hparams" section (tests/tensorboard/hparams_judge.py
// reads it), made from the same HParam arrays the program passed to the writer:
//
//   "hparams": {"experiment": {"run": R, "name": N, "description": D,
//                              "hparams": [{"name": n, "type": "DATA_TYPE_STRING"}, ...],
//                              "metrics": [{"group": g, "tag": t, "display_name": d}, ...]},
//               "sessions": {"<run>": {"hparams": {"<name>": value, ...}, "group": G,
//                                      "status": "STATUS_SUCCESS" | null}}}
//
// A number is printed with "%.17g" (round-trips a double). Test code: std library.
#ifndef TINYTB_TESTS_TENSORBOARD_HPARAMS_MANIFEST_H_
#define TINYTB_TESTS_TENSORBOARD_HPARAMS_MANIFEST_H_

#include <stdio.h>

#include <map>
#include <string>

#include "manifest.h"
#include "tinytb/hparams.h"

namespace tinytb_test {

inline const char* hparam_type_name(tinytb::HParamType type) {
  switch (type) {
    case tinytb::HParamType::kText: return "DATA_TYPE_STRING";
    case tinytb::HParamType::kFlag: return "DATA_TYPE_BOOL";
    case tinytb::HParamType::kNumber: return "DATA_TYPE_FLOAT64";
  }
  return "?";
}

inline const char* session_status_name(tinytb::SessionStatus status) {
  static const char* const kNames[] = {"STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"};
  return kNames[static_cast<int>(status)];
}

inline std::string hparam_value_json(const tinytb::HParam& p) {
  switch (p.type) {
    case tinytb::HParamType::kText: return json_string(p.text_value);
    case tinytb::HParamType::kFlag: return p.flag_value ? "true" : "false";
    case tinytb::HParamType::kNumber: {
      char buf[32];
      snprintf(buf, sizeof(buf), "%.17g", p.number_value);
      return buf;
    }
  }
  return "null";
}

class HParamsManifest {
 public:
  void experiment(const std::string& run, const tinytb::HParamsExperiment& e) {
    std::string j = "{\"run\": " + json_string(run) + ", \"name\": " + json_string(e.name) +
                    ", \"description\": " + json_string(e.description) + ", \"hparams\": [";
    for (size_t i = 0; i < e.hparam_count; ++i) {
      j += std::string(i ? ", " : "") + "{\"name\": " + json_string(e.hparams[i].name) + ", \"type\": \"" +
           hparam_type_name(e.hparams[i].type) + "\"}";
    }
    j += "], \"metrics\": [";
    for (size_t i = 0; i < e.metric_count; ++i) {
      j += std::string(i ? ", " : "") + "{\"group\": " + json_string(e.metrics[i].group) +
           ", \"tag\": " + json_string(e.metrics[i].tag) + ", \"display_name\": " +
           json_string(e.metrics[i].display_name) + "}";
    }
    experiment_ = j + "]}";
  }
  void session_start(const std::string& run, const tinytb::HParam* hparams, size_t count, const char* group) {
    std::string j = "{";
    for (size_t i = 0; i < count; ++i) {
      j += std::string(i ? ", " : "") + json_string(hparams[i].name) + ": " + hparam_value_json(hparams[i]);
    }
    sessions_[run].hparams = j + "}";
    sessions_[run].group = group;
  }
  void session_end(const std::string& run, tinytb::SessionStatus status) {
    sessions_[run].status = std::string("\"") + session_status_name(status) + "\"";
  }
  bool empty() const { return experiment_.empty() && sessions_.empty(); }

  std::string to_json() const {
    std::string out = "{\"experiment\": " + (experiment_.empty() ? std::string("null") : experiment_) +
                      ",\n  \"sessions\": {";
    bool first = true;
    for (const auto& s : sessions_) {
      out += std::string(first ? "" : ",") + "\n    " + json_string(s.first) + ": {\"hparams\": " +
             s.second.hparams + ", \"group\": " + json_string(s.second.group) + ", \"status\": " + s.second.status +
             "}";
      first = false;
    }
    return out + "}}";
  }

 private:
  struct Session {
    std::string hparams = "{}";
    std::string group;
    std::string status = "null";
  };
  std::string experiment_;
  std::map<std::string, Session> sessions_;
};

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_TENSORBOARD_HPARAMS_MANIFEST_H_
