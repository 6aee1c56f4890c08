// libFuzzer target: a job's state file read back (src/jobs/job_file.cpp), as a state request
// reads whatever is in the jobs directory — a file cut short by a full disk, damaged, or from an
// older version. Reading never throws or crashes: a file is a record or "damaged"
// (internal_error naming the job). And what is read, written again, reads back the same: the
// text of a record is a fixed point after one round (a job's state never drifts as it is
// rewritten step after step).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "job_file.hpp"

namespace {

constexpr const char* id = "5d41402abc4b2a76b9719d911017c592";

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "job_file_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto record = eecall::job_from_file_text(text, id);
  if (!record) {
    const auto& failure = record.failure();
    if (failure.code != eecall::ErrorCode::internal_error || failure.message.find(id) == std::string::npos) {
      fail("a refusal that is not 'damaged' naming the job", failure.message);
    }
    return 0;
  }
  const auto once = eecall::job_file_text(record.value());
  const auto again = eecall::job_from_file_text(once, id);
  if (!again) fail("a file eecall wrote does not read back", once + " -> " + again.failure().message);
  const auto twice = eecall::job_file_text(again.value());
  if (once != twice) fail("the state drifts when written again", once + "\n!=\n" + twice);
  return 0;
}
