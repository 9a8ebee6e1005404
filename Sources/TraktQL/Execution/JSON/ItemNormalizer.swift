import Foundation

/// Gives every catalogued field of an item its one declared type (``FieldCatalog``), so that
/// grouping, sorting, `distinct` and comparisons see one value: the API sends `rating_advanced`
/// as `8` or as `"8"`, and without this `count by rating_advanced` made two groups.
///
/// Integers arrive as numbers, numeric strings or integral doubles; strings as strings or
/// numbers; booleans as booleans, `0`/`1` or `"true"`/`"false"`. A value that cannot be read as
/// its field's type becomes `null` and is counted (the executor warns). Fields the catalog does
/// not know are left as sent.
struct ItemNormalizer: Sendable {
    /// One node of the catalog's path tree.
    final class Node: Sendable {
        let kind: FieldCatalog.Kind?
        let members: [String: Node]
        /// The node of an array's elements (`episodes[]`).
        let element: Node?

        init(kind: FieldCatalog.Kind?, members: [String: Node], element: Node?) {
            self.kind = kind
            self.members = members
            self.element = element
        }
    }

    /// A value that could not be converted, for the warning.
    struct Failure: Sendable, Equatable {
        var path: String
        var value: String
    }

    static let root: Node = build(FieldCatalog.itemFields.map { ($0.path, $0.kind) })

    /// Normalises `item` in place; returns the values that could not be converted.
    static func normalize(_ item: inout Value) -> [Failure] {
        var failures: [Failure] = []
        var path: [String] = []
        if let fixed = normalized(item, node: root, path: &path, failures: &failures) { item = fixed }
        return failures
    }

    /// `nil` when nothing changed, so untouched items are never copied. `path` holds the
    /// member names down to `value` (`"[]"` for an array's elements); it is joined into text
    /// only for a failure, since nearly every value converts.
    private static func normalized(_ value: Value, node: Node, path: inout [String], failures: inout [Failure]) -> Value? {
        switch value {
        case .object(let members):
            guard !node.members.isEmpty else { return nil }
            var changed: [(key: String, value: Value)]?
            for (index, member) in members.enumerated() {
                guard let child = node.members[member.key] else { continue }
                path.append(member.key)
                defer { path.removeLast() }
                if let fixed = normalized(member.value, node: child, path: &path, failures: &failures) {
                    if changed == nil { changed = members }
                    changed![index].value = fixed
                }
            }
            return changed.map { .object($0) }
        case .array(let elements):
            guard let element = node.element else { return nil }
            var changed: [Value]?
            path.append("[]")
            defer { path.removeLast() }
            for (index, item) in elements.enumerated() {
                if let fixed = normalized(item, node: element, path: &path, failures: &failures) {
                    if changed == nil { changed = elements }
                    changed![index] = fixed
                }
            }
            return changed.map { .array($0) }
        case .null:
            return nil
        default:
            guard let kind = node.kind else { return nil }
            switch convert(value, to: kind) {
            case .unchanged: return nil
            case .converted(let fixed): return fixed
            case .impossible:
                let text = ValueText.json(value, zone: TimeZone(identifier: "UTC")!)
                failures.append(Failure(path: joined(path), value: text.count > 40 ? String(text.prefix(40)) + "…" : text))
                return .null
            }
        }
    }

    /// `show.runtime`, `episodes[].season`.
    private static func joined(_ path: [String]) -> String {
        var text = ""
        for component in path {
            if component != "[]" && !text.isEmpty { text += "." }
            text += component
        }
        return text
    }

    enum Conversion: Equatable {
        case unchanged
        case converted(Value)
        case impossible
    }

    /// A scalar read as `kind`.
    static func convert(_ value: Value, to kind: FieldCatalog.Kind) -> Conversion {
        switch (kind, value) {
        case (.integer, .int), (.number, .int), (.number, .double), (.string, .string), (.bool, .bool):
            return .unchanged
        case (.integer, .double(let d)):
            guard d.rounded() == d, let i = Int64(exactly: d) else { return .impossible }
            return .converted(.int(i))
        case (.integer, .string(let s)):
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            if let i = Int64(trimmed) { return .converted(.int(i)) }
            if let d = Double(trimmed), d.rounded() == d, let i = Int64(exactly: d) { return .converted(.int(i)) }
            return .impossible
        case (.number, .string(let s)):
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            if let i = Int64(trimmed) { return .converted(.int(i)) }
            if let d = Double(trimmed), d.isFinite { return .converted(.double(d)) }
            return .impossible
        case (.string, .int(let i)):
            return .converted(.string(String(i)))
        case (.string, .double(let d)):
            return .converted(.string(d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)))
        case (.bool, .int(let i)) where i == 0 || i == 1:
            return .converted(.bool(i == 1))
        case (.bool, .string(let s)):
            switch s.lowercased() {
            case "true", "1": return .converted(.bool(true))
            case "false", "0": return .converted(.bool(false))
            default: return .impossible
            }
        case (.any, _), (.object, _), (.array, _), (.instant, _), (.duration, _):
            return .unchanged
        default:
            return .impossible
        }
    }

    /// The warning for a batch of failures, or `nil` when there are none.
    static func warning(for failures: [Failure]) -> String? {
        guard let first = failures.first else { return nil }
        let fields = Set(failures.map(\.path)).sorted()
        return "\(failures.count) value\(failures.count == 1 ? "" : "s") could not be read as the field's type and \(failures.count == 1 ? "was" : "were") treated as null (\(fields.joined(separator: ", ")); for example \(first.path) = \(first.value))"
    }

    // MARK: - Building

    private final class Builder {
        var kind: FieldCatalog.Kind?
        var members: [String: Builder] = [:]
        var element: Builder?

        func freeze() -> Node {
            Node(kind: kind, members: members.mapValues { $0.freeze() }, element: element?.freeze())
        }
    }

    private static func build(_ fields: [(String, FieldCatalog.Kind)]) -> Node {
        let root = Builder()
        for (path, kind) in fields {
            var node = root
            for part in path.split(separator: ".") {
                let isElement = part.hasSuffix("[]")
                let name = String(isElement ? part.dropLast(2) : part)
                let next = node.members[name] ?? Builder()
                node.members[name] = next
                node = next
                if isElement {
                    let element = node.element ?? Builder()
                    node.element = element
                    node = element
                }
            }
            node.kind = kind
        }
        return root.freeze()
    }
}
