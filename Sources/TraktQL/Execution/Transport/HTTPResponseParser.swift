import Foundation

/// Reads one HTTP/1.1 response from bytes as they arrive off a socket (RFC 9112): the status
/// line, the header fields, then a body framed by `Content-Length`, by chunked transfer coding,
/// or by the server closing the connection.
///
/// Pure and incremental, so that it can be tested and fuzzed without a socket: feed it whatever
/// `read` returned with ``consume(_:)`` until it says the response is complete, and call
/// ``finishAtEndOfStream()`` when the peer closes first.
struct HTTPResponseParser {
    /// Why the bytes are not an acceptable response.
    struct Failure: Error, Equatable {
        let reason: String
        /// The body passed ``maximumBodyBytes``: not worth retrying.
        var isTooLarge = false
    }

    /// The longest status line plus header block accepted; real servers send well under 8 KiB.
    static let maximumHeadBytes = 64 * 1024
    /// The largest body accepted by default. A v1 page is at most about 200 KB; this stops a
    /// runaway (or endless) body long before it costs real memory.
    static let defaultMaximumBodyBytes = 16 * 1024 * 1024
    /// The largest body this parser accepts.
    let maximumBodyBytes: Int

    private enum State {
        case head
        case fixedBody(remaining: Int)
        case chunkSizeLine
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case complete
    }

    private(set) var status = 0
    /// Field names lower-cased; repeated fields joined with ", " (RFC 9110 §5.3).
    private(set) var headers: [String: String] = [:]
    private(set) var body: [UInt8] = []
    /// Whether the connection may carry another request once this response is complete.
    private(set) var keepAlive = true

    private let expectsBody: Bool
    private var state = State.head
    /// Bytes received but not yet parsed: a partial line, or the head before its blank line.
    private var pending: [UInt8] = []

    /// - Parameter requestMethod: `HEAD` responses carry no body whatever their headers say.
    init(requestMethod: String, maximumBodyBytes: Int = HTTPResponseParser.defaultMaximumBodyBytes) {
        expectsBody = requestMethod != "HEAD"
        self.maximumBodyBytes = maximumBodyBytes
    }

    var isComplete: Bool {
        if case .complete = state { return true }
        return false
    }

    /// Whether any byte of a response has arrived (a reused connection that closes before
    /// that may be retried on a fresh one).
    var hasStarted: Bool { status != 0 || !pending.isEmpty || !body.isEmpty }

    /// Takes the next bytes; returns `true` once the response is complete. Bytes after the end
    /// of the response are an error: this client never pipelines, so the server sent garbage.
    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Bool {
        var input = Slice(base: bytes, bounds: bytes.startIndex..<bytes.endIndex)
        while !input.isEmpty {
            switch state {
            case .head:
                try consumeHead(&input)
            case .fixedBody(let remaining):
                let left = takeBody(&input, upTo: remaining)
                state = left == 0 ? .complete : .fixedBody(remaining: left)
            case .chunkSizeLine:
                guard let line = try takeLine(&input, limit: 1024) else { continue }
                let size = try Self.chunkSize(line)
                guard body.count + size <= maximumBodyBytes else { throw tooLarge() }
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let left = takeBody(&input, upTo: remaining)
                state = left == 0 ? .chunkDataEnd : .chunkData(remaining: left)
            case .chunkDataEnd:
                guard let line = try takeLine(&input, limit: 2) else { continue }
                guard line.isEmpty else { throw Failure(reason: "chunk not followed by CRLF") }
                state = .chunkSizeLine
            case .trailers:
                guard let line = try takeLine(&input, limit: Self.maximumHeadBytes) else { continue }
                if line.isEmpty { state = .complete }
            case .untilClose:
                guard body.count + input.count <= maximumBodyBytes else { throw tooLarge() }
                body.append(contentsOf: input)
                input = input.dropFirst(input.count)
            case .complete:
                throw Failure(reason: "unexpected bytes after the response")
            }
        }
        return isComplete
    }

