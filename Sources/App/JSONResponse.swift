// Building JSON responses with the HTTP module's JSONWriter.

import HTTP

package enum JSONResponse {
    package static func make(_ status: Int = 200, _ build: (inout JSONWriter) -> Void) -> HTTPResponse {
        var writer = JSONWriter()
        build(&writer)
        return HTTPResponse(status: status, contentType: "application/json", body: writer.bytes)
    }

    package static let noContent = HTTPResponse(status: 204)
}

extension JSONWriter {
    package mutating func field(_ key: String, strings values: [String]) {
        self.key(key)
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// `"key": {"latitude": …, "longitude": …}`, or null without a point (sites, cases).
    package mutating func field(_ key: String, latitude: Double?, longitude: Double?) {
        self.key(key)
        guard let latitude, let longitude else {
            raw("null".utf8)
            return
        }
        beginObject()
        field("latitude", latitude)
        field("longitude", longitude)
        endObject()
    }
}
