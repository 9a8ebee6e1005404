/// Secret comparison whose time does not depend on where two values first differ, so that
/// timing the emulator's answers cannot guess a client secret or the operator secret byte by
/// byte. The length is not hidden (secrets here are of fixed, public lengths or chosen by the
/// operator).
public enum ConstantTime {
    public static func equals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: x.count ^ y.count) | (x.count == y.count ? 0 : 1)
        // Always walk the longer one: no early exit on a length mismatch either.
        let n = max(x.count, y.count)
        for i in 0..<n {
            let p = i < x.count ? x[i] : 0
            let q = i < y.count ? y[i] : 0
            difference |= p ^ q
        }
        return difference == 0
    }
}
