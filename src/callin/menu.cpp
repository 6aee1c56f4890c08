#include "eecall/callin/menu.hpp"

#include "eecall/admin/policy.hpp"
#include "eecall/notify/url_template.hpp"

namespace eecall::callin {

namespace {

constexpr const char* any_key = "0123456789*#";
constexpr int pin_wait_ms = 6000;     // after the prompt, for the whole PIN
constexpr int choice_wait_ms = 6000;  // after the menu, for one key
constexpr int silent_menus = 3;       // menus without a key before goodbye
constexpr int unanswered_pins = 2;    // PIN prompts without a digit before goodbye

// Sentences said in more than one place, and made ready before the answer (warm_up_sentences).
constexpr std::string_view enter_pin = "Entrez votre code, puis dièse.";
constexpr std::string_view wrong_pin = "Code incorrect. Entrez votre code, puis dièse.";
constexpr std::string_view bye = "Au revoir.";
constexpr std::string_view unknown_key = "Touche inconnue.";
constexpr std::string_view acknowledged = "Alerte acquittée.";

std::string done_sentence(const MenuKey& key) { return key.label + " : fait."; }

// The end of a call that is not a hang-up or a fault: said and hung up.
struct Ended {
  std::string outcome;
};

// What a prompt collected: digits (maybe none), or '#' alone.
struct Typed {
  std::string digits;
  bool timed_out = false;
};

class Call {
 public:
  Call(AgiLine& line, const Menu& menu, std::string_view caller, const MenuServices& services,
       CallReport& report)
      : line_(line), menu_(menu), caller_(caller), services_(services), report_(report) {}

  Status run();

 private:
  Status check_caller();
  Status ask_pin();
  Status main_menu();
  Result<std::optional<char>> run_key(const MenuKey& key);
  Result<std::string> act(const MenuKey& key);
  Result<std::string> read(const MenuKey& key);
  Result<std::string> acknowledge();
  std::string menu_text(const std::optional<RunningAlert>& alert) const;
  void warm_up_sentences();

  Status say(std::string_view sentence);                       // waits for nothing
  Result<std::optional<char>> say_interruptible(std::string_view sentence);
  Result<Typed> ask(std::string_view sentence, int wait_ms, int max_digits);
  Status goodbye(std::string_view sentence, std::string outcome);
  Result<AgiReply> send(const std::string& command);

