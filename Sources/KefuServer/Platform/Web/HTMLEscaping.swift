extension String {
    /// The five characters Leaf escapes (`& " ' < >`) as entities, exactly as Leaf writes them. Leaf's own
    /// `htmlEscaped()` builds the result scalar by scalar; tags that write many values use this one,
    /// which returns text without those characters as it is.
    var escapedForHTML: String {
        guard
            utf8.contains(where: {
                $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'")
                    || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
            })
        else {
            return self
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + 16)
        HTMLWriter.appendEscaped(self, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
