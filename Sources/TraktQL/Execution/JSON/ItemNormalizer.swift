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
        /// The members' names and nodes, ordered by the names' UTF-8 length: a key is compared
        /// only with the few names of its length (`firstOfLength[n]..<firstOfLength[n + 1]`),
        /// which is cheaper than hashing it, on every member of every item.
        let names: [String]
        let children: [Node]
        let firstOfLength: [Int]
        /// The node of an array's elements (`episodes[]`).
        let element: Node?
        /// `show.runtime`, `episodes[].season`: how a failure names the field.
        let path: String

        var hasMembers: Bool { !names.isEmpty }

        init(kind: FieldCatalog.Kind?, members: [String: Node], element: Node?, path: String) {
            self.kind = kind
            let sorted = members.sorted { ($0.key.utf8.count, $0.key) < ($1.key.utf8.count, $1.key) }
            let names = sorted.map(\.key)
            self.names = names
            self.children = sorted.map(\.value)
            let longest = names.last?.utf8.count ?? 0
            self.firstOfLength = (0...longest + 1).map { length in names.firstIndex { $0.utf8.count >= length } ?? names.count }
            self.element = element
            self.path = path
        }

        @inline(__always) func member(_ key: String) -> Node? {
            let length = key.utf8.count
            guard length + 1 < firstOfLength.count else { return nil }
            for n in firstOfLength[length] ..< firstOfLength[length + 1] where names[n] == key { return children[n] }
            return nil
        }
    }

    /// A value that could not be converted, for the warning.
    struct Failure: Sendable, Equatable {
        var path: String
        var value: String
    }

    static let root: Node = build(FieldCatalog.everyBackendItemFields.map { ($0.path, $0.kind) })

    /// Normalises `item` in place; returns the values that could not be converted.
    static func normalize(_ item: inout Value) -> [Failure] {
        var failures: [Failure] = []
        if let fixed = normalized(item, node: root, failures: &failures) { item = fixed }
        return failures
    }

    /// `nil` when nothing changed, so untouched items are never copied.
    private static func normalized(_ value: Value, node: Node, failures: inout [Failure]) -> Value? {
        switch value {
        case .object(let members):
            guard node.hasMembers else { return nil }
            var changed: [(key: String, value: Value)]?
            for (index, member) in members.enumerated() {
                guard let child = node.member(member.key) else { continue }
                if let fixed = normalized(member.value, node: child, failures: &failures) {
                    if changed == nil { changed = members }
                    changed![index].value = fixed
                }
            }
            return changed.map { .object($0) }
        case .array(let elements):
            guard let element = node.element else { return nil }
            var changed: [Value]?
            for (index, item) in elements.enumerated() {
                if let fixed = normalized(item, node: element, failures: &failures) {
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
                failures.append(Failure(path: node.path, value: text.count > 40 ? String(text.prefix(40)) + "…" : text))
                return .null
            }
        }
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

        /// `path`: this node's, as the normaliser has always named it (`episodes[]` for the
        /// elements, `episodes[].season` below them).
        func freeze(path: String) -> Node {
            Node(kind: kind, members: Dictionary(uniqueKeysWithValues: members.map { key, child in
                     (key, child.freeze(path: path.isEmpty ? key : path + "." + key))
                 }),
                 element: element?.freeze(path: path + "[]"), path: path)
        }
    }

    private static func build(_ fields: [(String, FieldCatalog.Kind)]) -> Node {
        let root = Builder()
        for (path, kind) in fields {
            var node = root
            for part in FieldCatalog.parts(of: path) {
                let isElement = part.isElement
                let name = String(part.name)
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
        return root.freeze(path: "")
    }
}
