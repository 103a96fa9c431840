// A few threads for CPU-heavy work that must not stall an event loop: scrypt takes tens of
// milliseconds, and every other connection on the loop would wait for it. This is the one
// deliberate thread hop on a request path; it happens only at sign-in and password changes.

import Foundation
import Synchronization

package final class HashingPool: Sendable {
    private let queue = Mutex<[@Sendable () -> Void]>([])
    private let ready = DispatchSemaphore(value: 0)

    package init(threads: Int) {
        for index in 0..<max(1, threads) {
            let thread = Thread { [self] in
                while true {
                    ready.wait()
                    let job = queue.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                    job?()
                }
            }
            thread.name = "orgd-hash-\(index)"
            thread.start()
        }
    }

    /// Runs `work` on a pool thread; the caller resumes on its own executor (its loop).
    package func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.withLock { $0.append { continuation.resume(returning: work()) } }
            ready.signal()
        }
    }

    package static let shared = HashingPool(threads: 2)
}