    /// Moves up to `remaining` body bytes from `input` to `body`; returns how many are still due.
    private mutating func takeBody(_ input: inout Slice<UnsafeRawBufferPointer>, upTo remaining: Int) -> Int {
        let take = min(remaining, input.count)
        body.append(contentsOf: input.prefix(take))
        input = input.dropFirst(take)
        return remaining - take
    }

    /// The peer closed the connection. Completes a close-delimited body; anything else that is
    /// not complete was cut short.
    mutating func finishAtEndOfStream() throws(Failure) {
        switch state {
        case .complete:
            return
        case .untilClose:
            state = .complete
        case .head:
            throw Failure(reason: hasStarted ? "connection closed inside the response head" : "connection closed before any response")
        case .fixedBody(let remaining):
            throw Failure(reason: "connection closed after \(body.count) of \(body.count + remaining) body bytes")
        case .chunkSizeLine, .chunkData, .chunkDataEnd, .trailers:
            throw Failure(reason: "connection closed inside a chunked body after \(body.count) bytes")
        }
    }

    // MARK: - Head

    private mutating func consumeHead(_ input: inout Slice<UnsafeRawBufferPointer>) throws(Failure) {
        // Keep everything up to the blank line, then parse the head in one go.
        let start = pending.count
        pending.append(contentsOf: input)
        guard let end = Self.endOfHead(in: pending, searchFrom: max(0, start - 3)) else {
            guard pending.count <= Self.maximumHeadBytes else { throw Failure(reason: "response head larger than 64 KiB") }
            input = input.dropFirst(input.count)
            return
        }
        let headLength = end.bodyStart
        // What followed the head in this read belongs to the body.
        let leftover = pending.count - headLength
        input = input.dropFirst(input.count - leftover)
        let head = Array(pending[..<end.headEnd])
        pending.removeAll(keepingCapacity: true)
        try parseHead(head)
    }

    /// The end of the header block: its last byte before the blank line, and where the body
    /// starts. Accepts bare LF line ends as RFC 9112 §2.2 allows recipients to.
    private static func endOfHead(in bytes: [UInt8], searchFrom: Int) -> (headEnd: Int, bodyStart: Int)? {
        var i = searchFrom
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") { return (i, i + 2) }
                if i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "\r"), bytes[i + 2] == UInt8(ascii: "\n") { return (i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    private mutating func parseHead(_ head: [UInt8]) throws(Failure) {
        var lines = head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        }
        guard !lines.isEmpty else { throw Failure(reason: "empty response head") }
        let statusLine = lines.removeFirst()
        // "HTTP/1.1 200 OK": version, a space, three digits, then an optional reason.
        let version = Array(statusLine.prefix(8))
        guard statusLine.count >= 12, version.starts(with: Array("HTTP/1.".utf8)),
              version[7] == UInt8(ascii: "0") || version[7] == UInt8(ascii: "1"),
              statusLine[statusLine.startIndex + 8] == UInt8(ascii: " ") else {
            throw Failure(reason: "not an HTTP/1.x response: \(Self.printable(statusLine.prefix(40)))")
        }
        var code = 0
        for byte in statusLine.dropFirst(9).prefix(3) {
            guard byte >= 0x30, byte <= 0x39 else { throw Failure(reason: "bad status code in \(Self.printable(statusLine.prefix(40)))") }
            code = code * 10 + Int(byte - 0x30)
        }
        guard code >= 100 else { throw Failure(reason: "bad status code \(code)") }
        let isHTTP10 = version[7] == UInt8(ascii: "0")

        var fields: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon != line.startIndex else {
                throw Failure(reason: "malformed header line \(Self.printable(line.prefix(40)))")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            guard !name.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 }) else {
                throw Failure(reason: "malformed header name \(Self.printable(line[..<colon].prefix(40)))")
            }
            let value = String(decoding: Self.trimmed(line[line.index(after: colon)...]), as: UTF8.self)
            if let existing = fields[name] { fields[name] = existing + ", " + value } else { fields[name] = value }
        }

