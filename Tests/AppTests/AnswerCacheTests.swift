// The answer cache's LRU: bounded by bytes, least recently used out first, a lookup refreshes.

@testable import App
import Testing

@Suite("AnswerCache")
struct AnswerCacheTests {
    @Test("entries beyond the byte bound push out the least recently used, and a lookup counts as a use")
    func evictsLeastRecentlyUsed() {
        var cache = AnswerCache<String, Int>(capacity: 100)
        cache.store("a", 1, bytes: 40)
        cache.store("b", 2, bytes: 40)
        #expect(cache.lookup("a") == 1)              // b is now the least recently used
        cache.store("c", 3, bytes: 40)
        #expect(cache.lookup("b") == nil)
        #expect(cache.lookup("a") == 1)
        #expect(cache.lookup("c") == 3)
        #expect(cache.bytes == 80)
        #expect(cache.evictions == 1)
        #expect(cache.keysByRecency == ["c", "a"])
        #expect(cache.contains("a") && !cache.contains("b"))
        #expect(cache.keysByRecency == ["c", "a"])          // contains is not a use
    }

    @Test("storing a key again replaces its value and its size")
    func replaces() {
        var cache = AnswerCache<String, Int>(capacity: 100)
        cache.store("a", 1, bytes: 60)
        cache.store("a", 2, bytes: 10)
        #expect(cache.lookup("a") == 2)
        #expect(cache.bytes == 10)
        #expect(cache.count == 1)
        #expect(cache.evictions == 0)
    }

    @Test("a value larger than the whole bound is not stored and evicts nothing; a bound of 0 stores nothing")
    func tooLarge() {
        var cache = AnswerCache<String, Int>(capacity: 100)
        cache.store("a", 1, bytes: 50)
        cache.store("huge", 2, bytes: 101)
        #expect(cache.lookup("huge") == nil)
        #expect(cache.lookup("a") == 1)
        var off = AnswerCache<String, Int>(capacity: 0)
        off.store("a", 1, bytes: 1)
        #expect(off.count == 0)
    }

    @Test("after many stores and removals the list, the index and the byte count agree")
    func churn() {
        var cache = AnswerCache<Int, Int>(capacity: 1_000)
        var generator = SystemRandomNumberGenerator()
        for step in 0..<5_000 {
            let key = Int.random(in: 0..<200, using: &generator)
            if step % 7 == 0 { cache.remove(key) } else { cache.store(key, step, bytes: Int.random(in: 1...120, using: &generator)) }
            if step % 3 == 0 { _ = cache.lookup(Int.random(in: 0..<200, using: &generator)) }
            #expect(cache.bytes <= 1_000)
        }
        let keys = cache.keysByRecency
        #expect(keys.count == cache.count)
        #expect(Set(keys).count == keys.count)
        for key in keys { #expect(cache.lookup(key) != nil) }
    }

    @Test("If-None-Match matches the ETag, a weak form of it, or *, and nothing else")
    func ifNoneMatch() {
        #expect(AnswerCaching.matches("\"g1-00\"", "\"g1-00\""))
        #expect(AnswerCaching.matches("\"x\", W/\"g1-00\"", "\"g1-00\""))
        #expect(AnswerCaching.matches("*", "\"g1-00\""))
        #expect(!AnswerCaching.matches("\"g2-00\"", "\"g1-00\""))
        #expect(!AnswerCaching.matches(nil, "\"g1-00\""))
    }
}
