import Foundation

/// Reads a saved v1 response — the envelope `{"timestamps":…,"activity":[…]}`, a bare array of
/// items, or NDJSON — item by item from a ``ByteWindow``, materialising only what a
/// ``Projection`` names, and hands each item to a consumer as soon as it is read.
///
/// It accepts exactly the inputs ``ActivityPage/decode(_:status:url:)`` accepts (which reads the
/// whole body with ``JSONReader`` first) and fails with the same messages: items handed out
/// before an error are provisional, and the caller discards its results when `run` throws.
///
/// The input is read once, in chunks. The one exception: a first object that held an
/// `activity` array and turns out to be the first line of NDJSON must be read again as an
/// item; ``run(_:)`` then returns ``Outcome/rereadAsNDJSON(_:)`` and the caller starts over
/// (files can; standard input cannot, and says so).
struct ActivityStream {
    enum Outcome {
        case done
        case rereadAsNDJSON(JSONParseError)
    }

    /// What went wrong, in ``ActivityPage``'s words (its `malformedBody` texts).
    struct Failure: Error, Sendable, Equatable {
        var message: String
    }

    let window: ByteWindow
    let projection: Projection
    /// `url` in ActivityPage's messages: the input's name.
    let name: String
    let maxDepth: Int
    /// Set when reading again as NDJSON: the error JSONReader reported for the whole text.
    var forcedNDJSON: JSONParseError?

    private enum Phase {
        case begin
        case topArray(first: Bool, index: Int)
        case afterTopArray
        case member(first: Bool)
        case activity(first: Bool, index: Int)
        case afterActivity
        case afterTop
        case lines(index: Int)
        case generic
        case finished
    }

    init(window: ByteWindow, projection: Projection, name: String, maxDepth: Int = JSONReader.defaultMaxDepth,
         forcedNDJSON: JSONParseError? = nil) {
        self.window = window
        self.projection = projection
        self.name = name
        self.maxDepth = maxDepth
        self.forcedNDJSON = forcedNDJSON
    }

    private var url: String { Redactor.redactingPathKeys(in: name) }

    private static func kind(_ first: UInt8) -> String {
        switch first {
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        default: return "a number"
        }
    }

    /// Reads the whole input. `consume` gets each item and answers whether it still wants
    /// items (after `false` the rest is only checked, not built).
    func run(_ consume: (Value) -> Bool) throws(TraktQLError) -> Outcome {
        do {
            return try read(consume)
        } catch let failure as Failure {
            throw .usage("cannot read the input: \(failure.message)")
        } catch let error as TraktQLError {
            throw error
        } catch {
            throw .usage("cannot read the input: \(error)")
        }
    }

    private func malformed(_ error: JSONParseError) -> Failure {
        Failure(message: "\(error) (from \(url))")
    }

