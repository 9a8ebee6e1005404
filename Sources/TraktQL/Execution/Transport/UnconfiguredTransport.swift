/// The transport of an engine whose configuration names none. The engine library has no HTTP
/// client of its own (it stays Foundation-only, so that the fuzzer can compile it alone): the
/// client is `CurlTransport` in the `TraktQLCurl` library, or any other ``HTTPTransport``.
/// Every call fails with the reason; statements that make no call (`explain`, `--input`) work.
public struct UnconfiguredTransport: HTTPTransport {
    public init() {}

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        throw TransportError.refused("no HTTP client: set EngineConfiguration.transport (CurlTransport.retrying(for:) from the TraktQLCurl library)")
    }
}
