import CCurl
import Foundation
import TraktQL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A libcurl failure in ``TransportError``'s terms: what happened, to which server or proxy,
/// for which (redacted) call. libcurl's own wording is used only where it says something about
/// the server (a malformed answer); TLS and connection errors are worded here.
struct CurlFailure {
    let exchange: CurlExchange
    let code: CURLcode

    var outcome: CurlExchange.Outcome {
        if code == CURLE_PEER_FAILED_VERIFICATION {
            return .certificateRejected(CertificateRejection(
                plan: exchange.plan, verifyResult: exchange.info(CURLINFO_SSL_VERIFYRESULT), libraryText: exchange.errorText(code)))
        }
        return .failure(error)
    }

    private var plan: CurlRequestPlan { exchange.plan }
    private var url: String { plan.shownURL }
    private var shownProxy: String { plan.proxy.map { TerminalSafety.sanitize(Redactor().redact($0)) } ?? "" }
    /// ` to the proxy P` when the call went through one.
    private var viaProxy: String { plan.proxy == nil ? "" : " to the proxy \(shownProxy)" }
    private var serverText: String { TerminalSafety.sanitize(exchange.errorText(code)) }

    var error: TransportError {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST:
            return .network("unknown host \(TerminalSafety.sanitize(plan.host)) for \(url)")
        case CURLE_COULDNT_RESOLVE_PROXY:
            return .network("unknown host in the proxy \(shownProxy) for \(url)")
        case CURLE_COULDNT_CONNECT:
            return .network("could not connect (\(Self.reason(errno: Int32(clamping: exchange.info(CURLINFO_OS_ERRNO)))))\(viaProxy) for \(url)")
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout(url: url, seconds: plan.inactivity)
        case CURLE_GOT_NOTHING:
            return .network("connection lost (closed by the server before it answered) for \(url)")
        case CURLE_PARTIAL_FILE:
            return .network("connection lost (closed by the server before the whole answer) for \(url)")
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PROXY:
            if plan.proxy != nil, let refusal = proxyRefusal { return refusal }
            if code == CURLE_PROXY { return .network("the proxy \(shownProxy) failed (\(serverText)) for \(url)") }
            return .network("connection lost (\(Self.reason(errno: Int32(clamping: exchange.info(CURLINFO_OS_ERRNO)), fallback: "reset by the server"))) for \(url)")
        case CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .network("malformed HTTP answer (\(serverText)) from \(url)")
        case CURLE_SSL_CONNECT_ERROR:
            return .tls(host: TerminalSafety.sanitize(plan.host), problem: handshakeProblem)
        case CURLE_SSL_CACERT_BADFILE:
            return .tls(host: "any server", problem: "the CA certificates (--cacert, SSL_CERT_FILE, SSL_CERT_DIR) could not be used")
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            return .tls(host: TerminalSafety.sanitize(plan.host), problem: "the TLS handshake failed")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .refused("libcurl cannot use the URL \(TerminalSafety.sanitize(url)) (\(serverText))")
        default:
            return .network("\(serverText) for \(url)")
        }
    }

    /// A proxy that answered its `CONNECT` with a failure status.
    private var proxyRefusal: TransportError? {
        let status = exchange.info(CURLINFO_HTTP_CONNECTCODE)
        guard status >= 300 else { return nil }
        if status == 407 { return .network("the proxy \(shownProxy) wants credentials (407) for \(url)") }
        return .network("the proxy \(shownProxy) refused to connect to \(TerminalSafety.sanitize(plan.host)):\(plan.port) (it answered \(status)) for \(url)")
    }

    /// What a failed handshake most likely means, from OpenSSL's reason (not shown: it is the
    /// library's vocabulary, not the user's).
    private var handshakeProblem: String {
        let text = exchange.errorText(code).lowercased()
        if text.contains("wrong version number") || text.contains("packet length too long") || text.contains("http request") {
            return "the server does not speak TLS on port \(plan.port) (is it a plain http:// server?)"
        }
        if text.contains("protocol version") || text.contains("unsupported protocol") || text.contains("no protocols available") {
            return "the server and traktql share no TLS version (traktql needs TLS 1.2 or newer)"
        }
        if text.contains("handshake failure") || text.contains("no shared cipher") || text.contains("no cipher") {
            return "the server refused the TLS handshake (no cipher or version in common, or it wants a client certificate)"
        }
        if text.contains("unexpected eof") || text.contains("ssl_error_syscall") || text.contains("connection reset") {
            return "the connection closed during the TLS handshake"
        }
        return "the TLS handshake failed"
    }

    static func reason(errno code: Int32, fallback: String? = nil) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ECONNRESET, EPIPE: return "reset by the server"
        case ENETUNREACH, EHOSTUNREACH: return "no route to host"
        case ETIMEDOUT: return "timed out"
        case 0: return fallback ?? "no details"
        default: return fallback ?? String(cString: strerror(code))
        }
    }
}
