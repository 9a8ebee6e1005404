import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TraktEmulator

/// Hummingbird's request and response types to the core's plain values and back, and the
/// faults that belong to the connection.
extension EmulatorServer {
    /// One request: read it into an ``EmulatorRequest`` (the body only for methods that carry
    /// one, at most ``Emulator/writeBodyLimit`` bytes), let the core answer, write the answer, or
    /// drop the connection when the core chose a `reset` fault.
    static func respond(to request: Request, context: EmulatorContext, emulator: Emulator) async throws -> Response {
        var request = request
        var body: [UInt8] = []
        if request.method != .get && request.method != .head {
            // Over the limit counts as no body, as it always did.
            if let buffer = try? await request.collectBody(upTo: Emulator.writeBodyLimit) {
                body = Array(buffer.readableBytesView)
            }
        }
        var headers = EmulatorHeaders()
        for field in request.headers {
            headers.append(name: field.name.rawName, value: field.value)
        }
        let answer = await emulator.respond(EmulatorRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query, headers: headers, body: body,
            fromLoopback: context.peerIsLoopback))
        if answer.wireFault == .reset {
            try? await context.channel.close()
            throw CancellationError()
        }
        var fields = HTTPFields()
        for field in answer.headers {
            if let name = HTTPField.Name(field.name) { fields.append(HTTPField(name: name, value: field.value)) }
        }
        let status = HTTPResponse.Status(code: answer.status)
        if request.method == .head || answer.body.isEmpty {
            return Response(status: status, headers: fields)
        }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
