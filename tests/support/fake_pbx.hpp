// Stands in for the PBX in in-process front-end tests: an Executor that records what reaches
// it and answers with a chosen Outcome.
#pragma once

#include <string>
#include <vector>

#include "eecall/action/handle.hpp"

namespace eecall::test {

struct FakePbx {
  std::vector<Request> requests;
  std::vector<ami::ClientSettings> settings;
  Outcome reply = [] {
    Outcome o;
    o.action = ActionKind::call;
    o.message = "Originate successfully queued";
    o.action_id = "x1";
    return o;
  }();

  Executor executor() {
    return [this](const Request& r, const ami::ClientSettings& s) {
      requests.push_back(r);
      settings.push_back(s);
      Outcome o = reply;
      o.action = r.action;
      return o;
    };
  }

  void fail_with(ErrorCode code, std::string message, std::string subject = {}) {
    reply.error = code;
    reply.message = std::move(message);
    reply.subject = std::move(subject);
  }
};

}  // namespace eecall::test
