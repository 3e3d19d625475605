import Foundation
import WatchwordCore
import os

/// The core's `Logger`: forwards its records to the unified log. The core
/// already redacts secrets; the message is still logged as private (shown
/// only to an attached debugger), so nothing about accounts reaches a
/// sysdiagnose.
final class CoreLogForwarder: WatchwordCore.Logger {
    private let sink = os.Logger(subsystem: "app.watchword", category: "core")

    func log(record: LogRecord) {
        let level: OSLogType
        switch record.level {
        case .trace, .debug: level = .debug
        case .info: level = .info
        case .warn: level = .default
        case .error: level = .error
        }
        sink.log(level: level, "\(record.target, privacy: .public): \(record.message, privacy: .private)")
    }
}
