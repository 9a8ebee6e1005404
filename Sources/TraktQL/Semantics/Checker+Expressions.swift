import Foundation

/// `where` expressions: operands resolved, literals evaluated, and every comparison typed.
///
/// A comparison is checked by the kinds of its two sides (``FieldReference/kind``, which a
/// column keeps from the field or aggregate it was made from). Kinds that can never compare
/// are an error at the operand, because at run time they would silently match nothing; a
/// duration compared with a time means that long ago, whatever the time column is called.
extension Checker {
    mutating func checkExpression(_ expression: Expression, schema: Schema) -> CheckedExpression? {
        switch expression.kind {
        case .field(let path):
            if let instant = timeWord(path, schema: schema) { return .value(.instant(instant)) }
            return resolve(path, schema: schema).map { .field($0) }
        case .literal(let literal):
            return literalValue(literal, span: expression.span).map { .value($0) }
        case .variable(let name):
            return variable(name, span: expression.span)
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
            if op == .and || op == .or {
                let l = checkExpression(left, schema: schema)
                let r = checkExpression(right, schema: schema)
                guard let l, let r else { return nil }
                return .binary(op, l, r)
            }
            return comparison(op, left, right, schema: schema)
        }
    }

    /// A comparison, typed: both operands checked, durations next to a time made instants,
    /// and kinds that cannot compare reported at the operand that does not fit.
    private mutating func comparison(_ op: BinaryOperator, _ left: Expression, _ right: Expression, schema: Schema) -> CheckedExpression? {
        if op == .in || op == .notIn, case .literal(.period(let text)) = right.kind {
            return period(op, left, text, span: right.span, schema: schema)
        }
        if reportBareWords(left, right, schema: schema) { return nil }
        let checkedLeft = checkExpression(left, schema: schema)
        let checkedRight = checkExpression(right, schema: schema)
        guard var l = checkedLeft, var r = checkedRight else { return nil }
        // A duration compared with a time means that long ago: `time >= 7d`, `last < 6mo`.
        if Self.kind(of: l) == .instant, case .literal(.duration(let text)) = right.kind {
            guard let instant = ago(text, span: right.span) else { return nil }
            r = .value(.instant(instant))
        } else if Self.kind(of: r) == .instant, case .literal(.duration(let text)) = left.kind {
            guard let instant = ago(text, span: left.span) else { return nil }
            l = .value(.instant(instant))
        }
        // A day compared with `date(time)`, which is text like "2024-03-14": that text.
        if case .field(let field) = l, field.bucket?.bucket == .date, case .literal(.dateTime(let text)) = right.kind, Self.isPlainDate(text) {
            r = .value(.string(text))
        }
        switch op {
        case .matches, .notMatches:
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
            guard textual(l, at: left, op: op) else { return nil }
        case .contains:
            guard textual(l, at: left, op: op) else { return nil }
        case .in, .notIn:
            // `in $crew` where the variable holds one value: a list of one.
            if case .variable = right.kind, case .value = r { r = .list([r]) }
            switch r {
            case .list(let elements):
                let spans = Self.elementSpans(right, count: elements.count)
                for (element, span) in zip(elements, spans) {
                    guard comparable(l, left.span, element, span, op: op, leftExpression: left) else { return nil }
                }
            default:
                let kind = Self.kind(of: r)
                if kind != nil, kind != .array, kind != .any {
                    error("'\(op.rawValue)' needs a list on its right, but \(Self.quotedSubject(r)) is \(Self.article(kind!))",
                          at: right.span, help: "write \(Self.subject(l)) \(op.rawValue) [\"a\", \"b\"], or use == for one value")
                    return nil
                }
            }
        default:
            // A list (a variable of several values) equals nothing and orders with nothing.
            for (side, expression) in [(l, left), (r, right)] {
                if case .list(let elements) = side {
                    error("\(Self.quotedList(expression, count: elements.count)) is a list, which '\(op.rawValue)' cannot compare",
                          at: expression.span, help: op == .equal ? "to test membership, write 'in' instead of '=='"
                            : op == .notEqual ? "to test membership, write 'not in' instead of '!='" : "compare one value, or test membership with 'in'")
                    return nil
                }
            }
            guard comparable(l, left.span, r, right.span, op: op, leftExpression: left) else { return nil }
        }
        return .binary(op, l, r)
    }

    private static func quotedList(_ expression: Expression, count: Int) -> String {
        if case .variable(let name) = expression.kind { return "$\(name) (\(count) values)" }
        return Printer.print(expression)
    }

