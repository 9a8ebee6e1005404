/// Checking `stats`, `chart` and time buckets.
extension Checker {
    /// A `stats` clause: its stage (nil after an error) and the columns it produces (always, so
    /// later stages are checked against them rather than reporting a cascade).
    /// Each column carries its kind: a group its field's, `count` and `distinct(f)` a number,
    /// `min`/`max`/`first`/`last` the kind of their field (`last(time)` is a time).
    mutating func checkStats(_ clause: StatsClause, schema: Schema) -> (stage: CheckedStage?, columns: [Column]) {
        var failed = false
        var names: [String] = []
        var columns: [Column] = []
        var groups: [SelectedColumn] = []
        for item in clause.groups {
            let name = item.columnName
            if names.contains(name) {
                error("column '\(name)' is produced twice", at: item.alias?.span ?? item.field.span, help: "rename one with 'as'")
                failed = true
            }
            names.append(name)
            guard let field = resolve(item.field, schema: schema) else {
                failed = true
                columns.append(Column(name: name, kind: .any))
                continue
            }
            columns.append(Column(name: name, kind: Self.kind(of: .field(field)) ?? .any))
            groups.append(SelectedColumn(name: name, field: field))
        }
        var aggregates: [StatsSpecification.Aggregate] = []
        var needsTime = false
        for item in clause.aggregates {
            let written = item.function.name
            guard let function = AggregateFunction(rawValue: ASCIICase.lowercased(written)) else {
                var help = Suggestion.didYouMean(written, in: AggregateFunction.names)
                    ?? "aggregates are: count, sum(f), avg(f), min(f), max(f), distinct(f), first(f), last(f), hours(f)"
                if item.field == nil, Suggestion.closest(to: written, in: AggregateFunction.names) == nil {
                    help += "; to group by '\(written)', write 'stats count by \(written)'"
                }
                error("unknown aggregate '\(written)'", at: item.function.span, help: help)
                names.append(item.alias?.name ?? written)
                columns.append(Column(name: item.alias?.name ?? written, kind: .any))
                failed = true
                continue
            }
            let name = item.alias?.name ?? Self.aggregateName(function, item.field)
            if names.contains(name) {
                error("column '\(name)' is produced twice", at: item.alias?.span ?? item.span, help: "rename one with 'as'")
                failed = true
            }
            names.append(name)
            let resolved = item.field.flatMap { resolve($0, schema: schema) }
            columns.append(Column(name: name, kind: Self.kind(of: function, over: resolved)))
            guard let path = item.field else {
                if function.needsField {
                    error("'\(function.rawValue)' needs a field", at: item.span, help: "write \(function.rawValue)(runtime)")
                    failed = true
                } else {
                    aggregates.append(.init(function: function, field: nil, name: name))
                }
                continue
            }
            guard let field = resolved else { failed = true; continue }
            let kind = field.kind
            // A column of unknown kind may hold numbers; an item field must be declared one.
            let unknownColumn: Bool
            if case .column = field.target { unknownColumn = kind == .any } else { unknownColumn = false }
            if function == .sum || function == .avg || function == .hours, !Self.isNumeric(kind), !unknownColumn {
                error("'\(function.rawValue)' needs a number, but '\(path.source)' is \(Self.describe(kind))", at: path.span,
                      help: Suggestion.didYouMean(path.description, in: numericPaths(schema: schema))
                        ?? "numeric fields include runtime, rating_advanced, show.year, movie.runtime; or use count, distinct(\(path.source)), min or max")
                failed = true
                continue
            }
            if function == .first || function == .last { needsTime = true }
            aggregates.append(.init(function: function, field: field, name: name))
        }
        var time: FieldReference?
        if needsTime {
            switch schema {
            case .items:
                time = FieldReference(target: .virtual("time"), name: "time", kind: .instant)
            case .columns(let previous):
                if let column = previous.first(where: { $0.name == "time" }) {
                    time = FieldReference(target: .column("time"), name: "time", kind: column.kind)
                } else {
                    let first = clause.aggregates.first { ["first", "last"].contains(ASCIICase.lowercased($0.function.name)) }!
                    error("'\(first.function.name)' orders rows by time, but the previous stage has no 'time' column", at: first.function.span,
                          help: "keep time in the select, or put stats before it")
                    failed = true
                }
            }
        }
        guard !failed else { return (nil, columns) }
        return (.stats(StatsSpecification(groups: groups, aggregates: aggregates, time: time)), columns)
    }

    /// What an aggregate's column holds.
    static func kind(of function: AggregateFunction, over field: FieldReference?) -> FieldCatalog.Kind {
        let fieldKind = field.flatMap { kind(of: .field($0)) } ?? .any
        switch function {
        case .count, .distinct: return .integer
        case .avg, .hours: return .number
        case .sum: return fieldKind == .integer ? .integer : .number
        case .min, .max, .first, .last: return fieldKind
        }
    }

