import Foundation

/// Stage checking: the schema rows have along the pipeline, field resolution and `where` expressions.
extension Checker {
    /// The shape rows have at a point in the pipeline.
    enum Schema {
        case items(ItemTypeSet)
        case columns([String])
    }

    mutating func checkStages(_ stages: [Stage], possibleTypes: ItemTypeSet) -> [CheckedStage] {
        var schema = Schema.items(possibleTypes)
        var checked: [CheckedStage] = []
        checked.reserveCapacity(stages.count)
        for stage in stages {
            switch stage.kind {
            case .where(let expression):
                if let e = checkExpression(expression, schema: schema) { checked.append(.filter(e)) }
            case .select(let items):
                var columns: [SelectedColumn] = []
                columns.reserveCapacity(items.count)
                // A handful of columns: a linear search beats hashing.
                var names: [String] = []
                names.reserveCapacity(items.count)
                var allNames: [String] = []  // the next stage's columns, duplicates and all
                allNames.reserveCapacity(items.count)
                for item in items {
                    let name = item.columnName
                    allNames.append(name)
                    guard let field = resolve(item.field, schema: schema) else { continue }
                    if names.contains(name) {
                        error("column '\(name)' is selected twice", at: item.alias?.span ?? item.field.span, help: "rename one with 'as'")
                    } else {
                        names.append(name)
                    }
                    columns.append(SelectedColumn(name: name, field: field))
                }
                checked.append(.select(columns))
                schema = .columns(allNames)
            case .sort(let keys):
                let specs = keys.compactMap { key in resolve(key.field, schema: schema).map { SortSpecification(field: $0, descending: key.descending) } }
                checked.append(.sort(specs))
            case .limit(let n):
                checked.append(.limit(n))
            case .limitVariable(let variable):
                if let n = limitCount(variable: variable.name, span: variable.span) { checked.append(.limit(n)) }
            case .count(let fields):
                let refs = fields.compactMap { resolve($0, schema: schema) }
                checked.append(.count(by: refs))
                schema = .columns(fields.map(\.description) + ["count"])
            case .distinct(let fields):
                let refs = fields.compactMap { resolve($0, schema: schema) }
                checked.append(.distinct(refs))
                schema = .columns(fields.map(\.description))
            case .flatten(let field):
                guard case .items(let types) = schema else {
                    error("'flatten' works on activity items, not on the columns of a previous stage", at: stage.keyword.span, help: "flatten before select, count or distinct")
                    continue
                }
                guard field.description == "episodes" else {
                    error("only 'episodes' can be flattened", at: field.span, help: "write '| flatten episodes'")
                    continue
                }
                if !types.contains(.episode) {
                    error("'flatten episodes' needs episode items, but this query returns \(Self.describe(types)) items", at: field.span)
                    continue
                }
                checked.append(.flatten(FieldReference(target: .item(field.components), name: "episodes")))
            case .stats(let clause):
                let result = checkStats(clause, schema: schema)
                if let stage = result.stage { checked.append(stage) }
                schema = .columns(result.columns)
            case .chart(let kind):
                if let style = checkChart(kind, stage: stage, isLast: stage.span == stages.last?.span, schema: schema, checked: checked) {
                    checked.append(.chart(style))
                }
            }
        }
        return checked
    }

    /// The count a `limit $name` stands for: the variable must hold one whole number or `all`
    /// (`.some(nil)`). Nil after reporting a problem at `span`.
    private mutating func limitCount(variable name: String, span: SourceSpan) -> Int?? {
        guard let bound = context.variables[name] else {
            error("unknown variable '$\(name)'", at: span,
                  help: Suggestion.closest(to: name, in: context.variables.keys).map { "did you mean '$\($0)'?" } ?? "define it first with 'let \(name) = 20'")
            return nil
        }
        if bound.terms.count == 1, case .scalar(let scalar) = bound.terms[0].kind, let text = scalar.text {
            if ASCIICase.equals(text, "all") { return .some(nil) }
            if let n = Int(text), n >= 0 { return .some(n) }
        }
        error("'limit $\(name)' needs a count, but $\(name) holds '\(Lexer.printable(Printer.print(bound)))'", at: span,
              help: "limit takes a whole number or 'all': let \(name) = 20")
        return nil
    }

