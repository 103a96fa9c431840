// A least-recently-used map bounded by bytes: each event loop's store of rendered org-chart
// answers (AnswerCaching says what is stored and when it may be served). Owned by one loop's
// thread, so it takes no lock; lookups are far more common than stores (the chart is read all day
// and changed a few times), and both are O(1): a dictionary into a doubly linked list kept in an
// array, most recent at the head.

package struct AnswerCache<Key: Hashable, Value> {
    private struct Node {
        var key: Key
        var value: Value?             // nil once removed, so a free slot holds nothing alive
        var bytes: Int
        var newer: Int              // index into `nodes`; -1 at the head
        var older: Int              // index into `nodes`; -1 at the tail
    }

    package let capacity: Int                   // bytes; 0 stores nothing
    package private(set) var bytes = 0          // sum of the stored entries' `bytes`
    package private(set) var evictions = 0      // entries dropped to make room, since creation

    private var index: [Key: Int] = [:]
    private var nodes: [Node] = []
    private var free: [Int] = []                // indexes of removed nodes, reused by `store`
    private var head = -1                       // most recently used
    private var tail = -1                       // least recently used

    package init(capacity: Int) { self.capacity = capacity }

    package var count: Int { index.count }

    /// The value under `key`, now the most recently used; nil when absent.
    package mutating func lookup(_ key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        unlink(slot)
        pushFront(slot)
        return nodes[slot].value
    }

    /// True when an entry is stored under `key`; unlike `lookup`, not a use.
    package func contains(_ key: Key) -> Bool { index[key] != nil }

    /// Stores `value` as `bytes` bytes, evicting the least recently used entries until it fits.
    /// A value larger than the whole capacity is not stored (and evicts nothing).
    package mutating func store(_ key: Key, _ value: Value, bytes size: Int) {
        remove(key)
        guard size <= capacity else { return }
        while bytes + size > capacity, tail != -1 {
            remove(nodes[tail].key)
            evictions += 1
        }
        let node = Node(key: key, value: value, bytes: size, newer: -1, older: -1)
        let slot: Int
        if let reused = free.popLast() {
            nodes[reused] = node
            slot = reused
        } else {
            nodes.append(node)
            slot = nodes.count - 1
        }
        index[key] = slot
        bytes += size
        pushFront(slot)
    }

    /// Drops the entry under `key`, if any.
    package mutating func remove(_ key: Key) {
        guard let slot = index.removeValue(forKey: key) else { return }
        unlink(slot)
        bytes -= nodes[slot].bytes
        nodes[slot].value = nil
        free.append(slot)
    }

    /// Keys from most to least recently used (for tests).
    package var keysByRecency: [Key] {
        var keys: [Key] = []
        var slot = head
        while slot != -1 {
            keys.append(nodes[slot].key)
            slot = nodes[slot].older
        }
        return keys
    }

    private mutating func unlink(_ slot: Int) {
        let node = nodes[slot]
        if node.newer != -1 { nodes[node.newer].older = node.older } else { head = node.older }
        if node.older != -1 { nodes[node.older].newer = node.newer } else { tail = node.newer }
        nodes[slot].newer = -1
        nodes[slot].older = -1
    }

    private mutating func pushFront(_ slot: Int) {
        nodes[slot].older = head
        nodes[slot].newer = -1
        if head != -1 { nodes[head].newer = slot }
        head = slot
        if tail == -1 { tail = slot }
    }
}
