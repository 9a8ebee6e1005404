// libFuzzer entry over the engine's pure stages. Built by Fuzz/build.sh together with the
// TraktQL sources (SwiftPM executables cannot link with -sanitize=fuzzer).
//
// The first byte picks what the input feeds (0xF5 and 0xF6 never occur in UTF-8, so seed files
// of plain query text stay readable):
//   0xF5 + bytes          a JSON page: JSONReader and ActivityPage
//   0xF6 + "query\nJSON"   residual filter and stages over the page's items, then every format
//   0xF7 + bytes          response header lines as libcurl hands them over: HTTPResponseHead, then
//                         the proxy route of a request made from them (no credential in cleartext
//                         through a proxy)
//   0xF8 + "key\npassword\ntext"  the sanitiser and the redactor: no control character and no
//                         configured secret (8 characters or more: shorter ones are redacted as
//                         whole tokens only) may survive Redactor.terminalSafe
//   0xF9 + bytes          saved v2 data and v2 headers: the --input shape detector and item reader
//                         (V2Input, V2Item, V2ItemSchema), ISO times, X-Ratelimit/Retry-After,
//                         the paging decision from X-Pagination-* values
//   0xFA + bytes          logins and numbers from servers: the token answer, the token file, the device-code
//                         answer, Retry-After, X-Ratelimit, X-Pagination-* and v1 timestamps; nothing may trap,
//                         every number read lands in its documented range, and a token read is written and read
//                         back unchanged
//                         (TRAKTQL_FUZZ_MODE=login sends every input here, whatever its first byte)
//   anything else         query text: lex → parse → check → plan (v1 and v2) → explain, and print → reparse
import Foundation
import TraktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let mode = onlyLogin ? 0xFA : data[0]
    let body = UnsafeBufferPointer(start: data + 1, count: size - 1)
    if mode == 0xFA {
        fuzzLogin(Array(body))
    } else if mode == 0xF9 {
        fuzzV2(Array(body))
    } else if mode == 0xF7 {
        fuzzResponseHead(Array(body))
    } else if mode == 0xF8 {
        fuzzRedaction(String(decoding: body, as: UTF8.self))
    } else if mode != 0xF5 && mode != 0xF6 && mode != 0xF8 {
        fuzzQuery(String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
    } else if mode == 0xF5 {
        _ = try? JSONReader.parse(Array(body))
        _ = try? ActivityPage.decode(Data(body))
    } else {
        let text = String(decoding: body, as: UTF8.self)
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        fuzzStages(String(parts[0]), page: parts.count > 1 ? Data(parts[1].utf8) : Data())
    }
    return 0
}

/// `TRAKTQL_FUZZ_MODE=login`: every input goes to the login parsers (`0xFA`), for a run that
/// spends all its executions there.
private let onlyLogin = ProcessInfo.processInfo.environment["TRAKTQL_FUZZ_MODE"] == "login"

/// Planning-only backends: nothing is ever sent to their server.
private let fuzzV1 = V1Backend(baseURL: URL(string: "http://127.0.0.1:1")!, apiKey: "k")
private let fuzzV2 = V2Backend(baseURL: URL(string: "https://api.trakt.tv")!, credentials: V2Credentials(clientID: "id"))

private let context = SessionContext(timeZone: TimeZone(identifier: "America/New_York")!, convention: .pacific,
                                     now: Date(timeIntervalSince1970: 1_732_449_600),
                                     variables: ["x": Parser.parse("let x = 1,2").script.statements.first.flatMap {
                                         if case .let(_, let v) = $0.kind { return v } else { return nil } }!])

