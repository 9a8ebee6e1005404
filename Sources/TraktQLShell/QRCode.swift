import Foundation

/// A QR code (ISO/IEC 18004) for a short text, to draw a login URL on the terminal: byte mode,
/// error correction L or M, versions 1–10 (up to 271 bytes at L), the mask with the lowest
/// penalty score. No QR package is available, and this is all `traktql auth login` needs.
struct QRCode: Equatable {
    enum ErrorCorrection: Sendable {
        case low, medium

        /// The two format-information bits (L = 01, M = 00).
        var formatBits: Int { self == .low ? 1 : 0 }
    }

    let version: Int
    let errorCorrection: ErrorCorrection
    private(set) var mask: Int
    /// Modules per side: 17 + 4 × version.
    let size: Int
    /// Row-major; true = dark.
    private(set) var modules: [Bool]
    private var isFunction: [Bool]

    func isDark(row: Int, column: Int) -> Bool { modules[row * size + column] }

    /// Encodes `text` (UTF-8) in the smallest version that holds it; nil when it is longer than
    /// version 10 allows. `mask` forces a mask pattern (tests); otherwise the best one is chosen.
    init?(_ text: String, errorCorrection: ErrorCorrection = .medium, minimumVersion: Int = 1, mask forcedMask: Int? = nil) {
        let bytes = Array(text.utf8)
        guard let version = (max(1, minimumVersion)...Self.maximumVersion).first(where: { Self.capacity(version: $0, errorCorrection) >= bytes.count })
        else { return nil }
        self.init(bytes: bytes, version: version, errorCorrection: errorCorrection, mask: forcedMask)
    }

    private init(bytes: [UInt8], version: Int, errorCorrection: ErrorCorrection, mask forcedMask: Int?) {
        self.version = version
        self.errorCorrection = errorCorrection
        size = 17 + 4 * version
        modules = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
        mask = 0
        drawFunctionPatterns()
        drawCodewords(Self.codewords(bytes, version: version, errorCorrection))
        if let forcedMask {
            mask = forcedMask
        } else {
            var best = (mask: 0, penalty: Int.max)
            for candidate in 0..<8 {
                var trial = self
                trial.applyMask(candidate)
                trial.drawFormatBits(mask: candidate)
                let penalty = trial.penalty()
                if penalty < best.penalty { best = (candidate, penalty) }
            }
            mask = best.mask
        }
        applyMask(mask)
        drawFormatBits(mask: mask)
    }

    // MARK: - Capacity and blocks

    static let maximumVersion = 10

    /// Error-correction codewords per block and the blocks' data codewords, per version (index
    /// 0 = version 1), from the standard's table 9.
    private static let blocksL: [(ec: Int, blocks: [Int])] = [
        (7, [19]), (10, [34]), (15, [55]), (20, [80]), (26, [108]),
        (18, [68, 68]), (20, [78, 78]), (24, [97, 97]), (30, [116, 116]), (18, [68, 68, 69, 69]),
    ]
    private static let blocksM: [(ec: Int, blocks: [Int])] = [
        (10, [16]), (16, [28]), (26, [44]), (18, [32, 32]), (24, [43, 43]),
        (16, [27, 27, 27, 27]), (18, [31, 31, 31, 31]), (22, [38, 38, 39, 39]), (22, [36, 36, 36, 37, 37]), (26, [43, 43, 43, 43, 44]),
    ]

    private static func blocks(version: Int, _ level: ErrorCorrection) -> (ec: Int, blocks: [Int]) {
        (level == .low ? blocksL : blocksM)[version - 1]
    }

    static func dataCodewords(version: Int, _ level: ErrorCorrection) -> Int {
        blocks(version: version, level).blocks.reduce(0, +)
    }

    /// Bytes that fit in byte mode: 4 mode bits, an 8-bit count (16 from version 10).
    static func capacity(version: Int, _ level: ErrorCorrection) -> Int {
        (dataCodewords(version: version, level) * 8 - 4 - countBits(version)) / 8
    }

    private static func countBits(_ version: Int) -> Int { version < 10 ? 8 : 16 }

