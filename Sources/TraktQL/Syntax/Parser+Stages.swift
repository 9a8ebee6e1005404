/// The stages after `|` and the field paths they name, for the parser.
extension Parser {
    mutating func parseStage(after pipe: Token) -> Stage? {
        guard current.kind == .identifier else {
            error("expected a stage after '|', found \(found)", at: atStatementBoundary ? pipe.span : current.span,
                  help: "stages are: \(Self.stageKeywords.joined(separator: ", "))")
            skipToStageEnd()
            return nil
        }
        let keywordToken = advance()
        let keyword = Identifier(keywordToken.text, span: keywordToken.span)
        let kind: Stage.Kind
        switch ASCIICase.lowercased(keyword.name) {
        case "where":
            guard let expression = parseExpression() else { skipToStageEnd(); return nil }
            kind = .where(expression)
        case "select":
            var items: [SelectItem] = []
            items.reserveCapacity(listLengthAhead)
            repeat {
                guard let field = parseFieldPath(context: "select") else { skipToStageEnd(); return nil }
                var alias: Identifier?
                if isKeyword("as") {
                    advance()
                    guard current.kind == .identifier else {
                        error("expected a column name after 'as', found \(found)", at: current.span)
                        skipToStageEnd()
                        return nil
                    }
                    let token = advance()
                    alias = Identifier(token.text, span: token.span)
                }
                items.append(SelectItem(field: field, alias: alias))
            } while consumeComma()
            kind = .select(items)
        case "sort":
            var keys: [SortKey] = []
            keys.reserveCapacity(listLengthAhead)
            repeat {
                guard let field = parseFieldPath(context: "sort") else { skipToStageEnd(); return nil }
                var descending = false
                if isKeyword("desc") {
                    advance()
                    descending = true
                } else if isKeyword("asc") {
                    advance()
                }
                keys.append(SortKey(field: field, descending: descending))
            } while consumeComma()
            kind = .sort(keys)
        case "limit":
            if isKeyword("all") {
                advance()
                kind = .limit(nil)
            } else if current.kind == .number, let n = Int(current.text), n >= 0 {
                advance()
                kind = .limit(n)
            } else if current.kind == .variable {
                let variable = advance()
                kind = .limitVariable(Identifier(variable.text, span: variable.span))
            } else {
                error("expected a count or 'all' after 'limit', found \(found)", at: current.span, help: "write 'limit 20', 'limit all' or 'limit $n'")
                skipToStageEnd()
                return nil
            }
        case "count":
            var fields: [FieldPath] = []
            if isKeyword("by") {
                advance()
                fields.reserveCapacity(listLengthAhead)
                repeat {
                    guard let field = parseFieldPath(context: "count by") else { skipToStageEnd(); return nil }
                    fields.append(field)
                } while consumeComma()
            }
            kind = .count(by: fields)
        case "distinct":
            var fields: [FieldPath] = []
            fields.reserveCapacity(listLengthAhead)
            repeat {
                guard let field = parseFieldPath(context: "distinct") else { skipToStageEnd(); return nil }
                fields.append(field)
            } while consumeComma()
            kind = .distinct(fields)
        case "flatten":
            guard let field = parseFieldPath(context: "flatten") else { skipToStageEnd(); return nil }
            kind = .flatten(field)
        case "stats":
            guard let clause = parseStats(keyword: keyword) else { skipToStageEnd(); return nil }
            kind = .stats(clause)
        case "chart":
            guard let chart = parseChart() else { skipToStageEnd(); return nil }
            kind = .chart(chart)
        default:
            error("unknown stage '\(keyword.name)'", at: keyword.span,
                  help: Suggestion.didYouMean(keyword.name, in: Self.stageKeywords) ?? "stages are: \(Self.stageKeywords.joined(separator: ", "))")
            skipToStageEnd()
            return nil
        }
        let end = position > 0 ? tokens[position - 1].span : keyword.span
        return Stage(kind: kind, keyword: keyword, span: keyword.span.merged(with: end))
    }

    mutating func consumeComma() -> Bool {
        guard current.kind == .comma else { return false }
        advance()
        return true
    }

    /// `name ( .name | [index] )*`
    mutating func parseFieldPath(context: String) -> FieldPath? {
        if current.kind == .identifier, peekKind() == .leftParen { return parseBucket(context: context) }
        guard current.kind == .identifier else {
            error("expected a field after '\(context)', found \(found)", at: current.span, help: "fields look like show.title, episode.season or time")
            return nil
        }
        let first = advance()
        var components: [FieldPath.Component] = [.key(first.text)]
        var span = first.span
        while true {
            if current.kind == .dot {
                advance()
                guard current.kind == .identifier else {
                    error("expected a field name after '.', found \(found)", at: current.span)
                    return nil
                }
                let name = advance()
                components.append(.key(name.text))
                span = span.merged(with: name.span)
            } else if current.kind == .leftBracket {
                advance()
                guard current.kind == .number, let index = Int(current.text), index >= 0 else {
                    error("expected an index after '[', found \(found)", at: current.span, help: "write episodes[0]")
                    return nil
                }
                advance()
                guard current.kind == .rightBracket else {
                    error("expected ']', found \(found)", at: current.span)
                    return nil
                }
                span = span.merged(with: advance().span)
                components.append(.index(index))
            } else {
                break
            }
        }
        return FieldPath(components: components, span: span)
    }
}
