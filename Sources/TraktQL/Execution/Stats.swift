import Foundation

/// Runs a `stats` stage: one output row per group, groups in the order they first appear
/// (newest first, as `count by` does), group columns then aggregates. Rows that come in
/// another order with their ``MergePosition`` (a fan-out read call by call) give the same rows.
enum Stats {
    static func run(_ spec: StatsSpecification, on rows: [Row], fields: FieldEvaluator) -> [Row] {
        var aggregator = Aggregator(spec, fields: fields)
        for row in rows { aggregator.add(row) }
        return aggregator.rows()
    }

    /// The stage fed one row at a time, so that a streamed input need not keep its rows
    /// (``LocalPipeline``): only the groups and their accumulators are kept.
    struct Aggregator {
        private let names: [String]
        /// How each group expression is read (``FieldEvaluator/reader(for:)``).
        private let groups: [(Row) -> Value]
        /// When two or more group keys are buckets of one field (`by weekday(time), hour(time)`):
        /// that field, read once per row, and each group's bucket (nil for the other groups).
        private let sharedBase: ((Row) -> Value)?
        private let buckets: [BucketSpecification?]
        private let template: [Accumulator]
        /// Each distinct field is read once per row (sum, avg and max of runtime share one read).
        private let reads: [(Row) -> Value]
        /// For each aggregate, its field's index in `reads` (nil for a bare `count`).
        private let readIndex: [Int?]
        private let timeIndex: Int?
        private var keys: [[Value]] = []
        /// Each group's accumulators (`template.count` of them). One small array per group, not
        /// one flat array: thousands of groups made a flat array of megabytes that was copied at
        /// each doubling, into fresh pages (a page fault per 4 KB touched).
        private var accumulators: [[Accumulator]] = []
        /// One group: keyed by the value itself, without an array per row.
        private var singleSlots: [Value: Int] = [:]
        /// Two groups (`by title, sxe`): keyed by the pair, without an array per row either.
        private var pairSlots: [Pair: Int] = [:]
        private var slots: [[Value]: Int] = [:]
        private var values: [Value]
        /// Each group's first row in merged order, when rows come with their positions: the
        /// groups come out in that order, not in the order they were seen.
        private var firstPositions: [MergePosition] = []

        init(_ spec: StatsSpecification, fields: FieldEvaluator) {
            names = spec.columns
            groups = spec.groups.map { fields.reader(for: $0.field) }
            // Buckets of one target (their references differ by name: `weekday`, `hour`).
            let bucketed = spec.groups.map(\.field).filter { $0.bucket != nil }
            if let first = bucketed.first, bucketed.filter({ $0.target == first.target }).count >= 2 {
                var base = first
                base.bucket = nil
                sharedBase = fields.reader(for: base)
                buckets = spec.groups.map { $0.field.target == first.target ? $0.field.bucket : nil }
            } else {
                sharedBase = nil
                buckets = []
            }
            template = spec.aggregates.map { Accumulator(function: $0.function) }
            var reads: [FieldReference] = []
            readIndex = spec.aggregates.map { aggregate in
                guard let field = aggregate.field else { return nil }
                if let i = reads.firstIndex(of: field) { return i }
                reads.append(field)
                return reads.count - 1
            }
            timeIndex = spec.time.map { time in
                if let i = reads.firstIndex(of: time) { return i }
                reads.append(time)
                return reads.count - 1
            }
            self.reads = reads.map { fields.reader(for: $0) }
            values = [Value](repeating: .null, count: reads.count)
        }

