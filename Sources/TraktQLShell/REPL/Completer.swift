import Foundation
import TraktQL

/// What TAB offers at a position in a statement.
struct Completion: Equatable {
    struct Candidate: Equatable {
        /// Replaces ``Completion/fragment``.
        var text: String
        /// Added after a single match: `:` after a qualifier key, a space after a keyword or
        /// value, `.` after an object field, nothing after a directory.
        var terminator: String = " "
        /// Shown in the list of several matches.
        var display: String

        init(_ text: String, terminator: String = " ", display: String? = nil) {
            self.text = text
            self.terminator = terminator
            self.display = display ?? text
        }
    }

    /// The text just before the cursor that the candidates replace.
    var fragment: String
    var candidates: [Candidate]
    /// Something was printed while completing (the built-in emulator's banner when completion
    /// started it): the line must be drawn again below it.
    var redisplay = false

    /// What replaces the fragment: the single match with its terminator, or the candidates'
    /// common prefix (nil when that adds nothing).
    var replacement: String? {
        if candidates.count == 1 { return candidates[0].text + candidates[0].terminator }
        guard let first = candidates.first?.text else { return nil }
        var prefix = Substring(first)
        for candidate in candidates.dropFirst() {
            while !candidate.text.hasPrefix(prefix) { prefix = prefix.dropLast() }
        }
        return prefix.count > fragment.count ? String(prefix) : nil
    }

    /// A change to the line: delete `deleteBefore` characters before the cursor and
    /// `deleteAfter` after it, then insert `insert` (the cursor ends after it). Counts are in
    /// Unicode scalars, as libedit counts characters.
    struct Edit: Equatable {
        var deleteBefore: Int
        var deleteAfter: Int
        var insert: String
    }

    /// What TAB does to the line when `after` follows the cursor: the ``replacement`` for the
    /// fragment, without duplicating what is already there. Completion in the middle of a word
    /// considers the rest of the word: the characters of the replacement that the text after
    /// the cursor already holds are kept rather than inserted again (`act|ion:seen` becomes
    /// `action:|seen`), and so is a terminator the text after the cursor starts with
    /// (`act|:seen` becomes `action:|seen`, not `action::seen`), and no space is added where the
    /// word goes on (`action:se|en,rating`). Nil when TAB inserts nothing.
    func edit(after: String) -> Edit? {
        guard let replacement else { return nil }
        let inserted = Array(replacement.unicodeScalars)
        let typed = Array(fragment.unicodeScalars)
        let following = Array(after.unicodeScalars)
        // How far the replacement agrees with the line from the fragment's start onwards.
        let line = typed + following
        var agreed = 0
        while agreed < inserted.count, agreed < line.count, inserted[agreed] == line[agreed] { agreed += 1 }
        let matchedAfter = agreed > typed.count ? agreed - typed.count : 0
        let unmatched = agreed >= typed.count ? inserted[agreed...] : inserted[...]
        // Then the longest tail of what is left to insert that the line already continues with
        // (a terminator such as ':' or ' ', or the rest of a word after a change of case).
        let rest = following[matchedAfter...]
        var overlap = min(unmatched.count, rest.count)
        while overlap > 0, !unmatched.suffix(overlap).elementsEqual(rest.prefix(overlap)) { overlap -= 1 }
        // A space would split the word when it goes on after the completed part (`se|en,rating`).
        var insert = replacement
        if overlap == 0, unmatched.last == " ", let next = rest.first, !next.properties.isWhitespace { insert.removeLast() }
        return Edit(deleteBefore: typed.count, deleteAfter: matchedAfter + overlap, insert: insert)
    }
}

/// Completion by grammar position, from the lexer's tokens of the text before the cursor:
/// statement keywords and `.commands` at the start; qualifier keys after `activity`, then enum
/// values, slugs and usernames after `key:` (the last element of a comma list); stage keywords
/// after `|`; field paths in stages; setting names and values after `set`; help topics after
/// `.help`; file names after `.read`.
struct Completer {
    struct Vocabulary: Sendable {
        var shows: [String] = []
        var movies: [String] = []
        var users: [String] = []
        /// `let` variables, without `$`.
        var variables: [String] = []
    }

