-- wrk script for bench/run.sh: alternates a call and a message (paths from the environment,
-- EECALL_CALL_PATH and EECALL_MESSAGE_PATH), checks every answer for HTTP 200 and
-- <result>1</result>, and prints one machine-readable line at the end:
--   wrk_result requests=N rps=R p50_ms=X p99_ms=Y bad_answers=B socket_errors=E
-- (bad_answers: non-200 status or a body without <result>1</result>; socket_errors: connect,
-- read, write errors and timeouts, i.e. requests that got no answer at all).

local call_path = os.getenv("EECALL_CALL_PATH")
local message_path = os.getenv("EECALL_MESSAGE_PATH")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  bad = 0
  wrk.headers["Connection"] = "keep-alive"
end

function request()
  sent = sent + 1
  if sent % 2 == 0 then
    return wrk.format("GET", message_path)
  end
  return wrk.format("GET", call_path)
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, "<result>1</result>", 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local bad_total = 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "wrk_result requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f bad_answers=%d socket_errors=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, bad_total, socket_errors))
end
