// The uuid-array parameter a tree read binds (`= ANY($1::uuid[])`): 1,000 ids, built by
// Array.pgText from UTF-8 bytes, against the scalar-by-scalar builder it replaced.

import Postgres

enum ArrayLiteral {
    static func run() {
        let ids = (0..<1000).map { n in "4c6a5e0e-2f7a-4f37-9a51-\(String(100_000_000_000 + n))" }
        precondition(ids.pgText == scalarByScalar(ids))
        Bench.report("uuid[] parameter of 1,000 ids: Array.pgText", Bench.median {
            for _ in 0..<100 { Bench.sink &+= ids.pgText!.utf8.count }
        }, per: 100)
        Bench.report("uuid[] parameter of 1,000 ids: the scalar-by-scalar builder", Bench.median {
            for _ in 0..<100 { Bench.sink &+= scalarByScalar(ids).utf8.count }
        }, per: 100)
    }

    /// Array.pgText before it worked on bytes.
    static func scalarByScalar(_ elements: [String?]) -> String {
        var literal = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { literal += "," }
            guard let text = element else {
                literal += "NULL"
                continue
            }
            literal += "\""
            for character in text.unicodeScalars {
                if character == "\"" || character == "\\" { literal += "\\" }
                literal.unicodeScalars.append(character)
            }
            literal += "\""
        }
        return literal + "}"
    }
}
