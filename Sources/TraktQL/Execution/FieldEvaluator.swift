import Foundation

/// Reads fields from rows: item paths and the virtual fields `time`, `ago`, `title`, `sxe`
/// and `who`, through the backend's ``ItemSchema``, and the columns of reshaped rows. A
/// missing field is `.null`, never an error.
struct FieldEvaluator: Sendable {
    var schema: any ItemSchema
    var now: Date
    /// What `runtime` is where the API has none (``RuntimeFallback``).
    var runtimeFallback: RuntimeFallback = .none

    func value(of reference: FieldReference, in row: Row) -> Value {
        if let bucket = reference.bucket { return bucket.apply(to: unbucketed(reference, in: row)) }
        switch (reference.target, row) {
        case (.item(let components), .item(let item)):
            return schema.lookup(components, in: item)
        case (.virtual(let name), .item(let item)):
            return virtual(name, of: item)
        case (.column(let name), .columns(let names, let values)):
            guard let i = names.firstIndex(of: name) else { return .null }
            return values[i]
        default:
            return .null
        }
    }

    /// ``value(of:in:)`` for one field, with the choice of how to read it made once: for
    /// reading the same fields from many rows (``Stats/Aggregator``) without matching the
    /// field's name on every row.
    func reader(for reference: FieldReference) -> (Row) -> Value {
        if reference.bucket != nil { return { row in self.value(of: reference, in: row) } }
        let schema = self.schema
        func onItems(_ read: @escaping (Value) -> Value) -> (Row) -> Value {
            return { row in
                guard case .item(let item) = row else { return .null }
                return read(item)
            }
        }
        switch reference.target {
        case .item(let components):
            return onItems { schema.lookup(components, in: $0) }
        case .virtual(let name):
            switch name {
            case "title": return onItems { schema.title($0) }
            case "runtime":
                let fallback = runtimeFallback
                return onItems { item in
                    let minutes = schema.runtime(of: item)
                    guard minutes.isNull, let assumed = fallback.minutes(forType: schema.type(of: item)) else { return minutes }
                    return .int(assumed)
                }
            case "who": return onItems { schema.who($0) }
            case "sxe": return onItems { schema.sxe(of: $0) }
            default: return { row in self.value(of: reference, in: row) }
            }
        case .column:
            return { row in self.value(of: reference, in: row) }
        }
    }

    func virtual(_ name: String, of item: Value) -> Value {
        switch name {
        case "time":
            return schema.time(of: item).map { .instant($0) } ?? .null
        case "ago":
            return schema.time(of: item).map { .duration(max(0, now.timeIntervalSince($0))) } ?? .null
        case "title":
            return schema.title(item)
        case "sxe":
            return schema.sxe(of: item)
        case "who":
            return schema.who(item)
        case "runtime":
            let minutes = schema.runtime(of: item)
            guard minutes.isNull, let assumed = runtimeFallback.minutes(forType: schema.type(of: item)) else { return minutes }
            return .int(assumed)
        default:
            return .null
        }
    }
}

/// A row between stages: a whole item until a `select`, `count` or `distinct` reshapes it.
enum Row: Sendable, Hashable {
    case item(Value)
    case columns(names: [String], values: [Value])
}
