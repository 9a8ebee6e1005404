import CCurl
import Foundation
import TraktQL

/// One request on one libcurl easy handle: its options, the callbacks that collect the answer,
/// its limits, and the continuation its caller waits on.
///
/// Made and configured on the caller's thread; from ``CurlLoop/submit(_:)`` on, only the loop
/// thread touches it (the callbacks run inside `curl_multi_perform` on that thread), except
/// ``requestCancel()``, which takes the loop's lock.
final class CurlExchange: @unchecked Sendable {
    /// How an exchange ends, as the loop hands it back.
    enum Outcome {
        case response(HTTPResponse)
        case failure(any Error)
        /// libcurl refused the server's certificate; the caller names the problem (which needs
        /// another handshake, so it is done off the loop thread).
        case certificateRejected(CertificateRejection)
    }

    /// Why the loop stopped a transfer before libcurl finished it.
    enum Abort {
        case tooLarge
        case cancelled
        case timedOut(seconds: TimeInterval)
    }

    let easy: UnsafeMutableRawPointer
    let request: HTTPRequest
    let plan: CurlRequestPlan
    /// Kept alive while libcurl may read them.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

    // Loop-thread state.
    private var head = HTTPResponseHead()
    private var body = Data()
    private(set) var abort: Abort?
    /// Monotonic seconds: the whole exchange must end by `deadline`; no stall may last longer
    /// than `plan.inactivity` (measured from the last byte received, or from the start).
    private(set) var deadline: Double = .infinity
    private(set) var lastActivity: Double = 0
    private var continuation: CheckedContinuation<Outcome, Never>?

    /// Set under the loop's lock (``CurlLoop``): a cancel that comes before the loop took the
    /// exchange must still stop it.
    var cancelRequested = false

    init(request: HTTPRequest, plan: CurlRequestPlan) throws(TransportError) {
        guard let easy = ccurl_easy_init() else { throw .network("libcurl could not make a handle (out of memory?)") }
        self.easy = easy
        self.request = request
        self.plan = plan
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        do {
            try configure()
        } catch {
            release()
            throw error
        }
    }

    deinit { release() }

    private var released = false
    private func release() {
        guard !released else { return }
        released = true
        ccurl_easy_cleanup(easy)
        if let headerList { ccurl_slist_free_all(headerList) }
        if let resolveList { ccurl_slist_free_all(resolveList) }
        errorBuffer.deallocate()
    }

    // MARK: - Options

