#include "support/http_recorder.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace eecall::test {

HttpRecorder::HttpRecorder(int status, Mode mode) : status_(status), mode_(mode) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("HttpRecorder: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

HttpRecorder::~HttpRecorder() {
  stop_ = true;
  thread_.join();
  ::close(listener_);
  for (const int fd : stalled_) ::close(fd);
}

std::string HttpRecorder::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<std::string> HttpRecorder::requests() const {
  const std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<std::string> HttpRecorder::requests_when(std::size_t count, std::chrono::milliseconds budget) const {
  std::unique_lock lock(mutex_);
  arrived_.wait_for(lock, budget, [&] { return requests_.size() >= count; });
  return requests_;
}

void HttpRecorder::serve() {
  while (!stop_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    if (mode_ == Mode::close) {
      ::close(client);
      continue;
    }
    // The request head, for at most 2 s.
    std::string head;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (head.find("\r\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd c{client, POLLIN, 0};
      if (::poll(&c, 1, 50) <= 0) continue;
      char buffer[2048];
      const auto n = ::read(client, buffer, sizeof buffer);
      if (n <= 0) break;
      head.append(buffer, static_cast<std::size_t>(n));
    }
    {
      const std::lock_guard lock(mutex_);
      requests_.push_back(head.substr(0, head.find("\r\n")));
      arrived_.notify_all();
      if (mode_ == Mode::stall) {
        stalled_.push_back(client);
        continue;
      }
    }
    std::string body;
    {
      const std::lock_guard lock(mutex_);
      body = body_;
    }
    const std::string answer = "HTTP/1.1 " + std::to_string(status_) + " Whatever\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    if (::write(client, answer.data(), answer.size()) < 0) {
      // The client left: nothing to do.
    }
    ::close(client);
  }
}

void HttpRecorder::set_body(std::string body) {
  const std::lock_guard lock(mutex_);
  body_ = std::move(body);
}

}  // namespace eecall::test
