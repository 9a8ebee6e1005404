import Foundation
import Testing

/// The seam (issue 24, "done when"): outside `Backends/` and the composition root
/// (`Composition/`: the factory, the configuration it builds from, its key), no source of the
/// engine names v1 or v2 — no `V1…`/`V2…` type, no `.v1`/`.v2` case. A backend added later
/// (the SQLite mirror) then plugs in without touching the engine.
@Suite struct BackendSeamTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let words = ["V1", "V2", ".v1", ".v2"]
    static let allowed = ["Backends/", "Composition/"]

    /// Each line of `text` that names a backend, as `path:line: text`.
    static func hits(in text: String, path: String) -> [String] {
        var found: [String] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where words.contains(where: { line.contains($0) }) {
            found.append("\(path):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
        }
        return found
    }

    @Test func theEngineOutsideTheBackendsNamesNoBackend() throws {
        let engine = Self.root.appendingPathComponent("Sources/TraktQL")
        let enumerator = try #require(FileManager.default.enumerator(at: engine, includingPropertiesForKeys: nil))
        var scanned = 0
        var hits: [String] = []
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            let relative = String(url.path.dropFirst(engine.path.count + 1))
            guard !Self.allowed.contains(where: relative.hasPrefix) else { continue }
            scanned += 1
            hits += Self.hits(in: try String(contentsOf: url, encoding: .utf8), path: relative)
        }
        // The engine has well over fifty files outside the backends: a wrong root finds none.
        #expect(scanned > 50, "scanned only \(scanned) files under \(engine.path)")
        #expect(hits.isEmpty, "backend names outside Backends/ and Composition/:\n\(hits.joined(separator: "\n"))")
    }

    /// Redaction and the transport hold no API's URL shape (v1's `….json/KEY/…`): each backend
    /// contributes the secrets it puts in paths (``Backend/urlPathSecrets``).
    @Test func redactionAndTheTransportKnowNoURLShape() throws {
        let engine = Self.root.appendingPathComponent("Sources/TraktQL")
        var scanned: [String] = []
        var hits: [String] = []
        for folder in ["Diagnostics", "Execution/Transport"] {
            let directory = engine.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".swift") {
                scanned.append(name)
                let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(".json/") {
                    hits.append("\(folder)/\(name):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(scanned.contains("Redactor.swift") && scanned.contains("Redactor+PathKeys.swift") && scanned.contains("TransportError.swift"), "\(scanned)")
        #expect(hits.isEmpty, "an API's URL shape in shared code:\n\(hits.joined(separator: "\n"))")
    }

    /// The scan finds what it looks for (so an empty answer means something).
    @Test func theScanFindsEachWord() {
        #expect(Self.hits(in: "let plan = backendPlan as? V1Plan", path: "a").count == 1)
        #expect(Self.hits(in: "private let budget = V2RateBudget()", path: "a").count == 1)
        #expect(Self.hits(in: "if settings.api == .v2 {\n}\nguard api == .v1", path: "a") == ["a:1: if settings.api == .v2 {", "a:3: guard api == .v1"])
        #expect(Self.hits(in: "// the v1 API and v2 routes", path: "a").isEmpty)
    }
}
