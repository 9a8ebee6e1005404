/// The core's answer, as plain values: status, headers and body bytes, plus what the
/// connection must do when a wire fault was chosen for this request.
public struct EmulatorResponse: Sendable, Equatable {
    public var status: Int
    /// Every header the emulator sets (`Content-Type`, `Content-Length`, paging, rate limits…).
    /// A front end adds only what its wire needs (`Date`, `Connection`).
    public var headers: EmulatorHeaders
    /// The body; empty for HEAD (whose `Content-Length` is the length a GET would have).
    public var body: [UInt8]
    /// A fault the front end carries out on its wire instead of (or while) answering.
    public var wireFault: WireFault?

    public init(status: Int, headers: EmulatorHeaders = [:], body: [UInt8] = [], wireFault: WireFault? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.wireFault = wireFault
    }
}

/// Faults that belong to a connection, not to an answer: the core decides them (seeded dice or
/// `X-Emulator-Fault`), a front end carries them out.
public enum WireFault: Sendable, Equatable {
    /// Close the connection without writing any response. In-process there is no connection:
    /// the transport reports the same failure a reset connection gives.
    case reset
}
