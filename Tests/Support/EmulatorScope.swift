import TraktEmulatorServer

/// Runs `body` while `servers` serve, then stops them and waits until they have stopped,
/// whether `body` returns or throws: a test ends with its servers down. (A
/// `defer { Task { await server.stop() } }` only starts the stop, which then runs past the
/// test, into the next one's time and ports.)
public func withEmulator<Result>(_ servers: EmulatorServer..., body: () async throws -> Result) async throws -> Result {
    let result: Result
    do {
        result = try await body()
    } catch {
        for server in servers { await server.stop() }
        throw error
    }
    for server in servers { await server.stop() }
    return result
}
