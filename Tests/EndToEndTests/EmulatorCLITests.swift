import Foundation
import Testing

/// `trakt-emulator` binds loopback unless told otherwise, and says so when told otherwise.
@Suite(.serialized) struct EmulatorCLITests {
    @Test func bindsLoopbackByDefaultAndPrintsItsURLOnOneLine() async throws {
        let out = try await BinaryRunner.run("trakt-emulator", ["--port", "0", "--scale", "small"], timeout: 4)
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("http://127.0.0.1:") == true)
        #expect(!out.stderr.contains("non-loopback"))
    }

    @Test func aNonLoopbackHostMustBeExplicitAndIsAnnounced() async throws {
        let out = try await BinaryRunner.run("trakt-emulator", ["--host", "0.0.0.0", "--port", "0", "--scale", "small"], timeout: 4)
        #expect(out.stderr.contains("non-loopback address 0.0.0.0"))
        #expect(out.stderr.contains("any API key is accepted"), "\(out.stderr)")
        #expect(out.stderr.contains("\"password-\" followed by the username"))
    }

    @Test func badFlagsAreClearErrors() async throws {
        let faults = try await BinaryRunner.run("trakt-emulator", ["--faults", "503:2"], timeout: 10)
        #expect(faults.status != 0 && faults.stderr.contains("--faults"))
        let size = try await BinaryRunner.run("trakt-emulator", ["--activities", "99999999"], timeout: 10)
        #expect(size.status != 0 && size.stderr.contains("--activities"))
    }
}
