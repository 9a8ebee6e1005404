#if canImport(Glibc)
import Glibc
#endif
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

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
        // OAuth too: any client id, and device codes approved by themselves (issue 22, finding 7).
        #expect(out.stderr.contains("OAuth (v2): any v2 client id is accepted"), "\(out.stderr)")
        #expect(out.stderr.contains("every OAuth device code is approved by itself as justin"), "\(out.stderr)")
    }

    /// `--device-approval manual` needs someone allowed to approve: refused at start otherwise.
    @Test func manualApprovalNeedsAnOperator() async throws {
        let out = try await BinaryRunner.run("trakt-emulator", ["--device-approval", "manual", "--scale", "small"], timeout: 10)
        #expect(out.status == 64, "\(out.status) \(out.stderr)")
        #expect(out.stderr.contains("--operator-secret-file FILE") && out.stderr.contains("--approve-from-loopback"), "\(out.stderr)")
    }

    /// Secrets on the command line are warned about; the file forms work and say nothing.
    @Test func secretsOnTheCommandLineAreWarnedAboutAndFilesWork() async throws {
        let argv = try await BinaryRunner.run("trakt-emulator", ["--port", "0", "--scale", "small", "--client-secret", "s3cret-on-argv",
                                                                 "--access-token", "token-on-argv"], timeout: 4)
        #expect(argv.stderr.contains("warning: --client-secret, --access-token on the command line can be seen by other local users (ps); "
                                     + "use --client-secret-file, --access-token-file"), "\(argv.stderr)")
        let directory = NSTemporaryDirectory() + "emulator-secrets-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "token-from-a-file\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        try "secret-from-a-file\n".write(toFile: directory + "/secret", atomically: true, encoding: .utf8)
        let errors = directory + "/stderr"
        let emulator = try #require(Spawn.start(BinaryRunner.binary("trakt-emulator").path,
                                                ["--port", "0", "--scale", "small", "--client-id", "app", "--access-token-file", directory + "/token",
                                                 "--client-secret-file", directory + "/secret"], captureOutput: true, errorFile: errors))
        defer {
            kill(emulator.pid, SIGTERM)
            Spawn.wait(emulator, timeout: 5)
            close(emulator.output)
        }
        let url = Spawn.readOutput(emulator, timeout: 30, untilNewline: true).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.hasPrefix("http://127.0.0.1:"), "\(url)")
        func settings(_ token: String) async throws -> Int {
            var request = URLRequest(url: URL(string: url + "/users/settings")!)
            request.setValue("2", forHTTPHeaderField: "trakt-api-version")
            request.setValue("app", forHTTPHeaderField: "trakt-api-key")
            request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
            return ((try await URLSession.shared.data(for: request)).1 as? HTTPURLResponse)?.statusCode ?? 0
        }
        #expect(try await settings("token-from-a-file") == 200)
        #expect(try await settings("token-on-argv") == 401)
        // The secret from the file is the one /oauth/revoke checks.
        func revoke(_ secret: String) async throws -> Int {
            var request = URLRequest(url: URL(string: url + "/oauth/revoke")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: ["token": "x", "client_id": "app", "client_secret": secret])
            return ((try await URLSession.shared.data(for: request)).1 as? HTTPURLResponse)?.statusCode ?? 0
        }
        #expect(try await revoke("wrong") == 401)
        #expect(try await revoke("secret-from-a-file") == 200)
        #expect(!((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "").contains("warning"))
    }

    /// A client id with terminal escapes and a bidi override reaches the operator's terminal
    /// escaped (issue 22, finding 6): sent in an OAuth body over a raw socket, as a hostile
    /// client would (the HTTP parser refuses control characters in header values, not in bodies).
    @Test func aHostileClientIDIsPrintedEscaped() async throws {
        let errors = NSTemporaryDirectory() + "emulator-hostile-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: errors) }
        let emulator = try #require(Spawn.start(BinaryRunner.binary("trakt-emulator").path, ["--port", "0", "--scale", "small"],
                                                captureOutput: true, errorFile: errors))
        defer {
            kill(emulator.pid, SIGTERM)
            Spawn.wait(emulator, timeout: 5)
            close(emulator.output)
        }
        let url = try #require(URL(string: Spawn.readOutput(emulator, timeout: 30, untilNewline: true).trimmingCharacters(in: .whitespacesAndNewlines)))
        let port = try #require(url.port)
        let body = #"{"client_id":"evil\u001b]52;c;aGk=\u0007\u001b[2J\u202etxet"}"#
        let request = "POST /oauth/device/code HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        let answer = try Self.exchange(port: port, Array(request.utf8))
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(200))")
        var printed = ""
        for _ in 0..<50 where !printed.contains("accepted") {
            try await Task.sleep(for: .milliseconds(100))
            printed = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        }
        #expect(printed.contains("v2 client id 'evil\\u{1B}]52;c;aGk=\\u{7}\\u{1B}[2J\\u{202E}txet' accepted"), "\(printed.debugDescription)")
        #expect(!printed.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{202E}" }, "\(printed.debugDescription)")
    }

    /// Sends `bytes` to 127.0.0.1:`port` and reads the answer until the server closes.
    static func exchange(port: Int, _ bytes: [UInt8]) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CocoaError(.fileReadUnknown) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw CocoaError(.fileReadUnknown) }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        return String(decoding: received, as: UTF8.self)
    }

    @Test func badFlagsAreClearErrors() async throws {
        let faults = try await BinaryRunner.run("trakt-emulator", ["--faults", "503:2"], timeout: 10)
        #expect(faults.status != 0 && faults.stderr.contains("--faults"))
        let size = try await BinaryRunner.run("trakt-emulator", ["--activities", "99999999"], timeout: 10)
        #expect(size.status != 0 && size.stderr.contains("--activities"))
    }
}