private func fuzzQuery(_ text: String) {
    let (script, diagnostics) = Parser.parse(text)
    _ = DiagnosticRenderer(fileName: "fuzz.tql").render(diagnostics, source: text)
    for statement in script.statements {
        let printed = Printer.print(statement)
        let (again, againDiagnostics) = Parser.parse(printed)
        if diagnostics.isEmpty {
            // Printing a parsed statement and parsing it again must give the same text back.
            precondition(againDiagnostics.isEmpty, "printed statement does not parse: \(printed)")
            precondition(again.statements.count == 1 && Printer.print(again.statements[0]) == printed, "round trip differs: \(printed)")
        }
        switch statement.kind {
        case .query(let query), .explain(let query):
            var checker = Checker(context: context)
            let (checked, checkDiagnostics) = checker.check(query)
            _ = DiagnosticRenderer().render(checkDiagnostics, source: text)
            if let checked {
                let plan = V1Planner.plan(checked, by: fuzzV1, source: text)
                _ = plan.explanation(baseURL: URL(string: "http://127.0.0.1:1"))
                _ = plan.explanationValue().jsonText()
                for call in (plan.backendPlan as! V1Plan).calls { _ = call.url(base: URL(string: "http://127.0.0.1:1")!, apiKey: "k") }
                if let v2 = try? V2Planner.plan(checked, by: fuzzV2, source: text) {
                    _ = v2.explanation(baseURL: URL(string: "https://api.trakt.tv"))
                    _ = v2.explanationValue().jsonText()
                }
            }
        default:
            break
        }
    }
}

private func fuzzStages(_ query: String, page: Data) {
    let (script, _) = Parser.parse(query)
    guard case .query(let parsed)? = script.statements.first?.kind else { return }
    var checker = Checker(context: context)
    guard let checked = checker.check(parsed).query else { return }
    compareReaders(checked, page: [UInt8](page))
    guard let items = try? ActivityPage.decode(page).items else { return }
    let plan = V1Planner.plan(checked, by: fuzzV1, source: query)
    let runner = StageRunner(fields: FieldEvaluator(schema: V1ItemSchema(convention: .pacific), now: context.now), stages: plan.stages, episodeFilters: plan.episodeFilters)
    let kept = items.filter { runner.passes($0, plan.residual) }
    let (columns, rows) = runner.run(plan.stages, on: kept.map { .item($0) })
    let values = rows.map { row -> [Value] in
        if case .columns(_, let v) = row { return v }
        if case .item(let item) = row { return [item] }
        return []
    }
    for format in OutputFormat.allCases {
        _ = Renderer.render(columns: columns ?? ["item"], rows: values, options: RenderOptions(format: format, terminalWidth: 40))
    }
}

/// `--input`'s streaming, projecting reader (with `stats` aggregated as rows arrive) must give
/// the plain reader's columns and rows, or its error word for word, whatever the chunk size.
private func compareReaders(_ checked: CheckedQuery, page: [UInt8]) {
    guard let plan = try? LocalBackend(path: "fuzz", convention: .pacific).plan(checked, source: ""), let local = plan.backendPlan as? LocalSource else { return }
    func run(_ reader: LocalExecutor.Reader, chunk: Int) -> String {
        do {
            let result = try LocalExecutor.run(plan: plan, local: local, bytes: page, now: context.now, wholeItems: false,
                                               reader: reader, chunkSize: chunk)
            return "\(result.columns) \(result.rows)"
        } catch {
            return "error: \(error)"
        }
    }
    let plain = run(.plain, chunk: 1 << 20)
    for chunk in [64, 1 << 20] {
        let streamed = run(.streaming, chunk: chunk)
        precondition(streamed == plain, "streaming (chunk \(chunk)) differs from plain:\n\(streamed)\n\(plain)")
    }
}

