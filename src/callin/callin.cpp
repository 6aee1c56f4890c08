#include "eecall/callin/callin.hpp"

#include <spdlog/spdlog.h>

#include "eecall/admin/config.hpp"
#include "eecall/admin/settings.hpp"
#include "eecall/callin/agi_channel.hpp"
#include "eecall/callin/menu.hpp"
#include "eecall/callin/speak.hpp"
#include "eecall/jobs/ack_offer.hpp"

namespace eecall::callin {

namespace {

constexpr std::chrono::seconds setup_limit{30};  // before the menu's own call_limit is known

struct Prepared {
  Menu menu;
  EffectiveSettings settings;
};

Result<Prepared> prepare(std::string_view name, const Environment& env) {
  auto config = load_config_for(env, std::nullopt);
  if (!config) return config.failure();
  Prepared prepared;
  if (auto failed = apply_settings(prepared.settings, environment_values(env))) return *failed;
  if (auto failed = apply_settings(prepared.settings, config.value().general)) return *failed;
  auto menu = menu_from_config(config.value(), name);
  if (!menu) return menu.failure();
  prepared.menu = std::move(menu).value();
  return prepared;
}

// Hangs up a call eecall cannot serve, after reading the AGI block Asterisk sent.
int refuse(AgiChannel& channel, const Failure& failure) {
  (void)channel.read_environment();
  (void)channel.command("HANGUP");
  spdlog::error("call-in: {} ({})", failure.message, failure.subject);
  return 1;
}

// How long the call-in waits for an acknowledged job to end (it hangs its call up and logs off
// AMI: well under a second) before saying the acknowledgement was only sent.
constexpr std::chrono::seconds ack_wait{5};

// The running alert jobs, through their offers in state_dir/alerts (ack_offer.hpp): the
// oldest is the one offered.
void link_alert_jobs(MenuServices& services, const std::string& state_dir) {
  services.running_alert = [state_dir]() -> std::optional<RunningAlert> {
    const auto alerts = running_alerts(state_dir);
    if (alerts.empty()) return std::nullopt;
    return RunningAlert{alerts.front().job_id, alerts.front().text};
  };
  services.acknowledge = [state_dir](const RunningAlert& alert, std::string_view caller) -> Status {
    if (auto failed = write_ack(state_dir, alert.job_id, std::string(caller))) return failed;
    if (!wait_offer_gone(state_dir, alert.job_id, ack_wait)) {
      return Failure{ErrorCode::timeout, "sent, but the job had not ended within 5 s", "acknowledge"};
    }
    return std::nullopt;
  };
}

}  // namespace

int serve_call(std::string_view name, const Environment& env, int in_fd, int out_fd) {
  const auto start = std::chrono::steady_clock::now();
  AgiChannel::watch_hangup();
  auto prepared = prepare(name, env);
  if (!prepared) {
    AgiChannel channel(in_fd, out_fd, start + setup_limit);
    return refuse(channel, prepared.failure());
  }
  const auto& menu = prepared.value().menu;
  const auto& settings = prepared.value().settings;
  AgiChannel channel(in_fd, out_fd, start + menu.call_limit);
  auto agi = channel.read_environment();
  if (!agi) {
    spdlog::error("call-in: {}", agi.failure().message);
    return 1;
  }
  const auto caller = agi.value().count("callerid") ? agi.value().at("callerid") : std::string();
  const Lockout lockout(settings.flood.state_dir, menu.pin_tries, menu.lockout);
  MenuServices services;
  services.speak = speaker(settings.speech, menu.voice.empty() ? settings.voice : menu.voice);
  services.warm_up = [speak = services.speak](const std::vector<std::string>& sentences) {
    for (const auto& sentence : sentences) (void)speak(sentence);  // a failure shows when it is said
  };
  services.fetch = module_fetcher(settings.notify.module);
  services.lockout = &lockout;
  link_alert_jobs(services, settings.flood.state_dir);
  const auto report = run_menu(channel, menu, caller, services);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  spdlog::info("{} in {} ms", describe(report), ms.count());
  return 0;
}

}  // namespace eecall::callin
