/// HTTP header fields as plain values: names compare case-insensitively (as HTTP says), order
/// and repeated names are kept. What the emulator core reads from a request and writes into a
/// response, with no HTTP library's types.
public struct EmulatorHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// One field: the name as it was given, and its value.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields in order (a name may repeat).
    public private(set) var fields: [Field] = []

    public init() {}

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// Every value of `name` (any case) joined with ", " as HTTP combines repeated fields; nil
    /// when absent. Setting replaces every field of that name (nil removes them).
    public subscript(name: String) -> String? {
        get {
            var found: String?
            for field in fields where Self.same(field.name, name) {
                found = found.map { $0 + ", " + field.value } ?? field.value
            }
            return found
        }
        set {
            if let index = fields.firstIndex(where: { Self.same($0.name, name) }) {
                let keepName = fields[index].name
                fields.removeAll { Self.same($0.name, name) }
                if let newValue { fields.insert(Field(name: keepName, value: newValue), at: Swift.min(index, fields.count)) }
            } else if let newValue {
                fields.append(Field(name: name, value: newValue))
            }
        }
    }

    /// Adds a field, keeping any of the same name.
    public mutating func append(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Adds every field of `other`, replacing fields of the same names.
    public mutating func merge(_ other: EmulatorHeaders) {
        for field in other.fields { self[field.name] = nil }
        fields += other.fields
    }

    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// ASCII case-insensitive equality (header names are ASCII tokens).
    static func same(_ a: String, _ b: String) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            let lp = p >= 65 && p <= 90 ? p | 0x20 : p
            let lq = q >= 65 && q <= 90 ? q | 0x20 : q
            if lp != lq { return false }
        }
        return true
    }
}
