import Foundation

/// Throwaway certificate authorities and server certificates, made by `openssl` in a fresh
/// temporary directory: a CA, a certificate for 127.0.0.1/localhost signed by it, another CA
/// nobody trusts with a certificate of its own, an expired certificate from the first CA, and
/// one from the first CA for other names (example.test).
public struct TestCertificates: Sendable {
    public let directory: URL
    /// The trusted CA (PEM), for `SSL_CERT_FILE` or `--cacert`.
    public var caFile: String { directory.appendingPathComponent("ca.pem").path }
    /// 127.0.0.1's certificate from the trusted CA, and its key.
    public var serverCertificate: String { directory.appendingPathComponent("server.pem").path }
    public var serverKey: String { directory.appendingPathComponent("server.key").path }
    /// 127.0.0.1's certificate from a CA that is nowhere trusted, and its key.
    public var otherCertificate: String { directory.appendingPathComponent("other-server.pem").path }
    public var otherKey: String { directory.appendingPathComponent("other-server.key").path }
    /// 127.0.0.1's certificate from the trusted CA, valid only in January 2020.
    public var expiredCertificate: String { directory.appendingPathComponent("expired.pem").path }
    /// A certificate from the trusted CA for `example.test` and `www.example.test` only (served on
    /// 127.0.0.1: the wrong host), with ``serverKey``.
    public var wrongHostCertificate: String { directory.appendingPathComponent("wrong-host.pem").path }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `openssl` on a thread of its own: its waits must not hold one of the two cooperative
    /// threads of this machine while other tests run.
    public static func make() async throws -> TestCertificates {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try makeBlocking() }) }.start()
        }
    }

    static func makeBlocking() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("traktql-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let d = directory.path
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
            .write(toFile: "\(d)/server.ext", atomically: true, encoding: .utf8)
        for (ca, server) in [("ca", "server"), ("other-ca", "other-server")] {
            try openssl(["req", "-x509"] + ec + ["-keyout", "\(d)/\(ca).key", "-out", "\(d)/\(ca).pem", "-days", "3",
                                                  "-subj", "/CN=traktql test \(ca)"])
            try openssl(["req"] + ec + ["-keyout", "\(d)/\(server).key", "-out", "\(d)/\(server).csr", "-subj", "/CN=127.0.0.1"])
            try openssl(["x509", "-req", "-in", "\(d)/\(server).csr", "-CA", "\(d)/\(ca).pem", "-CAkey", "\(d)/\(ca).key",
                         "-CAcreateserial", "-out", "\(d)/\(server).pem", "-days", "3", "-extfile", "\(d)/server.ext"])
        }
        // An expired certificate needs explicit dates: `openssl ca` with a minimal database.
        try "".write(toFile: "\(d)/index.txt", atomically: true, encoding: .utf8)
        try """
        [ ca ]
        default_ca = test
        [ test ]
        database = \(d)/index.txt
        new_certs_dir = \(d)
        serial = \(d)/serial
        default_md = sha256
        policy = any
        copy_extensions = none
        unique_subject = no
        [ any ]
        commonName = supplied
        """.write(toFile: "\(d)/ca.cnf", atomically: true, encoding: .utf8)
        try "01\n".write(toFile: "\(d)/serial", atomically: true, encoding: .utf8)
        try openssl(["ca", "-batch", "-config", "\(d)/ca.cnf", "-cert", "\(d)/ca.pem", "-keyfile", "\(d)/ca.key",
                     "-in", "\(d)/server.csr", "-out", "\(d)/expired.pem", "-startdate", "20200101000000Z",
                     "-enddate", "20200131000000Z", "-extfile", "\(d)/server.ext", "-notext"])
        try "subjectAltName=DNS:example.test,DNS:www.example.test\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
            .write(toFile: "\(d)/wrong-host.ext", atomically: true, encoding: .utf8)
        try openssl(["req", "-new", "-key", "\(d)/server.key", "-out", "\(d)/wrong-host.csr", "-subj", "/CN=example.test"])
        try openssl(["x509", "-req", "-in", "\(d)/wrong-host.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key",
                     "-CAcreateserial", "-out", "\(d)/wrong-host.pem", "-days", "3", "-extfile", "\(d)/wrong-host.ext"])
        return TestCertificates(directory: directory)
    }

    /// A directory in OpenSSL's hashed layout holding the trusted CA (for `SSL_CERT_DIR`).
    public func hashedCADirectory() throws -> String {
        let path = directory.appendingPathComponent("hashed").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: caFile, toPath: path + "/ca.pem")
        try Self.openssl(["rehash", path])
        return path
    }

    public func remove() { try? FileManager.default.removeItem(at: directory) }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "openssl \(arguments.joined(separator: " ")): \(text)") }
    }
}