    /// `time in this-year`, `time not in 2026-03`: the period's first instant up to the next
    /// period's, in the session zone (as `on:` reads it).
    private mutating func period(_ op: BinaryOperator, _ left: Expression, _ text: String, span: SourceSpan, schema: Schema) -> CheckedExpression? {
        guard let l = checkExpression(left, schema: schema) else { return nil }
        if let kind = Self.kind(of: l), kind != .instant {
            error("'\(Self.subject(l))' is \(Self.article(kind)), so it is never in a period of time like \(text)", at: left.span,
                  help: "periods contain times: time in \(text)")
            return nil
        }
        let expression: TimeExpression
        switch TimeExpression.parse(text) {
        case .success(let parsed) where parsed.isPeriod:
            expression = parsed
        case .success:
            error("'\(Lexer.printable(text))' is a point in time, not a period", at: span, help: "periods are " + Self.periodForms)
            return nil
        case .failure(let failure):
            error(failure.message, at: span, help: failure.help)
            return nil
        }
        guard isSupported(expression, text: text, span: span) else { return nil }
        let (start, end) = expression.interval(now: context.now, in: context.timeZone)
        let inside = CheckedExpression.binary(.and, .binary(.greaterEqual, l, .value(.instant(start))), .binary(.less, l, .value(.instant(end))))
        return op == .notIn ? .not(inside) : inside
    }

    static let periodForms = "a day (2024-03-14, today, yesterday), a week (2024-W10, this-week, last-week), "
        + "a month (2024-03, this-month, last-month) or a year (2024, this-year, last-year)"

    /// `$name` in an expression: its values (a number where a word is all digits); a query
    /// variable's values as its column had them (text, numbers, times), always a list.
    private mutating func variable(_ name: String, span: SourceSpan) -> CheckedExpression? {
        if let result = context.results[name] {
            return .list(result.values.map { .value($0) })
        }
        guard let bound = context.variables[name] else {
            error("unknown variable '$\(name)'", at: span,
                  help: Suggestion.closest(to: name, in: Array(context.variables.keys) + Array(context.results.keys)).map { "did you mean '$\($0)'?" }
                    ?? "define it first with 'let \(name) = …'")
            return nil
        }
        let values = bound.terms.compactMap { term -> Value? in
            guard case .scalar(let scalar) = term.kind, let text = scalar.text else { return nil }
            if case .word = scalar.kind, let i = Int64(text) { return .int(i) }
            return .string(text)
        }
        guard values.count == bound.terms.count else {
            error("variable '$\(name)' holds a comparison or range, which cannot be used in an expression", at: span)
            return nil
        }
        return values.count == 1 ? .value(values[0]) : .list(values.map { .value($0) })
    }

    // MARK: - Kinds

    /// The kind an operand holds; nil for `null` and for what cannot be known (it compares
    /// with anything).
    static func kind(of expression: CheckedExpression) -> FieldCatalog.Kind? {
        switch expression {
        case .field(let field):
            return field.kind == .any ? nil : field.kind
        case .value(let value):
            switch value {
            case .null: return nil
            case .bool: return .bool
            case .int: return .integer
            case .double: return .number
            case .string: return .string
            case .instant: return .instant
            case .duration: return .duration
            case .array: return .array
            case .object: return .object
            }
        case .list: return .array
        case .not, .binary: return .bool
        }
    }

    /// The families that compare with each other: numbers with numbers, and so on.
    private enum Family: Equatable {
        case number, text, time, duration, bool, other
    }

    private static func family(_ kind: FieldCatalog.Kind) -> Family {
        switch kind {
        case .integer, .number: return .number
        case .string: return .text
        case .instant: return .time
        case .duration: return .duration
        case .bool: return .bool
        case .object, .array, .any: return .other
        }
    }

    /// Whether `l op r` can ever be true; reports it at the operand that does not fit when not.
    private mutating func comparable(_ l: CheckedExpression, _ leftSpan: SourceSpan, _ r: CheckedExpression, _ rightSpan: SourceSpan,
                                     op: BinaryOperator, leftExpression: Expression) -> Bool {
        guard let lk = Self.kind(of: l), let rk = Self.kind(of: r) else { return true }
        let (lf, rf) = (Self.family(lk), Self.family(rk))
        if lf == rf || lf == .other || rf == .other { return true }
        // A number against text that holds one compares as numbers (the API sends
        // `rating_advanced` both ways), so "8" is fine next to a number; "eight" is not.
        if lf == .number, case .value(.string(let text)) = r, Double(text) != nil { return true }
        if rf == .number, case .value(.string(let text)) = l, Double(text) != nil { return true }
        // Report at the literal side when there is one: the field's kind is the fact.
        let (fieldSide, fieldKind, otherSide, otherKind, otherSpan) = Self.isLiteral(l) && !Self.isLiteral(r)
            ? (r, rk, l, lk, leftSpan) : (l, lk, r, rk, rightSpan)
        let subject = Self.subject(fieldSide)
        error("'\(subject)' is \(Self.article(fieldKind)), so it never equals or orders with \(Self.article(otherKind))"
              + (Self.literalText(otherSide).map { " like \($0)" } ?? ""),
              at: otherSpan, help: Self.comparisonHelp(subject: subject, kind: fieldKind, other: otherSide, otherKind: otherKind, op: op))
        return false
    }

