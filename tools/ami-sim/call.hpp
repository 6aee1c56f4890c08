// One simulated call, from the Originate to the last Hangup event: the dial (ringing, then
// answer, busy, ...), the application or extension run on the answered channel (Read,
// Playback), the keys the phone presses, and the hangups, each as the events the h*
// transcripts show. One coroutine per call; a Hangup action interrupts it. Once its channels
// are hung up the call is gone: nothing of it stays in memory.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asio.hpp"
#include "call_plan.hpp"
#include "channel.hpp"
#include "world.hpp"

namespace eecall::sim {

class Call : public std::enable_shared_from_this<Call> {
 public:
  /// Events go to `origin` (or, with --broadcast-events, to every session).
  Call(World& world, CallPlan plan, std::weak_ptr<Session> origin, const asio::any_io_executor& executor);

  /// Registers the call (for the Hangup action) and runs it.
  static void start(const std::shared_ptr<Call>& call);

  /// Synchronous Originate: waits until the phone answered (true) or the dial failed (false).
  awaitable<bool> settled();

  /// The live channel whose name or Uniqueid is `name_or_id` (case-insensitive, as
  /// ast_channel_get_by_name()), or null.
  [[nodiscard]] const Channel* find(std::string_view name_or_id) const;
  /// The live channels, in creation order.
  [[nodiscard]] std::vector<const Channel*> channels() const;
  /// The Hangup action on that channel (found by find()); `cause` 0: none given.
  void hang_up(const Channel* channel, int cause);
  /// The AGI action: queues `command` for the channel in AsyncAGI (its AsyncAGIExec will carry
  /// `command_id`); false when the call does not run AGI(agi:async) (yet, or any more).
  bool queue_agi(std::string command, std::string command_id);
  /// Redirect of the channel in AsyncAGI: it leaves the AGI (no AsyncAGIEnd, u10) and runs
  /// `context`,`exten`; false when it is not in AsyncAGI (the only case simulated).
  bool redirect(std::string context, std::string exten);

 private:
  using Clock = std::chrono::steady_clock;

  // What interrupted a wait.
  struct Wake {
    enum class Kind { deadline, digit, hangup, agi } kind = Kind::deadline;
    char digit = 0;
  };
  // One moment of the phone's key presses: the DTMF events of that moment, and whether the
  // digit reaches the channel running the application then.
  struct KeyStep {
    Clock::time_point at;
    char digit;
    enum class Kind { begin, end, info_end_then_begin } kind;
    bool delivers;
  };
  struct HangupRequest {
    Channel* target;
    int cause;
  };

  static awaitable<void> main(std::shared_ptr<Call> self);
  awaitable<void> run();
  // The dial: returns true when the phone answered (the OriginateResponse is then sent).
  awaitable<bool> dial_direct();
  awaitable<bool> dial_local();
  awaitable<bool> ring_until_settled();
  void local_without_extension();
  void answered();
  void failed_dial(int reason, std::string_view status, int cause, int tech_cause);
  void hung_up_while_ringing(int cause);
  void respond(bool success, int reason);
  void settle(bool success);

  // After the answer.
  awaitable<int> run_application();  // returns the cause of the app channel's Hangup
  awaitable<int> run_extension();
  // AsyncAGI (tests/data/u*): AsyncAGIStart, each queued command's AsyncAGIExec, AsyncAGIEnd.
  awaitable<void> async_agi();
  awaitable<std::string> agi_command(const std::string& command);  // its AGI answer line
  awaitable<std::string> agi_amd(std::string_view arguments);
  awaitable<std::string> agi_exec(std::string_view application, const std::string& arguments);
  void agi_event(std::string_view name, const std::string& command_id = {}, const std::string& result = {});
  awaitable<void> read();
  awaitable<void> playback();
  awaitable<int> read_digits(std::optional<std::chrono::milliseconds> sound, std::string& digits, int max,
                             std::chrono::milliseconds first, std::chrono::milliseconds next,
                             const std::string& terminators);
  awaitable<int> get_data(const std::string& filenames, std::string& digits, int max,
                          std::chrono::milliseconds timeout, const std::string& terminators);
  void hang_up_all(int app_cause);

  /// Waits until `deadline`, sending the phone's DTMF events due before it. Returns early
  /// when a digit reaches the app channel (only if `digits`), or when the call is hung up.
  awaitable<Wake> wait_until(Clock::time_point deadline, bool digits);
  awaitable<Wake> wait_for(std::chrono::milliseconds delay, bool digits);
  void schedule_keys();
  bool key_step(const KeyStep& step);  // sends its events; true when it delivers the digit
  void far_end_hangs_up();

  void emit(const ami::Message& event, ClassMask category);
  void dial_status(std::string_view name, const Channel* caller, const Channel& dest, std::string_view status);
  void new_channel(const Channel& channel);
  void state(Channel& channel, ChannelState state);
  void newexten(const Channel& channel, std::string_view app, std::string_view data);
  void varset(const Channel& channel, std::string_view variable, std::string_view value);
  void hangup(Channel& channel, int cause, int tech_cause = 0);
  [[nodiscard]] bool uniqueid_in_use(std::string_view id) const;
  [[nodiscard]] std::chrono::milliseconds ring_time() const;

  World& world_;
  CallPlan plan_;
  std::weak_ptr<Session> origin_;
  asio::steady_timer timer_;     // the call's sleep; a Hangup action cancels it
  asio::steady_timer settled_;   // wakes a synchronous Originate's reply
  std::optional<bool> outcome_;  // set when the dial settled: answered or not

  // The channel the application runs on (the phone's for PJSIP/SIP, ;1 for Local), the ;2
  // half of a Local channel and the phone's channel behind it.
  std::optional<Channel> app_;
  std::optional<Channel> half_;
  std::optional<Channel> leg_;

  std::deque<KeyStep> keys_;
  std::optional<Clock::time_point> far_end_hangup_;  // Local/291-293: the ;2 side ends
  std::optional<HangupRequest> hangup_;
  struct AgiCommand {
    std::string command;
    std::string command_id;
  };
  bool in_async_agi_ = false;
  bool wake_on_agi_ = false;  // the AGI loop waits for a command: queue_agi() wakes it
  bool redirected_ = false;   // a Redirect ended the AGI: the extension runs next
  std::deque<AgiCommand> agi_queue_;
  std::map<std::string, std::string, std::less<>> variables_;  // the app channel's, for GET VARIABLE
  bool app_interrupted_ = false;  // the app channel was hung up under the application
};

}  // namespace eecall::sim