    var vocabulary = Vocabulary()
    /// Lists a directory for `.read`: names with whether each is a directory.
    var listDirectory: (String) -> [(name: String, isDirectory: Bool)] = Completer.listDirectory

    /// The candidates for `text`, the statement typed so far up to the cursor (earlier
    /// continuation lines included).
    func complete(_ text: String) -> Completion {
        var lexer = Lexer(text)
        var tokens = lexer.tokenize().filter { $0.kind != .endOfInput }
        if let end = tokens.lastIndex(where: { $0.kind == .statementEnd }) { tokens.removeFirst(end + 1) }
        let textEnd = text.utf8.count
        let atSpace = text.last.map { $0 == " " || $0 == "\t" || $0 == "\n" } ?? true
        let wordKinds: Set<Token.Kind> = [.identifier, .qualifier, .rawWord, .number, .metaCommand, .variable, .dot, .string]
        let partial = !atSpace && tokens.last?.span.end.offset == textEnd && wordKinds.contains(tokens.last!.kind) ? tokens.last : nil
        let before = partial == nil ? tokens : Array(tokens.dropLast())

        guard let head = before.first else {
            // The start of a statement.
            var fragment = partial?.text ?? ""
            if partial?.kind == .metaCommand { fragment = "." + fragment }
            if fragment.hasPrefix(".") || partial?.kind == .dot {
                return match(fragment, Session.metaCommands.map { Completion.Candidate("." + $0) })
            }
            return match(fragment, Parser.statementKeywords.map { Completion.Candidate($0) })
        }

        switch head.kind {
        case .metaCommand:
            return metaArgument(head.text.lowercased(), index: before.count - 1, fragment: partial?.text ?? "")
        case .identifier:
            break
        default:
            return Completion(fragment: "", candidates: [])
        }

        switch head.text.lowercased() {
        case "set":
            let fragment = partial?.text ?? ""
            if before.count == 1 {
                return match(fragment, Settings.names.map { Completion.Candidate($0) })
            }
            if before.count == 2 && partial == nil {
                return match("", [Completion.Candidate("=")])
            }
            if before.count >= 3, before[2].kind == .assign, before.count == 3 {
                return match(fragment, Settings.suggestedValues(for: before[1].text.lowercased()).map { Completion.Candidate($0) })
            }
            return Completion(fragment: fragment, candidates: [])
        case "explain":
            if before.count == 1 { return match(partial?.text ?? "", [Completion.Candidate("activity")]) }
            return query(text, tokens: Array(before.dropFirst()), partial: partial, atSpace: atSpace)
        case "activity":
            return query(text, tokens: before, partial: partial, atSpace: atSpace)
        default:
            return Completion(fragment: partial?.text ?? "", candidates: [])
        }
    }

    // MARK: - Queries

