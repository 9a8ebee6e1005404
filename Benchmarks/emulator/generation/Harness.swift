import Foundation
import TraktProtocol

@main
struct Harness {
    static func fnv(_ h: inout UInt64, _ bytes: UnsafeRawBufferPointer) {
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
    }
    static func main() {
        let args = CommandLine.arguments
        if args.count > 1 && args[1] == "digest" {
            let now = Date(timeIntervalSince1970: 1_717_243_200)
            for (seed, size) in [(UInt64(42), DatasetScale.small.size), (1, DatasetScale.default.size)] {
                let ds = Dataset.generate(seed: seed, size: size, now: now)
                var h: UInt64 = 0xcbf29ce484222325
                var fields: [Int64] = []
                for a in ds.activities { fields += [a.time, Int64(a.id), Int64(a.user), Int64(a.subject), Int64(a.item), Int64(a.extra), Int64(a.kind.raw)] }
                fields.withUnsafeBytes { fnv(&h, $0) }
                ds.fragments.bytes.withUnsafeBytes { fnv(&h, $0) }
                V2Fragments(dataset: ds).bytes.withUnsafeBytes { fnv(&h, $0) }
                print(seed, ds.activities.count, String(h, radix: 16))
            }
            return
        }
        if args.count > 1 && args[1] == "hash" {
            let now = Date(timeIntervalSince1970: 1_717_243_200)
            let cases: [(String, UInt64, DatasetSize, Bool)] = [
                ("default seed 1", 1, DatasetScale.default.size, false),
                ("small seed 42", 42, DatasetScale.small.size, false),
                ("3000 seed 5", 5, DatasetSize(activities: 3_000), false),
                ("shortfall 200k/50 users", 3, DatasetSize(activities: 200_000, users: 50), false),
                ("burst 150", 9, DatasetSize(activities: 20_000, sameSecondBurst: 150), false),
                ("hostile small", 2, DatasetScale.small.size, true),
                ("tiny 10", 4, DatasetSize(activities: 10), false),
                ("empty", 4, DatasetSize(activities: 0), false),
                ("large seed 1", 1, DatasetScale.large.size, false),
            ]
            for (name, seed, size, hostile) in cases {
                let ds = Dataset.generate(seed: seed, size: size, now: now, hostileText: hostile)
                var h: UInt64 = 0xcbf29ce484222325
                var fields: [Int64] = []
                for a in ds.activities { fields += [a.time, Int64(a.id), Int64(a.user), Int64(a.subject), Int64(a.item), Int64(a.extra), Int64(a.kind.raw)] }
                fields.withUnsafeBytes { fnv(&h, $0) }
                ds.fragments.bytes.withUnsafeBytes { fnv(&h, $0) }
                ds.fragments.starts.withUnsafeBytes { fnv(&h, $0) }
                V2Fragments(dataset: ds).bytes.withUnsafeBytes { fnv(&h, $0) }
                for u in ds.users { Array("\(u.username) \(u.joined) \(u.friends) \(u.following) \(u.followers)".utf8).withUnsafeBytes { fnv(&h, $0) } }
                for l in ds.lists { Array("\(l.name) \(l.slug) \(l.created) \(l.owner)".utf8).withUnsafeBytes { fnv(&h, $0) } }
                print(name, ds.activities.count, String(h, radix: 16))
            }
            return
        }
        let runs = args.count > 1 ? Int(args[1])! : 5
        let now = Date(timeIntervalSince1970: 1_717_243_200) // 2024-06-01T12:00:00Z
        func cpu() -> Double { var t = timespec(); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1e6 }
        func wall() -> Double { var t = timespec(); clock_gettime(CLOCK_MONOTONIC, &t); return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1e6 }
        for _ in 0..<runs {
            let c0 = cpu(), w0 = wall()
            let ds = Dataset.generate(seed: 1, now: now)
            let c1 = cpu(), w1 = wall()
            let em = Emulator(EmulatorConfiguration(seed: 1, now: now), dataset: ds)
            let c2 = cpu(), w2 = wall()
            _ = V2Fragments(dataset: ds)
            let c3 = cpu(), w3 = wall()
            print(String(format: "generate %.1f cpu %.1f wall; emulator init %.1f cpu %.1f wall; v2 fragments alone %.1f cpu", c1 - c0, w1 - w0, c2 - c1, w2 - w1, c3 - c2))
            _ = em
            _ = w3
        }
        let ds = Dataset.generate(seed: 1, now: now)
        var h: UInt64 = 0xcbf29ce484222325
        var fields: [Int64] = []
        fields.reserveCapacity(ds.activities.count * 7)
        for a in ds.activities { fields += [a.time, Int64(a.id), Int64(a.user), Int64(a.subject), Int64(a.item), Int64(a.extra), Int64(a.kind.raw)] }
        fields.withUnsafeBytes { fnv(&h, $0) }
        print("activities", ds.activities.count, String(h, radix: 16))
        h = 0xcbf29ce484222325
        ds.fragments.bytes.withUnsafeBytes { fnv(&h, $0) }
        print("v1 fragments", String(h, radix: 16))
        h = 0xcbf29ce484222325
        V2Fragments(dataset: ds).bytes.withUnsafeBytes { fnv(&h, $0) }
        print("v2 fragments", String(h, radix: 16))
        h = 0xcbf29ce484222325
        for u in ds.users { Array("\(u.username) \(u.joined) \(u.friends) \(u.following) \(u.followers)".utf8).withUnsafeBytes { fnv(&h, $0) } }
        print("users", String(h, radix: 16))
        print("episodes", ds.episodes.count, "seasons", ds.seasons.count, "shows", ds.shows.count, "movies", ds.movies.count, "lists", ds.lists.count)
        print("v1 arena", ds.fragments.bytes.count, "index offsets", [ds.index.global, ds.index.show, ds.index.season, ds.index.episode, ds.index.movie, ds.index.user].map { ($0.offsets.count, $0.items.count) })
    }
}
