#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Runs a ``Plan`` over a local input: reads the items (streamed and projected, or — the
/// reference path — decoded whole with ``ActivityPage``), applies the filters and the stages.
struct LocalExecutor {
    enum Reader: Sendable {
        /// ``ActivityStream``: one pass in chunks, only the fields the query reads.
        case streaming
        /// The whole input in memory, decoded by ``ActivityPage`` (JSONReader): the reference.
        case plain
    }

    var plan: Plan
    var local: LocalSource
    var now: Date
    /// Whether whole items may be printed (json/ndjson output, or a format chosen later).
    var wholeItems: Bool
    var reader: Reader = .streaming
    /// Bytes per read.
    var chunkSize = 1 << 20

    /// Where the bytes come from.
    enum Bytes {
        /// The input `local` names: a file, or standard input (`-`).
        case input
        /// Bytes in memory (tests, benchmarks, the fuzzer).
        case memory([UInt8])
    }

    /// Reads the input once: its first bytes tell its shape (``V2Input/looksLikeV2(prefix:)``).
    /// A v2 file (an array from a v2 route, or an export object) is then read on to its end and
    /// read through ``V2ItemSchema``; anything else streams on from the bytes already read,
    /// through ``V1ItemSchema``. No byte is read twice (standard input included), except that
    /// NDJSON found late is read again from a file (``ActivityStream``).
    func run() throws(TraktQLError) -> QueryResult {
        try read(.input)
    }

    /// Runs over bytes in memory (tests and benchmarks).
    static func run(plan: Plan, local: LocalSource, bytes: [UInt8], now: Date, wholeItems: Bool,
                    reader: Reader, chunkSize: Int = 1 << 20) throws(TraktQLError) -> QueryResult {
        try LocalExecutor(plan: plan, local: local, now: now, wholeItems: wholeItems, reader: reader, chunkSize: chunkSize).read(.memory(bytes))
    }

    /// The items of `bytes` through the filters and stages: decoded whole (``Reader/plain``), or
    /// streamed and projected, read a second time as NDJSON when the first pass finds that it
    /// is. The input (not bytes in memory) is v2 data when its first bytes say so.
    private func read(_ bytes: Bytes) throws(TraktQLError) -> QueryResult {
        // v1 items name their users; a v1 file names no account for `me` (a v2 export may:
        // this is bound once the input is known to be v1).
        func v1Pipeline() throws(TraktQLError) -> LocalPipeline {
            let plan = try Self.bindingUsers(in: plan, fileUser: nil, items: nil, schema: V1ItemSchema(convention: local.convention), name: local.displayName)
            return LocalPipeline(plan: plan, local: local, now: now)
        }
        switch reader {
        case .plain:
            let data: Data
            switch bytes {
            case .input: data = try readAll()
            case .memory(let memory): data = Data(memory)
            }
            if case .input = bytes, V2Input.looksLikeV2(prefix: data.prefix(V2Input.shapePrefix)),
               let result = try Self.runV2(plan: self.plan, local: local, data: data, now: now) {
                return result
            }
            var pipeline = try v1Pipeline()
            let page: ActivityPage
            do {
                page = try ActivityPage.decode(data, status: 200, url: local.displayName)
            } catch {
                throw .usage("cannot read the input: \(LocalInput.message(for: error))")
            }
            for item in page.items {
                if !pipeline.accept(item) { break }
            }
            return pipeline.finish()
        case .streaming:
            let projection = LocalBackend.projection(for: plan, reading: local, schema: V1ItemSchema(convention: local.convention), wholeItems: wholeItems)
            var forced: JSONParseError?
            var pipeline: LocalPipeline?
            while true {
                let pass = try withSource(bytes) { source throws(TraktQLError) -> Pass in
                    let window = ByteWindow(source: source, chunkSize: chunkSize)
                    if case .input = bytes, forced == nil, let data = try Self.wholeIfV2(window) { return .whole(data) }
                    var v1: LocalPipeline
                    if let pipeline { v1 = pipeline } else { v1 = try v1Pipeline() }
                    let stream = ActivityStream(window: window, projection: projection, name: local.displayName, forcedNDJSON: forced)
                    defer { pipeline = v1 }
                    return .streamed(try stream.run { v1.accept($0) })
                }
                switch pass {
                case .whole(let data):
                    if let result = try Self.runV2(plan: self.plan, local: local, data: data, now: now) { return result }
                    // It looked like v2 but is not: the bytes already read, as v1.
                    return try LocalExecutor(plan: self.plan, local: local, now: now, wholeItems: wholeItems, reader: reader,
                                             chunkSize: chunkSize).read(.memory([UInt8](data)))
                case .streamed(.done):
                    guard let pipeline else { return try v1Pipeline().finish() }
                    return pipeline.finish()
                case .streamed(.rereadAsNDJSON(let error)):
                    if case .input = bytes, local.path == "-" {
                        throw .usage("cannot read the input: it is NDJSON whose first line holds an \"activity\" array, which needs a second pass; standard input cannot be read twice, so save it to a file")
                    }
                    forced = error
                    pipeline = try v1Pipeline()
                }
            }
        }
    }

