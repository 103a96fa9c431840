// Password hashing with scrypt: a random 16-byte salt per password, the parameters stored beside
// the hash ("scrypt$N$r$p$salt$hash", base64url) so they can be raised later without breaking
// old hashes, and a constant-time comparison.

package struct PasswordHasher: Sendable {
    package var n: UInt64 = 1 << 15       // CPU/memory cost: 32 MiB with r = 8; ~60 ms on this machine's cores
    package var r: UInt64 = 8
    package var p: UInt64 = 1
    package static let keyLength = 32

    package init() {}

    /// The encoded hash of `password`.
    package func hash(_ password: String) -> String {
        let salt = Crypto.randomBytes(16)
        let key = Crypto.scrypt(password: Array(password.utf8), salt: salt, n: n, r: r, p: p, length: Self.keyLength)!
        return "scrypt$\(n)$\(r)$\(p)$\(Base64URL.encode(salt))$\(Base64URL.encode(key))"
    }

    /// True when `password` matches `encoded`. A malformed `encoded` never matches.
    package func verify(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt",
              let n = UInt64(parts[1]), let r = UInt64(parts[2]), let p = UInt64(parts[3]),
              n > 1, n <= 1 << 20, r >= 1, r <= 32, p >= 1, p <= 16,
              let salt = Base64URL.decode(parts[4]), let expected = Base64URL.decode(parts[5]),
              let key = Crypto.scrypt(password: Array(password.utf8), salt: salt, n: n, r: r, p: p, length: expected.count)
        else { return false }
        return Crypto.constantTimeEquals(key, expected)
    }

    /// A hash of a random password, computed once: sign-in checks an unknown login against it so
    /// that "no such user" costs the same time as "wrong password".
    package static let decoy: String = PasswordHasher().hash(Base64URL.encode(Crypto.randomBytes(24)))
}
