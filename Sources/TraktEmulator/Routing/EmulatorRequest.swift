/// One HTTP request to the emulator core, as plain values: what any front end (the Hummingbird
/// server, an in-process transport, a test) hands to ``Emulator/respond(_:)``.
public struct EmulatorRequest: Sendable, Equatable {
    /// The method as sent (`GET`, `POST`, …); compared case-sensitively, as HTTP does.
    public var method: String
    /// The path as it was on the wire: percent-encoded, without the query (`/users/justin/history`).
    public var path: String
    /// The query string without `?`, still percent-encoded; nil when the target had none.
    public var query: String?
    public var headers: EmulatorHeaders
    /// The request body (empty for none). The core reads at most ``Emulator/bodyLimit`` bytes:
    /// a longer body counts as none, as the server always did.
    public var body: [UInt8]
    /// Whether the request came from this machine (a loopback peer, or in-process). The core
    /// uses it where an operator's action may be allowed from loopback only.
    public var fromLoopback: Bool

    public init(method: String = "GET", path: String, query: String? = nil, headers: EmulatorHeaders = [:], body: [UInt8] = [],
                fromLoopback: Bool = false) {
        self.method = method
        self.path = path.isEmpty ? "/" : path
        self.query = query
        self.headers = headers
        self.body = body
        self.fromLoopback = fromLoopback
    }

    /// A request for an origin-form target (`/users/justin/history?page=2`).
    public init(method: String = "GET", target: String, headers: EmulatorHeaders = [:], body: [UInt8] = [], fromLoopback: Bool = false) {
        if let mark = target.firstIndex(of: "?") {
            self.init(method: method, path: String(target[..<mark]), query: String(target[target.index(after: mark)...]),
                      headers: headers, body: body, fromLoopback: fromLoopback)
        } else {
            self.init(method: method, path: target, headers: headers, body: body, fromLoopback: fromLoopback)
        }
    }
}