        /// Adds a row. `position`: where the row stands in merged order, when rows do not
        /// come in that order (all of a stage's rows come with one, or none do). `weight`: as
        /// many equal rows (the mirror reads equal plays as one).
        mutating func add(_ row: Row, at position: MergePosition? = nil, weight: Int = 1) {
            let slot: Int
            if groups.count == 1 {
                let key = groups[0](row)
                if let existing = singleSlots[key] {
                    slot = existing
                    if let position, position < firstPositions[slot] { rewrite(slot, key: [key], first: position) }
                } else {
                    slot = newGroup([key], first: position)
                    singleSlots[key] = slot
                }
            } else if groups.count == 2 {
                let base = sharedBase?(row)
                let key = Pair(first: group(0, of: row, base: base), second: group(1, of: row, base: base))
                if let existing = pairSlots[key] {
                    slot = existing
                    if let position, position < firstPositions[slot] { rewrite(slot, key: [key.first, key.second], first: position) }
                } else {
                    slot = newGroup([key.first, key.second], first: position)
                    pairSlots[key] = slot
                }
            } else {
                let base = sharedBase?(row)
                let key = groups.indices.map { group($0, of: row, base: base) }
                if let existing = slots[key] {
                    slot = existing
                    if let position, position < firstPositions[slot] { rewrite(slot, key: key, first: position) }
                } else {
                    slot = newGroup(key, first: position)
                    slots[key] = slot
                }
            }
            for r in reads.indices { values[r] = reads[r](row) }
            let time = timeIndex.map { values[$0] } ?? .null
            for a in readIndex.indices {
                let value = readIndex[a].map { values[$0] }
                // Repeated rather than multiplied: every aggregate stays exactly what that many
                // rows give (a count, an integer sum; min, max and distinct see the value once).
                for _ in 0 ..< weight { accumulators[slot][a].add(value, time: time, at: position) }
            }
        }

        /// Group key `index` of `row`; `base`: the shared field's value (``sharedBase``), read once for the row.
        private func group(_ index: Int, of row: Row, base: Value?) -> Value {
            if let base, let bucket = buckets[index] { return bucket.apply(to: base) }
            return groups[index](row)
        }

        private struct Pair: Hashable {
            var first: Value
            var second: Value
        }

        private mutating func newGroup(_ key: [Value], first position: MergePosition?) -> Int {
            keys.append(key)
            if let position { firstPositions.append(position) }
            accumulators.append(template)
            return keys.count - 1
        }

        /// A row earlier in merged order than the group's first so far: the group is shown as
        /// that row writes its key (equal keys may be written differently: `8` and `8.0`).
        private mutating func rewrite(_ slot: Int, key: [Value], first position: MergePosition) {
            keys[slot] = key
            firstPositions[slot] = position
        }

        /// One row per group, in the order the groups first appeared; one row of empty
        /// aggregates when there are no groups and no rows.
        func rows() -> [Row] {
            if groups.isEmpty && keys.isEmpty {
                return [.columns(names: names, values: template.map(\.result))]
            }
            var out: [Row] = []
            out.reserveCapacity(keys.count)
            let order = firstPositions.isEmpty ? Array(keys.indices) : keys.indices.sorted { firstPositions[$0] < firstPositions[$1] }
            for slot in order {
                out.append(.columns(names: names, values: keys[slot] + accumulators[slot].map(\.result)))
            }
            return out
        }
    }

    /// One aggregate of one group.
    struct Accumulator {
        let function: AggregateFunction
        var count = 0
        var intSum: Int64 = 0
        var doubleSum = 0.0
        var allIntegers = true
        var sawDuration = false
        var best: Value = .null
        var bestTime: Value = .null
        /// Where `best` stands in merged order, when rows come with positions: a tie goes to
        /// the row the merged order would have given it to.
        var bestPosition: MergePosition?
        var seen: Set<Value> = []

        init(function: AggregateFunction) {
            self.function = function
        }

