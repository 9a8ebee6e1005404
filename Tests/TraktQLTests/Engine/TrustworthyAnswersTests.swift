import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
@testable import TraktQL

/// Answers that were wrong without a word (issue 11), each run against the emulator over
/// loopback or, where a response shape is needed that the dataset does not hold, a saved file.
@Suite struct TrustworthyAnswersTests {
    /// Two unprotected users of the test dataset who were active in the last 30 days.
    static func twoActiveUsers(_ server: EmulatorServer) -> (String, String) {
        let dataset = server.dataset
        let since = Int64(TestServer.now.timeIntervalSince1970) - 30 * 86_400
        var names: [String] = []
        for activity in dataset.activities where activity.time >= since {
            let user = dataset.users[Int(activity.user)]
            if !user.isProtected, !names.contains(user.username) { names.append(user.username) }
            if names.count == 2 { break }
        }
        return (names[0], names[1])
    }

    // MARK: - 1. A negation removes its values from the positive list

    @Test func negatedUserIsRemovedFromTheFanOut() async throws {
        let server = try await TestServer.small.value
        let (first, second) = Self.twoActiveUsers(server)
        let engine = TestServer.engine(server)
        let result = try await engine.run("activity user:\(first),\(second) -user:\(first) since:30d | distinct who")
        #expect(result.calls >= 1)
        #expect(result.rows == [[.string(second)]])
        let plan = try await engine.plan("activity user:\(first),\(second) -user:\(first) since:30d")
        #expect(plan.v1!.calls.count == 1)
        #expect(plan.v1!.calls[0].endpoint.name == "activity/user")
        #expect(plan.explanation().contains("-user:\(first) removes \(first) from user:\(first),\(second)"))
    }

