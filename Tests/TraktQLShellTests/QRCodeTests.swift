import Foundation
import Testing

@testable import TraktQLShell

/// The QR encoder against libqrencode: two encodings captured from `qrencode -t ASCII -8 -m 0`
/// (4.1.1) kept here, and, when `qrencode` is installed, many more compared live.
@Suite struct QRCodeTests {
    /// `qrencode -t ASCII -l L -8 -m 0 'https://trakt.tv/activate/ABCD1234'` (version 3, 1 = dark).
    static let traktL: [String] = [
        "11111110010011001011001111111",
        "10000010001110111101001000001",
        "10111010111011101001001011101",
        "10111010011101110011101011101",
        "10111010001000100001001011101",
        "10000010010001000111101000001",
        "11111110101010101010101111111",
        "00000000111011101101000000000",
        "11101111101100111101111000100",
        "10100100001100110100101001001",
        "01011010110001001000111100111",
        "01011101100100011111110110010",
        "11110010100010000110001001011",
        "11000100110111000000111001001",
        "11110011000110100100010111011",
        "00011000001011100110011101010",
        "01010111100100100000111001011",
        "00101000011100100100101001101",
        "10100011110001001010011000011",
        "01000100010100000111010101010",
        "10000010100010000000111110000",
        "00000000110111000101100010111",
        "11111110100110100111101011011",
        "10000010111011110100100011011",
        "10111010110100100000111110001",
        "10111010000100100100100010111",
        "10111010110001001111010111001",
        "10000010110100011111100100010",
        "11111110111010001000100111011",
    ]

    /// `qrencode -t ASCII -l M -8 -m 0 'HELLO'` (version 1).
    static let helloM: [String] = [
        "111111101001001111111",
        "100000101111001000001",
        "101110100010101011101",
        "101110101010101011101",
        "101110100001001011101",
        "100000100001101000001",
        "111111101010101111111",
        "000000001001100000000",
        "101101110101101001011",
        "011011010111111001100",
        "100010100101000000011",
        "101100010001001111010",
        "010111111000100100101",
        "000000001111001000101",
        "111111101001100100000",
        "100000101010000111110",
        "101110100000111111011",
        "101110101011001011110",
        "101110101100101100100",
        "100000100010010110001",
        "111111101010010100000",
    ]

    static func bits(_ code: QRCode) -> [String] {
        (0..<code.size).map { row in String((0..<code.size).map { code.isDark(row: row, column: $0) ? "1" : "0" }) }
    }

    @Test func matchesLibqrencodeForTheLoginURL() throws {
        // libqrencode picked mask 0 here (its format bits say so); any mask is a valid code, and
        // its penalty scoring differs from ours in details, so the mask is given.
        let code = try #require(QRCode("https://trakt.tv/activate/ABCD1234", errorCorrection: .low, mask: 0))
        #expect(code.version == 3)
        #expect(Self.bits(code) == Self.traktL)
    }

    @Test func matchesLibqrencodeForHello() throws {
        let code = try #require(QRCode("HELLO", errorCorrection: .medium, mask: 3))
        #expect(code.version == 1)
        #expect(Self.bits(code) == Self.helloM)
    }

    @Test func reedSolomonOfAKnownBlock() {
        // The standard's annex I example (1-M "01234567"): data and its 10 EC codewords.
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        let ec = ReedSolomon.remainder(data, divisor: ReedSolomon.divisor(degree: 10))
        #expect(ec == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test func chosenMaskHasTheLowestPenalty() throws {
        for text in ["HELLO", "https://trakt.tv/activate/ZX9K2M4Q", String(repeating: "a", count: 100)] {
            let chosen = try #require(QRCode(text))
            let penalties = try (0..<8).map { try #require(QRCode(text, mask: $0)).penalty() }
            #expect(chosen.penalty() == penalties.min(), "\(text)")
        }
    }

    @Test func capacityAndTooLong() {
        #expect(QRCode.capacity(version: 1, .low) == 17)
        #expect(QRCode.capacity(version: 1, .medium) == 14)
        #expect(QRCode.capacity(version: 5, .medium) == 84)
        #expect(QRCode.capacity(version: 10, .low) == 271)
        #expect(QRCode(String(repeating: "x", count: 17), errorCorrection: .low)?.version == 1)
        #expect(QRCode(String(repeating: "x", count: 18), errorCorrection: .low)?.version == 2)
        #expect(QRCode(String(repeating: "x", count: 272), errorCorrection: .low) == nil)
    }

    @Test func terminalTextDrawsTwoRowsPerLine() throws {
        let code = try #require(QRCode("HELLO"))
        let lines = code.terminalText(margin: 2).split(separator: "\n")
        #expect(lines.count == (21 + 4 + 1) / 2)
        #expect(lines[1].contains("█"))
    }

    static let qrencode = ["/usr/bin/qrencode", "/usr/local/bin/qrencode"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Every version 1–10 at L and M: ours (with the best mask) equals libqrencode's.
    @Test(.enabled(if: QRCodeTests.qrencode != nil, "qrencode is not installed"))
    func matchesLibqrencodeEverywhere() throws {
        var compared = 0
        var sameMask = 0
        for level in [QRCode.ErrorCorrection.low, .medium] {
            for version in 1...QRCode.maximumVersion {
                let length = QRCode.capacity(version: version, level)
                for text in [String(String(repeating: "trakt.tv/", count: 40).prefix(length)), "https://trakt.tv/activate/" + String(version)] {
                    guard let ours = QRCode(text, errorCorrection: level, minimumVersion: version) else { Issue.record("no code"); continue }
                    let theirs = try Self.libqrencode(text, level: level, version: ours.version)
                    let candidates = try (0..<8).map { try #require(QRCode(text, errorCorrection: level, minimumVersion: version, mask: $0)) }
                    #expect(candidates.contains { Self.bits($0) == theirs }, "\(level) v\(version) '\(text)': no mask gives libqrencode's code")
                    if Self.bits(ours) == theirs { sameMask += 1 }
                    compared += 1
                }
            }
        }
        #expect(compared == 40)
        // libqrencode's penalty differs from the standard's in details; most choices still agree.
        #expect(sameMask * 2 >= compared, "\(sameMask) of \(compared) masks agree")
    }

    static func libqrencode(_ text: String, level: QRCode.ErrorCorrection, version: Int) throws -> [String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: qrencode!)
        p.arguments = ["-t", "ASCII", "-8", "-m", "0", "-l", level == .low ? "L" : "M", "-v", String(version), text]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        return lines.map { line in
            let padded = line.padding(toLength: lines.count * 2, withPad: " ", startingAt: 0)
            return String(stride(from: 0, to: padded.count, by: 2).map { i -> Character in
                let start = padded.index(padded.startIndex, offsetBy: i)
                return padded[start...].hasPrefix("##") ? "1" : "0"
            })
        }
    }
}
