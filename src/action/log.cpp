#include "eecall/action/log.hpp"

#include <spdlog/cfg/env.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>
#include <syslog.h>

namespace eecall::log {

namespace {

// What was asked, never the secret: who, where, what.
std::string summary(const Request& request) {
  const auto via = fmt::format("via {}@{}:{}", request.user, request.host, request.port);
  if (request.action == ActionKind::alert) {
    const auto& a = request.alert;
    return fmt::format("alert from={} {}={} ack={} repeat={} rounds={} {}", request.from,
                       a.kind == PromptKind::say ? "say" : "play",
                       a.kind == PromptKind::say ? std::to_string(a.text.size()) + " bytes" : a.prompt,
                       a.ack ? std::string(1, *a.ack) : std::string("none"), a.repeat, a.rounds, via);
  }
  if (request.action == ActionKind::call) {
    return fmt::format("call from={} to={} wait={}s {}", request.from, request.to, request.wait.count(), via);
  }
  return fmt::format("message from={} to={}:{} ({} bytes) {}", request.from, driver_name(request.driver), request.to,
                     request.message.size(), via);
}

}  // namespace

void init() noexcept {
  try {
    // Unbuffered, unsynchronised stderr sink: a CGI process is single-threaded and short.
    auto logger = spdlog::stderr_logger_st("eecall");
    logger->set_pattern("eecall[%P]: %l: %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::info);
    spdlog::cfg::load_env_levels();  // SPDLOG_LEVEL=debug shows the (redacted) AMI exchange
  } catch (...) {
    // Logging is never worth the HTTP answer.
  }
}

void to_job_log(const std::string& job_id, const std::string& file) noexcept {
  try {
    const auto level = spdlog::default_logger()->level();
    std::shared_ptr<spdlog::logger> logger;
    if (!file.empty()) {
      try {
        logger = spdlog::basic_logger_st("eecall-job", file);
        logger->set_pattern("%Y-%m-%d %H:%M:%S eecall[%P]: job " + job_id + ": %l: %v");
        logger->flush_on(spdlog::level::trace);
      } catch (const spdlog::spdlog_ex&) {
        logger.reset();  // an unusable file: syslog rather than nothing
      }
    }
    if (!logger) {
      logger = spdlog::syslog_logger_st("eecall-job", "eecall", LOG_PID, LOG_USER);
      logger->set_pattern("job " + job_id + ": %l: %v");
    }
    logger->set_level(level);
    spdlog::set_default_logger(logger);
  } catch (...) {
  }
}

void request_done(const Request* request, const Outcome& outcome) noexcept {
  try {
    const auto ms = outcome.elapsed.count();
    const auto result = outcome.ok() ? std::string("ok") : std::string(error_name(outcome.error));
    if (request == nullptr) {
      spdlog::info("rejected request: {} ({}) in {} ms", result, outcome.message, ms);
      return;
    }
    spdlog::info("{}: {} ({}){}{} in {} ms", summary(*request), result, outcome.message,
                 outcome.acknowledged_by.empty() ? "" : " acknowledged_by=", outcome.acknowledged_by, ms);
  } catch (...) {
  }
}

void check_done(const Request& request, ActionKind use, const Outcome& report) noexcept {
  try {
    spdlog::info("check of {} use via {}@{}:{}: {} ({}) in {} ms", action_name(use), request.user, request.host,
                 request.port, report.ok() ? std::string("ok") : std::string(error_name(report.error)), report.message,
                 report.elapsed.count());
  } catch (...) {
  }
}

void job_accepted(const Request& request, const std::string& job_id) noexcept {
  try {
    spdlog::info("{}: accepted as background job {}", summary(request), job_id);
  } catch (...) {
  }
}

void job_notified(const std::string& redacted_url, const NotifyReport& report) noexcept {
  try {
    spdlog::log(report.state == "sent" ? spdlog::level::info : spdlog::level::warn, "notify {}: {} ({})",
                report.state, report.message, redacted_url);
  } catch (...) {
  }
}

}  // namespace eecall::log