/// A response head as libcurl's header callback hands it over (one line per call, split after
/// each LF), then the proxy route of a request made from the same bytes (first line: the URL;
/// the fields: its headers; `x-http-proxy`/`x-no-proxy`: the proxy variables).
///
/// Must hold: header names are lower-case tokens and values carry no CR, LF or NUL; an interim
/// `100 Continue` before the head changes nothing; and **a plain http:// request that goes
/// through a proxy carries no credential**, and a loopback one never goes through one.
private func fuzzResponseHead(_ bytes: [UInt8]) {
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    for (index, byte) in bytes.enumerated() where byte == 0x0A {
        lines.append(bytes[start...index])
        start = index + 1
    }
    if start < bytes.count { lines.append(bytes[start...]) }
    var head = HTTPResponseHead()
    for line in lines { head.consume(line: line) }
    for (name, value) in head.headers {
        precondition(!name.isEmpty && name == name.lowercased(), "name \(name)")
        precondition(!name.utf8.contains { $0 <= 0x20 || $0 == 0x3A || $0 >= 0x7F }, "name \(name)")
        precondition(!value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }, "value of \(name)")
    }
    if let length = head.contentLength { precondition(length >= 0 && head.headers["content-length"] != nil) }
    if let status = head.status { precondition((0...999).contains(status)) }
    if lines.first?.starts(with: Array("HTTP/".utf8)) == true {
        var prefixed = HTTPResponseHead()
        for line in ["HTTP/1.1 100 Continue\r\n", "X-Interim: 1\r\n", "\r\n"] { prefixed.consume(line: Array(line.utf8)) }
        for line in lines { prefixed.consume(line: line) }
        precondition(prefixed == head, "an interim answer changed the head")
    }

    guard let first = lines.first, let url = URL(string: String(decoding: first, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else { return }
    let proxies = ProxySettings.environment(["http_proxy": head.headers["x-http-proxy"] ?? "http://proxy.test:3128",
                                             "https_proxy": "http://proxy.test:3128", "no_proxy": head.headers["x-no-proxy"] ?? ""])
    let request = HTTPRequest(url: url, headers: head.headers)
    let route = proxies.route(for: request)
    guard case .proxy = route, url.scheme?.lowercased() == "http" else { return }
    precondition(request.credentialsCarried.isEmpty, "credentials through a proxy in cleartext: \(url)")
    precondition(!Loopback.isLoopback(url.host ?? ""), "loopback through a proxy: \(url)")
}

/// Whatever the text and the secrets, what reaches a terminal holds no control character and
/// none of the configured secrets (nor the password's SHA-1 or the Basic credentials).
private func fuzzRedaction(_ input: String) {
    let parts = input.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 3 else { return }
    let key = parts[0], password = parts[1], text = parts[2]
    let credentials = password.isEmpty ? nil : BasicCredentials(username: "u", password: password)
    let redactor = Redactor(apiKey: key.isEmpty ? nil : key, password: password.isEmpty ? nil : password, credentials: credentials)
    let shown = redactor.terminalSafe(text)
    precondition(TerminalSafety.isSafe(shown), "control character survived: \(shown.debugDescription)")
    // A secret that is part of a label ("password", "token") shows up in the labels themselves.
    let checkable = redactor.secrets.filter { !Redactor.isInsideALabel($0.text) }
    let shownScalars = Array(shown.unicodeScalars)
    for secret in checkable where secret.text.unicodeScalars.count >= Redactor.substringLength {
        let needle = Array(secret.text.unicodeScalars)
        let survived = needle.count <= shownScalars.count
            && (0...(shownScalars.count - needle.count)).contains { Array(shownScalars[$0..<($0 + needle.count)]) == needle }
        precondition(!survived, "secret \(secret.text.debugDescription) survived in \(shown.debugDescription)")
    }
    // Redaction is idempotent.
    if checkable.count == redactor.secrets.count {
        precondition(redactor.terminalSafe(shown) == shown, "redacting twice differs: \(shown.debugDescription)")
    }
}

private func fuzzV2(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    _ = V2Time.seconds(text)
    _ = V2RateLimitedTransport.parse(text)
    _ = V2RateLimitedTransport.wait(retryAfter: Double(text), rateLimit: text)
    let numbers = text.split(separator: ",").prefix(4).map { Int($0) }
    if numbers.count == 4 {
        _ = V2CallPager.isLastPage(count: max(0, numbers[0] ?? 0), limit: 250, paged: true, page: numbers[1], pageCount: numbers[2])
    }
    _ = V2Input.looksLikeV2(prefix: bytes)
    guard let value = try? JSONReader.parse(bytes) else { return }
    let schema = V2ItemSchema()
    var items = V2Input.read(value, name: "fuzz")?.items ?? []
    for route in V2Route.allCases { items += V2Item.items(ofBody: value, route: route, context: .init(username: "u", subjectType: "show", subject: value, episode: [1, 2])) }
    for item in items.prefix(200) {
        _ = schema.time(of: item)
        _ = schema.identity(of: item)
        _ = schema.sxe(of: item)
        _ = schema.title(item)
        _ = schema.runtime(of: item)
        _ = schema.showIdentifiers(of: item)
        _ = schema.simpleRating(of: item)
        _ = schema.lookup([.key("show"), .key("tvdb_id")], in: item)
    }
    // The whole --input path over the same bytes: shapes (watched, playback, nested export
    // parts, entries without a type), `user:`/`me` bound to the file's user, filters, stages.
    for plan in v2InputPlans {
        guard let local = plan.backendPlan as? LocalSource else { continue }
        _ = try? LocalExecutor.runV2(plan: plan, local: local, data: Data(bytes), now: context.now)
    }
}

/// The login's parsers over hostile bytes (issue 22: `expires_in: 1e300`, `created_at: -1e300`,
/// `Retry-After: 1e300`, `"expires_at": 1e300` in token.json used to trap).
private func fuzzLogin(_ bytes: [UInt8]) {
    let data = Data(bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    let received = Date(timeIntervalSince1970: 1_732_449_600)
    // The token answer: any token it gives lies in range and survives the file unchanged.
    for previous in [nil, "old-refresh"] as [String?] {
        if let token = try? OAuthToken(tokenResponse: data, server: "https://api.trakt.tv", receivedAt: received, previousRefreshToken: previous) {
            let lifetime = token.expiresAt.timeIntervalSince(received)
            precondition(lifetime >= 0 && lifetime <= OAuthToken.longestLifetime, "lifetime \(lifetime) out of range")
            precondition(abs(token.createdAt.timeIntervalSince(received)) <= OAuthToken.longestLifetime + 1, "created_at out of range")
            roundTrip(token)
        }
    }
    // The token file: what is read is written back and read again unchanged; Codable agrees.
    if let token = try? OAuthToken(tokenFile: data) {
        roundTrip(token)
    }
    if let decoded = try? JSONDecoder().decode(OAuthToken.self, from: data) {
        _ = try? JSONEncoder().encode(decoded)
        _ = decoded.needsRefresh(at: received)
        _ = decoded.description
    }
    // The device-code answer.
    if let code = try? DeviceCode(answer: data) {
        precondition((1...DeviceCode.longestLifetime).contains(code.expiresIn), "expires_in \(code.expiresIn)")
        precondition(DeviceCode.intervalRange.contains(code.interval), "interval \(code.interval)")
        _ = code.description
    }
    // Headers: Retry-After, X-Ratelimit, X-Pagination-*.
    let response = HTTPResponse(status: 429, headers: ["Retry-After": text, "X-Ratelimit": text])
    let wait = V2RateLimitedTransport.wait(retryAfter: response.retryAfter, rateLimit: response.header("x-ratelimit"), now: received)
    precondition(wait >= 0.05 && wait <= V2RateLimitedTransport.longestWait, "wait \(wait)")
    _ = V2RateLimitedTransport.describe(text)
    for line in text.split(separator: "\n").prefix(8) {
        if let n = OutsideNumber.headerInteger(String(line)) { precondition(n >= 0) }
        if let d = Double(line) {
            _ = OutsideNumber.wholeSeconds(d)
            _ = OutsideNumber.duration(seconds: d)
            _ = OutsideNumber.nanoseconds(seconds: d)
            _ = OutsideNumber.unixSeconds(Date(timeIntervalSince1970: d))
            _ = TimestampConvention.pacific.apiTimestamp(for: Date(timeIntervalSince1970: d))
        }
        if let i = Int64(line) {
            for convention in TimestampConvention.allCases {
                _ = convention.instant(forAPITimestamp: i)
                _ = convention.apiTimestamp(forUnixTime: i)
            }
        }
    }
}

private func roundTrip(_ token: OAuthToken) {
    guard let written = try? JSONEncoder().encode(token) else { preconditionFailure("a token could not be encoded") }
    let again = try? OAuthToken(tokenFile: written)
    precondition(again == token, "the token file does not read back: \(String(decoding: written, as: UTF8.self))")
}

/// Queries run over every 0xF9 input read as a saved v2 file.
private let v2InputPlans: [Plan] = [
    "activity user:me type:movie rating:love | count by type",
    "activity -user:somebody action:seen,rating | stats count, sum(plays), last(time) as last by title | where last < 30d",
    "activity type:episode season:1 | select time, who, sxe, rating | sort time desc | limit 5",
].compactMap { try? QueryCompiler.plan($0, context: context, backend: LocalBackend(path: "fuzz.json")) }
