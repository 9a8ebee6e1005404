import Foundation
import Testing

@testable import TraktEmulator

/// `--state` with writes arriving together: one `fsync` covers a batch (group commit), each
/// write is answered only once its journal line is written, and the journal replays to the same state.
@Suite("Writes: group commit of the --state journal")
struct GroupCommitTests {
    @Test("64 concurrent writes: all answered, each after its line is in the file, replayed identically")
    func concurrentWrites() async throws {
        let path = NSTemporaryDirectory() + "emulator-group-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let e = writableEmulator()
        try e.openState(path: path)
        let count = 64
        let onDisk = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<count {
                group.addTask {
                    let marker = "marker\(i)x"
                    let r = await call(e, "POST", "/comments", json: ["movie": ["ids": ["slug": "inception-2010"]],
                                                                      "comment": "\(marker) is a comment of five words"])
                    guard r.status == 201 else { return false }
                    // Answered: its line is in the journal already.
                    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                    return text.contains(marker)
                }
            }
            var all: [Bool] = []
            for await ok in group { all.append(ok) }
            return all
        }
        #expect(onDisk.count == count && onDisk.allSatisfy { $0 })
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == count)
        let replayed = writableEmulator()
        try replayed.openState(path: path)
        for view in ["/users/justin/comments?limit=100", "/sync/last_activities", "/movies/inception-2010/comments?limit=100"] {
            #expect((await call(replayed, "GET", view)).body == (await call(e, "GET", view)).body, "\(view)")
        }
    }

    @Test("writes waiting together are one batch: one fsync, applied and answered in arrival order")
    func oneFsyncPerBatch() async throws {
        let path = NSTemporaryDirectory() + "emulator-batch-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let e = writableEmulator()
        try e.openState(path: path)
        let journal = try #require(e.v2.overlay.withState { $0.journal })
        let answers = Answers()
        let now = e.dataset.nowUnix
        // Ten writes queue up while none leads yet (as while a leader waits for the disk).
        var leads: [Bool] = []
        for i in 0..<10 {
            let body = Array(#"{"movies":[{"ids":{"slug":"inception-2010"}}]}"#.utf8)
            let pending = CommitQueue.Pending(route: i == 3 ? .ratingsAdd : .historyAdd, body: try WriteBody(body), raw: body, user: 0, nowUnix: now) {
                answers.add(i, $0)
            }
            leads.append(e.v2.commits.enqueue(pending))
        }
        #expect(leads == [true] + Array(repeating: false, count: 9))
        e.v2.leadCommits()
        #expect(journal.syncs == 1)
        let got = answers.all
        #expect(got.map(\.0) == Array(0..<10))
        // The fourth (a rating without a rating) fails validation, and alone.
        #expect(got.map { (try? $0.1.get())?.status ?? ($0.1.failureStatus) } == [201, 201, 201, 422, 201, 201, 201, 201, 201, 201])
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 10)
        // Leadership ended: the next write leads again.
        let body = Array(#"{"movies":[{"ids":{"slug":"inception-2010"}}]}"#.utf8)
        #expect(e.v2.commits.enqueue(CommitQueue.Pending(route: .historyAdd, body: try WriteBody(body), raw: body, user: 0, nowUnix: now) { _ in }))
        e.v2.leadCommits()
        #expect(journal.syncs == 2)
        #expect(e.v2.commits.nextBatch() == nil)
    }
}

/// Answers collected from the commit queue's callbacks.
private final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [(Int, Result<EmulatorResponse, V2Error>)] = []

    func add(_ i: Int, _ r: Result<EmulatorResponse, V2Error>) { lock.lock(); values.append((i, r)); lock.unlock() }
    var all: [(Int, Result<EmulatorResponse, V2Error>)] { lock.lock(); defer { lock.unlock() }; return values }
}

private extension Result where Failure == V2Error {
    var failureStatus: Int {
        if case .failure(let e) = self { return e.status }
        return 0
    }
}
