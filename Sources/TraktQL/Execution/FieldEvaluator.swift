import Foundation

/// Reads fields from activity items, including the virtual fields `time`, `ago`, `title`,
/// `sxe` and `who`. A missing field is `.null`, never an error.
struct FieldEvaluator: Sendable {
    var convention: TimestampConvention
    var now: Date

    func value(of reference: FieldReference, in row: Row) -> Value {
        switch (reference.target, row) {
        case (.item(let components), .item(let item)):
            return Self.lookup(components, in: item)
        case (.virtual(let name), .item(let item)):
            return virtual(name, of: item)
        case (.column(let name), .columns(let names, let values)):
            guard let i = names.firstIndex(of: name) else { return .null }
            return values[i]
        default:
            return .null
        }
    }

    static func lookup(_ components: [FieldPath.Component], in item: Value) -> Value {
        var current = item
        for component in components {
            switch component {
            case .key(let key):
                // The API names an episode's number `episode` or `number`: either answers both.
                if let next = current[key] {
                    current = next
                } else if key == "episode", let alt = current["number"], current["season"] != nil {
                    current = alt
                } else if key == "number", let alt = current["episode"], current["season"] != nil {
                    current = alt
                } else {
                    return .null
                }
            case .index(let i):
                guard let next = current[i] else { return .null }
                current = next
            }
        }
        return current
    }

    func virtual(_ name: String, of item: Value) -> Value {
        switch name {
        case "time":
            guard let ts = item["timestamp"]?.intValue else { return .null }
            return .instant(convention.instant(forAPITimestamp: ts))
        case "ago":
            guard let ts = item["timestamp"]?.intValue else { return .null }
            return .duration(max(0, now.timeIntervalSince(convention.instant(forAPITimestamp: ts))))
        case "title":
            for path in ["show", "movie", "list"] {
                if let object = item[path], let title = object["title"] ?? object["name"], !title.isNull { return title }
            }
            return .null
        case "sxe":
            let episode = item["episode"].flatMap { $0.isNull ? nil : $0 } ?? item["episodes"]?[0]
            guard let episode, let season = episode["season"]?.intValue,
                  let number = (episode["episode"] ?? episode["number"])?.intValue
            else { return .null }
            return .string(String(format: "S%02lldE%02lld", season, number))
        case "who":
            return item["user"]?["username"] ?? .null
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
