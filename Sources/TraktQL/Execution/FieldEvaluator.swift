import Foundation

/// Reads fields from activity items, including the virtual fields `time`, `ago`, `title`,
/// `sxe` and `who`. A missing field is `.null`, never an error.
struct FieldEvaluator: Sendable {
    var convention: TimestampConvention
    var now: Date

    func value(of reference: FieldReference, in row: Row) -> Value {
        if let bucket = reference.bucket { return bucket.apply(to: unbucketed(reference, in: row)) }
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
        var components = components[...]
        // `episode` on a seen or collection item (which lists `episodes[]`) is its first
        // episode, so `episode.title` reads the same on every episode item.
        if case .key("episode")? = components.first, item["episode"] == nil || item["episode"]!.isNull,
           case .array(let episodes)? = item["episodes"], let first = episodes.first {
            current = first
            components = components.dropFirst()
        }
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
            // One episode: S01E05. A seen or collection item of several: the span, S11E23–E24
            // (S01E10–S02E01 across seasons), first and last as the API lists them.
            if let episode = item["episode"], !episode.isNull {
                return Self.sxe(episode).map { .string($0) } ?? .null
            }
            guard case .array(let episodes)? = item["episodes"], let first = episodes.first,
                  let start = Self.seasonAndNumber(first) else { return .null }
            let text = Self.sxe(start)
            guard episodes.count > 1, let end = Self.seasonAndNumber(episodes[episodes.count - 1]), end != start else {
                return .string(text)
            }
            return .string(end.season == start.season
                ? text + "–E" + Self.twoDigits(end.number)
                : text + "–" + Self.sxe(end))
        case "who":
            return item["user"]?["username"] ?? .null
        case "runtime":
            return Self.runtime(of: item)
        default:
            return .null
        }
    }
}

extension FieldEvaluator {
    static func seasonAndNumber(_ episode: Value) -> (season: Int64, number: Int64)? {
        guard let season = episode["season"]?.intValue, let number = (episode["episode"] ?? episode["number"])?.intValue else { return nil }
        return (season, number)
    }

    static func sxe(_ episode: Value) -> String? {
        seasonAndNumber(episode).map(sxe)
    }

    static func sxe(_ episode: (season: Int64, number: Int64)) -> String {
        "S" + twoDigits(episode.season) + "E" + twoDigits(episode.number)
    }

    static func twoDigits(_ n: Int64) -> String {
        n >= 0 && n < 10 ? "0\(n)" : String(n)
    }
}

/// A row between stages: a whole item until a `select`, `count` or `distinct` reshapes it.
enum Row: Sendable, Hashable {
    case item(Value)
    case columns(names: [String], values: [Value])
}