    private func read(_ consume: (Value) -> Bool) throws -> Outcome {
        var phase = Phase.begin
        var wanting = true
        /// "activity item n is …, not an object", reported at the end if nothing worse comes.
        var pendingItemError: String?
        /// The first object's members, except a streamed `activity` array.
        var members: [(key: String, value: Value)] = []
        var streamedActivity = false
        var sawActivityKey = false
        var originalError = forcedNDJSON
        var parser: ProjectingParser?

        _ = try window.refill()
        while true {
            let final = window.exhausted
            let base = window.buffer
            var p = parser.take() ?? ProjectingParser(base: base, count: window.end, offset: window.offset, final: final, maxDepth: maxDepth)
            p.rebase(base, count: window.end, offset: window.offset, final: final)
            p.i = window.start
            defer { parser = p }
            do {
                // Run units until the window ends; each unit commits only when it completed.
                unitLoop: while true {
                    switch phase {
                    case .finished:
                        return .done

                    case .begin:
                        // ActivityPage looks for the first byte that is not whitespace or a BOM byte.
                        var k = 0
                        while k < p.count, ProjectingParser.isWhitespace(p.p[k]) || p.p[k] == 0xEF || p.p[k] == 0xBB || p.p[k] == 0xBF { k += 1 }
                        if k == p.count {
                            if !final { throw StreamFault.needMore }
                            throw Failure(message: "empty body from \(url)")
                        }
                        if !final && p.count < 3 { throw StreamFault.needMore }
                        if p.count >= 3, p.p[0] == 0xEF, p.p[1] == 0xBB, p.p[2] == 0xBF { p.i = 3 }
                        p.skipWhitespace()
                        if forcedNDJSON != nil {
                            phase = .lines(index: 0)
                        } else if p.i < p.count, p.p[p.i] == UInt8(ascii: "{") {
                            p.i += 1
                            phase = .member(first: true)
                        } else if p.i < p.count, p.p[p.i] == UInt8(ascii: "[") {
                            if 1 > maxDepth { throw p.fail("nesting deeper than \(maxDepth) levels") }
                            p.i += 1
                            phase = .topArray(first: true, index: 0)
                        } else {
                            phase = .generic
                        }

                    case .generic:
                        let value = try p.parseValue(depth: 0)
                        if try p.peekAfterWhitespace() != nil {
                            throw malformed(JSONParseError(offset: p.base + p.i, message: "unexpected \(p.describe(p.p[p.i])) after the JSON value"))
                        }
                        throw Failure(message: "expected an object or an array, got \(value.kindDescription) from \(url)")

                    case .topArray(let first, let index):
                        p.skipWhitespace()
                        if first {
                            guard p.i < p.count else { throw p.end("unexpected end of input, expected a value") }
                            if p.p[p.i] == UInt8(ascii: "]") { p.i += 1; phase = .afterTopArray; break }
                        }
                        let item = try element(&p, depth: 1, wanting: wanting && pendingItemError == nil, index: index, pending: &pendingItemError)
                        let closed = try p.endOfElement()
                        if let item { wanting = consume(item) }
                        phase = closed ? .afterTopArray : .topArray(first: false, index: index + 1)

                    case .afterTopArray:
                        if try p.peekAfterWhitespace() != nil {
                            throw malformed(JSONParseError(offset: p.base + p.i, message: "unexpected \(p.describe(p.p[p.i])) after the JSON value"))
                        }
                        if let pendingItemError { throw Failure(message: pendingItemError) }
                        return .done

                    case .member(let first):
                        p.skipWhitespace()
                        if first {
                            if 1 > maxDepth { throw p.fail("nesting deeper than \(maxDepth) levels") }
                            guard p.i < p.count else { throw p.end("unexpected end of input in an object, expected a key") }
                            if p.p[p.i] == UInt8(ascii: "}") { p.i += 1; phase = .afterTop; break }
                        }
                        let key = try p.parseKey()
                        if key == "activity" && !sawActivityKey {
                            guard let next = try p.peekAfterWhitespace() else { throw p.end("unexpected end of input, expected a value") }
                            if next == UInt8(ascii: "[") {
                                if 2 > maxDepth { throw p.fail("nesting deeper than \(maxDepth) levels") }
                                p.i += 1
                                sawActivityKey = true
                                streamedActivity = true
                                phase = .activity(first: true, index: 0)
                                break
                            }
                        }
                        if key == "activity" && streamedActivity {
                            // A later duplicate: lookups find the first, so it only needs checking.
                            try p.skipValue(depth: 1)
                            let closed = try p.endOfMember()
                            phase = closed ? .afterTop : .member(first: false)
                            break
                        }
                        let value = try p.parseValue(depth: 1)
                        let closed = try p.endOfMember()
                        if key == "activity" { sawActivityKey = true }
                        members.append((key: key, value: value))
                        phase = closed ? .afterTop : .member(first: false)

                    case .activity(let first, let index):
                        p.skipWhitespace()
                        if first {
                            guard p.i < p.count else { throw p.end("unexpected end of input, expected a value") }
                            if p.p[p.i] == UInt8(ascii: "]") { p.i += 1; phase = .afterActivity; break }
                        }
                        let item = try element(&p, depth: 2, wanting: wanting && pendingItemError == nil, index: index, pending: &pendingItemError)
                        let closed = try p.endOfElement()
                        if let item { wanting = consume(item) }
                        phase = closed ? .afterActivity : .activity(first: false, index: index + 1)

                    case .afterActivity:
                        let closed = try p.endOfMember()
                        phase = closed ? .afterTop : .member(first: false)

                    case .afterTop:
                        // Whitespace, then the end (one document) or more (NDJSON, maybe).
                        var sawNewline = false
                        while p.i < p.count, ProjectingParser.isWhitespace(p.p[p.i]) {
                            if p.p[p.i] == 0x0A { sawNewline = true }
                            p.i += 1
                        }
                        if p.i == p.count && !final { throw StreamFault.needMore }
                        if p.i == p.count {
                            try finishDocument(members: members, streamedActivity: streamedActivity, pending: pendingItemError, consume)
                            return .done
                        }
                        let trailing = JSONParseError(offset: p.base + p.i, message: "unexpected \(p.describe(p.p[p.i])) after the JSON value")
                        // JSONReader fails here; ActivityPage then tries NDJSON, which needs a
                        // newline between values, and reports the first error if that fails too.
                        guard sawNewline else { throw malformed(trailing) }
                        if streamedActivity { return .rereadAsNDJSON(trailing) }
                        originalError = trailing
                        if wanting { wanting = consume(.object(members)) }
                        members = []
                        phase = .lines(index: 1)

                    case .lines(let index):
                        // One NDJSON line: a value, then whitespace holding a newline (or the end).
                        p.skipWhitespace()
                        if p.i == p.count && !final { throw StreamFault.needMore }
                        if p.i == p.count {
                            if let pendingItemError { throw Failure(message: pendingItemError) }
                            return .done
                        }
                        let item = try element(&p, depth: 0, wanting: wanting && pendingItemError == nil, index: index, pending: &pendingItemError)
                        var sawNewline = false
                        while p.i < p.count, ProjectingParser.isWhitespace(p.p[p.i]) {
                            if p.p[p.i] == 0x0A { sawNewline = true }
                            p.i += 1
                        }
                        if p.i == p.count && !final { throw StreamFault.needMore }
                        if p.i < p.count && !sawNewline {
                            throw StreamFault.syntax(JSONParseError(offset: p.base + p.i, message: "expected a newline after a JSON value, found \(p.describe(p.p[p.i]))"))
                        }
                        if let item { wanting = consume(item) }
                        phase = .lines(index: index + 1)
                    }
                    window.consume(upTo: p.i)
                }
            } catch StreamFault.needMore {
                // The unit did not fit: keep it, read more, and run it again.
                _ = try window.refill()
                continue
            } catch StreamFault.syntax(let error) {
                if let originalError { throw malformed(originalError) }  // NDJSON failed: JSONReader's error
                throw malformed(error)
            }
        }
    }

