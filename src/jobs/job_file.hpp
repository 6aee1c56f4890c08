// A job's state file as text: the JobRecord as one line of JSON, and back. Private to the jobs
// library (job_store.cpp writes and reads the files; this only knows their format).
//
// An ended job's outcome uses the answer's own names (docs/usage.md): error, message,
// elapsed_ms, ..., and each attempt {phone, outcome, seconds, message} — the file keeps the
// seconds to the millisecond, the answer shows one decimal.
#pragma once

#include <string>
#include <string_view>

#include "eecall/jobs/job_store.hpp"
#include "eecall/util/result.hpp"

namespace eecall {

std::string job_file_text(const JobRecord& record);

/// The record a file's text holds; internal_error ("damaged") when it is not one, or names
/// another job than `id`. Files written by the previous version are read too.
Result<JobRecord> job_from_file_text(const std::string& text, std::string_view id);

}  // namespace eecall
