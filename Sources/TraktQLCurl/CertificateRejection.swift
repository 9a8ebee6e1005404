import CCurl
import Foundation
import TraktQL

/// libcurl refused a server's certificate. It says only that (and OpenSSL's verification code);
/// to name the problem — expired on which date, issued by whom, for which names — this shakes
/// hands once more with verification off and `CONNECT_ONLY`, reads the presented chain, and
/// closes: nothing is ever sent over that unverified connection.
struct CertificateRejection: Sendable {
    let plan: CurlRequestPlan
    /// `CURLINFO_SSL_VERIFYRESULT`: OpenSSL's `X509_V_ERR_*` code.
    let verifyResult: Int
    let libraryText: String

    // OpenSSL's X509_V_ERR_* codes (stable across its versions).
    static let unableToGetIssuer = 2, notYetValid = 9, expired = 10, selfSigned = 18, selfSignedInChain = 19
    static let unableToGetIssuerLocally = 20, unableToVerifyLeaf = 21, revoked = 23, hostnameMismatch = 62

    /// The error to report, after the second handshake (on a thread of its own: it blocks).
    func diagnose() async -> TransportError {
        let chain = await withCheckedContinuation { (continuation: CheckedContinuation<[PresentedCertificate], Never>) in
            let thread = Thread { continuation.resume(returning: presentedChain()) }
            thread.name = "traktql-certificate-probe"
            thread.start()
        }
        // The verdict is the refused call's: with verification off, libcurl loads no CA at all,
        // so the second handshake's own verdict would always be "unknown issuer".
        return TransportError.tls(host: TerminalSafety.sanitize(plan.host), problem: Self.describe(
            code: verifyResult, chain: chain, host: plan.host, libraryText: libraryText, now: Date()))
    }

    /// What is wrong, in words, with advice.
    static func describe(code: Int, chain: [PresentedCertificate], host: String, libraryText: String, now: Date) -> String {
        let leaf = chain.first
        let subject = leaf.map { " (\($0.subject))" } ?? ""
        let trustAdvice = "; traktql never skips certificate checks: trust the certificate authority with --cacert FILE or SSL_CERT_FILE"
        let dateAdvice = "; traktql never skips certificate checks (is this machine's clock right?)"
        switch code {
        case expired:
            for (index, certificate) in chain.enumerated() {
                if let end = certificate.notAfter, end < now {
                    let which = index == 0 ? "its certificate\(subject)" : "certificate \(index + 1) of its chain (\(certificate.subject))"
                    return "\(which) expired on \(PresentedCertificate.shown(end))" + dateAdvice
                }
            }
            return "its certificate\(subject) has expired" + dateAdvice
        case notYetValid:
            if let start = leaf?.notBefore, start > now {
                return "its certificate\(subject) is not valid before \(PresentedCertificate.shown(start))" + dateAdvice
            }
            return "its certificate\(subject) is not valid yet" + dateAdvice
        case selfSigned:
            return "its certificate\(subject) is self-signed and not trusted" + trustAdvice
        case unableToGetIssuer, unableToGetIssuerLocally, unableToVerifyLeaf, selfSignedInChain:
            let issuer = leaf.map { " by \($0.issuer)," } ?? ""
            return "its certificate\(subject) is issued\(issuer) a certificate authority that is not trusted "
                + "(not in the system trust store, SSL_CERT_FILE, SSL_CERT_DIR or --cacert)" + trustAdvice
        case revoked:
            return "its certificate\(subject) has been revoked"
        default:
            let text = libraryText.lowercased()
            let mismatch = code == hostnameMismatch || text.contains("subject name") || text.contains("does not match")
            if mismatch || (code == 0 && leaf != nil) {
                let names = leaf?.names ?? []
                let forNames = names.isEmpty ? "for other names" : "for \(names.joined(separator: ", "))"
                return "its certificate\(subject) is \(forNames), not \(TerminalSafety.sanitize(host))"
                    + "; traktql never skips certificate checks: use a name the certificate is for"
            }
            var reason = libraryText
            if let colon = reason.range(of: "certificate problem: ") { reason = String(reason[colon.upperBound...]) }
            return "its certificate\(subject) could not be verified (\(TerminalSafety.sanitize(reason)))" + trustAdvice
        }
    }

    /// Connects with verification off and `CONNECT_ONLY` (no request is sent), and returns the
    /// chain the server presents; empty when it cannot be reached again.
    private func presentedChain() -> [PresentedCertificate] {
        guard let easy = ccurl_easy_init() else { return [] }
        defer { ccurl_easy_cleanup(easy) }
        var resolve: UnsafeMutablePointer<curl_slist>?
        defer { if let resolve { ccurl_slist_free_all(resolve) } }
        let limit = CurlExchange.milliseconds(min(plan.inactivity, 5))
        var ok = ccurl_easy_setopt_pointer(easy, CURLOPT_URL, plan.url) == CURLE_OK
        for (option, value) in [(CURLOPT_CONNECT_ONLY, 1), (CURLOPT_SSL_VERIFYPEER, 0), (CURLOPT_SSL_VERIFYHOST, 0),
                                (CURLOPT_CERTINFO, 1), (CURLOPT_NOSIGNAL, 1), (CURLOPT_FORBID_REUSE, 1),
                                (CURLOPT_CONNECTTIMEOUT_MS, limit), (CURLOPT_TIMEOUT_MS, limit)] {
            ok = ok && ccurl_easy_setopt_long(easy, option, value) == CURLE_OK
        }
        ok = ok && ccurl_easy_setopt_pointer(easy, CURLOPT_PROXY, plan.proxy ?? "") == CURLE_OK
        if let pin = plan.localhostPin {
            resolve = ccurl_slist_append(nil, pin)
            ok = ok && ccurl_easy_setopt_pointer(easy, CURLOPT_RESOLVE, UnsafeRawPointer(resolve)) == CURLE_OK
        }
        // An https:// proxy is still verified as for the refused call.
        if plan.proxy?.lowercased().hasPrefix("https://") == true, (try? plan.trust.apply(to: easy, proxy: true)) == nil { return [] }
        guard ok else { return [] }
        _ = ccurl_easy_perform(easy)
        var info: UnsafeMutablePointer<curl_certinfo>?
        guard ccurl_easy_getinfo_certinfo(easy, &info) == CURLE_OK, let info, info.pointee.num_of_certs > 0,
              let lists = info.pointee.certinfo else { return [] }
        var chain: [PresentedCertificate] = []
        for index in 0..<Int(info.pointee.num_of_certs) {
            var lines: [String] = []
            var node = lists[index]
            while let current = node {
                if let data = current.pointee.data { lines.append(String(cString: data)) }
                node = current.pointee.next
            }
            chain.append(PresentedCertificate(lines: lines))
        }
        return chain
    }
}
