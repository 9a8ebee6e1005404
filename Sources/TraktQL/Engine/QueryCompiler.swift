/// The pure front half of the pipeline: text → tokens → AST → checked query → ``Plan``.
///
/// Nothing here touches the network; `explain` and the golden tests use it directly.
public enum QueryCompiler {
    /// Parses a script; any syntax error fails the whole text (nothing half-parsed runs).
    public static func parse(_ source: String) throws(TraktQLError) -> Script {
        let (script, diagnostics) = Parser.parse(source)
        guard diagnostics.isEmpty else { throw .query(diagnostics: diagnostics, source: source) }
        return script
    }

    /// Checks one parsed query and plans it for `backend` (by default the standard API's,
    /// planning only: ``BackendFactory/planning(convention:)``, with the session's timestamp
    /// convention). The backend's refusals are diagnostics over `source`, as the checker's are.
    public static func plan(_ query: Query, source: String, context: SessionContext, backend: (any Backend)? = nil) throws(TraktQLError) -> Plan {
        var context = context
        // A field's kind is the backend's: `rating` is text on v1 and a number on v2. Without a
        // backend, the context's fields (by default every backend's) are checked against.
        if let backend {
            context.fields = backend.fields
            context.accountAliases = backend.accountAliases
        }
        var checker = Checker(context: context)
        let (checked, diagnostics) = checker.check(query)
        guard let checked else { throw .query(diagnostics: diagnostics, source: source) }
        var plan = try (backend ?? BackendFactory.planning(convention: context.convention)).plan(checked, source: source)
        for name in query.variableNames { if let result = context.results[name] { plan.resultVariables[name] = result } }
        return plan
    }

    /// Parses, checks and plans a text holding one query (`activity …` or `explain activity …`).
    public static func plan(_ source: String, context: SessionContext, backend: (any Backend)? = nil) throws(TraktQLError) -> Plan {
        let script = try parse(source)
        // Exactly one statement, a query or an explained query (read in place: no copy).
        if script.statements.count == 1 {
            switch script.statements[0].kind {
            case .query(let query), .explain(let query):
                return try plan(query, source: source, context: context, backend: backend)
            default:
                break
            }
        }
        let span = script.statements.first?.span ?? SourceSpan(start: .start, end: .start)
        throw .query(diagnostics: [.error("expected exactly one query", at: span)], source: source)
    }
}
