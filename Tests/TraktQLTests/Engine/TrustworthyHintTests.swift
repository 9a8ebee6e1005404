import Foundation
import Testing
@testable import TraktEmulator
@testable import TraktQL

/// Issue 11, items 8, 11, 12 and 15, end to end through the engine against the emulator over
/// loopback (the error messages themselves are pinned in Golden/errors.golden).
@Suite struct TrustworthyHintTests {
    // MARK: - Item 8: times outside 1970–9999

    @Test func aTimeBefore1970IsACheckErrorAndNoCallIsMade() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        do {
            try await engine.run("activity since:99999y")
            Issue.record("no error")
        } catch {
            guard case .query(let diagnostics, _) = error else { Issue.record("not a query error: \(error)"); return }
            #expect(error.exitCode == 3)
            #expect(diagnostics.count == 1)
            #expect(diagnostics[0].message == "99999y ago is before 1970-01-01")
            #expect(diagnostics[0].span.start.column == 16)  // the caret is under the value
        }
    }

    // MARK: - Item 11: time words inside expressions

    @Test func timeWordsAndDurationsCompareWithTime() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        let startOfYesterday = Date(timeIntervalSince1970: (TestServer.now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400 - 86_400)
        let words = try await engine.run("activity | where time >= yesterday | select time | limit 50")
        #expect(!words.rows.isEmpty)
        #expect(words.rows.allSatisfy { row in
            if case .instant(let time) = row[0] { return time >= startOfYesterday }
            return false
        })

        // `time >= 2d` means what since:2d means: the same items.
        let viaWhere = try await engine.run("activity since:3d | where time >= 2d | count")
        let viaSince = try await engine.run("activity since:2d | count")
        #expect(viaWhere.rows == viaSince.rows)
        #expect((viaSince.rows.first?.first?.intValue ?? 0) > 0)
        let before = try await engine.run("activity since:3d | where time < 2d | count")
        let all = try await engine.run("activity since:3d | count")
        #expect((before.rows[0][0].intValue ?? 0) + (viaWhere.rows[0][0].intValue ?? 0) == all.rows[0][0].intValue)
    }

    // MARK: - Item 15: limit $n

    @Test func limitTakesAVariable() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        let five = try await engine.run("let n = 5\nactivity | limit $n")
        #expect(five.rows.count == 5)
        let many = try await engine.run("let n = 150\nactivity | limit $n")
        #expect(many.rows.count == 150)  // pages past the cap, as limit 150 does
        let all = try await engine.run("let n = all\nactivity since:1h | limit $n | count")
        let counted = try await engine.run("activity since:1h | count")
        #expect(all.rows == counted.rows)
        #expect(try await engine.plan("activity | limit $n").stages == [.limit(nil)])
    }

    // MARK: - Item 12: names the server's catalog does not have

    @Test func anUnknownShowIsNamedWithADidYouMean() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        do {
            try await engine.run("activity show:breaking-bda since:7d")
            Issue.record("no error: an unknown show gave an empty result")
        } catch {
            guard case .notFound(let diagnostics, _) = error else { Issue.record("\(error)"); return }
            #expect(error.exitCode == 2)
            #expect(diagnostics.map(\.message) == ["no show 'breaking-bda' on this server"])
            #expect(diagnostics[0].help == "did you mean 'breaking-bad'?")
            #expect(diagnostics[0].span.start.column == 15)
        }
        // Known names, their ids and case-insensitive usernames pass.
        let user = server.dataset.catalogUsers.first { !$0.isProtected }!.username
        _ = try await engine.run("activity show:breaking-bad since:1d")
        _ = try await engine.run("activity user:\(user.uppercased()) since:1d")
        _ = try await engine.run("activity show:81189 since:1d")  // Breaking Bad's TVDB id
        _ = try await engine.run("activity movie:tt1375666 since:1d")  // Inception's IMDB id
    }

    @Test func aFanOutNamesEveryUnknownUser() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        let known = server.dataset.catalogUsers.first { !$0.isProtected }!.username
        do {
            try await engine.run("let more = nosuch3\nactivity user:\(known),nosuch1,nosuch2 -user:$more since:7d")
            Issue.record("no error")
        } catch {
            guard case .notFound(let diagnostics, let source) = error else { Issue.record("\(error)"); return }
            #expect(diagnostics.map(\.message) == ["no user 'nosuch1' on this server", "no user 'nosuch2' on this server",
                                                   "no user 'nosuch3' on this server"])
            #expect(error.exitCode == 2)
            let rendered = DiagnosticRenderer().render(diagnostics, source: source)
            #expect(rendered.contains("^^^^^^^"))
        }
    }

    @Test func withoutACatalogTheQueryRunsAsBefore() async throws {
        let server = try await TestServer.small.value
        var configuration = TestServer.engine(server).configuration
        configuration.checksNamesWithServerCatalog = false
        let engine = Engine(configuration: configuration)
        let result = try await engine.run("activity show:breaking-bda since:7d")
        #expect(result.rows.isEmpty)  // the emulator's answer for a show it does not have
        await #expect(throws: TraktQLError.self) { try await engine.run("activity user:nosuch1 since:7d") }

        // The API's 404s of a fan-out name every unknown user, not only the first to fail.
        let known = server.dataset.catalogUsers.first { !$0.isProtected }!.username
        do {
            try await engine.run("activity user:nosuch1,\(known),nosuch2 since:7d")
            Issue.record("no error")
        } catch {
            guard case .api(let status, let message, _) = error else { Issue.record("\(error)"); return }
            #expect(status == 404)
            #expect(message == "users not found: 'nosuch1', 'nosuch2'")
            #expect(error.exitCode == 2)
        }
    }
}
