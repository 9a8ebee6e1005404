import Foundation

/// Applies residual filters and stages to fetched items.
struct StageRunner: Sendable {
    var fields: FieldEvaluator
    /// Season and episode conditions `flatten episodes` applies to each episode (``Plan/episodeFilters``).
    var episodeFilters: [ResidualFilter]
    /// Compiled once per run; `=~` patterns are checked by the checker, so compiling cannot fail here.
    private var regexes: [String: NSRegularExpression] = [:]

    init(fields: FieldEvaluator, stages: [CheckedStage], episodeFilters: [ResidualFilter] = []) {
        self.fields = fields
        self.episodeFilters = episodeFilters
        for pattern in Self.patterns(in: stages) {
            regexes[pattern] = try? NSRegularExpression(pattern: pattern)
        }
    }

    // MARK: - Residual filters

    /// Whether `item` passes every filter. Season and episode conditions are about one
    /// episode: an item of several episodes passes when one of them meets all of them (so
    /// `season:1 episode:3` does not match S01E05 + S02E03, and `flatten episodes` can keep
    /// exactly the episodes that do).
    func passes(_ item: Value, _ filters: [ResidualFilter]) -> Bool {
        var episodeLevel = false
        for filter in filters {
            switch filter {
            case .seasons, .episodes: episodeLevel = true
            default: if !matches(item, filter) { return false }
            }
        }
        guard episodeLevel else { return true }
        let schema = fields.schema
        let episodes = schema.episodes(of: item)
        // An item about no episode (a movie, a show) is outside every season and episode.
        if episodes.isEmpty { return filters.allSatisfy { episodeMatches(nil, $0) } }
        return episodes.contains { episode in
            let numbers = schema.seasonAndNumber(of: episode)
            return filters.allSatisfy { episodeMatches(numbers, $0) }
        }
    }

    /// One episode's season and number (`nil`: none) against a season or episode filter;
    /// other filters pass.
    private func episodeMatches(_ episode: (season: Int64, number: Int64)?, _ filter: ResidualFilter) -> Bool {
        switch filter {
        case .seasons(let f):
            guard let episode else { return f.negated }
            return f.matches(Int(episode.season))
        case .episodes(let f):
            guard let episode else { return f.negated }
            return f.matches(Int(episode.number))
        default:
            return true
        }
    }

    func matches(_ item: Value, _ filter: ResidualFilter) -> Bool {
        let schema = fields.schema
        switch filter {
        case .types(let f):
            let type = schema.type(of: item) ?? ""
            return f.values.contains { $0.rawValue == type } != f.negated
        case .actions(let f):
            let action = schema.action(of: item) ?? ""
            return f.values.contains { $0.rawValue == action } != f.negated
        case .shows(let f):
            return schema.showIdentifiers(of: item).contains { f.values.contains($0) } != f.negated
        case .movies(let f):
            return schema.movieIdentifiers(of: item).contains { f.values.contains($0) } != f.negated
        case .users(let f):
            let name = schema.who(item).stringValue ?? ""
            return f.values.contains(name) != f.negated
        case .seasons, .episodes:
            return passes(item, [filter])
        case .rating(let f):
            let simple = schema.simpleRating(of: item)
            let advanced = schema.advancedRating(of: item)
            let hit = f.terms.contains { term in
                switch term {
                case .love: return simple == "love"
                case .hate: return simple == "hate"
                case .numbers(let interval): return advanced.map { interval.contains(Int($0)) } ?? false
                }
            }
            return hit != f.negated
        }
    }

    /// The first `n` of `0..<count` in the total order `precedes`, in that order: what
    /// `sorted(by:).prefix(n)` gives, kept in a sorted array of at most n while the rest pass.
    static func first(_ n: Int, of count: Int, by precedes: (Int, Int) -> Bool) -> [Int] {
        guard n > 0 else { return [] }
        var best: [Int] = []
        best.reserveCapacity(n + 1)
        for i in 0 ..< count {
            if best.count == n, let last = best.last, !precedes(i, last) { continue }
            // Binary search for its place among the kept.
            var low = 0, high = best.count
            while low < high {
                let mid = (low + high) / 2
                if precedes(best[mid], i) { low = mid + 1 } else { high = mid }
            }
            best.insert(i, at: low)
            if best.count > n { best.removeLast() }
        }
        return best
    }

