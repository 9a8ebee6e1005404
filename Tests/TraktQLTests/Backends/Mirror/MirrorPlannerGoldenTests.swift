import Foundation
import Testing
@testable import TraktQL

/// Query → SQL and parameters over the mirror, pinned in Golden/plans-mirror.golden: each
/// route's statement, what each qualifier pushes into SQL (and from where), what stays a
/// residual filter, the one-page rule, and the refusals.
@Suite struct MirrorPlannerGoldenTests {
    /// A mirror that only plans: its account and place (reading it is not needed to plan).
    struct PlanningMirror: MirrorDatabase {
        var location: String { "/home/justin/.local/share/traktql/mirror/api.trakt.tv/justin.sqlite" }

        func account() throws(TraktQLError) -> MirrorAccount {
            MirrorAccount(server: "https://api.trakt.tv", user: "justin", own: true, syncedAt: ISO8601DateFormatter().date(from: "2024-11-24T09:30:00Z"))
        }

        func read<T>(_ body: (any MirrorConnection) throws(TraktQLError) -> T) throws(TraktQLError) -> T {
            throw .usage("a planning mirror holds no rows")
        }
    }

    static let backend = MirrorBackend(access: MirrorAccess(PlanningMirror()), clock: { ISO8601DateFormatter().date(from: "2024-11-24T12:00:00Z")! })

    static func render(_ plan: Plan) -> [String] {
        guard let mirror = plan.backendPlan as? MirrorPlan else { return ["not a mirror plan"] }
        var lines: [String] = []
        for statement in mirror.statements {
            lines.append("sql \(statement.route.rawValue):")
            lines += statement.sql.split(separator: "\n").map { "  " + $0 }
            for (n, parameter) in statement.parameters.enumerated() { lines.append("  ?\(n + 1) = \(parameter.value) ← \(parameter.from)") }
            if statement.localSince != nil || statement.localUntil != nil { lines.append("  [time checked on each item]") }
        }
        for note in plan.negationNotes { lines.append("negation \(note)") }
        for filter in plan.residual { lines.append("residual \(filter.origin.text) ⇒ \(filter.meaning(ratingField: "rating"))") }
        for note in mirror.notes { lines.append("note " + note) }
        lines.append("objects " + (mirror.minimalObjects ? "minimal" : "extended=full"))
        if mirror.readsInSequence {
            lines.append("read one after another")
        } else if mirror.merges {
            lines.append("merged newest first")
        }
        if mirror.collapsesPlays {
            lines.append(mirror.collapsedPlaysKeepTimes ? "plays read as the newest and the oldest per episode or movie and action, with their count"
                : "plays read as one per episode or movie and action, with their count")
        }
        return lines
    }

    static func plan(_ input: String, context: SessionContext) -> [String] {
        do {
            return render(try QueryCompiler.plan(input, context: context, backend: backend))
        } catch {
            if case .query(let diagnostics, _) = error { return diagnostics.map { "error: " + $0.description } }
            return ["error: \(error)"]
        }
    }

    @Test func plansMatchTheGoldenFile() throws {
        // Golden/ is two folders up from Backends/Mirror/ (GoldenFile looks two up from `file`).
        let golden = try GoldenFile(named: "plans-mirror.golden",
                                    file: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("here").path)
        #expect(golden.cases.count >= 20)
        let actual = golden.cases.map { Self.plan($0.input, context: $0.context) }
        let failures = try golden.verify(actual)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
    }

    @Test func explainSaysWhichMirrorHowOldTheSQLAndTheResidual() throws {
        let context = SessionContext(timeZone: TimeZone(identifier: "UTC")!, convention: .pacific,
                                     now: ISO8601DateFormatter().date(from: "2024-11-24T12:00:00Z")!)
        let plan = try QueryCompiler.plan("activity user:me show:the-walking-dead since:7d action:seen | stats hours(runtime) by title",
                                          context: context, backend: Self.backend)
        let text = plan.explanation()
        #expect(text.contains("plan: 1 SQL statement over the local mirror (no HTTP calls)"))
        #expect(text.contains("mirror: justin on https://api.trakt.tv, synced 2024-11-24T09:30:00+00:00 (2 h 30 min ago): /home/justin/.local/share/traktql/mirror/api.trakt.tv/justin.sqlite"), "\(text)")
        #expect(text.contains("  WHERE watched_at >= ?"))
        #expect(text.contains("  ?1 = 1731844800000  ← since:7d (ms since 1970 UTC)"), "\(text)")
        #expect(text.contains("objects: extended=full, because 'runtime' is read by"), "\(text)")
        #expect(text.contains("residual filter (checked on each rebuilt item"))
        let json = ValueText.json(plan.explanationValue(), zone: TimeZone(identifier: "UTC")!)
        #expect(json.contains("\"api\":\"mirror\"") && json.contains("\"age\":\"2 h 30 min\""), "\(json)")
    }
}