    /// One pass over a source: streamed as v1, or the whole of a v2 input.
    private enum Pass {
        case streamed(ActivityStream.Outcome)
        case whole(Data)
    }

    /// The whole input when its first bytes (``V2Input/shapePrefix`` of them, or all there
    /// are) look like v2 data; nil otherwise, with those bytes left in `window` for the stream.
    private static func wholeIfV2(_ window: ByteWindow) throws(TraktQLError) -> Data? {
        while window.end - window.start < V2Input.shapePrefix, try window.refill() {}
        let head = UnsafeBufferPointer(start: window.buffer + window.start, count: min(window.end - window.start, V2Input.shapePrefix))
        guard V2Input.looksLikeV2(prefix: head) else { return nil }
        while try window.refill() {}
        return Data(bytes: window.buffer + window.start, count: window.end - window.start)
    }

    /// Calls `body` with a source of `bytes`: an open descriptor (closed after, unless it is
    /// standard input), or the memory.
    private func withSource<T>(_ bytes: Bytes, _ body: (ByteSource) throws(TraktQLError) -> T) throws(TraktQLError) -> T {
        switch bytes {
        case .input:
            let fd = try openInput()
            defer { if local.path != "-" { close(fd) } }
            return try body(.descriptor(fd))
        case .memory(let memory):
            return try memory.withUnsafeBytes { raw -> Result<T, TraktQLError> in
                do throws(TraktQLError) { return .success(try body(.memory(raw))) } catch { return .failure(error) }
            }.get()
        }
    }

    /// The result over v2 data, or nil when `data` is not v2 data (then it is read as v1).
    static func runV2(plan: Plan, local: LocalSource, data: Data, now: Date) throws(TraktQLError) -> QueryResult? {
        guard let value = try? JSONReader.parse(data),
              let reading = V2Input.read(value, name: local.displayName) else { return nil }
        if let refusal = reading.refusal { throw .usage(refusal) }
        let schema = V2ItemSchema()
        let plan = try bindingUsers(in: plan, fileUser: reading.username, items: reading.items, schema: schema, name: local.displayName)
        var pipeline = LocalPipeline(plan: plan, local: local, now: now, schema: schema)
        for item in reading.items {
            if !pipeline.accept(item) { break }
        }
        var result = pipeline.finish()
        result.warnings.insert(reading.description, at: 0)
        return result
    }

    private func openInput() throws(TraktQLError) -> Int32 {
        if local.path == "-" { return 0 }
        let fd = open(local.path, O_RDONLY)
        if fd < 0 { throw .usage("cannot open \(local.path): \(String(cString: strerror(errno)))") }
        return fd
    }

    /// The whole input, read from its descriptor (a file, a pipe or standard input alike).
    private func readAll() throws(TraktQLError) -> Data {
        let fd = try openInput()
        defer { if local.path != "-" { close(fd) } }
        do {
            return try FileHandle(fileDescriptor: fd, closeOnDealloc: false).readToEnd() ?? Data()
        } catch {
            throw .usage("cannot read \(local.displayName): \(error.localizedDescription)")
        }
    }
}

/// A local input's items into the shared ``ItemSink``: each item normalised and checked
/// against the input's time window and the qualifier filters.
struct LocalPipeline {
    let residual: [ResidualFilter]
    let local: LocalSource
    private var sink: ItemSink

    init(plan: Plan, local: LocalSource, now: Date, schema: (any ItemSchema)? = nil) {
        sink = ItemSink(plan: plan, schema: schema ?? V1ItemSchema(convention: local.convention), now: now)
        residual = plan.residual
        self.local = local
    }

    /// Values that could not be read as their field's type (``ItemNormalizer``).
    private(set) var conversionFailures: [ItemNormalizer.Failure] = []

    /// Takes one item; answers whether more items are wanted. `normalized`: the item is
    /// normalised already, and these are the values that could not be read (the mirror
    /// normalises the objects its plays share once). `weight`: it stands for that many equal
    /// items (the mirror's plays read as one, ``MirrorPlan/collapsesPlays``); `position`: its place in
    /// the order the items would have come in, when they come out of it (``MergePosition``).
    mutating func accept(_ item: Value, normalized: [ItemNormalizer.Failure]? = nil, at position: MergePosition? = nil, weight: Int = 1) -> Bool {
        var item = item
        let failures = normalized ?? ItemNormalizer.normalize(&item)
        if !failures.isEmpty { for _ in 0 ..< weight { conversionFailures += failures } }
        if local.since != nil || local.until != nil {
            guard let time = sink.schema.time(of: item), local.contains(time) else { return true }
        }
        if !residual.isEmpty, !sink.runner.passes(item, residual) { return true }
        return sink.accept(item, at: position, weight: weight)
    }

    func finish() -> QueryResult {
        sink.finish(warnings: [], conversionFailures: conversionFailures)
    }
}
