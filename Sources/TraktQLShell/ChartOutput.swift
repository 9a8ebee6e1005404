import Foundation
import TraktQL

extension OutputPrinter {
    /// The chart of a result that ends in `| chart`, drawn for the terminal: the terminal's width
    /// (80 when it is not one and `COLUMNS` is unset), colour as for tables, block characters
    /// only in a UTF-8 locale. Nil when there is no chart or nothing numeric to draw.
    func chartText(_ result: QueryResult, settings: Settings) -> String? {
        guard let style = result.chart else { return nil }
        let options = ChartOptions(width: terminal.width() ?? 80,
                                   unicode: ChartOptions.localeIsUTF8(ProcessInfo.processInfo.environment),
                                   color: colors(settings), timeZone: settings.timeZone)
        return ChartRenderer.render(columns: result.columns, rows: result.rows, style: style, options: options)
    }
}