    /// Resolves a field path against the current row shape.
    mutating func resolve(_ path: FieldPath, schema: Schema) -> FieldReference? {
        if path.bucket != nil { return resolveBucket(path, schema: schema) }
        let name = path.description
        switch schema {
        case .columns(let columns):
            if columns.contains(name) { return FieldReference(target: .column(name), name: name) }
            error("unknown column '\(name)'", at: path.span,
                  help: Suggestion.didYouMean(name, in: columns) ?? Self.renamedColumnHint(name, columns: columns)
                    ?? "the previous stage produced: \(columns.joined(separator: ", "))")
            return nil
        case .items(let types):
            let hasIndex = path.components.contains { if case .index = $0 { return true } else { return false } }
            let key = hasIndex ? path.catalogKey : name  // without indices the two spellings agree
            let entry = FieldCatalog.entriesByPath[key]
            if path.components.count == 1, let entry, entry.isVirtual {
                return FieldReference(target: .virtual(name), name: name)
            }
            guard let declared = entry?.types else {
                // An open object (list_item.*) or an unknown path.
                error("unknown field '\(name)'", at: path.span,
                      help: Suggestion.closest(to: key, in: FieldCatalog.allPaths).map { "did you mean '\($0.replacingOccurrences(of: "[]", with: "[0]"))'?" }
                        ?? "fields include time, who, title, sxe, action, show.title, episode.season, movie.title, user.username")
                return nil
            }
            if declared.isDisjoint(with: types), !types.isEmpty {
                error("field '\(name)' never appears on \(Self.describe(types)) items, which are all this query returns", at: path.span,
                      help: "'\(name)' belongs to \(Self.describe(declared)) items")
                return nil
            }
            return FieldReference(target: .item(path.components), name: name)
        }
    }

    private mutating func checkExpression(_ expression: Expression, schema: Schema) -> CheckedExpression? {
        switch expression.kind {
        case .field(let path):
            if let instant = timeWord(path, schema: schema) { return .value(.instant(instant)) }
            return resolve(path, schema: schema).map { .field($0) }
        case .literal(let literal):
            return literalValue(literal, span: expression.span).map { .value($0) }
        case .variable(let name):
            guard let bound = context.variables[name] else {
                error("unknown variable '$\(name)'", at: expression.span,
                      help: Suggestion.closest(to: name, in: context.variables.keys).map { "did you mean '$\($0)'?" } ?? "define it first with 'let \(name) = …'")
                return nil
            }
            let values = bound.terms.compactMap { term -> Value? in
                guard case .scalar(let scalar) = term.kind, let text = scalar.text else { return nil }
                if case .word = scalar.kind, let i = Int64(text) { return .int(i) }
                return .string(text)
            }
            guard values.count == bound.terms.count else {
                error("variable '$\(name)' holds a comparison or range, which cannot be used in an expression", at: expression.span)
                return nil
            }
            return values.count == 1 ? .value(values[0]) : .list(values.map { .value($0) })
        case .list(let elements):
            var out: [CheckedExpression] = []
            for element in elements {
                guard let e = checkExpression(element, schema: schema) else { return nil }
                // A variable holding a list is spliced in: after `let crew = a,b`,
                // `[$crew, c]` is `[a, b, c]`, as in a qualifier.
                if case .variable = element.kind, case .list(let items) = e {
                    out += items
                } else {
                    out.append(e)
                }
            }
            return .list(out)
        case .not(let operand):
            return checkExpression(operand, schema: schema).map { .not($0) }
        case .binary(let op, let left, let right):
            if op != .and && op != .or, reportBareWords(left, right, schema: schema) { return nil }
            var l = checkExpression(left, schema: schema)
            var r = checkExpression(right, schema: schema)
            guard let checkedLeft = l, let checkedRight = r else { return nil }
            // A duration compared with a time means that long ago: time >= 7d.
            if Self.isTime(checkedLeft), case .literal(.duration(let text)) = right.kind {
                guard let instant = ago(text, span: right.span) else { return nil }
                r = .value(.instant(instant))
            } else if Self.isTime(checkedRight), case .literal(.duration(let text)) = left.kind {
                guard let instant = ago(text, span: left.span) else { return nil }
                l = .value(.instant(instant))
            }
            guard let l, let r else { return nil }
            if op == .matches || op == .notMatches {
                guard case .value(.string(let pattern)) = r else {
                    error("'\(op.rawValue)' needs a regular expression in quotes on its right", at: right.span, help: "write show.title =~ \"^the\"")
                    return nil
                }
                do {
                    _ = try NSRegularExpression(pattern: pattern)
                } catch {
                    self.error("invalid regular expression \"\(Lexer.printable(pattern))\"", at: right.span)
                    return nil
                }
            }
            return .binary(op, l, r)
        }
    }

