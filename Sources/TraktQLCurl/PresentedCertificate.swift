import Foundation
import TraktQL

/// One certificate of the chain a server presented, as libcurl describes it
/// (`CURLINFO_CERTINFO`: `Subject:CN = 127.0.0.1`, `Expire date:Jan 31 00:00:00 2020 GMT`, …).
struct PresentedCertificate: Sendable, Hashable {
    /// The name's values, most general first (`Test Org, traktql test ca`).
    var subject: String
    var issuer: String
    var notBefore: Date?
    var notAfter: Date?
    /// `X509v3 Subject Alternative Name` entries without their kind (`localhost`, `127.0.0.1`).
    var alternativeNames: [String]
    /// The common name (`CN`), for certificates without alternative names.
    var commonName: String?

    /// Reads libcurl's `Key:value` lines for one certificate.
    init(lines: [String]) {
        var fields: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        let subjectParts = Self.nameParts(fields["Subject"] ?? "")
        subject = Self.shown(subjectParts)
        issuer = Self.shown(Self.nameParts(fields["Issuer"] ?? ""))
        commonName = subjectParts.last { $0.key == "CN" }?.value
        notBefore = fields["Start date"].flatMap(Self.date)
        notAfter = fields["Expire date"].flatMap(Self.date)
        alternativeNames = (fields["X509v3 Subject Alternative Name"] ?? "").split(separator: ",").compactMap { entry in
            let text = entry.trimmingCharacters(in: .whitespaces)
            guard let colon = text.firstIndex(of: ":") else { return nil }
            let value = String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : TerminalSafety.sanitize(value)
        }
    }

    /// The names it is for: its alternative names, or else its common name.
    var names: [String] {
        if !alternativeNames.isEmpty { return alternativeNames }
        return commonName.map { [TerminalSafety.sanitize($0)] } ?? []
    }

    /// `O = Test Org, CN = traktql test ca` (OpenSSL's one-line form) as key/value pairs.
    static func nameParts(_ text: String) -> [(key: String, value: String)] {
        text.split(separator: ",").compactMap { part in
            let pieces = part.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2 else { return nil }
            return (pieces[0].trimmingCharacters(in: .whitespaces), pieces[1].trimmingCharacters(in: .whitespaces))
        }
    }

    private static func shown(_ parts: [(key: String, value: String)]) -> String {
        let text = parts.map(\.value).joined(separator: ", ")
        return text.isEmpty ? "no name" : TerminalSafety.sanitize(text)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Jan 31 00:00:00 2020 GMT` (OpenSSL's `ASN1_TIME_print`) as a date.
    static func date(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count >= 4, let month = months.firstIndex(of: String(parts[0])), let day = Int(parts[1]),
              let year = Int(parts[3]), (1...9999).contains(year), (1...31).contains(day) else { return nil }
        let time = parts[2].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3, (0...23).contains(time[0]), (0...59).contains(time[1]), (0...60).contains(time[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month + 1, day: day, hour: time[0], minute: time[1], second: time[2]))
    }

    /// `2020-01-31T00:00:00Z`.
    static func shown(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
