// orgd's one line-oriented diagnostic channel: standard error, "orgd: " first. The access log
// and metrics have their own paths (HTTP); this is for failures a person must read.

import Foundation

package enum Log {
    package static func error(_ message: String) {
        FileHandle.standardError.write(Data("orgd: \(message)\n".utf8))
    }
}
