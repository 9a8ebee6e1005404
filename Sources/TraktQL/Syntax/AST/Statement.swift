/// One statement of a script or REPL entry.
public struct Statement: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `activity qualifier* ( | stage )*`
        case query(Query)
        /// `explain <query>`: the plan, without calling anything.
        case explain(Query)
        /// `let NAME = value`: a variable, used as `$NAME`.
        case `let`(name: Identifier, value: QualifierValue)
        /// `let NAME = activity …`: a variable holding the query's answer (its one column).
        case letQuery(name: Identifier, query: Query)
        /// `set OPTION = value`: a session setting.
        case set(name: Identifier, value: QualifierValue)
        /// `.name arg…`: a meta-command.
        case meta(name: Identifier, arguments: [Identifier])
    }

    public var kind: Kind
    public var span: SourceSpan

    public init(kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

/// A name together with where it was written.
public struct Identifier: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var span: SourceSpan

    public init(_ name: String, span: SourceSpan) {
        self.name = name
        self.span = span
    }

    public var description: String { name }
}

/// The statements of a script, in order.
public struct Script: Sendable, Hashable {
    public var statements: [Statement]

    public init(statements: [Statement]) {
        self.statements = statements
    }
}
