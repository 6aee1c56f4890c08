// Telling the admin's URL how a background job ended (notify_url): a URL template chosen by
// the admin — never taken from the request, so a request cannot make eecall fetch a URL of its
// choosing — with placeholders replaced, fetched with GET through the notify module
// (eecall-notify.so, libcurl), a few times at most.
//
//   notify_url = http://192.168.0.42/api/set?action=periph.value&periph_id=123&value={value}&api_user=U&api_secret=S
//
// Placeholders (each value percent-encoded): {result} 1 or 0, {error} the error code (empty
// when done), {acknowledged_by} the phone that pressed the key, {job} the job id, {state}
// done / failed / cancelled, {value} the admin's value for that end (notify_value_*).
#pragma once

#include <string>
#include <string_view>

#include "eecall/action/outcome.hpp"
#include "eecall/notify/url_template.hpp"
#include "eecall/util/result.hpp"

namespace eecall {

struct NotifySettings;

/// Tries of one notify (the waits between them: 1 s, then 2 s).
inline constexpr int notify_tries = 3;

/// The name of the way a job ended, as notify_value_* keys say it: acknowledged, answered,
/// not_acknowledged, failed or cancelled.
std::string_view notify_end_name(JobState state, const Outcome& outcome);

/// The {value} of that end: notify_value_<end>, else the value of the end it falls back to
/// (acknowledged → answered; not_acknowledged, cancelled → failed), else 1 for a job done and
/// 0 for any other end.
std::string notify_value(const NotifySettings& settings, JobState state, const Outcome& outcome);

/// The URL of a job's end: the template with every placeholder replaced, percent-encoded.
std::string notify_url(const NotifySettings& settings, const std::string& job_id, JobState state,
                       const Outcome& outcome);

/// GET `url` (a notify_url already expanded): 2xx is `sent`; a 5xx or 429 answer or no answer is
/// tried again, up to notify_tries times; any other answer is `failed` at once.
NotifyReport send_notify(const std::string& url, const NotifySettings& settings);

}  // namespace eecall
