// libFuzzer target for the HTTP/1.1 request parser: arbitrary bytes, fed whole and split at
// arbitrary points. The parser must never trap, and must frame the same requests (or the same
// failure) however the bytes are split, as a connection's reads split them. Built only by
// scripts/fuzz.sh (-sanitize=fuzzer,address); see docs/security.md, "Fuzzing".

import HTTP

/// Small limits, so inputs of a few KiB reach the 431 and 413 paths too.
private let limits = HTTPLimits(maxHeaderBytes: 1_024, maxBodyBytes: 2_048)

/// The first byte seeds the split points; the rest is what the client sent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let whole = frame(bytes, pieces: [bytes.count])
    let split = frame(bytes, pieces: pieceSizes(seed: data[0], total: bytes.count))
    if whole != split {
        fatalError("the parser frames differently when split:\nwhole: \(whole)\nsplit: \(split)")
    }
    return 0
}

/// Piece lengths summing to `total`, from 1 to (seed % 64) + 1 bytes each.
private func pieceSizes(seed: UInt8, total: Int) -> [Int] {
    var state = UInt32(seed) &* 2_654_435_761 | 1
    var sizes: [Int] = []
    var left = total
    while left > 0 {
        state = state &* 1_103_515_245 &+ 12_345
        let size = min(left, Int(state >> 16) % (Int(seed % 64) + 1) + 1)
        sizes.append(size)
        left -= size
    }
    return sizes
}

/// Every request and failure the parser reports, fed in `pieces` and compacted between reads
/// as HTTPConnection does. 100-continue is left out: it depends on how much body has arrived.
private func frame(_ bytes: [UInt8], pieces: [Int]) -> [String] {
    var parser = HTTPParser(limits: limits)
    var buffer: [UInt8] = []
    var start = 0
    var offset = 0
    var events: [String] = []
    for piece in pieces {
        buffer.append(contentsOf: bytes[offset..<offset + piece])
        offset += piece
        while true {
            switch parser.next(buffer, start: &start) {
            case .needMore:
                buffer.removeFirst(start)
                start = 0
            case .expectContinue:
                continue
            case .request(let request):
                events.append("\(request.method) \(request.target) \(request.headers.fields.count) \(request.body)")
                continue
            case .failure(let error):
                events.append("failure \(error)")
                return events
            }
            break
        }
    }
    return events
}
