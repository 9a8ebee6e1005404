import Foundation
import TraktEmulator
import TraktQL

/// Answers requests for ``EmbeddedServer/placeholderURL`` from the emulator core in this
/// process: the request becomes an `EmulatorRequest` (with the headers a network client would
/// add), the core's answer an ``HTTPResponse``. No socket, no port, no server.
///
/// What the emulator's faults (`--emulator-faults`) become here: 503, 429 and latency are the
/// same answers and waits as over HTTP; `truncate` and `malformed` are the same cut-off or
/// invalid bodies; `reset`, which drops a connection, has no connection to drop, so it fails
/// the call as a reset connection would (``TransportError/network(_:)``, which is retried).
struct EmbeddedServerTransport: HTTPTransport {
    let server: EmbeddedServer
    /// Bounds a call that carries no `timeout` of its own (only an injected latency can make
    /// the core slow).
    var requestTimeout: TimeInterval = HTTPTransportConfiguration().requestTimeout
    /// The headers a network client adds (`User-Agent`, `Accept`) and the body cap.
    var client = HTTPTransportConfiguration()

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let shown = Redactor.redactingPathKeys(in: request.url.absoluteString)
        guard let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false),
              let host = components.host, host == EmbeddedServer.placeholderURL.host else {
            throw TransportError.refused("the built-in emulator answers only \(EmbeddedServer.placeholderURL.absoluteString), not \(shown)")
        }
        let emulator: Emulator
        do {
            emulator = try await server.running()
        } catch {
            throw TransportError.network("could not start the built-in emulator: \(error)")
        }
        var headers = EmulatorHeaders()
        for (name, value) in client.headerFields(for: request, host: host) {
            try HTTPTransportConfiguration.checkHeader(name: name, value: value)
            headers.append(name: name, value: value)
        }
        let path = components.percentEncodedPath
        let question = EmulatorRequest(method: request.method, path: path.isEmpty ? "/" : path, query: components.percentEncodedQuery,
                                       headers: headers, body: request.body.map { [UInt8]($0) } ?? [], fromLoopback: true)
        let answer = try await Self.answer(question, from: emulator, within: request.timeout ?? requestTimeout, url: shown)
        try Task.checkCancellation()
        if answer.wireFault == .reset {
            throw TransportError.network("connection reset by the built-in emulator (its 'reset' fault) for \(shown)")
        }
        guard answer.body.count <= client.maximumBodyBytes else { throw TransportError.tooLarge(url: shown, limit: client.maximumBodyBytes) }
        var fields: [String: String] = [:]
        for field in answer.headers {
            let name = field.name.lowercased()
            fields[name] = fields[name].map { $0 + ", " + field.value } ?? field.value
        }
        return HTTPResponse(status: answer.status, headers: fields, body: Data(answer.body))
    }

    /// The core's answer, or ``TransportError/timeout(url:seconds:)`` when an injected latency
    /// outlasts `limit`. Without latency faults the core never waits, so it is called directly.
    private static func answer(_ request: EmulatorRequest, from emulator: Emulator, within limit: TimeInterval, url: String) async throws
        -> EmulatorResponse
    {
        let faults = emulator.configuration.faults
        guard faults.latencyMilliseconds > 0 || emulator.configuration.allowFaultHeader else { return await emulator.respond(request) }
        return try await withThrowingTaskGroup(of: EmulatorResponse?.self) { group in
            group.addTask { await emulator.respond(request) }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int64((min(max(0, limit), 86_400 * 366) * 1000).rounded(.up))))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let answer = first else {
                throw TransportError.timeout(url: url, seconds: limit)
            }
            return answer
        }
    }
}
