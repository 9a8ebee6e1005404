import CCurl
import Foundation
import TraktQL

/// One thread driving one libcurl multi handle: every call of a ``CurlTransport`` runs here.
///
/// Why one thread and a multi handle: the multi handle keeps the connection cache (keep-alive
/// and reuse across pages and fan-out), multiplexes HTTP/2, and waits on all transfers at once
/// in `curl_multi_poll`; another thread wakes it with `curl_multi_wakeup` (the one multi call
/// that is thread-safe) to hand over a new exchange or a cancel. Blocking stays off Swift's
/// cooperative pool, and a cancel stops its transfer at once.
///
/// Limits are enforced here, not by libcurl: each exchange has a deadline for the whole call and
/// an inactivity limit between bytes, checked whenever the loop wakes (it sleeps no longer than
/// the nearest one).
final class CurlLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    // Under `lock`:
    private var incoming: [CurlExchange] = []
    private var cancels: [CurlExchange] = []
    private var stopping = false
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []
    /// Set before the multi handle is freed: from then on nobody may wake it.
    private var closing = false
    private var stopped = false
    // Loop thread only:
    private var active: [UnsafeMutableRawPointer: CurlExchange] = [:]
    /// Counters for tests and measurements.
    private var counters = CurlStatistics()

    init() throws(TransportError) {
        try CurlLibrary.load()
        guard let multi = ccurl_multi_init() else { throw .network("libcurl could not start (out of memory?)") }
        self.multi = multi
        // Idle connections kept for reuse: a few per server for a fan-out of 4.
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 16)
        let thread = Thread { [self] in run() }
        thread.name = "traktql-curl"
        thread.start()
    }

    /// Hands `exchange` to the loop; its continuation is resumed when it ends.
    func submit(_ exchange: CurlExchange) {
        let accepted: Bool = lock.withLock {
            guard !stopping else { return false }
            incoming.append(exchange)
            wake()
            return true
        }
        if !accepted {
            exchange.finish(.failure(TransportError.refused("the HTTP client has been shut down (traktql is exiting)")))
        }
    }

    /// Stops `exchange` (from any thread): it ends with `CancellationError`.
    func cancel(_ exchange: CurlExchange) {
        lock.withLock {
            exchange.cancelRequested = true
            cancels.append(exchange)
            wake()
        }
    }

    /// Wakes the loop from `curl_multi_poll`; only under `lock`, and never once the multi handle
    /// is being freed.
    private func wake() {
        if !closing { ccurl_multi_wakeup(multi) }
    }

    /// Ends every call in flight (with `CancellationError`), closes the connections and the
    /// thread, and returns once that is done. Later calls fail at once.
    func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done: Bool = lock.withLock {
                if stopped { return true }
                stopping = true
                stopWaiters.append(continuation)
                wake()
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// The same, without waiting (from a deinit).
    func stopInBackground() {
        lock.withLock {
            stopping = true
            wake()
        }
    }

    var statistics: CurlStatistics { lock.withLock { counters } }

    // MARK: - The loop

    private func run() {
        var running: Int32 = 0
        while true {
            let (fresh, cancelled, stop) = lock.withLock { () -> ([(CurlExchange, Bool)], [CurlExchange], Bool) in
                defer { incoming.removeAll(keepingCapacity: true); cancels.removeAll(keepingCapacity: true) }
                return (incoming.map { ($0, $0.cancelRequested) }, cancels, stopping)
            }
            let now = CurlClock.now()
            for (exchange, isCancelled) in fresh {
                if isCancelled || stop {
                    exchange.finish(.failure(CancellationError()))
                    continue
                }
                exchange.begin(at: now)
                guard ccurl_multi_add_handle(multi, exchange.easy) == CURLM_OK else {
                    exchange.finish(.failure(TransportError.network("libcurl could not start the call to \(exchange.plan.shownURL)")))
                    continue
                }
                active[exchange.easy] = exchange
            }
            for exchange in cancelled where active[exchange.easy] === exchange {
                end(exchange, .failure(CancellationError()))
            }
            if stop { break }

            ccurl_multi_perform(multi, &running)
            var easy: UnsafeMutableRawPointer?
            var code = CURLE_OK
            while ccurl_multi_next_done(multi, &easy, &code) != 0 {
                guard let handle = easy, let exchange = active[handle] else { continue }
                end(exchange, exchange.outcome(for: code))
            }

            // Limits, and how long the loop may sleep.
            let checked = CurlClock.now()
            var wake = Double.infinity
            for exchange in Array(active.values) {
                if let reason = exchange.expiry(at: checked) {
                    exchange.stop(reason)
                    end(exchange, .failure(exchange.failure(for: reason)))
                } else {
                    wake = min(wake, exchange.nextCheck)
                }
            }
            var wait = active.isEmpty ? 60_000 : 1_000
            var curlTimeout = -1
            ccurl_multi_timeout(multi, &curlTimeout)
            if curlTimeout >= 0 { wait = min(wait, curlTimeout) }
            if wake.isFinite { wait = min(wait, max(0, Int(((wake - checked) * 1000).rounded(.up)))) }
            ccurl_multi_poll(multi, Int32(wait))
        }
        for exchange in Array(active.values) { end(exchange, .failure(CancellationError())) }
        lock.withLock { closing = true }
        // Closes the kept-alive connections (TLS ones with a close_notify).
        ccurl_multi_cleanup(multi)
        let waiters: [CheckedContinuation<Void, Never>] = lock.withLock {
            stopped = true
            // Anything submitted after the stop began: it was refused in submit().
            defer { stopWaiters.removeAll() }
            return stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Takes `exchange` out of the multi handle and resumes its caller.
    private func end(_ exchange: CurlExchange, _ outcome: CurlExchange.Outcome) {
        ccurl_multi_remove_handle(multi, exchange.easy)
        active[exchange.easy] = nil
        let connects = exchange.info(CURLINFO_NUM_CONNECTS)
        let version = exchange.info(CURLINFO_HTTP_VERSION)
        lock.withLock {
            counters.calls += 1
            counters.connectionsOpened += connects
            if version == CURL_HTTP_VERSION_2_0 { counters.http2Calls += 1 }
        }
        exchange.finish(outcome)
    }
}

/// What a ``CurlTransport`` has done so far.
public struct CurlStatistics: Sendable, Hashable {
    /// Calls that ended (answered, failed or stopped).
    public var calls = 0
    /// New connections those calls opened (a call on a kept-alive connection opens none).
    public var connectionsOpened = 0
    /// Calls answered over HTTP/2.
    public var http2Calls = 0
}