    /// `~`, `=~` and `!~` read text (or the elements of a list): not a time or a duration.
    private mutating func textual(_ operand: CheckedExpression, at expression: Expression, op: BinaryOperator) -> Bool {
        guard let kind = Self.kind(of: operand) else { return true }
        switch Self.family(kind) {
        case .time, .duration, .bool:
            let subject = Self.subject(operand)
            error("'\(op.rawValue)' compares text, but '\(subject)' is \(Self.article(kind))", at: expression.span,
                  help: kind == .instant ? "compare times with < or >= (\(subject) >= 2024-01-01), or text of them: date(\(subject)) == \"2024-03-14\""
                    : kind == .duration ? "compare durations with < or >= (\(subject) < 7d)" : "compare with == true or == false")
            return false
        default:
            return true
        }
    }

    private static func isLiteral(_ e: CheckedExpression) -> Bool {
        if case .value = e { return true }
        return false
    }

    private static func subject(_ e: CheckedExpression) -> String {
        if case .field(let field) = e {
            if let bucket = field.bucket { return "\(bucket.bucket.rawValue)(\(field.name == bucket.bucket.rawValue ? "time" : field.name))" }
            return field.name
        }
        return literalText(e) ?? "the value"
    }

    private static func literalText(_ e: CheckedExpression) -> String? {
        guard case .value(let value) = e else { return nil }
        switch value {
        case .string(let s): return "\"\(Lexer.printable(s))\""
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return String(b)
        default: return nil
        }
    }

    private static func quotedSubject(_ e: CheckedExpression) -> String {
        if case .field = e { return "'\(subject(e))'" }
        return literalText(e) ?? "the value"
    }

    static func article(_ kind: FieldCatalog.Kind) -> String {
        switch kind {
        case .string: return "text"
        case .integer, .number: return "a number"
        case .instant: return "a time"
        case .duration: return "a duration"
        case .bool: return "true or false"
        case .object: return "an object"
        case .array: return "a list"
        case .any: return "a value"
        }
    }

    /// What to write instead, for a comparison of `subject` (of `kind`) with something of
    /// `otherKind`.
    private static func comparisonHelp(subject: String, kind: FieldCatalog.Kind, other: CheckedExpression,
                                       otherKind: FieldCatalog.Kind, op: BinaryOperator) -> String {
        let symbol = op == .in || op == .notIn ? "==" : op.rawValue
        switch (family(kind), family(otherKind)) {
        case (.time, .text):
            if case .value(.string(let text)) = other, case .success = TimeExpression.parse(text) {
                return "a time compares with a date or time written without quotes: \(subject) \(symbol) \(text)"
            }
            return "compare with a date or time (\(subject) \(symbol) 2024-01-01, yesterday) or a duration (\(subject) \(symbol) 7d means 7 days ago)"
        case (.time, _):
            return "compare with a date or time (\(subject) \(symbol) 2024-01-01, yesterday) or a duration (\(subject) \(symbol) 7d means 7 days ago)"
        case (.text, .time):
            if subject.hasSuffix("_at") {
                return "'\(subject)' is the API's ISO 8601 text; 'time' is the same instant: time \(symbol) …"
            }
            return "to compare text, quote it: \(subject) \(symbol) \"…\""
        case (.number, .text):
            return subject == "runtime" ? "runtime is minutes: write runtime \(symbol) 45" : "write a number without quotes: \(subject) \(symbol) 8"
        case (.number, .duration):
            return subject == "runtime" || subject.hasSuffix("runtime") ? "runtime is minutes, a number: write \(subject) \(symbol) 45" : "write a number: \(subject) \(symbol) 8"
        case (.text, .number):
            return "to compare text, quote it: \(subject) \(symbol) \"\(literalText(other) ?? "…")\""
        case (.duration, _):
            return "compare with a duration: \(subject) \(symbol) 7d"
        case (.bool, _):
            return "compare with true or false: \(subject) == true"
        default:
            return "compare '\(subject)' with \(article(kind))"
        }
    }

    /// The spans of a list literal's elements (its own span for each, when it is not one).
    private static func elementSpans(_ expression: Expression, count: Int) -> [SourceSpan] {
        var spans: [SourceSpan] = []
        if case .list(let elements) = expression.kind {
            for element in elements {
                // A spliced variable stands for all of its values.
                spans.append(element.span)
            }
        }
        if spans.count != count { return Array(repeating: expression.span, count: count) }
        return spans
    }

    private static func isPlainDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 10 && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")
            && bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || ($0.element >= 48 && $0.element <= 57) }
    }

    // MARK: - Words, times and literals

    /// `now`, `today` and `yesterday` written where a field could be: the instant they denote
    /// (a day's first instant), unless a field or column has that name.
    func timeWord(_ path: FieldPath, schema: Schema) -> Date? {
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
        case .columns(let columns): return columns.contains { $0.name == name }
        case .items: return context.fields.entriesByPath[name] != nil
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
        case .columns(let columns): names = columns.map(\.name)
        case .items: names = context.fields.allPaths
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
        case .period(let text):
            error("a period like \(Lexer.printable(text)) goes after 'in'", at: span, help: "write time in \(text)")
            return nil
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
