// Timers of one loop: a binary min-heap of deadlines. Cancellation is lazy: a cancelled id leaves
// the live set and its entry is skipped when it reaches the top, so cancel is O(1) and the common
// case (a keep-alive timer re-armed on every request) costs one push and one skipped pop.

struct TimerHeap {
    private struct Entry {
        var deadline: Int64                 // monotonic milliseconds
        var id: UInt64
        var callback: () -> Void
    }

    private var heap: [Entry] = []
    private var live: Set<UInt64> = []      // ids added and neither fired nor cancelled
    private var nextID: UInt64 = 1

    var count: Int { live.count }

    mutating func add(deadline: Int64, _ callback: @escaping () -> Void) -> TimerID {
        let id = nextID
        nextID += 1
        live.insert(id)
        heap.append(Entry(deadline: deadline, id: id, callback: callback))
        siftUp(heap.count - 1)
        return TimerID(id: id)
    }

    mutating func cancel(_ timer: TimerID) {
        live.remove(timer.id)
    }

    /// Milliseconds until the next deadline, 0 if one has passed, -1 (wait forever) if none.
    mutating func timeoutMillis(now: Int64) -> Int32 {
        dropCancelledTop()
        guard let first = heap.first else { return -1 }
        return Int32(clamping: max(0, first.deadline - now))
    }

    /// Removes and returns the earliest callback whose deadline is at or before `now`. The loop
    /// calls it outside this struct's mutation, because a callback may add or cancel timers.
    mutating func popExpired(now: Int64) -> (() -> Void)? {
        dropCancelledTop()
        guard let first = heap.first, first.deadline <= now else { return nil }
        let entry = popTop()
        live.remove(entry.id)
        return entry.callback
    }

    private mutating func dropCancelledTop() {
        while let first = heap.first, !live.contains(first.id) {
            _ = popTop()
        }
    }

    private mutating func popTop() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return top
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            if heap[parent].deadline <= heap[child].deadline { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
