// The only file that calls epoll. Level-triggered; each registration's token comes back with
// its events so the loop finds the handler without a lookup by descriptor.

import CLinux
import Glibc

struct Epoll {
    let fd: Int32

    init() {
        fd = orgd_epoll_create()
        precondition(fd >= 0, "epoll_create1 failed: errno \(errno)")
    }

    func add(_ descriptor: Int32, events: UInt32, token: UInt64) -> Bool {
        orgd_epoll_ctl(fd, ORGD_EPOLL_CTL_ADD, descriptor, events, token) == 0
    }

    func modify(_ descriptor: Int32, events: UInt32, token: UInt64) {
        _ = orgd_epoll_ctl(fd, ORGD_EPOLL_CTL_MOD, descriptor, events, token)
    }

    func remove(_ descriptor: Int32) {
        _ = orgd_epoll_ctl(fd, ORGD_EPOLL_CTL_DEL, descriptor, 0, 0)
    }

    /// Waits up to `timeoutMillis` (-1: forever) and fills the two buffers; returns the count.
    func wait(tokens: inout [UInt64], masks: inout [UInt32], timeoutMillis: Int32) -> Int {
        let capacity = Int32(min(tokens.count, masks.count))
        let count = tokens.withUnsafeMutableBufferPointer { t in
            masks.withUnsafeMutableBufferPointer { m in
                orgd_epoll_wait(fd, t.baseAddress, m.baseAddress, capacity, timeoutMillis)
            }
        }
        return max(0, Int(count))
    }

    func close() { _ = Glibc.close(fd) }
}