        // 1xx: an interim response; the real one follows on the same connection.
        if (100..<200).contains(code) {
            guard code != 101 else { throw Failure(reason: "unexpected protocol switch (101)") }
            return
        }

        status = code
        headers = fields
        let connection = fields["connection"]?.lowercased() ?? ""
        keepAlive = isHTTP10 ? connection.contains("keep-alive") : !connection.contains("close")

        if !expectsBody || code == 204 || code == 304 {
            state = .complete
        } else if let coding = fields["transfer-encoding"] {
            guard coding.lowercased().split(separator: ",").last?.trimmingCharacters(in: .whitespaces) == "chunked" else {
                throw Failure(reason: "unsupported transfer coding \(Self.printable(coding.utf8.prefix(40)))")
            }
            state = .chunkSizeLine
        } else if let lengthText = fields["content-length"] {
            // Repeated identical values ("42, 42") are allowed; anything else is not (RFC 9110 §8.6).
            let values = Set(lengthText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            guard values.count == 1, let only = values.first, !only.isEmpty, only.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let length = Int(only) else {
                throw Failure(reason: "bad Content-Length \(Self.printable(lengthText.utf8.prefix(40)))")
            }
            guard length <= maximumBodyBytes else { throw tooLarge() }
            body.reserveCapacity(length)
            state = length == 0 ? .complete : .fixedBody(remaining: length)
        } else {
            keepAlive = false
            state = .untilClose
        }
    }

    // MARK: - Lines

    /// The next line (without its CR LF) if it is complete in `pending` + `input`.
    private mutating func takeLine(_ input: inout Slice<UnsafeRawBufferPointer>, limit: Int) throws(Failure) -> [UInt8]? {
        guard let newline = input.firstIndex(of: UInt8(ascii: "\n")) else {
            pending.append(contentsOf: input)
            input = input.dropFirst(input.count)
            guard pending.count <= limit + 1 else { throw Failure(reason: "line longer than \(limit) bytes in a chunked body") }
            return nil
        }
        var line = pending
        line.append(contentsOf: input[..<newline])
        pending.removeAll(keepingCapacity: true)
        input = input[input.index(after: newline)...]
        // The same limit whether the line came in one read or several.
        guard line.count <= limit + 1 else { throw Failure(reason: "line longer than \(limit) bytes in a chunked body") }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line
    }

    /// A chunk-size line: hex digits, then optional `;extensions`.
    private static func chunkSize(_ line: [UInt8]) throws(Failure) -> Int {
        var size = 0
        var digits = 0
        for byte in line {
            let digit: Int
            switch byte {
            case 0x30...0x39: digit = Int(byte - 0x30)
            case 0x41...0x46: digit = Int(byte - 0x41 + 10)
            case 0x61...0x66: digit = Int(byte - 0x61 + 10)
            case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                guard digits > 0 else { throw Failure(reason: "bad chunk size line") }
                return size
            default:
                throw Failure(reason: "bad chunk size line \(printable(line.prefix(20)))")
            }
            digits += 1
            guard digits <= 8 else { throw Failure(reason: "chunk size too large") }
            size = size * 16 + digit
        }
        guard digits > 0 else { throw Failure(reason: "empty chunk size line") }
        return size
    }

    private func tooLarge() -> Failure {
        let limit = maximumBodyBytes >= 1 << 20 ? "\(maximumBodyBytes >> 20) MiB" : "\(maximumBodyBytes) bytes"
        return Failure(reason: "response body larger than \(limit)", isTooLarge: true)
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }

    /// Server bytes quoted in an error message: printable ASCII only, so a hostile server
    /// cannot put escape sequences on the user's terminal.
    private static func printable<S: Sequence<UInt8>>(_ bytes: S) -> String {
        "\"" + String(bytes.map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "?" }) + "\""
    }
}
