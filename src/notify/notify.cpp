#include "eecall/notify/notify.hpp"

#include <thread>

#include "eecall/notify/notify_module.hpp"
#include "eecall/notify/url_template.hpp"
#include "eecall/admin/settings.hpp"

namespace eecall {


std::string_view notify_end_name(JobState state, const Outcome& outcome) {
  switch (state) {
    case JobState::done: return outcome.acknowledged_by.empty() ? "answered" : "acknowledged";
    case JobState::cancelled: return "cancelled";
    default: break;
  }
  return outcome.error == ErrorCode::not_acknowledged ? "not_acknowledged" : "failed";
}

std::string notify_value(const NotifySettings& settings, JobState state, const Outcome& outcome) {
  const auto end = notify_end_name(state, outcome);
  const std::string_view fallback = end == "acknowledged" ? "answered" : end == "answered" ? "" : "failed";
  for (const auto name : {end, fallback}) {
    if (name.empty()) continue;
    if (auto it = settings.values.find(name); it != settings.values.end()) return it->second;
  }
  return state == JobState::done ? "1" : "0";
}

std::string notify_url(const NotifySettings& settings, const std::string& job_id, JobState state,
                       const Outcome& outcome) {
  const auto value_of = [&](std::string_view name) -> std::string {
    if (name == "result") return state == JobState::done ? "1" : "0";
    if (name == "error") return state == JobState::done ? std::string() : std::string(error_name(outcome.error));
    if (name == "acknowledged_by") return outcome.acknowledged_by;
    if (name == "job") return job_id;
    if (name == "state") return std::string(job_state_name(state));
    return notify_value(settings, state, outcome);
  };
  return expand_url_template(settings.url_template, value_of);
}

NotifyReport send_notify(const std::string& url, const NotifySettings& settings) {
  NotifyReport report;
  report.state = "failed";
  auto module = load_notify_module(settings.module);
  if (!module) {
    report.message = module.failure().message;
    return report;
  }
  const auto* api = module.value();
  std::string last;
  for (int attempt = 1; attempt <= notify_tries; ++attempt) {
    if (attempt > 1) std::this_thread::sleep_for(std::chrono::seconds(attempt - 1));  // 1 s, 2 s
    report.tries = attempt;
    std::array<char, 512> error{};
    long status = 0;
    const bool answered = api->get(url.c_str(), static_cast<long>(settings.timeout.count()), &status, error.data(),
                                   error.size()) == EECALL_NOTIFY_ANSWERED;
    if (answered) {
      report.http_status = status;
      last = "HTTP " + std::to_string(status);
      if (status >= 200 && status < 300) {
        report.state = "sent";
        report.message = last;
        return report;
      }
      if (status < 500 && status != 429) break;  // the same request would get the same answer
    } else {
      last = error.data();
    }
  }
  report.message = last + " (after " + std::to_string(report.tries) + (report.tries == 1 ? " try)" : " tries)");
  return report;
}

}  // namespace eecall
