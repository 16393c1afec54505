-- Shared by the wrk scripts of bench/: after a run, prints one line that students-api.sh turns into a table row.
-- wrk's own --latency output gives p50/p75/p90/p99 but not p95; latency:percentile() is in microseconds.
-- http_errors counts responses with a status of 400 or more; socket_errors sums connect, read, write and timeouts;
-- bytes is everything read, headers included (a page script compares bytes per request with the page's size, as a
-- redirect to the sign-in page would not count as an error).

function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "BENCH_RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f http_errors=%d socket_errors=%d bytes=%d\n",
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      e.status, e.connect + e.read + e.write + e.timeout, summary.bytes))
end
