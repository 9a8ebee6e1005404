/// How one request reaches its server (``ProxySettings/route(for:)``).
public enum ProxyRoute: Sendable, Hashable {
    /// Straight to the server.
    case direct
    /// Through this proxy (a URL as `HTTPS_PROXY` gives it, possibly with credentials).
    case proxy(String)
    /// Not at all: the reason, for the error message.
    case refused(String)
}
