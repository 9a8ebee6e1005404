import TraktQL

extension CurlTransport {
    /// The transport an ``Engine`` needs for `configuration`: a ``CurlTransport`` with its
    /// timeouts (and `proxies`, `trustRootFiles`), behind ``RetryingTransport`` with its retry
    /// policy and retry callback.
    ///
    /// ```swift
    /// var configuration = EngineConfiguration(apiURL: serverURL, apiKey: "my-key")
    /// configuration.transport = CurlTransport.retrying(for: configuration)
    /// ```
    public static func retrying(for configuration: EngineConfiguration, proxies: ProxySettings = .none,
                                trustRootFiles: [String] = []) -> any HTTPTransport {
        var settings = HTTPTransportConfiguration(connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout)
        settings.proxies = proxies
        settings.additionalTrustRootFiles = trustRootFiles
        return RetryingTransport(base: CurlTransport(configuration: settings), policy: configuration.retryPolicy, onRetry: configuration.onRetry)
    }
}
