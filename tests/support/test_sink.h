// tinytb tests: a Sink that keeps every file it was asked to create, in memory, and
// fails on command (status, partial writes, missing truncate, existing names).
#ifndef TINYTB_TESTS_TEST_SINK_H_
#define TINYTB_TESTS_TEST_SINK_H_

#include <map>
#include <string>
#include <vector>

#include "tinytb/writer/event_writer.h"
#include "tinytb/writer/sink.h"

namespace tinytb_test {

class TestSink : public tinytb::Sink {
 public:
  struct File {
    std::vector<uint8_t> bytes;
    size_t synced = 0;
    bool closed = false;
  };

  tinytb::Status open(const char* dir, const char* file_name) override {
    ++opens;
    if (current_ != nullptr) return tinytb::Status::kAlreadyOpen;
    if (fail_open != tinytb::Status::kOk) return fail_open;
    const std::string path = std::string(dir) + "/" + file_name;
    if (exists_left > 0) {
      --exists_left;
      return tinytb::Status::kExists;
    }
    if (files.count(path)) return tinytb::Status::kExists;
    order.push_back(path);
    current_ = &files[path];
    current_name = path;
    return tinytb::Status::kOk;
  }

  tinytb::Status write(const uint8_t* data, size_t size) override {
    ++writes;
    if (current_ == nullptr) return tinytb::Status::kNotOpen;
    if (fail_write != tinytb::Status::kOk) {
      const size_t n = partial_bytes < size ? partial_bytes : size;
      current_->bytes.insert(current_->bytes.end(), data, data + n);
      return fail_write;
    }
    current_->bytes.insert(current_->bytes.end(), data, data + size);
    return tinytb::Status::kOk;
  }

  tinytb::Status sync() override {
    ++syncs;
    if (current_ == nullptr) return tinytb::Status::kNotOpen;
    if (fail_sync != tinytb::Status::kOk) return fail_sync;
    current_->synced = current_->bytes.size();
    return tinytb::Status::kOk;
  }

  tinytb::Status truncate(uint64_t size) override {
    ++truncates;
    if (current_ == nullptr) return tinytb::Status::kNotOpen;
    if (!can_truncate) return tinytb::Status::kUnsupported;
    if (size > current_->bytes.size()) return tinytb::Status::kInvalidArgument;
    current_->bytes.resize(static_cast<size_t>(size));
    return tinytb::Status::kOk;
  }

  tinytb::Status close() override {
    ++closes;
    if (current_ == nullptr) return tinytb::Status::kNotOpen;
    current_->closed = true;
    current_ = nullptr;
    return tinytb::Status::kOk;
  }

  const File& file(size_t i) const { return files.at(order.at(i)); }
  const File& last() const { return files.at(order.back()); }

  // Knobs.
  tinytb::Status fail_open = tinytb::Status::kOk;
  tinytb::Status fail_write = tinytb::Status::kOk;
  tinytb::Status fail_sync = tinytb::Status::kOk;
  size_t partial_bytes = 0;  // bytes a failing write still lets through
  bool can_truncate = true;
  int exists_left = 0;       // report kExists for this many opens

  // Observations.
  std::map<std::string, File> files;
  std::vector<std::string> order;
  std::string current_name;
  int opens = 0, writes = 0, syncs = 0, truncates = 0, closes = 0;

 private:
  File* current_ = nullptr;
};

// Options for the tensor form (docs/format.md), which the tests that read a record byte by
// byte ask for; the classic form, the default, has its own tests.
inline tinytb::WriterOptions tensor_form() {
  tinytb::WriterOptions options;
  options.form = tinytb::SummaryForm::kTensor;
  return options;
}

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_TEST_SINK_H_
