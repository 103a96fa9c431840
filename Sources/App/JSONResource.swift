// A resource with one JSON encoder, `write(to:)`; `json` is its bytes on their own: an answer's
// body, an audit row's before or after. Every area's models conform, so none writes the bytes
// helper again.

import HTTP

package protocol JSONResource {
    func write(to json: inout JSONWriter)
}

extension JSONResource {
    package var json: [UInt8] {
        var json = JSONWriter()
        write(to: &json)
        return json.bytes
    }
}