    /// `show.title` after a stage that produced `title` (or `sum(runtime)` spelled as a path):
    /// the column it became.
    static func renamedColumnHint(_ name: String, columns: [String]) -> String? {
        let last = name.split(separator: ".").last.map(String.init) ?? name
        let candidates = [last, name.replacingOccurrences(of: ".", with: "_")] + AggregateFunction.names.map { $0 + "_" + last }
        guard let column = candidates.first(where: { columns.contains($0) }) else { return nil }
        return "did you mean '\(column)'? (the previous stage produced: \(columns.joined(separator: ", ")))"
    }

    /// `count`, `sum_runtime`, `distinct_who`, `max_show_year`, `distinct_date`.
    static func aggregateName(_ function: AggregateFunction, _ field: FieldPath?) -> String {
        guard let field else { return function.rawValue }
        return function.rawValue + "_" + field.description.replacingOccurrences(of: ".", with: "_")
            .replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "")
    }

    private static func isNumeric(_ kind: FieldCatalog.Kind) -> Bool {
        kind == .integer || kind == .number || kind == .duration
    }

    private static func describe(_ kind: FieldCatalog.Kind) -> String {
        switch kind {
        case .string: return "text"
        case .instant: return "a time (bucket it: hour(time), or use min/max/first/last)"
        case .bool: return "a boolean"
        case .object: return "an object"
        case .array: return "an array"
        case .any: return "not always a number"
        case .integer, .number, .duration: return "a number"
        }
    }

    private func numericPaths(schema: Schema) -> [String] {
        switch schema {
        case .items: return context.fields.paths(where: Self.isNumeric)
        case .columns(let columns): return columns.filter { Self.isNumeric($0.kind) }.map(\.name)
        }
    }

    /// `month(time)`: the inner field, which must be a time, with the bucket and session zone.
    mutating func resolveBucket(_ path: FieldPath, schema: Schema) -> FieldReference? {
        guard let bucket = path.bucket else { return nil }
        var inner = path
        inner.bucket = nil
        guard var reference = resolve(inner, schema: schema) else { return nil }
        // A column of unknown kind may hold times; an item field must be declared one.
        let unknownColumn: Bool
        if case .column = reference.target { unknownColumn = reference.kind == .any } else { unknownColumn = false }
        if reference.kind != .instant, !unknownColumn {
            error("'\(bucket.rawValue)(…)' needs a time, but '\(inner.source)' is not one", at: inner.span,
                  help: "write \(bucket.rawValue)(time)")
            return nil
        }
        reference.bucket = BucketSpecification(bucket: bucket, timeZone: context.timeZone)
        reference.name = bucket.rawValue
        // What the bucket makes of the time: 2026 and 0–23 are numbers, the others text.
        reference.kind = bucket == .year || bucket == .hour ? .integer : .string
        return reference
    }

    /// `chart`: the last stage, after a stage that made columns; heatmaps need two groups.
    /// The style names the time buckets of the first two columns (the renderer orders and fills
    /// those axes).
    mutating func checkChart(_ kind: ChartKind, stage: Stage, isLast: Bool, schema: Schema, checked: [CheckedStage]) -> ChartStyle? {
        guard isLast else {
            error("'chart' must be the last stage", at: stage.keyword.span, help: "move '| chart' to the end of the query")
            return nil
        }
        guard case .columns = schema else {
            error("'chart' draws the columns of a stats, count or select stage", at: stage.keyword.span,
                  help: "write '| stats count by month(time) | chart'")
            return nil
        }
        let columns = schema.columnNames
        let needed = kind == .heatmap ? 3 : 2
        guard columns.count >= needed else {
            error(kind == .heatmap
                  ? "'chart heatmap' needs two group columns and a number, but the previous stage produced: \(columns.joined(separator: ", "))"
                  : "'chart' needs a label column and a number column, but the previous stage produced: \(columns.joined(separator: ", "))",
                  at: stage.span,
                  help: kind == .heatmap ? "write '| stats count by weekday(time), hour(time) | chart heatmap'" : "write '| stats count by month(time) | chart'")
            return nil
        }
        // Bars are put in time order with gaps filled only straight after the stats or count that
        // made the buckets: after a sort, limit or where the rows' order and selection are the point.
        let grouped: Bool
        switch checked.last {
        case .stats?, .count?: grouped = true
        default: grouped = false
        }
        let fillsBars = kind == .heatmap || grouped
        return ChartStyle(kind: kind, labelBucket: fillsBars ? Self.bucket(ofColumn: columns[0], in: checked) : nil,
                          columnBucket: Self.bucket(ofColumn: columns[1], in: checked))
    }

    /// The time bucket a column holds, traced back through the stages that made it.
    static func bucket(ofColumn name: String, in checked: [CheckedStage]) -> TimeBucket? {
        var name = name
        for stage in checked.reversed() {
            let references: [(String, FieldReference)]
            switch stage {
            case .select(let columns): references = columns.map { ($0.name, $0.field) }
            case .stats(let spec): references = spec.groups.map { ($0.name, $0.field) }
            case .count(let by): references = by.map { ($0.name, $0) }
            case .distinct(let fields): references = fields.map { ($0.name, $0) }
            default: continue
            }
            guard let reference = references.first(where: { $0.0 == name })?.1 else { return nil }
            if let bucket = reference.bucket { return bucket.bucket }
            guard case .column(let earlier) = reference.target else { return nil }
            name = earlier
        }
        return nil
    }
}