    private func query(_ text: String, tokens: [Token], partial: Token?, atSpace: Bool) -> Completion {
        guard let pipe = tokens.lastIndex(where: { $0.kind == .pipe }) else {
            // Qualifier words.
            guard partial == nil || partial?.kind == .qualifier else { return Completion(fragment: "", candidates: []) }
            return qualifier(partial?.text ?? "")
        }
        // A stage: the fragment is the field-path-like run before the cursor.
        let fragment = atSpace ? "" : String(text.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }.reversed())
        let fragmentStart = text.utf8.count - fragment.utf8.count
        let stage = (tokens[(pipe + 1)...] + (partial.map { [$0] } ?? [])).filter { $0.span.end.offset <= fragmentStart }
        guard let keyword = stage.first else {
            return match(fragment, Parser.stageKeywords.map { Completion.Candidate($0) })
        }
        let previous = stage.last!
        var fieldCompletion = fields(fragment)
        fieldCompletion.candidates += bucketCandidates(fragment)
        switch keyword.text.lowercased() {
        case "where":
            switch previous.kind {
            case .string, .number, .rightParen, .rightBracket, .variable:
                return match(fragment, ["and", "or"].map { Completion.Candidate($0) })
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .tilde, .match, .notMatch:
                return Completion(fragment: fragment, candidates: [])  // a value comes next
            default:
                return match(fragment, fieldCompletion.candidates + (fragment.contains(".") ? [] : [Completion.Candidate("not")]))
            }
        case "select", "distinct", "flatten":
            if previous.kind == .identifier, previous.text.lowercased() == "as" { return Completion(fragment: fragment, candidates: []) }
            return fieldCompletion
        case "sort":
            if stage.count > 1, previous.kind == .identifier || previous.kind == .rightBracket {
                return match(fragment, ["asc", "desc"].map { Completion.Candidate($0) })
            }
            return fieldCompletion
        case "count":
            if stage.count == 1 { return match(fragment, [Completion.Candidate("by")]) }
            return fieldCompletion
        case "stats", "chart":
            return statsStage(keyword.text.lowercased(), stage: stage, fragment: fragment, fieldCompletion: fieldCompletion)
        case "limit":
            if stage.count == 1 { return match(fragment, [Completion.Candidate("all")]) }
            return Completion(fragment: fragment, candidates: [])
        default:
            return Completion(fragment: fragment, candidates: [])
        }
    }

    /// `key`, `-key`, `key:value`, `key:a,b,c`, `key:>=v`, `key:a..b`.
    private func qualifier(_ word: String) -> Completion {
        guard let colon = word.firstIndex(of: ":") else {
            let negated = word.hasPrefix("-")
            let typed = negated ? String(word.dropFirst()) : word
            let lower = typed.lowercased()
            var keys = QualifierKey.allCases.map(\.rawValue).filter { $0.hasPrefix(lower) }
            if keys.isEmpty { keys = QualifierKey.allSpellings.filter { $0.hasPrefix(lower) } }
            let candidates = keys.map { key -> Completion.Candidate in
                let flag = QualifierKey(spelling: key)?.isFlag == true
                return Completion.Candidate((negated ? "-" : "") + key, terminator: flag ? " " : ":", display: key + (flag ? "" : ":"))
            }
            return Completion(fragment: word, candidates: candidates)
        }
        var keyText = word[..<colon]
        if keyText.hasPrefix("-") { keyText = keyText.dropFirst() }
        let value = word[word.index(after: colon)...]
        // The element being typed: after the last ',' or '..', and after comparison operators.
        var elementStart = value.startIndex
        if let comma = value.lastIndex(of: ",") { elementStart = value.index(after: comma) }
        if let range = value.range(of: "..", options: .backwards), range.upperBound > elementStart { elementStart = range.upperBound }
        while elementStart < value.endIndex, "<>=".contains(value[elementStart]) { elementStart = value.index(after: elementStart) }
        let kept = String(word[..<elementStart])
        let element = String(value[elementStart...])
        let listed = Set(value[..<elementStart].split(separator: ",").map { $0.lowercased() })
        let values: [String]
        if element.hasPrefix("$") {
            values = vocabulary.variables.map { "$" + $0 }
        } else {
            switch QualifierKey(spelling: String(keyText)) {
            case .action?: values = Action.allCases.map(\.rawValue)
            case .type?: values = ItemType.allCases.map(\.rawValue)
            case .scope?: values = Scope.allCases.map(\.rawValue)
            case .show?: values = vocabulary.shows
            case .movie?: values = vocabulary.movies
            case .user?: values = vocabulary.users
            case .rating?: values = ["love", "hate"]
            case .since?, .until?, .on?: values = ["today", "yesterday", "now"]
            default: values = []
            }
        }
        let matches = Self.filter(values.filter { !listed.contains($0.lowercased()) }, prefix: element)
        return Completion(fragment: word, candidates: matches.map { Completion.Candidate(kept + $0, display: $0) })
    }

    /// Field paths, one component at a time; an object's name is completed with a `.`.
    private func fields(_ fragment: String) -> Completion {
        let paths = Self.fieldPaths
        let depth = fragment.filter { $0 == "." }.count
        var seen = Set<String>()
        var candidates: [Completion.Candidate] = []
        for path in Self.filter(paths, prefix: fragment) {
            let components = path.split(separator: ".")
            let name = components.prefix(depth + 1).joined(separator: ".")
            guard seen.insert(name).inserted else { continue }
            let isObject = paths.contains { $0.hasPrefix(name + ".") }
            candidates.append(Completion.Candidate(name, terminator: isObject ? "." : " "))
        }
        return Completion(fragment: fragment, candidates: candidates)
    }

    /// Field paths a user can write (`episodes[]` elements are reached with `flatten` or an index).
    static let fieldPaths: [String] = FieldCatalog.everyBackend.allPaths.filter { !$0.contains("[") }

    // MARK: - Meta-commands

    private func metaArgument(_ command: String, index: Int, fragment: String) -> Completion {
        guard index == 0 else { return Completion(fragment: fragment, candidates: []) }
        let values: [String]
        switch command {
        case "help": values = HelpText.topics
        case "format": values = Settings.suggestedValues(for: "format")
        case "tz": values = Settings.suggestedValues(for: "tz")
        case "timing": values = ["on", "off"]
        case "cache": values = ["clear", "off"]
        case "auth": values = ["login", "status", "logout"]
        case "read": return files(fragment)
        default: values = []
        }
        return match(fragment, values.map { Completion.Candidate($0) })
    }

    private func files(_ fragment: String) -> Completion {
        let slash = fragment.lastIndex(of: "/")
        let directoryPart = slash.map { String(fragment[...$0]) } ?? ""
        let base = slash.map { String(fragment[fragment.index(after: $0)...]) } ?? fragment
        let entries = listDirectory(directoryPart.isEmpty ? "." : directoryPart)
            .filter { $0.name.hasPrefix(base) && (base.hasPrefix(".") || !$0.name.hasPrefix(".")) }
            .sorted { $0.name < $1.name }
        let candidates = entries.map { entry in
            Completion.Candidate(directoryPart + entry.name + (entry.isDirectory ? "/" : ""), terminator: entry.isDirectory ? "" : " ",
                                 display: entry.name + (entry.isDirectory ? "/" : ""))
        }
        return Completion(fragment: fragment, candidates: candidates)
    }

    static func listDirectory(_ path: String) -> [(name: String, isDirectory: Bool)] {
        let expanded = path.hasPrefix("~/") ? NSHomeDirectory() + path.dropFirst() : path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: expanded) else { return [] }
        return names.map { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (expanded as NSString).appendingPathComponent(name), isDirectory: &isDirectory)
            return (name, isDirectory.boolValue)
        }
    }

    // MARK: - Matching

    func match(_ fragment: String, _ candidates: [Completion.Candidate]) -> Completion {
        var found = candidates.filter { $0.text.hasPrefix(fragment) }
        if found.isEmpty { found = candidates.filter { $0.text.lowercased().hasPrefix(fragment.lowercased()) } }
        return Completion(fragment: fragment, candidates: found)
    }

    /// Exact-case prefix matches, or case-insensitive ones when there are none.
    static func filter(_ values: [String], prefix: String) -> [String] {
        let exact = values.filter { $0.hasPrefix(prefix) }
        if !exact.isEmpty || prefix.isEmpty { return exact }
        let lower = prefix.lowercased()
        return values.filter { $0.lowercased().hasPrefix(lower) }
    }

    /// Several candidates in columns (down, then across) that fit `width`.
    static func columns(_ items: [String], width: Int) -> String {
        guard !items.isEmpty else { return "" }
        let cell = (items.map(\.count).max() ?? 0) + 2
        let perRow = max(1, width / cell)
        let rows = (items.count + perRow - 1) / perRow
        var out = ""
        for row in 0..<rows {
            var line = ""
            for column in 0..<perRow {
                let index = column * rows + row
                guard index < items.count else { break }
                let item = items[index]
                line += (index + rows < items.count ? item.padding(toLength: cell, withPad: " ", startingAt: 0) : item)
            }
            out += line + "\n"
        }
        return out
    }
}
