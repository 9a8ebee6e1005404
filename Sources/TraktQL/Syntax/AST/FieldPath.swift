/// A path into an item: `show.title`, `episodes[0].season`, `time`.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]
    public var span: SourceSpan
    /// `month(time)`: the bucket applied to the path in ``components`` (see Stats.swift).
    public var bucket: TimeBucket?

    public init(components: [Component], span: SourceSpan, bucket: TimeBucket? = nil) {
        self.components = components
        self.span = span
        self.bucket = bucket
    }

    /// The column name: the path, or a bucket's name (`month` for `month(time)`).
    public var description: String { bucket?.rawValue ?? text(indexPlaceholder: false) }

    /// The path as written: `month(time)` for a bucket.
    public var source: String {
        guard let bucket else { return text(indexPlaceholder: false) }
        return bucket.rawValue + "(" + text(indexPlaceholder: false) + ")"
    }

    /// The path with indices written as `[]`, as the field catalog declares array elements.
    var catalogKey: String { text(indexPlaceholder: true) }

    /// `show.title`, `episodes[0].season` (or `episodes[].season` with placeholders). Built by
    /// appending, without interpolation: the checker asks for it for every field it resolves.
    private func text(indexPlaceholder: Bool) -> String {
        if components.count == 1, case .key(let key) = components[0] { return key }
        var out = ""
        for component in components {
            switch component {
            case .key(let key):
                if !out.isEmpty { out += "." }
                out += key
            case .index(let i):
                out += "["
                if !indexPlaceholder { out += String(i) }
                out += "]"
            }
        }
        return out
    }
}
