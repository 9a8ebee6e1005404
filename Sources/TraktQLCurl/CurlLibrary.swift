import CCurl
import TraktQL

/// libcurl, loaded with `dlopen` on the first call that needs it (``CCurl``). Until then the
/// process has neither libcurl nor OpenSSL in it: a statement that makes no call (`explain`,
/// `--input`, `--help`) never pays for them. A machine without libcurl gets one clear error
/// on its first call, instead of a binary that cannot start.
enum CurlLibrary {
    /// Loads libcurl once per process; later calls return the first outcome at once.
    static func load() throws(TransportError) {
        if case .failure(let error) = loaded { throw error }
    }

    /// Swift runs this once, thread-safely, on first use.
    private static let loaded: Result<Void, TransportError> = {
        var reason = [CChar](repeating: 0, count: 512)
        let status = ccurl_load(nil, 0, &reason, reason.count)
        if status == 0 { return .success(()) }
        return .failure(missing(text(reason)))
    }()

    /// The error for a libcurl that cannot be loaded; `reason` is the loader's message.
    static func missing(_ reason: String) -> TransportError {
        .refused("traktql reaches servers through libcurl, which could not be loaded (\(TerminalSafety.sanitize(reason))). "
                 + "Install it: apt-get install libcurl4 on Debian and Ubuntu, dnf install libcurl on Fedora")
    }

    /// The error loading `path` would give, or nil when it would load (for tests: the library
    /// that is loaded stays loaded).
    static func check(path: String) -> TransportError? {
        var reason = [CChar](repeating: 0, count: 512)
        return ccurl_check(path, &reason, reason.count) == 0 ? nil : missing(text(reason))
    }

    /// A NUL-terminated buffer as text.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `libcurl/7.88.1 OpenSSL/3.0.19 …` once loaded.
    static var version: String? { ccurl_version().map { String(cString: $0) } }

    /// Whether the loaded libcurl speaks HTTP/2 (built with nghttp2).
    static var supportsHTTP2: Bool { ccurl_features() & Int32(CURL_VERSION_HTTP2) != 0 }
}
