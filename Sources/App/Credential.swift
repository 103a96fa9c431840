// The bearer secrets orgd issues, and how a presented one is read. A secret is 256 random bits
// in base64url behind a prefix that says its kind and (for tenant secrets) its tenant:
//
//   orgd_u_<tenant uuid, 32 hex>_<secret>   a user's session token (from sign-in)
//   orgd_k_<tenant uuid, 32 hex>_<secret>   an API key
//   orgd_p_<secret>                         a platform key
//
// The tenant in the prefix only says where to look: the token's SHA-256 digest must still match
// a live row in that tenant's tables, under that tenant's row-level security.

package struct Credential: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        case session
        case apiKey
        case platform
    }

    package let kind: Kind
    package let tenantID: String?          // canonical lower-case UUID; nil for platform keys
    package let digest: [UInt8]            // SHA-256 of the whole presented text

    /// Reads `Authorization: Bearer <secret>`; nil when the text is not a well-formed orgd secret.
    package static func parse(bearer text: String) -> Credential? {
        // The secret itself may contain "_" (base64url): split off only the known prefix fields.
        if text.hasPrefix("orgd_p_") {
            guard isSecret(text.dropFirst(7)) else { return nil }
            return Credential(kind: .platform, tenantID: nil, digest: Crypto.sha256(text))
        }
        let kind: Kind
        if text.hasPrefix("orgd_u_") { kind = .session } else if text.hasPrefix("orgd_k_") { kind = .apiKey } else { return nil }
        let rest = text.dropFirst(7)
        guard rest.utf8.count == 32 + 1 + 43, let tenant = uuid(fromHex: rest.prefix(32)),
              rest.dropFirst(32).first == "_", isSecret(rest.dropFirst(33)) else { return nil }
        return Credential(kind: kind, tenantID: tenant, digest: Crypto.sha256(text))
    }

    /// A new secret of `kind` for `tenantID`: the text to hand out once, and its digest to store.
    package static func issue(_ kind: Kind, tenantID: String?) -> (text: String, digest: [UInt8]) {
        let secret = Base64URL.encode(Crypto.randomBytes(32))
        let text: String
        switch kind {
        case .session: text = "orgd_u_\(hex(fromUUID: tenantID!))_\(secret)"
        case .apiKey: text = "orgd_k_\(hex(fromUUID: tenantID!))_\(secret)"
        case .platform: text = "orgd_p_\(secret)"
        }
        return (text, Crypto.sha256(text))
    }

    private static func isSecret(_ text: Substring) -> Bool {
        text.utf8.count == 43 && Base64URL.decode(String(text)) != nil
    }

    private static func hex(fromUUID uuid: String) -> String {
        uuid.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// "0123…" (32 hex digits) → "01234567-89ab-…"; nil unless exactly 32 hex digits.
    package static func uuid(fromHex text: Substring) -> String? {
        guard text.utf8.count == 32 else { return nil }
        var uuid: [UInt8] = []
        uuid.reserveCapacity(36)
        for (index, byte) in text.utf8.enumerated() {
            let lower = byte >= 65 && byte <= 70 ? byte + 32 : byte      // A-F as a-f
            guard (lower >= 48 && lower <= 57) || (lower >= 97 && lower <= 102) else { return nil }
            if index == 8 || index == 12 || index == 16 || index == 20 { uuid.append(45) }   // "-"
            uuid.append(lower)
        }
        return String(decoding: uuid, as: UTF8.self)
    }
}