    // MARK: - Stages

    /// Runs `stages` over `rows` (items, newest first).
    func run(_ stages: [CheckedStage], on rows: [Row]) -> (columns: [String]?, rows: [Row]) {
        var rows = rows
        var columns: [String]?
        for (at, stage) in stages.enumerated() {
            switch stage {
            case .filter(let expression):
                rows = rows.filter { truth(expression, $0) }
            case .select(let selected):
                let names = selected.map(\.name)
                rows = rows.map { row in .columns(names: names, values: selected.map { fields.value(of: $0.field, in: row) }) }
                columns = names
            case .sort(let keys):
                let keyed = rows.map { row in keys.map { fields.value(of: $0.field, in: row) } }
                // Swift's sort is not stable; sort indices to keep equal rows in arrival order
                // (the index breaks every tie, so the order is total).
                let precedes = { (i: Int, j: Int) -> Bool in
                    for (k, key) in keys.enumerated() {
                        let result = Value.sortOrder(keyed[i][k], keyed[j][k])
                        if result != .orderedSame {
                            // Nulls stay last in both directions.
                            if keyed[i][k].isNull || keyed[j][k].isNull { return !keyed[i][k].isNull }
                            return key.descending ? result == .orderedDescending : result == .orderedAscending
                        }
                    }
                    return i < j
                }
                let order: [Int]
                if at + 1 < stages.count, case .limit(let n?) = stages[at + 1], n < rows.count / 8 {
                    // `sort … | limit n` (a top 10 of thousands of groups): only the first n
                    // are kept, in one pass; the same rows, in the same order, as sorting all.
                    order = Self.first(n, of: rows.count, by: precedes)
                } else {
                    order = rows.indices.sorted(by: precedes)
                }
                rows = order.map { rows[$0] }
            case .limit(let n):
                if let n, rows.count > n { rows = Array(rows.prefix(n)) }
            case .count(let by):
                let names = by.map(\.name) + ["count"]
                var order: [[Value]] = []
                var counts: [[Value]: Int] = [:]
                for row in rows {
                    let key = by.map { fields.value(of: $0, in: row) }
                    if counts[key] == nil { order.append(key) }
                    counts[key, default: 0] += 1
                }
                if by.isEmpty && order.isEmpty { order = [[]]; counts[[]] = 0 }
                rows = order.map { .columns(names: names, values: $0 + [.int(Int64(counts[$0]!))]) }
                columns = names
            case .distinct(let fieldsToKeep):
                let names = fieldsToKeep.map(\.name)
                var seen: Set<[Value]> = []
                var out: [Row] = []
                for row in rows {
                    let key = fieldsToKeep.map { fields.value(of: $0, in: row) }
                    if seen.insert(key).inserted { out.append(.columns(names: names, values: key)) }
                }
                rows = out
                columns = names
            case .stats(let spec):
                rows = Stats.run(spec, on: rows, fields: fields)
                columns = spec.columns
            case .chart:
                break  // drawn by the output, rows unchanged
            case .flatten:
                rows = rows.flatMap { flattened($0) ?? [$0] }
            }
        }
        return (columns, rows)
    }

    /// What ``single(_:_:)`` made of one row.
    enum SingleOutcome {
        case kept(Row)
        case dropped
        /// A stage made other rows of it (a flatten of several episodes, a select): from
        /// there on, ``run(_:on:)`` ran the rest.
        case rows([Row])
    }

    /// One row through the stages: while they only keep or drop it (`where`, and `flatten` of
    /// an item that is not several episodes), without the arrays of ``run(_:on:)``: a stats
    /// after them is fed tens of thousands of items one at a time (``StreamingStages``).
    func single(_ stages: [CheckedStage], _ row: Row) -> SingleOutcome {
        for (at, stage) in stages.enumerated() {
            switch stage {
            case .filter(let expression):
                if !truth(expression, row) { return .dropped }
            case .flatten:
                if let rows = flattened(row) { return .rows(run(Array(stages[(at + 1)...]), on: rows).rows) }
            default:
                return .rows(run(Array(stages[at...]), on: [row]).rows)
            }
        }
        return .kept(row)
    }