        /// `value` is nil for a bare `count`; `time` orders `first`/`last`; `position` is the
        /// row's in merged order, when rows do not come in that order.
        mutating func add(_ value: Value?, time: Value, at position: MergePosition? = nil) {
            guard let value else {
                count += 1
                return
            }
            if value.isNull { return }
            switch function {
            case .count:
                count += 1
            case .sum, .avg, .hours:
                switch value {
                case .int(let i):
                    let (sum, overflow) = intSum.addingReportingOverflow(i)
                    if overflow { allIntegers = false } else { intSum = sum }
                    doubleSum += Double(i)
                case .duration(let d):
                    sawDuration = true
                    allIntegers = false
                    doubleSum += d
                default:
                    guard let d = value.doubleValue, d.isFinite else { return }
                    if let i = value.intValue, Double(i) == d {
                        let (sum, overflow) = intSum.addingReportingOverflow(i)
                        if overflow { allIntegers = false } else { intSum = sum }
                    } else {
                        allIntegers = false
                    }
                    doubleSum += d
                }
                count += 1
            case .min, .max:
                guard !best.isNull else {
                    best = value
                    bestPosition = position
                    return
                }
                let order = Value.sortOrder(value, best)
                // In merged order the first of equal values stays.
                if (function == .min ? order == .orderedAscending : order == .orderedDescending) || (order == .orderedSame && comesFirst(position)) {
                    best = value
                    bestPosition = position
                }
            case .distinct:
                seen.insert(value)
            case .first, .last:
                if time.isNull { return }
                guard !bestTime.isNull else {
                    best = value
                    bestTime = time
                    bestPosition = position
                    return
                }
                let order = Value.sortOrder(time, bestTime)
                // Rows arrive newest first: on a tie, `first` takes the later-seen row, `last` keeps the earlier.
                let takes = if order != .orderedSame {
                    function == .first ? order == .orderedAscending : order == .orderedDescending
                } else {
                    position.map { function == .first ? !comesFirst($0) : comesFirst($0) } ?? (function == .first)
                }
                if takes {
                    best = value
                    bestTime = time
                    bestPosition = position
                }
            }
        }

        /// Whether a row at `position` comes before the one `best` came from in merged order
        /// (without positions rows come in merged order: it does not).
        private func comesFirst(_ position: MergePosition?) -> Bool {
            guard let position, let bestPosition else { return false }
            return position < bestPosition
        }

        var result: Value {
            switch function {
            case .count:
                return .int(Int64(count))
            case .sum:
                guard count > 0 else { return .null }
                if sawDuration { return .duration(doubleSum) }
                return allIntegers ? .int(intSum) : .double(doubleSum)
            case .hours:
                guard count > 0 else { return .null }
                return .double((doubleSum / 60 * 10).rounded() / 10)
            case .avg:
                guard count > 0 else { return .null }
                let mean = doubleSum / Double(count)
                if sawDuration { return .duration(mean) }
                return .double((mean * 100).rounded() / 100)
            case .min, .max, .first, .last:
                return best
            case .distinct:
                return .int(Int64(seen.count))
            }
        }
    }
}

extension StatsSpecification {
    /// Every field the stage reads from an item (for ``Projection``).
    var fieldsRead: [FieldReference] {
        groups.map(\.field) + aggregates.compactMap(\.field) + (time.map { [$0] } ?? [])
    }

    /// `stats count, sum(runtime) as minutes by title`, for `explain`.
    var explanation: String {
        let aggregateText = aggregates.map { aggregate -> String in
            var text = aggregate.function.rawValue
            if let field = aggregate.field { text += "(" + Self.source(field) + ")" }
            let defaultName = aggregate.function.rawValue
                + (aggregate.field.map { "_" + $0.name.replacingOccurrences(of: ".", with: "_") } ?? "")
            if aggregate.name != defaultName { text += " as " + aggregate.name }
            return text
        }.joined(separator: ", ")
        guard !groups.isEmpty else { return "stats " + aggregateText }
        return "stats " + aggregateText + " by " + groups.map { column in
            let source = Self.source(column.field)
            return column.name == column.field.name ? source : source + " as " + column.name
        }.joined(separator: ", ")
    }

    /// `month(time)` for a bucket, else the field's name.
    static func source(_ field: FieldReference) -> String {
        guard let bucket = field.bucket else { return field.name }
        var plain = field
        plain.bucket = nil
        switch plain.target {
        case .virtual(let name), .column(let name): return bucket.bucket.rawValue + "(" + name + ")"
        case .item: return bucket.bucket.rawValue + "(…)"
        }
    }
}
