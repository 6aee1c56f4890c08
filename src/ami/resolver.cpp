// The system resolver: getaddrinfo() on a thread of its own, awaited until a deadline.
#include "eecall/ami/resolver.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <netdb.h>
#include <thread>

namespace eecall::ami {

namespace {

using std::chrono::milliseconds;

// What the lookup thread leaves for the waiter; shared, since the waiter may leave first.
struct Lookup {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  int status = 0;
  std::vector<std::string> addresses;
};

// getaddrinfo() for a stream socket, every answer as a numeric address string.
std::vector<std::string> addresses_of(const std::string& host, int& status) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  status = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
  std::vector<std::string> found;
  for (auto* ai = list; status == 0 && ai != nullptr; ai = ai->ai_next) {
    char buf[NI_MAXHOST];
    if (::getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST) == 0) {
      found.emplace_back(buf);
    }
  }
  if (list != nullptr) ::freeaddrinfo(list);
  return found;
}

void look_up(const std::shared_ptr<Lookup>& lookup, const std::string& host) {
  int status = 0;
  auto found = addresses_of(host, status);
  const std::lock_guard lock(lookup->mutex);
  lookup->status = status;
  lookup->addresses = std::move(found);
  lookup->done = true;
  lookup->done_cv.notify_all();
}

Result<std::vector<std::string>> resolve(const std::string& host, milliseconds budget) {
  auto lookup = std::make_shared<Lookup>();
  std::thread([lookup, host] { look_up(lookup, host); }).detach();
  std::unique_lock lock(lookup->mutex);
  if (!lookup->done_cv.wait_for(lock, budget, [&] { return lookup->done; })) {
    return Failure{ErrorCode::timeout,
                   "resolving '" + host + "' took longer than " + std::to_string(budget.count()) + " ms",
                   "resolve"};
  }
  if (lookup->status != 0 || lookup->addresses.empty()) {
    return Failure{ErrorCode::resolve_failed, "cannot resolve '" + host + "': " + ::gai_strerror(lookup->status),
                   "resolve"};
  }
  return lookup->addresses;
}

}  // namespace

// getaddrinfo() cannot be cancelled, so it runs on a detached thread and we stop waiting for
// it at the deadline: a slow DNS server must not hold the HTTP answer.
Resolver system_resolver() { return resolve; }

}  // namespace eecall::ami
