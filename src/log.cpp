#include "eecall/log.hpp"

#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace eecall::log {

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

void request_done(const Request* request, const Outcome& outcome) noexcept {
  try {
    const auto ms = outcome.elapsed.count();
    const auto result = outcome.ok() ? std::string("ok") : std::string(error_name(outcome.error));
    if (request == nullptr) {
      spdlog::info("rejected request: {} ({}) in {} ms", result, outcome.message, ms);
      return;
    }
    // Never the secret: who, where, what, and how it ended.
    if (request->action == ActionKind::alert) {
      const auto& a = request->alert;
      spdlog::info("alert from={} {}={} ack={} repeat={} rounds={} via {}@{}:{}: {} ({}){}{} in {} ms",
                   request->from, a.kind == PromptKind::say ? "say" : "play",
                   a.kind == PromptKind::say ? std::to_string(a.text.size()) + " bytes" : a.recording,
                   a.ack ? std::string(1, *a.ack) : std::string("none"), a.repeat, a.rounds, request->user,
                   request->host, request->port, result, outcome.message,
                   outcome.acknowledged_by.empty() ? "" : " acknowledged_by=", outcome.acknowledged_by, ms);
    } else if (request->action == ActionKind::call) {
      spdlog::info("call from={} to={} wait={}s via {}@{}:{}: {} ({}) in {} ms", request->from,
                   request->to, request->wait.count(), request->user, request->host, request->port,
                   result, outcome.message, ms);
    } else {
      spdlog::info("message from={} to={}:{} ({} bytes) via {}@{}:{}: {} ({}) in {} ms",
                   request->from, driver_name(request->driver), request->to,
                   request->message.size(), request->user, request->host, request->port, result,
                   outcome.message, ms);
    }
  } catch (...) {
  }
}

}  // namespace eecall::log
