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

    public var description: String {
        var out = ""
        for component in components {
            switch component {
            case .key(let key): out += out.isEmpty ? key : ".\(key)"
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }

    /// The path with indices written as `[]`, as the field catalog declares array elements.
    var catalogKey: String {
        var out = ""
        for component in components {
            switch component {
            case .key(let key): out += out.isEmpty ? key : ".\(key)"
            case .index: out += "[]"
            }
        }
        return out
    }
}
