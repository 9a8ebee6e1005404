import Foundation

/// One injectable fault.
public enum Fault: Sendable, Equatable {
    /// 503 `{"status":"failure","error":"server is over capacity"}`.
    case overCapacity
    /// 429 with `Retry-After: 1`.
    case rateLimited
    /// Wait this many milliseconds before answering (the answer is otherwise normal).
    case latency(milliseconds: Int)
    /// 200 (or whatever the status was) with only the first half of the body; Content-Length
    /// matches the shortened body, so the client sees a complete response with cut-off JSON.
    case truncate
    /// The normal status with a body that is not valid JSON (a stray comma after the first `{`).
    case malformed
    /// Close the connection without writing any response.
    case reset
    /// One of the real v2 API's account answers, with its headers: 420 account limit exceeded
    /// (`X-Upgrade-URL`, `X-VIP-User`, `X-Account-Limit`), 423 locked account
    /// (`X-Account-Locked`, `X-Account-Deactivated`), 426 VIP only (`X-Upgrade-URL`, `X-VIP-User`).
    /// The dataset has no such accounts, so a client meets them only through this fault.
    case account(status: Int)

    /// Parses an `X-Emulator-Fault` header value: `503`, `429`, `420`, `423`, `426`,
    /// `latency=2000ms`, `truncate`, `malformed` or `reset`.
    public init?(header: String) {
        let v = header.trimmingCharacters(in: .whitespaces).lowercased()
        switch v {
        case "503": self = .overCapacity
        case "429": self = .rateLimited
        case "truncate": self = .truncate
        case "malformed": self = .malformed
        case "reset": self = .reset
        case "420", "423", "426": self = .account(status: Int(v)!)
        default:
            guard v.hasPrefix("latency="), let ms = FaultSpec.milliseconds(String(v.dropFirst(8))) else { return nil }
            self = .latency(milliseconds: ms)
        }
    }
}

/// Random faults for `--faults`, e.g. `503:0.1,429:0.05,latency:50ms,truncate:0.01,malformed:0.01,reset:0.01`.
///
/// Probabilities are per request and exclusive (at most one of 503/429/truncate/malformed/reset
/// per request; their sum must not exceed 1). `latency` is added to every request.
public struct FaultSpec: Sendable, Equatable, CustomStringConvertible {
    public var overCapacity = 0.0
    public var rateLimited = 0.0
    public var truncate = 0.0
    public var malformed = 0.0
    public var reset = 0.0
    public var latencyMilliseconds = 0

    public init() {}

    public static let none = FaultSpec()

    public var isEmpty: Bool { self == .none }

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Parses a `--faults` value. An empty string means no faults.
    public init(parsing text: String) throws(ParseError) {
        self.init()
        let spec = text.trimmingCharacters(in: .whitespaces)
        if spec.isEmpty || spec == "none" { return }
        var seen = Set<String>()
        for entry in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = entry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ParseError(description: "invalid fault '\(entry)': expected NAME:VALUE (e.g. 503:0.1 or latency:50ms)")
            }
            let (name, value) = (parts[0], parts[1])
            guard seen.insert(name).inserted else { throw ParseError(description: "fault '\(name)' given twice") }
            if name == "latency" {
                guard let ms = Self.milliseconds(value) else {
                    throw ParseError(description: "invalid latency '\(value)': expected a duration such as 50ms or 2s")
                }
                latencyMilliseconds = ms
                continue
            }
            guard let p = Double(value), p >= 0, p <= 1 else {
                throw ParseError(description: "invalid probability '\(value)' for fault '\(name)': expected a number from 0 to 1")
            }
            switch name {
            case "503": overCapacity = p
            case "429": rateLimited = p
            case "truncate": truncate = p
            case "malformed": malformed = p
            case "reset": reset = p
            default:
                throw ParseError(description: "unknown fault '\(name)': expected 503, 429, latency, truncate, malformed or reset")
            }
        }
        let sum = overCapacity + rateLimited + truncate + malformed + reset
        guard sum <= 1 + 1e-9 else {
            throw ParseError(description: "fault probabilities add up to \(sum), more than 1")
        }
    }

    public var description: String {
        var parts: [String] = []
        if overCapacity > 0 { parts.append("503:\(overCapacity)") }
        if rateLimited > 0 { parts.append("429:\(rateLimited)") }
        if latencyMilliseconds > 0 { parts.append("latency:\(latencyMilliseconds)ms") }
        if truncate > 0 { parts.append("truncate:\(truncate)") }
        if malformed > 0 { parts.append("malformed:\(malformed)") }
        if reset > 0 { parts.append("reset:\(reset)") }
        return parts.isEmpty ? "none" : parts.joined(separator: ",")
    }

    /// "50ms", "2s", "1.5s" → milliseconds.
    static func milliseconds(_ s: String) -> Int? {
        let v = s.lowercased()
        if v.hasSuffix("ms"), let n = Double(v.dropLast(2)), n >= 0, n <= 600_000 { return Int(n.rounded()) }
        if v.hasSuffix("s"), let n = Double(v.dropLast(1)), n >= 0, n <= 600 { return Int((n * 1000).rounded()) }
        return nil
    }

    /// Picks this request's fault (besides latency) from one uniform draw.
    func pick(_ u: Double) -> Fault? {
        var acc = overCapacity
        if u < acc { return .overCapacity }
        acc += rateLimited
        if u < acc { return .rateLimited }
        acc += truncate
        if u < acc { return .truncate }
        acc += malformed
        if u < acc { return .malformed }
        acc += reset
        if u < acc { return .reset }
        return nil
    }
}

/// The seeded dice for random faults: one draw per request, in arrival order.
final class FaultDice: @unchecked Sendable {
    private var rng: SplitMix64
    private let lock = NSLock()

    init(seed: UInt64) { rng = SplitMix64(seed: seed, stream: 0xFA17) }

    func draw() -> Double {
        lock.lock()
        defer { lock.unlock() }
        return rng.unit()
    }
}
