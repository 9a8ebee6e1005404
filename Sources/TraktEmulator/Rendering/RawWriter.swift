/// Something JSON scalars can be written to.
protocol ByteSink {
    mutating func raw(_ s: StaticString)
    mutating func byte(_ b: UInt8)
    mutating func write(_ p: UnsafeRawBufferPointer)
}

extension ByteSink {
    /// Writes `value` in decimal.
    @inline(__always)
    mutating func int<I: BinaryInteger>(_ value: I) {
        var v = Int64(value)
        if v < 0 {
            byte(UInt8(ascii: "-"))
            if v == .min {
                raw("9223372036854775808")
                return
            }
            v = -v
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var i = 20
            repeat {
                i -= 1
                buf[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                v /= 10
            } while v > 0
            write(UnsafeRawBufferPointer(start: buf.baseAddress! + i, count: 20 - i))
        }
    }
}

extension JSONBytes: ByteSink {
    @inline(__always)
    mutating func write(_ p: UnsafeRawBufferPointer) { bytes.append(contentsOf: p) }
}

/// An output buffer for hot-path page rendering: no reference counting, no uniqueness checks.
/// Either malloc'd and growable (call ``deallocate()`` when done) or over caller-provided
/// memory of a fixed capacity (writing past it traps).
struct RawWriter: ByteSink {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int
    private let owned: Bool

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
        owned = true
    }

    /// Writes into `memory` (not owned, never grown).
    init(over memory: UnsafeMutableRawBufferPointer) {
        base = memory.baseAddress!.assumingMemoryBound(to: UInt8.self)
        capacity = memory.count
        owned = false
    }

    @inline(__always)
    private mutating func ensure(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        precondition(owned, "page size bound exceeded")
        var c = capacity * 2
        while c < needed { c *= 2 }
        let b = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        b.update(from: base, count: count)
        base.deallocate()
        base = b
        capacity = c
    }

    @inline(__always)
    mutating func write(_ p: UnsafeRawBufferPointer) {
        let n = p.count
        ensure(n)
        if n > 0 { (UnsafeMutableRawPointer(base) + count).copyMemory(from: p.baseAddress!, byteCount: n) }
        count += n
    }

    @inline(__always)
    mutating func write(_ p: UnsafePointer<UInt8>, count n: Int) {
        ensure(n)
        (base + count).update(from: p, count: n)
        count += n
    }

    @inline(__always)
    mutating func raw(_ s: StaticString) {
        write(s.utf8Start, count: s.utf8CodeUnitCount)
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        ensure(1)
        base[count] = b
        count += 1
    }

    mutating func string(_ s: String) {
        var tmp = JSONBytes()
        tmp.string(s)
        tmp.bytes.withUnsafeBytes { write($0) }
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    func deallocate() { if owned { base.deallocate() } }
}
