import Testing
import TraktQL
@testable import TraktQLShell

/// `.help`: every topic it lists answers, and what it names can be typed back.
@Suite struct HelpTextTests {
    @Test func everyListedTopicHasItsOwnText() {
        for topic in HelpText.topics {
            let text = HelpText.text(for: topic)
            #expect(!text.hasPrefix("no help on"), "\(topic)")
            #expect(text.count > 200, "\(topic): \(text)")
        }
        #expect(HelpText.text(for: "nonsense").hasPrefix("no help on 'nonsense'"))
    }

    @Test func theSettingsTopicNamesEverySettingInFull() {
        // It cut names at 10 characters: `mirror_max` and `runtime_fa`, which `set` refuses.
        let text = HelpText.text(for: "settings")
        let named = Set(text.split(separator: "\n").compactMap { $0.hasPrefix("  ") ? $0.split(separator: " ").first.map(String.init) : nil })
        for name in Settings.names {
            #expect(named.contains(name), "\(name) is not named whole in:\n\(text)")
        }
    }
}
