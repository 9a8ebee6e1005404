import Foundation
import TraktEmulator
import TraktQL

/// Calls the emulator core in this process (no socket): the `--api v2` side of the mirror's
/// parity tests sees exactly the answers the test's mirror was filled from.
struct EmulatorCoreTransport: HTTPTransport {
    let emulator: Emulator

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
        var headers = EmulatorHeaders()
        for (name, value) in request.headers { headers.append(name: name, value: value) }
        let path = components?.percentEncodedPath ?? "/"
        let answer = await emulator.respond(EmulatorRequest(method: request.method, path: path.isEmpty ? "/" : path,
                                                            query: components?.percentEncodedQuery, headers: headers,
                                                            body: request.body.map { [UInt8]($0) } ?? [], fromLoopback: true))
        var fields: [String: String] = [:]
        for field in answer.headers { fields[field.name.lowercased()] = field.value }
        return HTTPResponse(status: answer.status, headers: fields, body: Data(answer.body))
    }
}
