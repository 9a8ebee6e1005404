import Foundation

/// Qualifier checking: each kind of value (identifiers, numbers, enums, times, ratings) and the
/// relations between qualifiers.
extension Checker {
    mutating func checkRelations(_ checked: inout CheckedQuery, checkTimeOrder: Bool) {
        // A season or episode number means something within a show, or within one user's
        // activity (there it becomes a residual filter on their episode items).
        let positiveShow = checked.shows.map { !$0.negated } ?? false
        let positiveUser = checked.users.map { !$0.negated } ?? false
        if let seasons = checked.seasons, !positiveShow && !positiveUser {
            error("'season:' needs 'show:'", at: seasons.origin.span, help: "say which show, like show:the-walking-dead \(seasons.origin.text)")
        }
        if let episodes = checked.episodes {
            if !positiveShow && !positiveUser {
                error("'episode:' needs 'show:' and one 'season:'", at: episodes.origin.span, help: "like show:the-walking-dead season:1 \(episodes.origin.text)")
            } else if checked.seasons?.finiteValues?.count != 1 {
                error("'episode:' needs exactly one season", at: episodes.origin.span,
                      help: checked.seasons == nil ? "add season:N" : "episode numbers are per season: pick one season, or filter with '| where'")
            }
        }
        if let shows = checked.shows, let movies = checked.movies, !shows.negated, !movies.negated {
            error("'show:' and 'movie:' cannot be combined", at: movies.origin.span, help: "an activity is about a show or a movie; run two queries")
        }

        // Narrow the possible item types, and report the qualifier that empties them.
        var possible = ItemTypeSet.all
        func narrow(_ allowed: ItemTypeSet) { possible.formIntersection(allowed) }
        if positiveShow { narrow([ItemTypeSet(.episode), ItemTypeSet(.show)]) }
        if checked.seasons.map({ !$0.negated }) ?? false || checked.episodes.map({ !$0.negated }) ?? false { narrow(ItemTypeSet(.episode)) }
        if let movies = checked.movies, !movies.negated { narrow(ItemTypeSet(.movie)) }
        if let types = checked.types {
            let named = ItemTypeSet(types.values)
            if types.negated {
                possible.subtract(named)
            } else {
                if named.isDisjoint(with: possible) {
                    error("'\(types.origin.text)' contradicts the rest of the query, which can only return \(Self.describe(possible)) items",
                          at: types.origin.span)
                }
                narrow(named)
            }
        }
        if let actions = checked.actions, !actions.negated {
            for action in actions.values where action.itemTypeSet.isDisjoint(with: possible) {
                error("action '\(action.rawValue)' cannot apply to \(Self.describe(possible)) items",
                      at: actions.origin.span,
                      help: "'\(action.rawValue)' applies to \(Self.describe(action.itemTypeSet)) items")
            }
            narrow(actions.values.reduce(into: ItemTypeSet()) { $0.formUnion($1.itemTypeSet) })
        }
        if let rating = checked.rating, !rating.negated {
            narrow([ItemTypeSet(.episode), ItemTypeSet(.show), ItemTypeSet(.movie)])
            if let actions = checked.actions, !actions.negated, !actions.values.contains(.rating) {
                error("'rating:' filters rating activity, but the actions exclude 'rating'", at: rating.origin.span, help: "add rating to \(actions.origin.text)")
            }
        }
        checked.possibleTypeSet = possible
        if possible.isEmpty, diagnostics.isEmpty, let types = checked.types {
            error("no item type is left after '\(types.origin.text)'", at: types.origin.span)
        }

        if checkTimeOrder, let since = checked.since, let until = checked.until, since.instant >= until.instant {
            let zone = context.timeZone
            error("since: is not before until: (\(Self.format(since.instant, zone)) ≥ \(Self.format(until.instant, zone)))",
                  at: until.origin.span,
                  help: "since: is the earliest time, until: the latest")
        }
    }

    // MARK: - Values

