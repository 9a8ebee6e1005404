/// A position in query text: 1-based line and column (in characters) and the UTF-8 byte offset.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible, CustomReflectable {
    // Stored as 32-bit numbers: every token and AST node carries two locations, and halving
    // them cut the front end's copying noticeably. The lexer refuses sources over 1 MiB, so
    // no real position comes near the limit; larger values are clamped.
    private var storedLine: Int32
    private var storedColumn: Int32
    private var storedOffset: Int32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = Int32(clamping: newValue) }
    }

    public var offset: Int {
        get { Int(storedOffset) }
        set { storedOffset = Int32(clamping: newValue) }
    }

    public init(line: Int, column: Int, offset: Int) {
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
        storedOffset = Int32(clamping: offset)
    }

    /// For the lexer, whose positions are within its 1 MiB limit: no clamping.
    init(uncheckedLine line: Int, column: Int, offset: Int) {
        storedLine = Int32(truncatingIfNeeded: line)
        storedColumn = Int32(truncatingIfNeeded: column)
        storedOffset = Int32(truncatingIfNeeded: offset)
    }

    /// Reflects as `line`, `column`, `offset`, as before the storage was compacted.
    public var customMirror: Mirror {
        Mirror(self, children: ["line": line, "column": column, "offset": offset])
    }

    public static let start = SourceLocation(line: 1, column: 1, offset: 0)

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool { lhs.offset < rhs.offset }

    public var description: String { "\(line):\(column)" }
}

/// The stretch of text a token or AST node came from: `start` inclusive, `end` exclusive.
public struct SourceSpan: Sendable, Hashable, CustomStringConvertible {
    public var start: SourceLocation
    public var end: SourceLocation

    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        self.end = end
    }

    /// The UTF-8 byte range in the source.
    public var byteRange: Range<Int> { start.offset..<max(start.offset, end.offset) }

    /// The smallest span covering both.
    public func merged(with other: SourceSpan) -> SourceSpan {
        SourceSpan(start: min(start, other.start), end: max(end, other.end))
    }

    public var description: String { start.description }
}
