import Foundation
import Testing

@testable import TraktQL

/// A redactor learns secrets during the session, and every copy of it — made before or after —
/// redacts them from then on.
@Suite struct RedactorLearningTests {
    @Test func copiesLearnTogether() {
        let original = Redactor(apiKey: "key-0123456789")
        let handedOut = original  // as the engine's and the history's copies are
        var mutated = original
        mutated.add("added-only-here-42", label: "<password>")
        let token = TokenStoreTests.sample(7)
        #expect(handedOut.redact(token.accessToken) == token.accessToken)
        original.learn(token)
        for copy in [original, handedOut, mutated] {
            #expect(copy.redact("a \(token.accessToken) r \(token.refreshToken) k key-0123456789") == "a <token> r <token> k <key>")
            #expect(copy.containsSecret("x" + token.refreshToken))
        }
        // `add` stays per value.
        #expect(handedOut.redact("added-only-here-42") == "added-only-here-42")
        #expect(mutated.redact("added-only-here-42") == "<password>")
        // A redactor made separately shares nothing.
        #expect(Redactor(apiKey: "key-0123456789").redact(token.accessToken) == token.accessToken)
    }

    @Test func equalityAndHashing() {
        let a = Redactor(apiKey: "key-0123456789"), b = Redactor(apiKey: "key-0123456789")
        #expect(a == b && a.hashValue == b.hashValue)
        let hash = a.hashValue
        a.learn("learned-secret-99", label: "<token>")
        #expect(a != b, "a redacts more now")
        #expect(a.hashValue == hash, "learning does not change the hash")
        b.learn("learned-secret-99", label: "<token>")
        #expect(a == b)
        #expect(a.secrets.map(\.text) == ["learned-secret-99", "key-0123456789"], "longest first")
    }

    @Test func learningFromManyTasksAtOnce() async {
        let redactor = Redactor()
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<64 { group.addTask { redactor.learn("secret-number-\(i)-abcdef", label: "<token>") } }
        }
        #expect(redactor.secrets.count == 64)
        #expect(redactor.redact("secret-number-63-abcdef and secret-number-7-abcdef") == "<token> and <token>")
    }
}