    /// `flatten episodes` of one row: its episodes' rows, nil when it is not several episodes
    /// (it passes as it is). A multi-episode item matched because one of its episodes did; the
    /// others must not come through as rows of their own.
    private func flattened(_ row: Row) -> [Row]? {
        guard case .item(let item) = row else { return nil }
        return fields.schema.flattened(item, keeping: { episode in
            episodeFilters.isEmpty || passes(.object([(key: "episode", value: episode)]), episodeFilters)
        })?.map { .item($0) }
    }

    /// How many rows the stages before the first `limit` let through (for paging).
    func countBeforeLimit(_ stages: [CheckedStage], rows: [Row]) -> Int {
        let prefix = stages.prefix { if case .limit = $0 { return false } else { return true } }
        return run(Array(prefix), on: rows).rows.count
    }

    // MARK: - Expressions

    func truth(_ expression: CheckedExpression, _ row: Row) -> Bool {
        switch evaluate(expression, row) {
        case .bool(let b): return b
        case .null: return false
        default: return true
        }
    }

    func evaluate(_ expression: CheckedExpression, _ row: Row) -> Value {
        switch expression {
        case .field(let reference): return fields.value(of: reference, in: row)
        case .value(let value): return value
        case .list(let items): return .array(items.map { evaluate($0, row) })
        case .not(let operand): return .bool(!truth(operand, row))
        case .binary(let op, let left, let right):
            switch op {
            case .and: return .bool(truth(left, row) && truth(right, row))
            case .or: return .bool(truth(left, row) || truth(right, row))
            default: break
            }
            let l = evaluate(left, row), r = evaluate(right, row)
            switch op {
            case .equal: return .bool(l.isNull && r.isNull ? true : l.looselyEquals(r))
            case .notEqual: return .bool(l.isNull && r.isNull ? false : !l.looselyEquals(r))
            case .less: return .bool(Value.compare(l, r) == .orderedAscending)
            case .lessEqual: return .bool([.orderedAscending, .orderedSame].contains(Value.compare(l, r)))
            case .greater: return .bool(Value.compare(l, r) == .orderedDescending)
            case .greaterEqual: return .bool([.orderedDescending, .orderedSame].contains(Value.compare(l, r)))
            case .contains: return .bool(Self.contains(l, r))
            case .matches, .notMatches:
                guard let text = Self.text(l), case .string(let pattern) = r, let regex = regexes[pattern] else {
                    return .bool(op == .notMatches && !l.isNull ? true : false)
                }
                let hit = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                return .bool(hit == (op == .matches))
            case .in, .notIn:
                guard case .array(let candidates) = r else { return .bool(false) }
                let hit = candidates.contains { l.looselyEquals($0) }
                return .bool(hit == (op == .in))
            case .and, .or:
                return .null
            }
        }
    }

    /// `~`: case-insensitive substring for text, membership for arrays.
    static func contains(_ haystack: Value, _ needle: Value) -> Bool {
        if case .array(let items) = haystack {
            return items.contains { $0.looselyEquals(needle) || (text($0).map { t in text(needle).map { t.localizedCaseInsensitiveContains($0) } ?? false } ?? false) }
        }
        guard let h = text(haystack), let n = text(needle) else { return false }
        return h.localizedCaseInsensitiveContains(n)
    }

    static func text(_ value: Value) -> String? {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return String(b)
        default: return nil
        }
    }

    private static func patterns(in stages: [CheckedStage]) -> [String] {
        var out: [String] = []
        func walk(_ e: CheckedExpression) {
            switch e {
            case .binary(let op, let l, let r):
                if op == .matches || op == .notMatches, case .value(.string(let p)) = r { out.append(p) }
                walk(l)
                walk(r)
            case .not(let inner): walk(inner)
            case .list(let items): items.forEach(walk)
            default: break
            }
        }
        for case .filter(let e) in stages { walk(e) }
        return out
    }
}