    /// One element of the items array (or one NDJSON line) at `p.i`: the projected item when it
    /// is an object and items are wanted; otherwise it is only checked, and a non-object is
    /// remembered as the pending error.
    private func element(_ p: inout ProjectingParser, depth: Int, wanting: Bool, index: Int, pending: inout String?) throws(StreamFault) -> Value? {
        p.skipWhitespace()
        guard p.i < p.count else { throw p.end("unexpected end of input, expected a value") }
        let first = p.p[p.i]
        if first == UInt8(ascii: "{") {
            if wanting { return try p.projectValue(projection, depth: depth) }
            try p.skipValue(depth: depth)
            return nil
        }
        try p.skipValue(depth: depth)
        if pending == nil { pending = "activity item \(index) is \(Self.kind(first)), not an object (from \(url))" }
        return nil
    }

    /// The rules ActivityPage applies to a document that is one object.
    private func finishDocument(members: [(key: String, value: Value)], streamedActivity: Bool, pending: String?, _ consume: (Value) -> Bool) throws {
        let document = Value.object(members)
        if !streamedActivity, let failure = document["error"]?.stringValue, document["activity"] == nil,
           document["status"]?.stringValue ?? "failure" == "failure" {
            throw Failure(message: LocalInput.apiFailureMessage(failure, name: url))
        }
        var stamps: Value?
        if let value = document["timestamps"], !value.isNull {
            guard case .object = value else {
                throw Failure(message: "\"timestamps\" is \(value.kindDescription), not an object (from \(url))")
            }
            stamps = value
        }
        if streamedActivity {
            if let pending { throw Failure(message: pending) }
            return
        }
        guard let activity = document["activity"] else {
            if stamps == nil, document["type"] != nil || document["action"] != nil {
                _ = consume(document)
                return
            }
            throw Failure(message: "no \"activity\" array in the response from \(url)")
        }
        switch activity {
        case .null: return
        default: throw Failure(message: "\"activity\" is not an array in the response from \(url)")
        }
    }
}