    /// The terms of a value, with `$variables` replaced by what they hold.
    mutating func expand(_ value: QualifierValue) -> [QualifierTerm]? {
        let hasVariable = value.terms.contains { term in
            if case .scalar(let scalar) = term.kind, case .variable = scalar.kind { return true }
            return false
        }
        guard hasVariable else {
            // The common case: the terms as written (no copy).
            if value.terms.count > Self.maximumListLength {
                error("list of \(value.terms.count) values is too long (limit \(Self.maximumListLength))", at: value.span)
                return nil
            }
            return value.terms
        }
        var terms: [QualifierTerm] = []
        var ok = true
        for term in value.terms {
            if case .scalar(let scalar) = term.kind, case .variable(let name) = scalar.kind, let result = context.results[name] {
                // A query's answer: its values as names or numbers, at the place of the `$name`.
                guard let words = words(of: result, name: name, span: term.span) else {
                    ok = false
                    continue
                }
                terms += words.map { QualifierTerm(kind: .scalar(Scalar(kind: .word($0), span: term.span)), span: term.span) }
            } else if case .scalar(let scalar) = term.kind, case .variable(let name) = scalar.kind {
                guard let bound = context.variables[name] else {
                    error("unknown variable '$\(name)'", at: scalar.span,
                          help: Suggestion.closest(to: name, in: Array(context.variables.keys) + Array(context.results.keys)).map { "did you mean '$\($0)'?" }
                            ?? "define it first with 'let \(name) = …'")
                    ok = false
                    continue
                }
                // Report problems with a variable's value at the place it is used.
                terms += bound.terms.map { QualifierTerm(kind: Self.respan($0.kind, to: term.span), span: term.span) }
            } else {
                terms.append(term)
            }
        }
        if terms.count > Self.maximumListLength {
            error("list of \(terms.count) values is too long (limit \(Self.maximumListLength))", at: value.span,
                  help: value.terms.contains(where: Self.isResultVariable(context)) ? "a qualifier with many values makes many calls; filter instead: '| where FIELD in $NAME'" : nil)
            return nil
        }
        return ok ? terms : nil
    }

    private static func isResultVariable(_ context: SessionContext) -> (QualifierTerm) -> Bool {
        { term in
            if case .scalar(let scalar) = term.kind, case .variable(let name) = scalar.kind { return context.results[name] != nil }
            return false
        }
    }

    /// A query variable's values as qualifier words: names (text) and numbers; times and other
    /// kinds cannot name a show, user or season.
    private mutating func words(of result: VariableResult, name: String, span: SourceSpan) -> [String]? {
        switch result.kind {
        case .string, .integer, .any:
            var out: [String] = []
            out.reserveCapacity(result.values.count)
            for value in result.values {
                switch value {
                case .string(let text): out.append(text)
                case .int(let number): out.append(String(number))
                case .null: continue
                default:
                    error("$\(name) holds \(ValueText.json(value, zone: context.timeZone)), which a qualifier cannot take", at: span,
                          help: "qualifiers take names and numbers; compare other values in '| where'")
                    return nil
                }
            }
            return out
        default:
            error("$\(name) holds \(Checker.article(result.kind).replacingOccurrences(of: "a ", with: ""))s, which a qualifier cannot take", at: span,
                  help: "qualifiers take names and numbers (slugs, usernames, seasons); compare \(result.column) in '| where', like '| where time in $\(name)'")
            return nil
        }
    }

    private static func respan(_ kind: QualifierTerm.Kind, to span: SourceSpan) -> QualifierTerm.Kind {
        func fix(_ s: Scalar?) -> Scalar? { s.map { Scalar(kind: $0.kind, span: span) } }
        switch kind {
        case .scalar(let s): return .scalar(fix(s)!)
        case .comparison(let op, let s): return .comparison(op, fix(s)!)
        case .range(let a, let b): return .range(fix(a), fix(b))
        }
    }

    /// Plain identifiers (slugs, ids, usernames): no comparisons or ranges.
    mutating func identifiers(_ terms: [QualifierTerm], kind: String, valid: (String) -> Bool, help: String) -> [String]? {
        var values: [String] = []
        values.reserveCapacity(terms.count)
        for term in terms {
            guard case .scalar(let scalar) = term.kind, let text = scalar.text else {
                error("a \(kind) cannot be a comparison or a range", at: term.span, help: help)
                return nil
            }
            guard valid(text) else {
                let slug = Self.slugify(text)
                error("'\(Lexer.printable(text))' is not a valid \(kind)", at: term.span,
                      help: kind != "username" && !slug.isEmpty && slug != text ? "slugs are lowercase words joined by '-', like \(slug)" : help)
                return nil
            }
            if !values.contains(text) { values.append(text) }
        }
        return values
    }

