// tinytb: a run's hyperparameters and metadata for TensorBoard's HParams dashboard
// (docs/hparams.md). Plain data that points at the caller's strings; the writer's
// hparams_*() calls (writer/event_writer.h) turn it into the hparams plugin's records.
//
//   const tinytb::HParam run[] = {
//       tinytb::HParam::text("board", "nrf52840"),
//       tinytb::HParam::text("firmware", "1.4.2+3f9c2e1"),
//       tinytb::HParam::number("threshold", 0.6),
//       tinytb::HParam::flag("int8", true),
//   };
//   (void)writer.hparams_session_start(run, 4);          // once, before the metrics
//   ... writer.scalar("score", step, s) ...               // the metrics are ordinary scalars
//   (void)writer.hparams_session_end(tinytb::SessionStatus::kSuccess);
//
// Every string must be valid UTF-8, NUL-terminated, and stay valid for the call it is
// passed to (nothing is kept). Names need not be unique to the writer, but TensorBoard
// keeps one value per name in a run: give each hparam a distinct name.
#ifndef TINYTB_HPARAMS_H_
#define TINYTB_HPARAMS_H_

#include <stddef.h>
#include <stdint.h>

namespace tinytb {

// The kinds TensorBoard's HParams dashboard distinguishes (its DataType numbers).
enum class HParamType : uint8_t { kText = 1, kFlag = 2, kNumber = 3 };

// One hyperparameter or piece of run metadata: a name and a text, a flag or a number.
struct HParam {
  const char* name = nullptr;
  HParamType type = HParamType::kText;
  const char* text_value = nullptr;  // kText
  double number_value = 0.0;         // kNumber; must be finite
  bool flag_value = false;           // kFlag

  static HParam text(const char* name, const char* value) { return HParam{name, HParamType::kText, value, 0.0, false}; }
  static HParam number(const char* name, double value) {
    return HParam{name, HParamType::kNumber, nullptr, value, false};
  }
  static HParam flag(const char* name, bool value) { return HParam{name, HParamType::kFlag, nullptr, 0.0, value}; }
};

// A metric the dashboard shows beside the hparams: the tag of a scalar the runs log, and
// the run below the session's run it is in ("" for the session's run itself; "eval" for
// scalars written to "<run>/eval").
struct HParamMetric {
  const char* tag = nullptr;
  const char* group = "";
  const char* display_name = "";  // "" shows the tag
};

// How a run ended (TensorBoard's hparams Status numbers).
enum class SessionStatus : uint8_t { kUnknown = 0, kSuccess = 1, kFailure = 2, kRunning = 3 };

// The experiment: which hparams and metrics the dashboard offers as columns. Written once,
// by one run (TensorBoard takes the first experiment it finds and never re-reads it).
struct HParamsExperiment {
  const HParam* hparams = nullptr;  // names and types are used; values are ignored
  size_t hparam_count = 0;
  const HParamMetric* metrics = nullptr;
  size_t metric_count = 0;
  const char* name = "";
  const char* description = "";
};

}  // namespace tinytb

#endif  // TINYTB_HPARAMS_H_
