/// A show, movie or user a query names, and where: a literal value at its own span, a
/// `$variable`'s value at the variable. A backend whose call for a name fails (v2's 404 for an
/// unknown user) points its error here, by the name the call was made for.
public struct NamedValue: Sendable, Hashable {
    public var key: QualifierKey
    public var name: String
    public var span: SourceSpan

    public init(key: QualifierKey, name: String, span: SourceSpan) {
        self.key = key
        self.name = name
        self.span = span
    }
}

extension QualifierValue {
    /// The plain names of the value (words and quoted strings), each at its span, a
    /// variable's at the variable's position; comparisons and ranges are the checker's to refuse.
    func names(variables: [String: QualifierValue]) -> [(name: String, span: SourceSpan)] {
        var out: [(name: String, span: SourceSpan)] = []
        for term in terms {
            guard case .scalar(let scalar) = term.kind else { continue }
            if let text = scalar.text {
                out.append((text, scalar.span))
            } else if case .variable(let name) = scalar.kind, let bound = variables[name] {
                for inner in bound.terms {
                    if case .scalar(let s) = inner.kind, let text = s.text { out.append((text, scalar.span)) }
                }
            }
        }
        return out
    }
}
