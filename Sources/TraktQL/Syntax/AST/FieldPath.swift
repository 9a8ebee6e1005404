/// A path into an item: `show.title`, `episodes[0].season`, `time`.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]
    public var span: SourceSpan

    public init(components: [Component], span: SourceSpan) {
        self.components = components
        self.span = span
    }

    public var description: String { text(indexPlaceholder: false) }

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
