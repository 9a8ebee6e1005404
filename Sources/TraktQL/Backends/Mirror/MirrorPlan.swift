import Foundation

/// The mirror's part of a ``Plan``: one SQL statement per v2 route the query reads (their rows
/// rebuilt into the route's elements and merged newest first, as v2's calls are), which mirror,
/// and how old it is.
public struct MirrorPlan: BackendPlan, Hashable {
    public var statements: [MirrorStatement]
    /// The database file.
    public var location: String
    public var account: MirrorAccount
    /// When the plan was made (the mirror's age is told as of then).
    public var plannedAt: Date
    /// Whose activity the items say it is (`who`): the account, named as the query names it.
    public var user: String
    /// Objects as v2 sends them without `extended=full` (title, year, ids…), when no stage
    /// reads a field only `extended=full` has: an answer equals v2's, whole items included.
    public var minimalObjects: Bool
    /// Why full objects are read, when they are.
    public var extendedReason: String?
    /// What explain adds: routes not read, love and hate on the 10-point scale.
    public var notes: [String]
    /// Plays that differ only in their own id and time are read as one item with their count
    /// (``MirrorPlan+CollapsedPlays``): set when nothing the query reads tells them apart.
    public var collapsesPlays = false
    /// With ``collapsesPlays``: each group is read as its newest and its oldest play
    /// (``collapse(_:statements:)``), because the query reads a play's time through `first`,
    /// `last`, `min` or `max`.
    public var collapsedPlaysKeepTimes = false
    /// Several statements read one after another rather than merged, each item with its place
    /// in merged order (``MergePosition``), because only a `stats` whose answer does not depend
    /// on the order consumes them (``Plan/takesCallsInAnyOrder``), as a fan-out's calls are
    /// (``CallSequence``); set by ``readsInSequence(_:statements:)``. The plays among them may
    /// then be read as one (``collapsesPlays``).
    public var readsInSequence = false

    init(statements: [MirrorStatement], location: String, account: MirrorAccount, plannedAt: Date, user: String,
         minimalObjects: Bool, notes: [String]) {
        self.statements = statements
        self.location = location
        self.account = account
        self.plannedAt = plannedAt
        self.user = user
        self.minimalObjects = minimalObjects
        self.notes = notes
    }

    /// A mirror is read, not called: no time budget, no HTTP.
    public var makesCalls: Bool { false }

    /// Several routes (or a list's items, one route per list over v2) are merged newest first;
    /// one route keeps its own order.
    var merges: Bool { statements.count > 1 || statements.contains { $0.route == .listItems } }

    /// How the shows, movies, seasons, episodes and lists the rows refer to are read: once
    /// each per query, shared by every row that refers to it.
    public static let objectSQL = "SELECT json FROM objects WHERE kind = ? AND trakt = ?"
}

extension MirrorPlan {
    /// `mirror: justin on https://api.trakt.tv, synced 2026-12-07T10:00:00Z (4 h 12 min ago), /path`.
    func mirrorLine(timeZone: TimeZone) -> String {
        let synced = account.syncedAt.map { "synced \(ValueText.iso8601($0, in: timeZone)) (\(account.age(at: plannedAt)) ago)" } ?? "never synced online"
        let imported = account.importedFrom.map { ", imported from \($0)" } ?? ""
        return "mirror: \(account.user) on \(account.server), \(synced)\(imported): \(location)"
    }

    public func explanation(of plan: Plan, base: String) -> String {
        var lines: [String] = []
        let routes = statements.count == 1 ? "1 SQL statement" : "\(statements.count) SQL statements"
        let merged = readsInSequence ? ", read one after another (the stats do not depend on their order)" : merges ? ", merged newest first" : ""
        lines.append("plan: \(routes) over the local mirror (no HTTP calls)\(merged)")
        lines.append(mirrorLine(timeZone: plan.timeZone))
        lines.append("objects: \(minimalObjects ? "as v2 sends them without extended=full (title, year, ids)" : "extended=full, because \(extendedReason ?? "a stage reads them")"); each read once: \(Self.objectSQL)")
        for (n, statement) in statements.enumerated() {
            lines.append("")
            lines.append("sql \(n + 1): \(statement.route.rawValue) (the v2 route's elements, in its order)")
            for line in statement.sql.split(separator: "\n") { lines.append("  " + line) }
            for (i, parameter) in statement.parameters.enumerated() {
                lines.append("  ?\(i + 1) = \(parameter.value)  ← \(parameter.from)")
            }
            if let limit = statement.elementLimit {
                lines.append("  limit     the newest \(limit) elements (no limit or since:, as one page over the API)")
            }
            if statement.localSince != nil || statement.localUntil != nil {
                lines.append("  time      checked on each item (one page, as over the API: this route has no time filter there)")
            }
            if collapsesPlays, statement.route == .history {
                lines.append("  plays     " + (collapsedPlaysKeepTimes ? Self.collapsedPlaysKeepingTimesNote : Self.collapsedPlaysNote))
                lines.append("  objects   the groups' episodes, shows and movies read ahead, " + MirrorObjects.prefetchNote)
            }
        }
        lines.append("")
        lines += plan.negationLines
        lines += plan.residualSection(heading: "checked on each rebuilt item, as over v2; SQL above reads no less than it keeps",
                                      ratingField: "rating", notes: notes)
        lines.append(plan.stagesLine)
        return lines.joined(separator: "\n")
    }

    public func explanationValue(of plan: Plan, base: String) -> Value {
        let sql: [Value] = statements.map { statement in
            var members: [(key: String, value: Value)] = [
                ("route", .string(statement.route.rawValue)),
                ("table", .string(statement.table)),
                ("sql", .string(statement.sql)),
                ("parameters", .array(statement.parameters.map { parameter in
                    .object([("value", Self.value(parameter.value)), ("from", .string(parameter.from))])
                })),
            ]
            if let limit = statement.elementLimit { members.append(("element_limit", .int(Int64(limit)))) }
            if collapsesPlays, statement.route == .history {
                members.append(("plays", .string(collapsedPlaysKeepTimes ? Self.collapsedPlaysKeepingTimesNote : Self.collapsedPlaysNote)))
            }
            return .object(members)
        }
        var members: [(key: String, value: Value)] = [
            ("api", .string("mirror")),
            ("mirror", .object([
                ("path", .string(location)), ("server", .string(account.server)), ("user", .string(account.user)),
                ("synced_at", account.syncedAt.map { .string(ValueText.iso8601($0, in: plan.timeZone)) } ?? .null),
                ("age", .string(account.age(at: plannedAt))),
            ])),
            ("objects", .string(minimalObjects ? "minimal" : "extended=full")),
            ("sql", .array(sql)),
            ("residual", .array(plan.residualValues(ratingField: "rating") + notes.map { .object([("from", .string("mirror")), ("check", .string($0))]) })),
            ("stages", .array(plan.stages.map { .string(Plan.describe($0, zone: plan.timeZone)) })),
            ("time_zone", .string(plan.timeZone.identifier)),
        ]
        if !plan.negationNotes.isEmpty {
            members.insert(("negations", .array(plan.negationNotes.map { .string($0) })), at: 4)
        }
        return .object(members)
    }

    static func value(_ value: MirrorValue) -> Value {
        switch value {
        case .null: return .null
        case .integer(let n): return .int(n)
        case .real(let d): return .double(d)
        case .text(let s): return .string(s)
        }
    }
}