    mutating func numbers(_ terms: [QualifierTerm], what: String, minimum: Int, negated: Bool, origin: Origin, help: String) -> NumberFilter? {
        var filter = NumberFilter(values: [], intervals: [], negated: negated, origin: origin)
        func number(_ scalar: Scalar?) -> Int?? {
            guard let scalar else { return .some(nil) }
            guard let text = scalar.text, let n = Int(text) else {
                let digits = scalar.text.map { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) } ?? false
                error(digits ? "\(what) \(Lexer.printable(scalar.text ?? "")) is out of range" : "\(what) must be a number, not '\(Lexer.printable(scalar.text ?? "$"))'",
                      at: scalar.span, help: help)
                return nil
            }
            guard n >= minimum else {
                error("\(what) \(n) is out of range: \(what)s start at \(minimum)", at: scalar.span, help: help)
                return nil
            }
            guard n <= 10_000 else {
                error("\(what) \(n) is out of range", at: scalar.span, help: help)
                return nil
            }
            return .some(n)
        }
        for term in terms {
            switch term.kind {
            case .scalar(let scalar):
                guard let n = number(scalar), let value = n else { return nil }
                if !filter.values.contains(value) { filter.values.append(value) }
            case .comparison(let op, let scalar):
                guard let n = number(scalar), let value = n else { return nil }
                switch op {
                case .greaterEqual: filter.intervals.append(.init(lower: value, upper: nil))
                case .greater: filter.intervals.append(.init(lower: value + 1, upper: nil))
                case .lessEqual: filter.intervals.append(.init(lower: nil, upper: value))
                case .less: filter.intervals.append(.init(lower: nil, upper: value - 1))
                }
            case .range(let low, let high):
                guard let lo = number(low), let hi = number(high) else { return nil }
                if let lo, let hi {
                    guard lo <= hi else {
                        error("empty range \(lo)..\(hi)", at: term.span, help: "write the smaller number first: \(hi)..\(lo)")
                        return nil
                    }
                    if hi - lo < 100 {
                        for n in lo...hi where !filter.values.contains(n) { filter.values.append(n) }
                        continue
                    }
                }
                filter.intervals.append(.init(lower: lo, upper: hi))
            }
        }
        filter.values.sort()
        return filter
    }

    mutating func enumerated<T: RawRepresentable & CaseIterable>(_ terms: [QualifierTerm], what: String) -> [T]? where T.RawValue == String {
        var values: [T] = []
        values.reserveCapacity(terms.count)
        for term in terms {
            guard case .scalar(let scalar) = term.kind, let text = scalar.text else {
                error("a \(what) cannot be a comparison or a range", at: term.span)
                return nil
            }
            guard let value = T(rawValue: ASCIICase.lowercased(text)) else {
                let names = T.allCases.map(\.rawValue)
                error("unknown \(what) '\(Lexer.printable(text))'", at: term.span,
                      help: Suggestion.didYouMean(text, in: names) ?? "\(what)s are: \(names.joined(separator: ", "))")
                return nil
            }
            if !values.contains(where: { $0.rawValue == value.rawValue }) { values.append(value) }
        }
        return values
    }

    /// The rule for `on:`, stated the same way by every message about it.
    static let onRule = "'on:' takes one calendar period: a day, a week, a month or a year"
    static let onHelp = "write on:2024-03-14, on:2024-W10, on:2024-03, on:2024, on:today, on:yesterday, on:this-week, on:last-week, "
        + "on:this-month, on:last-month, on:this-year or on:last-year; for other spans, use since: and until:"

    /// The hint for a key given twice: one list for keys that take lists, the rule for times.
    static func givenTwiceHelp(_ key: QualifierKey, first: SourceLocation) -> String {
        switch key {
        case .on: return "the first is at \(first); \(onRule): \(onHelp)"
        case .since, .until: return "the first is at \(first); '\(key.rawValue):' takes one time: for a window, combine since: and until:"
        default: return "the first is at \(first); give one list instead, like \(key.rawValue):a,b"
        }
    }

    /// The time of a `since:`, `until:` or `on:` value: one time, within the supported years;
    /// for `on:` exactly one day.
    mutating func time(_ terms: [QualifierTerm], key: QualifierKey) -> TimeExpression? {
        guard terms.count == 1, case .scalar(let scalar) = terms[0].kind, let text = scalar.text else {
            let span = terms.first.map { $0.span.merged(with: terms.last!.span) } ?? terms[0].span
            if key == .on {
                let what: String
                switch terms.count == 1 ? terms[0].kind : nil {
                case .range?: what = "a range"
                case .comparison?: what = "a comparison"
                case .scalar?: what = "a variable"  // a variable holding a variable; not reachable today
                case nil: what = "a list"
                }
                error("\(Self.onRule), not \(what)", at: span, help: Self.onHelp)
            } else {
                error("'\(key.rawValue):' takes one time", at: span,
                      help: key == .since ? "for a window, combine since: and until:" : "write \(key.rawValue):2024-01-01 or \(key.rawValue):7d")
            }
            return nil
        }
        switch TimeExpression.parse(text) {
        case .success(let expression):
            if key == .on, !expression.isPeriod {
                let what: String
                if case .ago = expression { what = "a duration" } else { what = "a point in time" }
                error("\(Self.onRule), not \(what) ('\(Lexer.printable(text))')", at: scalar.span, help: Self.onHelp)
                return nil
            }
            guard isSupported(expression, text: text, span: scalar.span) else { return nil }
            return expression
        case .failure(let failure):
            error(failure.message, at: scalar.span, help: failure.help)
            return nil
        }
    }

    /// The years a time may fall in (in the session zone): the API's timestamps start in 1970,
    /// and dates are written with four-digit years.
    static let supportedYears = 1970...9999
    static let supportedYearsHelp = "times must fall between 1970-01-01 and 9999-12-31, in the session time zone"

    /// Whether `expression` lies within ``supportedYears`` (a day: all of it, whichever end a
    /// qualifier takes); reports the time at `span` when it does not.
    mutating func isSupported(_ expression: TimeExpression, text: String, span: SourceSpan) -> Bool {
        let zone = context.timeZone, now = context.now
        let earliest = TimeExpression.date(year: Self.supportedYears.lowerBound, month: 1, day: 1).resolve(now: now, in: zone, as: .lower)
        let latest = TimeExpression.date(year: Self.supportedYears.upperBound, month: 12, day: 31).resolve(now: now, in: zone, as: .upper)
        let shown = Lexer.printable(text)
        for bound in [TimeExpression.Bound.lower, .upper] {
            var instant = expression.resolve(now: now, in: zone, as: bound)
            // The calendar may give up on an absurd duration (and answer "now"): judge it by its length too.
            if case .ago(let duration) = expression {
                instant = min(instant, now.addingTimeInterval(-duration.approximateSeconds * 0.9))
            }
            if instant < earliest {
                let what = if case .ago = expression { "\(shown) ago" } else { "'\(shown)'" }
                error("\(what) is before \(Self.supportedYears.lowerBound)-01-01", at: span, help: Self.supportedYearsHelp)
                return false
            }
            if instant > latest {
                error("'\(shown)' is after \(Self.supportedYears.upperBound)-12-31", at: span, help: Self.supportedYearsHelp)
                return false
            }
        }
        return true
    }

    mutating func rating(_ terms: [QualifierTerm], negated: Bool, origin: Origin) -> RatingFilter? {
        var filter = RatingFilter(terms: [], negated: negated, origin: origin)
        let help = "ratings are love, hate, or 1–10 with >=, <=, ranges (7..9) and lists"
        func score(_ scalar: Scalar?) -> Int?? {
            guard let scalar else { return .some(nil) }
            guard let text = scalar.text, let n = Int(text), (1...10).contains(n) else {
                error("'\(Lexer.printable(scalar.text ?? ""))' is not a rating", at: scalar.span, help: help)
                return nil
            }
            return .some(n)
        }
        for term in terms {
            switch term.kind {
            case .scalar(let scalar):
                switch scalar.text.map(ASCIICase.lowercased) {
                case "love": filter.terms.append(.love)
                case "hate": filter.terms.append(.hate)
                default:
                    guard let n = score(scalar), let value = n else { return nil }
                    filter.terms.append(.numbers(.init(lower: value, upper: value)))
                }
            case .comparison(let op, let scalar):
                guard let n = score(scalar), let value = n else { return nil }
                switch op {
                case .greaterEqual: filter.terms.append(.numbers(.init(lower: value, upper: nil)))
                case .greater: filter.terms.append(.numbers(.init(lower: value + 1, upper: nil)))
                case .lessEqual: filter.terms.append(.numbers(.init(lower: nil, upper: value)))
                case .less: filter.terms.append(.numbers(.init(lower: nil, upper: value - 1)))
                }
            case .range(let low, let high):
                guard let lo = score(low), let hi = score(high) else { return nil }
                filter.terms.append(.numbers(.init(lower: lo, upper: hi)))
            }
        }
        return filter
    }
}
