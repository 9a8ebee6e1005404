import Foundation
import Testing
@testable import TraktQL

/// `me` is a backend's word (issue 24): the checker treats a user name as possibly any user only
/// when the backend says it names its account (v2: the logged-in user; a file: its owner).
@Suite struct AccountAliasTests {
    static func negations(_ text: String, aliases: [String]) throws -> (notes: [String], exclusions: [ResidualFilter]) {
        guard case .query(let query) = try QueryCompiler.parse(text).statements[0].kind else { throw TraktQLError.usage("not a query") }
        var checker = Checker(context: SessionContext(timeZone: TimeZone(identifier: "UTC")!, accountAliases: aliases))
        let checked = try #require(checker.check(query).query)
        return (checked.negationNotes, checked.exclusions)
    }

    @Test func aNegatedUserIsCheckedOnEachItemOnlyBesideTheBackendsAccountName() throws {
        let text = "activity user:me,justin -user:justin"
        let aliased = try Self.negations(text, aliases: ["me"])
        #expect(aliased.exclusions == [.users(TermFilter(values: ["justin"], negated: true, origin: aliased.exclusions.first!.origin))])
        #expect(aliased.notes.first?.contains("checked on each item") == true)
        // A backend without an account name: `me` is a username like any other.
        let plain = try Self.negations(text, aliases: [])
        #expect(plain.exclusions.isEmpty)
        #expect(plain.notes == ["-user:justin removes justin from user:me,justin, leaving user:me"])
    }

    @Test func eachBackendSaysWhatNamesItsAccount() {
        let url = URL(string: "http://127.0.0.1:1")!
        #expect(V1Backend(baseURL: url, apiKey: "k").accountAliases == [])
        #expect(V2Backend(baseURL: url, credentials: V2Credentials(clientID: "id")).accountAliases == ["me"])
        #expect(LocalBackend(path: "saved.json").accountAliases == ["me"])
    }
}
