import Foundation
import Testing

/// `.read ~/x.tql` reads from the home directory, as a shell would (issue 11, item 15).
@Suite struct ReadTildeTests {
    @Test func readExpandsTheTilde() async throws {
        let home = NSTemporaryDirectory() + "traktql-home-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try "explain activity user:justin since:7d\n".write(toFile: home + "/x.tql", atomically: true, encoding: .utf8)
        let out = try await BinaryRunner.run("traktql", ["-c", ".read ~/x.tql"], environment: ["HOME": home])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("GET /activity/user.json/<key>/justin/"), "\(out.stdout)")
        // A missing file names the expanded path.
        let missing = try await BinaryRunner.run("traktql", ["-c", ".read ~/nope.tql"], environment: ["HOME": home])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains(home + "/nope.tql"), "\(missing.stderr)")
    }
}