    /// `now`, `today` and `yesterday` written where a field could be: the instant they denote
    /// (a day's first instant), unless a field or column has that name.
    private func timeWord(_ path: FieldPath, schema: Schema) -> Date? {
        guard path.components.count == 1, case .key(let word) = path.components[0], !isKnownField(word, schema: schema) else { return nil }
        let expression: TimeExpression
        switch ASCIICase.lowercased(word) {
        case "now": expression = .now
        case "today": expression = .today
        case "yesterday": expression = .yesterday
        default: return nil
        }
        return expression.resolve(now: context.now, in: context.timeZone, as: .lower)
    }

    private func isKnownField(_ name: String, schema: Schema) -> Bool {
        switch schema {
        case .columns(let columns): return columns.contains(name)
        case .items: return FieldCatalog.entriesByPath[name] != nil
        }
    }

    /// Whether a checked operand is the instant of the activity (`time`, or a column of that name).
    private static func isTime(_ expression: CheckedExpression) -> Bool {
        guard case .field(let field) = expression, field.bucket == nil else { return false }
        switch field.target {
        case .virtual(let name): return name == "time"
        case .column(let name): return name == "time"
        case .item: return false
        }
    }

    /// The instant a duration before now (`7d`), as `since:7d` reads it.
    private mutating func ago(_ text: String, span: SourceSpan) -> Date? {
        switch RelativeDuration.parse(text) {
        case .success(let duration):
            let expression = TimeExpression.ago(duration)
            guard isSupported(expression, text: text, span: span) else { return nil }
            return expression.resolve(now: context.now, in: context.timeZone, as: .lower)
        case .failure(let failure):
            error(failure.message, at: span, help: failure.help)
            return nil
        }
    }

    /// A comparison of a field with a bare word that names no field (`action == seen`): the
    /// word was meant as text. Reports each such word with the hint to quote it; true if any.
    private mutating func reportBareWords(_ left: Expression, _ right: Expression, schema: Schema) -> Bool {
        func bareWord(_ e: Expression) -> String? {
            guard case .field(let path) = e.kind, path.components.count == 1, case .key(let word) = path.components[0],
                  !isKnownField(word, schema: schema), timeWord(path, schema: schema) == nil else { return nil }
            return word
        }
        func isField(_ e: Expression) -> Bool {
            if case .field = e.kind { return bareWord(e) == nil }
            return false
        }
        var words: [(String, SourceSpan)] = []
        if isField(left) {
            if let word = bareWord(right) { words.append((word, right.span)) }
            if case .list(let elements) = right.kind {
                words += elements.compactMap { e in bareWord(e).map { ($0, e.span) } }
            }
        } else if isField(right), let word = bareWord(left) {
            words.append((word, left.span))
        }
        let names: [String]
        switch schema {
        case .columns(let columns): names = columns
        case .items: names = FieldCatalog.allPaths
        }
        for (word, span) in words {
            var help = "to compare with the text \(word), quote it: \"\(word)\""
            if let timeWord = Suggestion.closest(to: word, in: ["now", "today", "yesterday"]) {
                help = "did you mean '\(timeWord)'?"
            } else if let close = Suggestion.closest(to: word, in: names) {
                help += "; or did you mean the field '\(close)'?"
            }
            error("unknown field '\(word)'", at: span, help: help)
        }
        return !words.isEmpty
    }

    private mutating func literalValue(_ literal: Literal, span: SourceSpan) -> Value? {
        switch literal {
        case .string(let s): return .string(s)
        case .integer(let i): return .int(i)
        case .number(let d): return .double(d)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .duration(let text):
            switch RelativeDuration.parse(text) {
            case .success(let duration): return .duration(duration.approximateSeconds)
            case .failure(let failure):
                error(failure.message, at: span, help: failure.help)
                return nil
            }
        case .dateTime(let text):
            switch TimeExpression.parse(text) {
            case .success(let expression):
                guard isSupported(expression, text: text, span: span) else { return nil }
                return .instant(expression.resolve(now: context.now, in: context.timeZone, as: .lower))
            case .failure(let failure):
                error(failure.message, at: span, help: failure.help)
                return nil
            }
        }
    }
}
