import Foundation

/// Resolves and validates a parsed ``Query`` against the catalogs and the session.
///
/// It reports every independent problem it finds, each with the span it concerns, and only
/// returns a ``CheckedQuery`` when there are none.
public struct Checker {
    public var context: SessionContext
    private var diagnostics: [Diagnostic] = []

    /// Lists longer than this are refused (the API caps a page at 100 items anyway).
    public static let maximumListLength = 500

    public init(context: SessionContext) {
        self.context = context
    }

    public mutating func check(_ query: Query) -> (query: CheckedQuery?, diagnostics: [Diagnostic]) {
        diagnostics = []
        var checked = CheckedQuery(timeZone: context.timeZone)
        // Negated qualifiers land here first; `applyNegations` then subtracts them from the
        // positive list of the same key (or keeps them as filters where there is none).
        var negated = CheckedQuery(timeZone: context.timeZone)
        // Which keys were given, plain and negated (a key may appear once each way).
        var seen = QualifierKeySet()
        var seenNegated = QualifierKeySet()
        var onBound: Qualifier?

        for qualifier in query.qualifiers {
            guard let key = QualifierKey(spelling: qualifier.key.name) else {
                error("unknown qualifier '\(qualifier.key.name)'", at: qualifier.key.span,
                      help: Suggestion.didYouMean(qualifier.key.name, in: QualifierKey.allSpellings)
                        ?? "qualifiers are: \(QualifierKey.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            if qualifier.negated ? seenNegated.contains(key) : seen.contains(key) {
                let earlier = query.qualifiers.first { $0.negated == qualifier.negated && QualifierKey(spelling: $0.key.name) == key }!
                error("'\(key.rawValue):' is given twice", at: qualifier.span, help: Self.givenTwiceHelp(key, first: earlier.span.start))
                continue
            }
            if qualifier.negated { seenNegated.insert(QualifierKeySet(key)) } else { seen.insert(QualifierKeySet(key)) }
            if key.isFlag {
                if qualifier.value != nil {
                    error("'\(key.rawValue)' is a flag and takes no value", at: qualifier.span, help: "write just '\(key.rawValue)'")
                } else if qualifier.negated {
                    error("'\(key.rawValue)' cannot be negated", at: qualifier.span)
                } else {
                    checked.minimal = true
                }
                continue
            }
            guard let value = qualifier.value else {
                error("'\(qualifier.key.name)' needs a value", at: qualifier.span, help: "write \(key.rawValue):VALUE (\(key.summary))")
                continue
            }
            guard let terms = expand(value) else { continue }
            let origin = Origin(text: sourceText(qualifier), span: qualifier.span)
            switch key {
            case .show:
                if let values = identifiers(terms, kind: "show", valid: Self.isSlug,
                                            help: "a show is its slug (the-walking-dead) or its TVDB id") {
                    let filter = TermFilter(values: values, negated: qualifier.negated, origin: origin)
                    if qualifier.negated { negated.shows = filter } else { checked.shows = filter }
                }
            case .movie:
                if let values = identifiers(terms, kind: "movie", valid: Self.isSlug,
                                            help: "a movie is its slug (the-social-network-2010), IMDB id (tt1285016) or TMDB id") {
                    let filter = TermFilter(values: values, negated: qualifier.negated, origin: origin)
                    if qualifier.negated { negated.movies = filter } else { checked.movies = filter }
                }
            case .user:
                if let values = identifiers(terms, kind: "username", valid: Self.isUsername,
                                            help: "usernames use letters, digits, '_', '-' and '.'") {
                    let filter = TermFilter(values: values, negated: qualifier.negated, origin: origin)
                    if qualifier.negated { negated.users = filter } else { checked.users = filter }
                }
            case .season:
                let seasons = numbers(terms, what: "season", minimum: 0, negated: qualifier.negated, origin: origin,
                                      help: "seasons are numbers; 0 is the specials")
                if qualifier.negated { negated.seasons = seasons } else { checked.seasons = seasons }
            case .episode:
                let episodes = numbers(terms, what: "episode", minimum: 1, negated: qualifier.negated, origin: origin,
                                       help: "episodes are numbers from 1")
                if qualifier.negated { negated.episodes = episodes } else { checked.episodes = episodes }
            case .type:
                if let values: [ItemType] = enumerated(terms, what: "type") {
                    let filter = TermFilter(values: values, negated: qualifier.negated, origin: origin)
                    if qualifier.negated { negated.types = filter } else { checked.types = filter }
                }
            case .action:
                if let values: [Action] = enumerated(terms, what: "action") {
                    let filter = TermFilter(values: values, negated: qualifier.negated, origin: origin)
                    if qualifier.negated { negated.actions = filter } else { checked.actions = filter }
                }
            case .scope:
                if qualifier.negated {
                    error("'scope:' cannot be negated", at: qualifier.span, help: "pick the stream to read: \(Scope.allCases.map(\.rawValue).joined(separator: ", "))")
                } else if terms.count != 1 {
                    error("'scope:' takes one stream", at: value.span)
                } else if let values: [Scope] = enumerated(terms, what: "scope") {
                    checked.scope = values[0]
                    checked.scopeOrigin = origin
                }
            case .since, .until, .on:
                if qualifier.negated {
                    error("'\(key.rawValue):' cannot be negated", at: qualifier.span,
                          help: key == .since ? "use until: for the other side" : key == .until ? "use since: for the other side" : nil)
                    continue
                }
                guard let expression = time(terms, key: key) else { continue }
                switch key {
                case .since:
                    checked.since = TimeBound(instant: expression.resolve(now: context.now, in: context.timeZone, as: .lower), origin: origin)
                case .until:
                    checked.until = TimeBound(instant: expression.resolve(now: context.now, in: context.timeZone, as: .upper), origin: origin)
                default:
                    onBound = qualifier
                    checked.since = TimeBound(instant: expression.resolve(now: context.now, in: context.timeZone, as: .lower), origin: origin)
                    checked.until = TimeBound(instant: expression.resolve(now: context.now, in: context.timeZone, as: .upper), origin: origin)
                }
            case .rating:
                let filter = rating(terms, negated: qualifier.negated, origin: origin)
                if qualifier.negated { negated.rating = filter } else { checked.rating = filter }
            case .min:
                break
            }
        }

        let onConflict = onBound != nil && (seen.contains(.since) || seen.contains(.until))
        if let onBound, onConflict {
            error("'on:' cannot be combined with since: or until:", at: onBound.span, help: "on:DAY already sets both bounds")
        }
        applyNegations(negated, to: &checked)
        checkRelations(&checked, checkTimeOrder: !onConflict)
        checked.stages = checkStages(query.stages, possibleTypes: checked.possibleTypeSet)
        return (diagnostics.isEmpty ? checked : nil, diagnostics)
    }

    // MARK: - Relations between qualifiers

    private mutating func checkRelations(_ checked: inout CheckedQuery, checkTimeOrder: Bool) {
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
    private mutating func expand(_ value: QualifierValue) -> [QualifierTerm]? {
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
            if case .scalar(let scalar) = term.kind, case .variable(let name) = scalar.kind {
                guard let bound = context.variables[name] else {
                    error("unknown variable '$\(name)'", at: scalar.span,
                          help: Suggestion.closest(to: name, in: context.variables.keys).map { "did you mean '$\($0)'?" }
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
            error("list of \(terms.count) values is too long (limit \(Self.maximumListLength))", at: value.span)
            return nil
        }
        return ok ? terms : nil
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
    private mutating func identifiers(_ terms: [QualifierTerm], kind: String, valid: (String) -> Bool, help: String) -> [String]? {
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

    private mutating func numbers(_ terms: [QualifierTerm], what: String, minimum: Int, negated: Bool, origin: Origin, help: String) -> NumberFilter? {
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

    private mutating func enumerated<T: RawRepresentable & CaseIterable>(_ terms: [QualifierTerm], what: String) -> [T]? where T.RawValue == String {
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
    static let onRule = "'on:' takes exactly one day"
    static let onHelp = "write on:2024-01-01, on:today or on:yesterday; for a span of days, use since: and until:"

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
    private mutating func time(_ terms: [QualifierTerm], key: QualifierKey) -> TimeExpression? {
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
            if key == .on, !expression.isWholeDay {
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
    private mutating func isSupported(_ expression: TimeExpression, text: String, span: SourceSpan) -> Bool {
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

    private mutating func rating(_ terms: [QualifierTerm], negated: Bool, origin: Origin) -> RatingFilter? {
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

    // MARK: - Stages

    /// The shape rows have at a point in the pipeline.
    enum Schema {
        case items(ItemTypeSet)
        case columns([String])
    }

    private mutating func checkStages(_ stages: [Stage], possibleTypes: ItemTypeSet) -> [CheckedStage] {
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

    // MARK: - Helpers

    mutating func error(_ message: String, at span: SourceSpan, help: String? = nil) {
        diagnostics.append(.error(message, at: span, help: help))
    }

    private func sourceText(_ qualifier: Qualifier) -> String {
        var text = qualifier.negated ? "-" : ""
        text += qualifier.key.name
        if let value = qualifier.value {
            text += ":"
            Printer.print(value, to: &text)
        }
        return text
    }

    static func describe(_ types: ItemTypeSet) -> String { describe(types.asSet) }

    static func describe(_ types: Set<ItemType>) -> String {
        let names = types.sorted().map(\.rawValue)
        switch names.count {
        case 0: return "no"
        case 1: return names[0]
        default: return names.dropLast().joined(separator: ", ") + " or " + names.last!
        }
    }

    static func format(_ date: Date, _ zone: TimeZone) -> String {
        ValueText.iso8601(date, in: zone)
    }

    /// Slugs, and TVDB / IMDB / TMDB ids, which are lowercase words and digits too.
    static func isSlug(_ text: String) -> Bool {
        // Byte tests suffice: every accepted byte is ASCII, so a leading or trailing '-' byte is a '-' character.
        var text = text  // `withUTF8` scans contiguous bytes, several times cheaper than iterating `utf8`
        return text.withUTF8 { bytes in
            guard !bytes.isEmpty, bytes.count <= 200, bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
            return bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "-") }
        }
    }

    static func isUsername(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard !bytes.isEmpty, bytes.count <= 100 else { return false }
            return bytes.allSatisfy { ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 || ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
        }
    }

    /// "The Walking Dead" → "the-walking-dead", for hints.
    static func slugify(_ text: String) -> String {
        var out = ""
        for c in text.lowercased() {
            if c.isASCII && (c.isLetter || c.isNumber) { out.append(c) } else if !out.isEmpty && !out.hasSuffix("-") { out.append("-") }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }
}
