// tinytb compat fixture: run hparams for TensorBoard's HParams dashboard (docs/hparams.md).
//
//   build/compat/hparams_writer --logdir DIR --manifest PATH [--form classic|tensor]
//
// Three runs as three boards would write them, differing in model and firmware: each
// starts a session with its hparams (text, number and flag values, an empty text, a zero
// and a false among them: the values a oneof must still carry), logs two metrics in its
// own run and one in "<run>/eval", and ends the session (success, failure, running). The
// first also writes the experiment (hparam and metric infos). tests/tensorboard/
// hparams_judge.py checks every record with TensorBoard's loader and its hparams HTTP API
// (/data/plugin/hparams/experiment and /session_groups). Exit status 0 only if every call
// succeeded, and every refusal below was refused.
#include <math.h>
#include <stdio.h>

#include <string>

#include "hparams_manifest.h"
#include "manifest.h"
#include "posix_sink.h"
#include "tinytb/tinytb.h"

namespace {

using tinytb::HParam;
using tinytb::Status;

tinytb_test::Manifest g_manifest;
tinytb_test::HParamsManifest g_hparams;
std::string g_logdir;
int g_failures = 0;

bool ok(Status got, const std::string& what, Status want = Status::kOk) {
  if (got == want) return true;
  fprintf(stderr, "hparams_writer: %s returned \"%s\", expected \"%s\"\n", what.c_str(), tinytb::status_name(got),
          tinytb::status_name(want));
  ++g_failures;
  return false;
}

tinytb::PosixSink g_sink;
tinytb::EventWriter<4096, 8, 48> g_writer;

const HParam kColumns[] = {
    HParam::text("board", ""),        HParam::text("firmware", ""), HParam::text("firmware_hash", ""),
    HParam::text("model", ""),        HParam::text("model_hash", ""), HParam::text("quantisation", ""),
    HParam::number("threshold", 0),   HParam::flag("int8", false),  HParam::text("notes", ""),
};
const tinytb::HParamMetric kMetrics[] = {
    {"score", "", "mean score"},
    {"latency_ms", "", ""},
    {"accuracy", "eval", "eval accuracy"},
};

struct Board {
  const char* run;
  HParam hparams[9];
  float score0;
  float latency;
  tinytb::SessionStatus status;
};

const Board kBoards[] = {
    {"board-a",
     {HParam::text("board", "nrf52840-dk"), HParam::text("firmware", "1.2.0"), HParam::text("firmware_hash", "3f9c2e1"),
      HParam::text("model", "person_det_int8"), HParam::text("model_hash", "a1b2c3d4"),
      HParam::text("quantisation", "int8 per-channel"), HParam::number("threshold", 0.6), HParam::flag("int8", true),
      HParam::text("notes", "")},
     0.70f, 41.5f, tinytb::SessionStatus::kSuccess},
    {"board-b",
     {HParam::text("board", "esp32-s3-eye"), HParam::text("firmware", "1.2.0"), HParam::text("firmware_hash", "3f9c2e1"),
      HParam::text("model", "person_det_f32"), HParam::text("model_hash", "99e0ff12"),
      HParam::text("quantisation", "none"), HParam::number("threshold", 0.0), HParam::flag("int8", false),
      HParam::text("notes", "float reference, \"ü\" & <b>")},
     0.80f, 120.25f, tinytb::SessionStatus::kFailure},
    {"board-c",
     {HParam::text("board", "rp2040"), HParam::text("firmware", "1.3.0-rc1"), HParam::text("firmware_hash", "0badc0de"),
      HParam::text("model", "person_det_int8"), HParam::text("model_hash", "a1b2c3d4"),
      HParam::text("quantisation", "int8 per-tensor"), HParam::number("threshold", -1.25e-3),
      HParam::flag("int8", true), HParam::text("notes", "rc")},
     0.65f, 88.0f, tinytb::SessionStatus::kRunning},
};

tinytb::WriterOptions options(const std::string& run) {
  static std::string keep;
  keep = run;
  tinytb::WriterOptions o;
  o.logdir = g_logdir.c_str();
  o.run = keep.c_str();
  o.host = "hparams";
  o.file_stamp = 7;
  o.clock = tinytb::posix_clock();
  o.form = tinytb_test::fixture_form();
  return o;
}

// What the writer must refuse, changing nothing (the run's records still judge clean).
void refusals(const Board& b) {
  HParam bad[2] = {b.hparams[0], b.hparams[1]};
  const std::string at = std::string(b.run) + ": refusal ";
  bad[1].name = nullptr;
  ok(g_writer.hparams_session_start(bad, 2), at + "null name", Status::kInvalidArgument);
  bad[1] = HParam::text("", "x");
  ok(g_writer.hparams_session_start(bad, 2), at + "empty name", Status::kInvalidArgument);
  bad[1] = HParam::text("x", nullptr);
  ok(g_writer.hparams_session_start(bad, 2), at + "null text", Status::kInvalidArgument);
  bad[1] = HParam::text("x", "\xC3\x28");
  ok(g_writer.hparams_session_start(bad, 2), at + "bad UTF-8", Status::kInvalidArgument);
  bad[1] = HParam::number("x", HUGE_VAL);
  ok(g_writer.hparams_session_start(bad, 2), at + "infinity", Status::kInvalidArgument);
  bad[1] = HParam::number("x", NAN);
  ok(g_writer.hparams_session_start(bad, 2), at + "NaN", Status::kInvalidArgument);
  bad[1] = HParam::flag("x", true);
  bad[1].type = static_cast<tinytb::HParamType>(9);
  ok(g_writer.hparams_session_start(bad, 2), at + "bad type", Status::kInvalidArgument);
  ok(g_writer.hparams_session_start(bad, 0), at + "count 0", Status::kInvalidArgument);
  ok(g_writer.hparams_session_end(static_cast<tinytb::SessionStatus>(4)), at + "bad status",
     Status::kInvalidArgument);
}

void write_board(const Board& b, bool with_experiment) {
  const std::string run = b.run;
  if (!ok(g_writer.open(g_sink, options(run)), run + ": open")) return;
  if (with_experiment) {
    tinytb::HParamsExperiment e;
    e.hparams = kColumns;
    e.hparam_count = sizeof(kColumns) / sizeof(kColumns[0]);
    e.metrics = kMetrics;
    e.metric_count = sizeof(kMetrics) / sizeof(kMetrics[0]);
    e.name = "person detection on three boards";
    e.description = "tinytb hparams fixture";
    if (ok(g_writer.hparams_experiment(e), run + ": experiment")) g_hparams.experiment(run, e);
    ok(g_writer.hparams_experiment(e), run + ": second experiment", Status::kStepNotIncreasing);
  }
  refusals(b);
  if (ok(g_writer.hparams_session_start(b.hparams, 9), run + ": session start")) {
    g_hparams.session_start(run, b.hparams, 9, "");
  }
  ok(g_writer.hparams_session_start(b.hparams, 9), run + ": second session start", Status::kStepNotIncreasing);
  for (int64_t step = 0; step < 5; ++step) {
    const float score = b.score0 + 0.01f * static_cast<float>(step);
    const float latency = b.latency + static_cast<float>(step % 2);
    if (ok(g_writer.scalar("score", step, score), run + ": score")) g_manifest.scalar(run, "score", step, score);
    if (ok(g_writer.scalar("latency_ms", step, latency), run + ": latency")) {
      g_manifest.scalar(run, "latency_ms", step, latency);
    }
  }
  if (ok(g_writer.hparams_session_end(b.status), run + ": session end")) g_hparams.session_end(run, b.status);
  ok(g_writer.close(), run + ": close");

  // The "eval" group: a run below the session's run, as the metric infos name it.
  const std::string eval = run + "/eval";
  if (!ok(g_writer.open(g_sink, options(eval)), eval + ": open")) return;
  const float accuracy = b.score0 + 0.125f;
  if (ok(g_writer.scalar("accuracy", 4, accuracy), eval + ": accuracy")) g_manifest.scalar(eval, "accuracy", 4, accuracy);
  ok(g_writer.close(), eval + ": close");
}

}  // namespace

int main(int argc, char** argv) {
  const char* manifest_path = nullptr;
  if (!tinytb_test::parse_fixture_args(argc, argv, "hparams_writer", &g_logdir, &manifest_path)) return 2;
  for (size_t i = 0; i < sizeof(kBoards) / sizeof(kBoards[0]); ++i) write_board(kBoards[i], i == 0);
  g_manifest.hparams(g_hparams.to_json());
  if (!g_manifest.write(manifest_path)) return 1;
  printf("hparams_writer: %zu points in the manifest, %d failed calls\n", g_manifest.points(), g_failures);
  return g_failures == 0 ? 0 : 1;
}