    @Test func negatedActionIsRemovedFromTheActionList() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        let result = try await engine.run("activity action:seen,rating -action:rating since:30d | distinct action")
        #expect(result.rows == [[.string("seen")]])
    }

    @Test func negatingEveryValueIsACheckError() async throws {
        let engine = Engine(configuration: EngineConfiguration(apiURL: URL(string: "http://127.0.0.1:9")!))
        for query in ["activity show:the-walking-dead -show:the-walking-dead",
                      "activity user:a,b -user:b,a",
                      "activity action:seen -action:seen"] {
            do {
                _ = try await engine.plan(query)
                Issue.record("\(query) was accepted")
            } catch {
                guard case .query(let diagnostics, _) = error else { Issue.record("\(error)"); continue }
                #expect(diagnostics.count == 1 && diagnostics[0].message.hasPrefix("nothing left to query"), "\(diagnostics)")
            }
        }
    }

    // MARK: - 2. A list variable inside brackets

    @Test func listVariableIsSplicedIntoABracketList() async throws {
        let server = try await TestServer.small.value
        let (first, second) = Self.twoActiveUsers(server)
        let engine = TestServer.engine(server)
        let setUp = "let crew = \(first),\(second)\n"
        let inBrackets = try await engine.run(setUp + "activity since:30d | limit all | where who in [$crew] | distinct who")
        let bare = try await engine.run(setUp + "activity since:30d | limit all | where who in $crew | distinct who")
        #expect(Set(inBrackets.rows) == [[.string(first)], [.string(second)]])
        #expect(inBrackets.rows == bare.rows)
        let mixed = try await engine.run(setUp + "activity since:30d | limit all | where who in [$crew, \"nobody\"] | distinct who")
        #expect(Set(mixed.rows) == Set(inBrackets.rows))
        let all = try await engine.run("activity since:30d | limit all | count")
        let crew = try await engine.run(setUp + "activity since:30d | limit all | where who in [$crew] | count")
        let others = try await engine.run(setUp + "activity since:30d | limit all | where who not in [$crew] | count")
        #expect(crew.rows[0][0].intValue! > 0)
        #expect(crew.rows[0][0].intValue! + others.rows[0][0].intValue! == all.rows[0][0].intValue!)
    }

    // MARK: - 3. One field, one type

    @Test func ratingAdvancedIsOneTypeWhateverTheAPISends() async throws {
        let server = try await TestServer.small.value
        // The quirk is really in the data: some raters get "8", others 8.
        let raters = server.dataset.users.filter { !$0.isProtected }
        #expect(raters.contains { $0.ratingAsString } && raters.contains { !$0.ratingAsString })
        let engine = TestServer.engine(server)
        let grouped = try await engine.run("activity action:rating since:30d | limit all | count by rating_advanced")
        let keys = grouped.rows.map { $0[0] }
        #expect(keys.count >= 5)
        #expect(keys.allSatisfy { if case .int = $0 { return true } else { return false } }, "\(keys)")
        #expect(Set(keys).count == keys.count)
        let sorted = try await engine.run("activity action:rating since:30d | limit all | sort rating_advanced | select rating_advanced")
        let values = sorted.rows.compactMap { $0[0].intValue }
        #expect(values.count == sorted.rows.count)
        #expect(values == values.sorted())
    }

    @Test func normalizerConvertsToTheCatalogTypeAndCountsFailures() throws {
        var item = try JSONReader.parse(Data(#"""
            {"type":"episode","id":"7","rating_advanced":"8","use_rating_advanced":1,
             "show":{"title":"T","tvdb_id":"121361","year":2011.0,"imdb_id":42},
             "episodes":[{"season":"1","episode":"2"},{"season":1,"number":"x"}],
             "unknown":"left alone"}
            """#.utf8))
        let failures = ItemNormalizer.normalize(&item)
        #expect(item["id"] == .int(7))
        #expect(item["rating_advanced"] == .int(8))
        #expect(item["use_rating_advanced"] == .bool(true))
        #expect(item["show"]?["tvdb_id"] == .int(121361))
        #expect(item["show"]?["imdb_id"] == .string("42"))
        #expect(item["episodes"]?[0]?["season"] == .int(1))
        #expect(item["episodes"]?[1]?["number"] == .null)
        #expect(item["unknown"] == .string("left alone"))
        #expect(failures == [ItemNormalizer.Failure(path: "episodes[].number", value: #""x""#)])
        #expect(ItemNormalizer.warning(for: failures)?.contains("episodes[].number") == true)
    }

    // MARK: - 4. Aggregates read every row, not the newest page

    @Test func countWithoutSincePagesPastTheFirstHundred() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        let result = try await engine.run("activity | count")
        let dataset = server.dataset
        let truth = dataset.activities.filter { !dataset.users[Int($0.user)].isProtected }.count
        #expect(result.rows == [[.int(Int64(truth))]])
        #expect(result.warnings.isEmpty)

        // When the page budget cuts it short, the result says so.
        try await engine.set("max_pages", to: "3")
        let cut = try await engine.run("activity | sort who | limit 5")
        #expect(cut.calls + cut.cachedCalls == 3)
        #expect(cut.warnings.contains { $0.contains("max_pages") && $0.contains("newest") })
    }

    // MARK: - 5. A qualifier's range does not leak through flatten

    @Test func flattenKeepsOnlyTheEpisodesTheQualifiersAskFor() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("traktql-flatten-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("seen.json")
        let episodes = (3...6).map { #"{"season":1,"number":\#($0),"title":"Episode \#($0)"}"# }.joined(separator: ",")
        try Data(#"""
            [{"type":"episode","action":"seen","id":1,"timestamp":1717200000,"user":{"username":"justin"},
              "show":{"title":"Lost","url":"http://trakt.tv/show/lost"},"episodes":[\#(episodes)]}]
            """#.utf8).write(to: file)
        var settings = Settings()
        settings.timeZone = TimeZone(identifier: "UTC")!
        let engine = Engine(configuration: EngineConfiguration(
            apiURL: URL(string: "http://127.0.0.1:9")!, settings: settings, clock: { TestServer.now }, input: file.path))

        let flattened = try await engine.run("activity show:lost season:1 episode:1..3 | flatten episodes | select sxe, episode.title")
        #expect(flattened.rows == [[.string("S01E03"), .string("Episode 3")]])
        let excluded = try await engine.run("activity show:lost season:1 -episode:4,5 | flatten episodes | select sxe")
        #expect(excluded.rows == [[.string("S01E03")], [.string("S01E06")]])
        // Unflattened, the item shows the span it covers and its first episode's title.
        let whole = try await engine.run("activity | select sxe, episode.title")
        #expect(whole.rows == [[.string("S01E03–E06"), .string("Episode 3")]])
    }

    // MARK: - 17. The page budget follows an explicit limit

    @Test func explicitLimitRaisesThePageBudget() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        try await engine.set("max_pages", to: "3")
        let result = try await engine.run("activity | limit 500")
        #expect(result.rows.count == 500)
        #expect(result.warnings.isEmpty)
    }
}