  AgiLine& line_;
  const Menu& menu_;
  std::string caller_;
  const MenuServices& services_;
  CallReport& report_;
  std::optional<RunningAlert> alert_;
};

Failure ended(std::string outcome) { return {ErrorCode::none, std::move(outcome), "ended"}; }

Result<AgiReply> Call::send(const std::string& command) {
  auto reply = line_.command(command);
  if (reply && reply.value().result == "-1") return Failure{ErrorCode::hangup, "the call ended", "agi"};
  return reply;
}

Status Call::say(std::string_view sentence) {
  auto interrupted = say_interruptible(sentence);
  if (!interrupted) return interrupted.failure();
  return std::nullopt;
}

Result<std::optional<char>> Call::say_interruptible(std::string_view sentence) {
  auto path = services_.speak(sentence);
  if (!path) return path.failure();
  auto reply = send("STREAM FILE " + path.value() + " \"" + any_key + "\"");
  if (!reply) return reply.failure();
  const int code = std::atoi(reply.value().result.c_str());
  if (code > 0) return std::optional<char>(static_cast<char>(code));
  return std::optional<char>();
}

Result<Typed> Call::ask(std::string_view sentence, int wait_ms, int max_digits) {
  auto path = services_.speak(sentence);
  if (!path) return path.failure();
  auto reply = send("GET DATA " + path.value() + " " + std::to_string(wait_ms) + " " + std::to_string(max_digits));
  if (!reply) return reply.failure();
  return Typed{reply.value().result, reply.value().data == "timeout"};
}

Status Call::goodbye(std::string_view sentence, std::string outcome) {
  if (!sentence.empty()) {
    if (auto failed = say(sentence)) return failed;
  }
  (void)line_.command("HANGUP");
  return ended(std::move(outcome));
}

Status Call::check_caller() {
  if (!menu_.allows(caller_)) {
    (void)line_.command("HANGUP");  // not answered: the unknown caller hears it ring off
    return ended("refused caller");
  }
  return std::nullopt;
}

Status Call::ask_pin() {
  if (menu_.trusts(caller_)) {
    report_.pin = "trusted caller";
    return say(menu_.greeting);
  }
  auto locked = services_.lockout->locked(caller_);
  if (!locked || locked.value()) {  // an unusable lockout file lets nobody in
    report_.pin = "locked out";
    return goodbye("Accès verrouillé. Au revoir.", locked ? "locked out" : "failed: " + locked.failure().message);
  }
  std::string prompt = menu_.greeting + " " + std::string(enter_pin);
  int silent = 0;
  while (true) {
    auto typed = ask(prompt, pin_wait_ms, 12);
    if (!typed) return typed.failure();
    if (typed.value().digits.empty()) {
      if (++silent >= unanswered_pins) {
        report_.pin = "not given";
        return goodbye(bye, "no key");
      }
      prompt = enter_pin;
      continue;
    }
    if (token_matches(menu_.pin, typed.value().digits)) {
      report_.pin = "ok";
      return services_.lockout->right_pin(caller_);
    }
    report_.pin = "wrong";
    auto now_locked = services_.lockout->wrong_pin(caller_);
    if (!now_locked || now_locked.value()) {
      report_.pin = "locked out";
      return goodbye("Code incorrect. Accès verrouillé. Au revoir.",
                     now_locked ? "locked out" : "failed: " + now_locked.failure().message);
    }
    prompt = wrong_pin;
  }
}

std::string Call::menu_text(const std::optional<RunningAlert>& alert) const {
  std::string text;
  if (alert) text += "Alerte en cours : " + alert->text + ". ";
  for (const auto& key : menu_.keys) {
    if (key.kind == MenuKey::Kind::acknowledge && !alert) continue;
    text += key.label + " : touche " + std::string(1, key.key) + ". ";
  }
  return text + "Étoile pour répéter, dièse pour quitter.";
}

Result<std::string> Call::act(const MenuKey& key) {
  const auto url = expand_url_template(key.url, [&](std::string_view name) {
    return name == "caller" ? caller_ : std::string();
  });
  const auto answer = services_.fetch(url, menu_.fetch_timeout);
  if (answer.succeeded()) {
    report_.actions.push_back(key.label + ": done");
    return done_sentence(key);
  }
  const auto why = answer.answered ? "HTTP " + std::to_string(answer.http_status) : answer.error;
  report_.actions.push_back(key.label + ": failed (" + why + ")");
  return key.label + (answer.answered ? " : échec, la box a refusé." : " : échec, la box ne répond pas.");
}

Result<std::string> Call::read(const MenuKey& key) {
  const auto url = expand_url_template(key.url, [&](std::string_view name) {
    return name == "caller" ? caller_ : std::string();
  });
  const auto answer = services_.fetch(url, menu_.fetch_timeout);
  if (!answer.succeeded()) {
    const auto why = answer.answered ? "HTTP " + std::to_string(answer.http_status) : answer.error;
    report_.actions.push_back(key.label + ": failed (" + why + ")");
    return key.label + (answer.answered ? " : la box a refusé." : " : la box ne répond pas.");
  }
  auto value = value_at(answer.body, key.field);
  if (!value) {
    report_.actions.push_back(key.label + ": no value in the answer");
    return key.label + " : inconnu.";
  }
  report_.actions.push_back(key.label + ": read");
  return key.label + " : " + *value + ".";
}

Result<std::string> Call::acknowledge() {
  if (!alert_ || !services_.acknowledge) return std::string("Aucune alerte en cours.");
  if (auto failed = services_.acknowledge(*alert_, caller_)) {
    report_.actions.push_back("acknowledge " + alert_->job_id + ": failed (" + failed->message + ")");
    if (failed->code == ErrorCode::timeout) {  // the job got the ack but has not ended yet
      alert_.reset();
      return std::string("Acquittement envoyé.");
    }
    return std::string("L'alerte n'a pas pu être acquittée.");
  }
  report_.actions.push_back("acknowledge " + alert_->job_id + ": done");
  alert_.reset();
  return std::string(acknowledged);
}

Result<std::optional<char>> Call::run_key(const MenuKey& key) {
  Result<std::string> sentence = std::string();
  switch (key.kind) {
    case MenuKey::Kind::act: sentence = act(key); break;
    case MenuKey::Kind::read: sentence = read(key); break;
    case MenuKey::Kind::acknowledge: sentence = acknowledge(); break;
  }
  if (!sentence) return sentence.failure();
  return say_interruptible(sentence.value());
}

Status Call::main_menu() {
  if (services_.running_alert) alert_ = services_.running_alert();
  char pending = 0;  // a key that cut the last sentence: the next choice (0: none)
  int silent = 0;
  while (true) {
    char choice = pending;
    pending = 0;
    if (choice == 0) {
      auto typed = ask(menu_text(alert_), choice_wait_ms, 1);
      if (!typed) return typed.failure();
      if (typed.value().digits.empty() && typed.value().timed_out) {
        if (++silent >= silent_menus) return goodbye(bye, "no key");
        continue;
      }
      choice = typed.value().digits.empty() ? '#' : typed.value().digits[0];
    }
    silent = 0;
    report_.keys += choice;
    if (choice == '#') return goodbye(bye, "left");
    if (choice == '*') continue;
    const auto* key = menu_.key(choice);
    if (key == nullptr) {
      auto next = say_interruptible(unknown_key);
      if (!next) return next.failure();
      pending = next.value().value_or(0);
      continue;
    }
    auto next = run_key(*key);
    if (!next) return next.failure();
    pending = next.value().value_or(0);
  }
}

// The sentences of the usual path whose text is known before the answer: the greeting and
// PIN prompt, the menu (with the running alert, and without it once acknowledged), each act
// key's "done", goodbye. What the box answers to a read key is new at every call.
void Call::warm_up_sentences() {
  if (!services_.warm_up) return;
  const auto alert = services_.running_alert ? services_.running_alert() : std::nullopt;
  std::vector<std::string> sentences;
  if (menu_.trusts(caller_)) {
    sentences.push_back(menu_.greeting);
  } else {
    sentences.insert(sentences.end(), {menu_.greeting + " " + std::string(enter_pin), std::string(wrong_pin)});
  }
  sentences.push_back(menu_text(alert));
  if (alert) sentences.insert(sentences.end(), {std::string(acknowledged), menu_text(std::nullopt)});
  for (const auto& key : menu_.keys) {
    if (key.kind == MenuKey::Kind::act) sentences.push_back(done_sentence(key));
  }
  sentences.insert(sentences.end(), {std::string(unknown_key), std::string(bye)});
  services_.warm_up(sentences);
}

Status Call::run() {
  if (auto failed = check_caller()) return failed;
  warm_up_sentences();
  if (auto answered = send("ANSWER"); !answered) return answered.failure();
  if (auto failed = ask_pin()) return failed;
  return main_menu();
}

std::string outcome_of(const Failure& failure) {
  switch (failure.code) {
    case ErrorCode::none: return failure.message;
    case ErrorCode::hangup: return "hung up";
    case ErrorCode::timeout: return "time limit";
    default: return "failed: " + failure.message;
  }
}

}  // namespace

CallReport run_menu(AgiLine& line, const Menu& menu, std::string_view caller, const MenuServices& services) {
  CallReport report;
  report.caller = caller.empty() ? "unknown" : std::string(caller);
  Call call(line, menu, caller, services, report);
  if (auto end = call.run()) {
    report.outcome = outcome_of(*end);
    if (end->code == ErrorCode::timeout) (void)line.command("HANGUP");
  }
  return report;
}

std::string describe(const CallReport& report) {
  std::string line = "call-in from " + report.caller + ": PIN " + report.pin + ", keys '" + report.keys + "'";
  for (const auto& action : report.actions) line += ", " + action;
  return line + ": " + report.outcome;
}

}  // namespace eecall::callin