    /// Alignment pattern centres per version (index 0 = version 1).
    private static let alignment: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
    ]

    // MARK: - Data

    /// The data bits (mode, count, bytes, terminator, padding) cut into blocks, each with its
    /// Reed–Solomon codewords, interleaved as the standard orders them.
    static func codewords(_ bytes: [UInt8], version: Int, _ level: ErrorCorrection) -> [UInt8] {
        let layout = blocks(version: version, level)
        let capacityBits = dataCodewords(version: version, level) * 8
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
        }
        append(0b0100, 4)
        append(bytes.count, countBits(version))
        for b in bytes { append(Int(b), 8) }
        append(0, min(4, capacityBits - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var data: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { start in
            (0..<8).reduce(UInt8(0)) { $0 << 1 | (bits[start + $1] ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while data.count < capacityBits / 8 {
            data.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        let divisor = ReedSolomon.divisor(degree: layout.ec)
        var dataBlocks: [[UInt8]] = []
        var ecBlocks: [[UInt8]] = []
        var offset = 0
        for count in layout.blocks {
            let block = Array(data[offset..<offset + count])
            offset += count
            dataBlocks.append(block)
            ecBlocks.append(ReedSolomon.remainder(block, divisor: divisor))
        }
        var out: [UInt8] = []
        for i in 0..<(layout.blocks.max() ?? 0) {
            for block in dataBlocks where i < block.count { out.append(block[i]) }
        }
        for i in 0..<layout.ec {
            for block in ecBlocks { out.append(block[i]) }
        }
        return out
    }

    // MARK: - Drawing

    private mutating func setFunction(row: Int, column: Int, _ dark: Bool) {
        modules[row * size + column] = dark
        isFunction[row * size + column] = true
    }

    private mutating func drawFunctionPatterns() {
        for i in 0..<size {
            setFunction(row: 6, column: i, i % 2 == 0)
            setFunction(row: i, column: 6, i % 2 == 0)
        }
        for (row, column) in [(3, 3), (3, size - 4), (size - 4, 3)] {
            for dy in -4...4 {
                for dx in -4...4 where (0..<size).contains(row + dy) && (0..<size).contains(column + dx) {
                    let distance = max(abs(dx), abs(dy))
                    setFunction(row: row + dy, column: column + dx, distance != 2 && distance != 4)
                }
            }
        }
        let centres = Self.alignment[version - 1]
        for (i, row) in centres.enumerated() {
            for (j, column) in centres.enumerated() {
                let last = centres.count - 1
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }  // the finders
                for dy in -2...2 {
                    for dx in -2...2 { setFunction(row: row + dy, column: column + dx, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        drawFormatBits(mask: 0)  // reserves the format areas; redrawn once the mask is known
        if version >= 7 {
            var remainder = version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            let bits = version << 12 | remainder
            for i in 0..<18 {
                let dark = (bits >> i) & 1 == 1
                let a = size - 11 + i % 3, b = i / 3
                setFunction(row: b, column: a, dark)
                setFunction(row: a, column: b, dark)
            }
        }
    }

    /// The 15 format bits (level, mask, BCH code, XOR 0x5412), twice.
    private mutating func drawFormatBits(mask: Int) {
        let data = errorCorrection.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { setFunction(row: i, column: 8, bit(i)) }
        setFunction(row: 7, column: 8, bit(6))
        setFunction(row: 8, column: 8, bit(7))
        setFunction(row: 8, column: 7, bit(8))
        for i in 9..<15 { setFunction(row: 8, column: 14 - i, bit(i)) }
        for i in 0..<8 { setFunction(row: 8, column: size - 1 - i, bit(i)) }
        for i in 8..<15 { setFunction(row: size - 15 + i, column: 8, bit(i)) }
        setFunction(row: size - 8, column: 8, true)  // the dark module
    }

    /// Data bits in the zig-zag order: two columns at a time from the right, up then down,
    /// skipping the vertical timing pattern.
    private mutating func drawCodewords(_ data: [UInt8]) {
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for vertical in 0..<size {
                for j in 0..<2 {
                    let column = right - j
                    let row = upward ? size - 1 - vertical : vertical
                    let index = row * size + column
                    if !isFunction[index] && i < data.count * 8 {
                        modules[index] = (data[i >> 3] >> (7 - (i & 7))) & 1 == 1
                        i += 1
                    }
                }
            }
            right -= 2
        }
    }

    static func maskCondition(_ mask: Int, row y: Int, column x: Int) -> Bool {
        switch mask {
        case 0: return (x + y) % 2 == 0
        case 1: return y % 2 == 0
        case 2: return x % 3 == 0
        case 3: return (x + y) % 3 == 0
        case 4: return (x / 3 + y / 2) % 2 == 0
        case 5: return x * y % 2 + x * y % 3 == 0
        case 6: return (x * y % 2 + x * y % 3) % 2 == 0
        default: return ((x + y) % 2 + x * y % 3) % 2 == 0
        }
    }

    private mutating func applyMask(_ mask: Int) {
        for row in 0..<size {
            for column in 0..<size where !isFunction[row * size + column] && Self.maskCondition(mask, row: row, column: column) {
                modules[row * size + column].toggle()
            }
        }
    }

    // MARK: - Penalty (mask choice)

    /// The standard's four penalty rules: runs of five or more, 2×2 blocks, finder-like
    /// patterns, and the imbalance of dark and light.
    func penalty() -> Int {
        var score = 0
        let finderLike: [Bool] = [true, false, true, true, true, false, true]
        let quiet = [Bool](repeating: false, count: 4)
        for horizontal in [true, false] {
            for a in 0..<size {
                let line = (0..<size).map { b in horizontal ? isDark(row: a, column: b) : isDark(row: b, column: a) }
                var run = 1
                for b in 1...size {
                    if b < size && line[b] == line[b - 1] {
                        run += 1
                    } else {
                        if run >= 5 { score += 3 + (run - 5) }
                        run = 1
                    }
                }
                for start in 0...(size - 11) {
                    let window = Array(line[start..<start + 11])
                    if window == finderLike + quiet || window == quiet + finderLike { score += 40 }
                }
            }
        }
        for row in 0..<(size - 1) {
            for column in 0..<(size - 1) {
                let c = isDark(row: row, column: column)
                if c == isDark(row: row, column: column + 1) && c == isDark(row: row + 1, column: column) && c == isDark(row: row + 1, column: column + 1) {
                    score += 3
                }
            }
        }
        let dark = modules.filter { $0 }.count
        let total = size * size
        score += abs(dark * 20 - total * 10) / total * 10  // 10 per 5 % away from half dark
        return score
    }

    // MARK: - Output

    /// The code as text for a terminal: two rows per line with half blocks, black on white
    /// (explicit colours: on a dark terminal the default colours would invert the code), with a
    /// quiet zone of `margin` modules.
    func terminalText(margin: Int = 2) -> String {
        let side = size + 2 * margin
        func dark(_ row: Int, _ column: Int) -> Bool {
            let r = row - margin, c = column - margin
            guard (0..<size).contains(r), (0..<size).contains(c) else { return false }
            return isDark(row: r, column: c)
        }
        var out = ""
        for row in stride(from: 0, to: side, by: 2) {
            out += "\u{1B}[30;107m"
            for column in 0..<side {
                let top = dark(row, column), bottom = row + 1 < side && dark(row + 1, column)
                out += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " "
            }
            out += "\u{1B}[0m\n"
        }
        return out
    }

    /// `##` for dark and two spaces for light, one line per row, no margin: `qrencode -t ASCII -m 0`'s form (tests).
    var asciiArt: String {
        (0..<size).map { row in (0..<size).map { isDark(row: row, column: $0) ? "##" : "  " }.joined() }.joined(separator: "\n")
    }
}

/// Reed–Solomon error correction over GF(256) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1.
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= Int((y >> UInt8(i)) & 1) * Int(x)
        }
        return UInt8(z & 0xFF)
    }

    /// The generator polynomial (x − α⁰)(x − α¹)…(x − α^(degree−1)), highest coefficient dropped.
    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }
}
