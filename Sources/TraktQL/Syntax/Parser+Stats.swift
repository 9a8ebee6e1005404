/// `stats`, `chart` and time buckets (`month(time)`) for the parser.
extension Parser {
    /// `stats AGG [as NAME], … [by EXPR [as NAME], …]`; the cursor is after `stats`.
    mutating func parseStats(keyword: Identifier) -> StatsClause? {
        var aggregates: [AggregateItem] = []
        if isKeyword("by") || atStatementBoundary || current.kind == .pipe {
            error("'stats' needs at least one aggregate before \(isKeyword("by") ? "'by'" : "the end of the stage")",
                  at: atStatementBoundary || current.kind == .pipe ? keyword.span : current.span,
                  help: "write 'stats count by title' or 'stats sum(runtime) as minutes by month(time)'")
            return nil
        }
        repeat {
            guard let aggregate = parseAggregate() else { return nil }
            aggregates.append(aggregate)
        } while consumeComma()
        var groups: [SelectItem] = []
        if isKeyword("by") {
            advance()
            repeat {
                guard let field = parseFieldPath(context: "by") else { return nil }
                guard let alias = parseAlias() else { return nil }
                groups.append(SelectItem(field: field, alias: alias.value))
            } while consumeComma()
        }
        return StatsClause(aggregates: aggregates, groups: groups)
    }

    /// `count`, `sum(runtime)`, `distinct(who) as viewers`.
    private mutating func parseAggregate() -> AggregateItem? {
        guard current.kind == .identifier else {
            error("expected an aggregate, found \(found)", at: current.span,
                  help: "aggregates are: \(AggregateFunction.names.joined(separator: ", "))")
            return nil
        }
        let nameToken = advance()
        let function = Identifier(nameToken.text, span: nameToken.span)
        var span = nameToken.span
        var field: FieldPath?
        if current.kind == .leftParen {
            advance()
            guard let inner = parseFieldPath(context: "\(function.name)(") else { return nil }
            guard current.kind == .rightParen else {
                error("expected ')' after '\(function.name)(\(inner.source)', found \(found)", at: current.span)
                return nil
            }
            span = span.merged(with: advance().span)
            field = inner
        }
        guard let alias = parseAlias() else { return nil }
        if let a = alias.value { span = span.merged(with: a.span) }
        return AggregateItem(function: function, field: field, alias: alias.value, span: span)
    }

    /// An optional `as NAME`; nil after an error (the inner optional is "no alias").
    private mutating func parseAlias() -> (value: Identifier?, ok: Bool)? {
        guard isKeyword("as") else { return (nil, true) }
        advance()
        guard current.kind == .identifier else {
            error("expected a column name after 'as', found \(found)", at: current.span)
            return nil
        }
        let token = advance()
        return (Identifier(token.text, span: token.span), true)
    }

    /// `chart` or `chart heatmap`; the cursor is after `chart`.
    mutating func parseChart() -> ChartKind? {
        guard current.kind == .identifier else { return .bar }
        let word = current
        switch ASCIICase.lowercased(word.text) {
        case "bar", "bars":
            advance()
            return .bar
        case "heatmap":
            advance()
            return .heatmap
        default:
            error("unknown chart '\(word.text)'", at: word.span,
                  help: Suggestion.didYouMean(word.text, in: ["heatmap", "bar"]) ?? "write 'chart' (bars) or 'chart heatmap'")
            return nil
        }
    }

    /// `month(time)`: a time bucket of a field. The cursor is on the bucket's name, before `(`.
    mutating func parseBucket(context: String) -> FieldPath? {
        let nameToken = advance()
        guard let bucket = TimeBucket(rawValue: ASCIICase.lowercased(nameToken.text)) else {
            error("unknown function '\(nameToken.text)'", at: nameToken.span,
                  help: Suggestion.didYouMean(nameToken.text, in: TimeBucket.names)
                    ?? "time buckets are: \(TimeBucket.names.map { "\($0)(time)" }.joined(separator: ", "))")
            return nil
        }
        advance()  // (
        guard current.kind == .identifier, peekKind() != .leftParen else {
            error("expected a field inside '\(bucket.rawValue)(', found \(found)", at: current.span, help: "write \(bucket.rawValue)(time)")
            return nil
        }
        guard var inner = parseFieldPath(context: "\(bucket.rawValue)(") else { return nil }
        guard current.kind == .rightParen else {
            error("expected ')' after '\(bucket.rawValue)(\(inner.source)', found \(found)", at: current.span)
            return nil
        }
        let close = advance()
        inner.bucket = bucket
        inner.span = nameToken.span.merged(with: close.span)
        return inner
    }
}

extension Printer {
    static func printStats(_ clause: StatsClause) -> String {
        var out = "stats " + clause.aggregates.map { aggregate in
            var text = aggregate.function.name
            if let field = aggregate.field { text += "(" + field.source + ")" }
            if let alias = aggregate.alias { text += " as " + alias.name }
            return text
        }.joined(separator: ", ")
        if !clause.groups.isEmpty {
            out += " by " + clause.groups.map { $0.field.source + ($0.alias.map { " as \($0.name)" } ?? "") }.joined(separator: ", ")
        }
        return out
    }
}
