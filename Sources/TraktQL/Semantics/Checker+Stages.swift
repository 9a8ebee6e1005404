import Foundation

/// Stage checking: the schema rows have along the pipeline, and field resolution.
extension Checker {
    /// The shape rows have at a point in the pipeline.
    enum Schema {
        case items(ItemTypeSet)
        case columns([Column])

        /// The column names, in order (after a stage that made columns).
        var columnNames: [String] {
            if case .columns(let columns) = self { return columns.map(\.name) }
            return []
        }
    }

    /// A column a stage made: its name, and the kind of what it holds (the kind of the field
    /// it was selected, grouped or aggregated from), so that a renamed or aggregated time is
    /// still a time in later comparisons.
    struct Column {
        var name: String
        var kind: FieldCatalog.Kind
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
                var next: [Column] = []  // the next stage's columns, duplicates and all
                next.reserveCapacity(items.count)
                for item in items {
                    let name = item.columnName
                    guard let field = resolve(item.field, schema: schema) else {
                        next.append(Column(name: name, kind: .any))
                        continue
                    }
                    next.append(Column(name: name, kind: field.kind))
                    if names.contains(name) {
                        error("column '\(name)' is selected twice", at: item.alias?.span ?? item.field.span, help: "rename one with 'as'")
                    } else {
                        names.append(name)
                    }
                    columns.append(SelectedColumn(name: name, field: field))
                }
                checked.append(.select(columns))
                schema = .columns(next)
            case .sort(let keys):
                let specs = keys.compactMap { key in resolve(key.field, schema: schema).map { SortSpecification(field: $0, descending: key.descending) } }
                checked.append(.sort(specs))
            case .limit(let n):
                checked.append(.limit(n))
            case .limitVariable(let variable):
                if let n = limitCount(variable: variable.name, span: variable.span) { checked.append(.limit(n)) }
            case .count(let fields):
                let refs = fields.map { resolve($0, schema: schema) }
                checked.append(.count(by: refs.compactMap { $0 }))
                schema = .columns(Self.columns(fields, refs) + [Column(name: "count", kind: .integer)])
            case .distinct(let fields):
                let refs = fields.map { resolve($0, schema: schema) }
                checked.append(.distinct(refs.compactMap { $0 }))
                schema = .columns(Self.columns(fields, refs))
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

    /// The columns `count by`/`distinct` make of `fields`, each with its field's kind.
    private static func columns(_ fields: [FieldPath], _ references: [FieldReference?]) -> [Column] {
        zip(fields, references).map { Column(name: $0.description, kind: $1?.kind ?? .any) }
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

    /// Resolves a field path against the current row shape. The reference carries the kind
    /// of what it reads: the catalog's for an item path, the column's for a column.
    mutating func resolve(_ path: FieldPath, schema: Schema) -> FieldReference? {
        if path.bucket != nil { return resolveBucket(path, schema: schema) }
        let name = path.description
        switch schema {
        case .columns(let columns):
            if let column = columns.first(where: { $0.name == name }) {
                return FieldReference(target: .column(name), name: name, kind: column.kind)
            }
            let names = columns.map(\.name)
            error("unknown column '\(name)'", at: path.span,
                  help: Suggestion.didYouMean(name, in: names) ?? Self.renamedColumnHint(name, columns: names)
                    ?? "the previous stage produced: \(names.joined(separator: ", "))")
            return nil
        case .items(let types):
            let hasIndex = path.components.contains { if case .index = $0 { return true } else { return false } }
            let key = hasIndex ? path.catalogKey : name  // without indices the two spellings agree
            let fields = context.fields
            let entry = fields.entriesByPath[key]
            if path.components.count == 1, let entry, entry.isVirtual {
                return FieldReference(target: .virtual(name), name: name, kind: fields.kind(of: key) ?? .any)
            }
            guard let declared = entry?.types else {
                // An open object (list_item.*) or an unknown path.
                error("unknown field '\(name)'", at: path.span,
                      help: Suggestion.closest(to: key, in: fields.allPaths).map { "did you mean '\($0.replacingOccurrences(of: "[]", with: "[0]"))'?" }
                        ?? "fields include time, who, title, sxe, action, show.title, episode.season, movie.title, user.username")
                return nil
            }
            if declared.isDisjoint(with: types), !types.isEmpty {
                error("field '\(name)' never appears on \(Self.describe(types)) items, which are all this query returns", at: path.span,
                      help: "'\(name)' belongs to \(Self.describe(declared)) items")
                return nil
            }
            return FieldReference(target: .item(path.components), name: name, kind: fields.kind(of: key) ?? .any)
        }
    }
}
