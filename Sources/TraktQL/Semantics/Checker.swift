import Foundation

/// Resolves and validates a parsed ``Query`` against the catalogs and the session.
///
/// It reports every independent problem it finds, each with the span it concerns, and only
/// returns a ``CheckedQuery`` when there are none.
public struct Checker {
    public var context: SessionContext
    var diagnostics: [Diagnostic] = []

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
            if key == .show || key == .movie || key == .user, !qualifier.negated {
                checked.names += value.names(variables: context.variables).map { NamedValue(key: key, name: $0.name, span: $0.span) }
            }
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
            error("'on:' cannot be combined with since: or until:", at: onBound.span, help: "on: already sets both bounds (its period's first instant and the next period's); \(Self.onHelp)")
        }
        applyNegations(negated, to: &checked)
        checkRelations(&checked, checkTimeOrder: !onConflict)
        checked.stages = checkStages(query.stages, possibleTypes: checked.possibleTypeSet)
        return (diagnostics.isEmpty ? checked : nil, diagnostics)
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