    private func configure() throws(TransportError) {
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_URL, plan.url)
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        try set(CURLOPT_NOSIGNAL, 1)
        // The path goes out as given: no squashing of `/../` (the v1 key is a path segment).
        try set(CURLOPT_PATH_AS_IS, 1)
        // Redirects are answers like any other; none is followed (a 307 elsewhere must not take
        // the Authorization header or the key with it).
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        try set(CURLOPT_WRITEFUNCTION, callback: curlWriteBody)
        try set(CURLOPT_WRITEDATA, pointer: opaque)
        try set(CURLOPT_HEADERFUNCTION, callback: curlWriteHeader)
        try set(CURLOPT_HEADERDATA, pointer: opaque)
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(plan.inactivity))
        // Idle kept-alive connections older than this are not reused (servers close theirs).
        try set(CURLOPT_MAXAGE_CONN, 30)
        // HTTP/2 over TLS where the server offers it (ALPN); HTTP/1.1 on plain http://.
        try set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        if plan.isHTTPS {
            // Concurrent calls to one server wait for its first connection to say whether it
            // multiplexes, instead of each opening its own.
            try set(CURLOPT_PIPEWAIT, 1)
            try set(CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
            try plan.trust.apply(to: easy, proxy: false)
        }
        if let proxy = plan.proxy {
            try set(CURLOPT_PROXY, proxy)
            if proxy.lowercased().hasPrefix("https://") { try plan.trust.apply(to: easy, proxy: true) }
        } else {
            // An empty proxy: libcurl must not pick one from the environment on its own.
            try set(CURLOPT_PROXY, "")
        }
        if let pin = plan.localhostPin {
            resolveList = ccurl_slist_append(nil, pin)
            try set(CURLOPT_RESOLVE, pointer: UnsafeRawPointer(resolveList))
        }
        try configureMethod()
        var list: UnsafeMutablePointer<curl_slist>?
        for line in plan.headerLines {
            guard let next = ccurl_slist_append(list, line) else {
                if let list { ccurl_slist_free_all(list) }
                throw .network("libcurl could not take the request's headers (out of memory?)")
            }
            list = next
        }
        headerList = list
        try set(CURLOPT_HTTPHEADER, pointer: UnsafeRawPointer(list))
    }

    private func configureMethod() throws(TransportError) {
        let method = request.method
        let body = request.body ?? Data()
        switch method {
        case "GET" where body.isEmpty:
            try set(CURLOPT_HTTPGET, 1)
        case "HEAD" where body.isEmpty:
            try set(CURLOPT_NOBODY, 1)
        default:
            if method == "POST" {
                try set(CURLOPT_POST, 1)
            } else {
                try set(CURLOPT_CUSTOMREQUEST, method)
            }
            if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) {
                // libcurl copies the bytes: the request's Data need not outlive this call.
                try check(ccurl_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), CURLOPT_POSTFIELDSIZE_LARGE)
                let copied = body.withUnsafeBytes { raw in
                    // An empty body still needs a non-NULL pointer, or libcurl reads from stdin.
                    ccurl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, raw.baseAddress ?? UnsafeRawPointer(errorBuffer))
                }
                try check(copied, CURLOPT_COPYPOSTFIELDS)
            }
        }
        // A reused connection that turns out dead before any answer is retried on a new one by
        // libcurl, for every method; a call that must not go twice gets a fresh connection.
        if !["GET", "HEAD", "OPTIONS", "PUT", "DELETE"].contains(method) { try set(CURLOPT_FRESH_CONNECT, 1) }
    }

    private func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(ccurl_easy_setopt_long(easy, option, value), option)
    }

    private func set(_ option: CURLoption, _ value: String) throws(TransportError) {
        try check(ccurl_easy_setopt_pointer(easy, option, value), option)
    }

    private func set(_ option: CURLoption, pointer: UnsafeRawPointer?) throws(TransportError) {
        try check(ccurl_easy_setopt_pointer(easy, option, pointer), option)
    }

    private func set(_ option: CURLoption, callback: curl_write_callback) throws(TransportError) {
        try check(ccurl_easy_setopt_callback(easy, option, callback), option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(TransportError) {
        guard code == CURLE_OK else {
            throw .network("libcurl refused option \(option.rawValue): \(String(cString: ccurl_easy_strerror(code))) (\(CurlLibrary.version ?? "libcurl"))")
        }
    }

    static func milliseconds(_ seconds: TimeInterval) -> Int {
        guard seconds.isFinite else { return 0 }
        return Int(min(max(seconds, 0.001), 86_400) * 1000)
    }

    // MARK: - Loop thread

    /// The continuation the caller waits on; set before ``CurlLoop/submit(_:)``.
    func attach(_ continuation: CheckedContinuation<Outcome, Never>) {
        self.continuation = continuation
    }

    /// Called by the loop when it takes the exchange: the limits start now.
    func begin(at now: Double) {
        deadline = now + max(0, min(plan.limit, 86_400))
        lastActivity = now
    }

    /// Ends the exchange (once).
    func finish(_ outcome: Outcome) {
        guard let continuation else { return }
        self.continuation = nil
        continuation.resume(returning: outcome)
    }

    /// Whether a limit has passed at `now`: the reason to stop, or nil.
    func expiry(at now: Double) -> Abort? {
        if now >= deadline { return .timedOut(seconds: plan.limit) }
        if now - lastActivity >= plan.inactivity { return .timedOut(seconds: plan.inactivity) }
        return nil
    }

    /// When ``expiry(at:)`` should be asked next.
    var nextCheck: Double { min(deadline, lastActivity + plan.inactivity) }

    /// Bytes of the body, from the write callback: how many were taken (fewer stops the transfer).
    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        lastActivity = CurlClock.now()
        if abort != nil { return 0 }
        if body.count + bytes.count > plan.maximumBodyBytes {
            abort = .tooLarge
            return 0
        }
        if body.isEmpty, let length = head.contentLength, length <= plan.maximumBodyBytes { body.reserveCapacity(length) }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// One header line, from the header callback.
    fileprivate func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        lastActivity = CurlClock.now()
        if abort != nil { return 0 }
        head.consume(line: bytes)
        // A body announced as too large is refused before any of it is read.
        if request.method != "HEAD", let length = head.contentLength, length > plan.maximumBodyBytes {
            abort = .tooLarge
            return 0
        }
        return bytes.count
    }

    /// Stops the transfer for `reason` (the loop then removes it).
    func stop(_ reason: Abort) {
        if abort == nil { abort = reason }
    }

    /// The transfer ended with `code`: the answer, or what went wrong.
    func outcome(for code: CURLcode) -> Outcome {
        if let abort { return .failure(failure(for: abort)) }
        guard code == CURLE_OK else { return CurlFailure(exchange: self, code: code).outcome }
        var status = 0
        ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        let response = HTTPResponse(status: status, headers: head.headers, body: body)
        body = Data()
        return .response(response)
    }

    func failure(for abort: Abort) -> any Error {
        switch abort {
        case .tooLarge: return TransportError.tooLarge(url: plan.shownURL, limit: plan.maximumBodyBytes)
        case .cancelled: return CancellationError()
        case .timedOut(let seconds): return TransportError.timeout(url: plan.shownURL, seconds: seconds)
        }
    }

    /// libcurl's own words about the last failure (its error buffer), or its generic text.
    func errorText(_ code: CURLcode) -> String {
        let text = String(cString: errorBuffer)
        return text.isEmpty ? String(cString: ccurl_easy_strerror(code)) : text
    }

    func info(_ item: CURLINFO) -> Int {
        var value = 0
        ccurl_easy_getinfo_long(easy, item, &value)
        return value
    }
}

// C callbacks: no captures; the exchange comes back through the user-data pointer.

private let curlWriteBody: curl_write_callback = { pointer, size, count, user in
    guard let user else { return 0 }
    let (total, overflow) = size.multipliedReportingOverflow(by: count)
    guard !overflow else { return 0 }
    let exchange = Unmanaged<CurlExchange>.fromOpaque(user).takeUnretainedValue()
    return exchange.receiveBody(UnsafeRawBufferPointer(start: pointer, count: total))
}

private let curlWriteHeader: curl_write_callback = { pointer, size, count, user in
    guard let user else { return 0 }
    let (total, overflow) = size.multipliedReportingOverflow(by: count)
    guard !overflow else { return 0 }
    let exchange = Unmanaged<CurlExchange>.fromOpaque(user).takeUnretainedValue()
    return exchange.receiveHeader(UnsafeRawBufferPointer(start: pointer, count: total))
}
