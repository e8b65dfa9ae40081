import LeafKit

/// Markup written by a Swift view for the dense, repeated parts of a page — navigation, table rows,
/// pickers of many people — which Leaf's interpreter would otherwise evaluate value by value (a list
/// page of customer rows spent most of its time there). Templates keep the page's structure and place a
/// fragment with `#fragment(…)`.
///
/// Escaping holds by construction: markup can only be a `StaticString` written in code, and every
/// value goes through ``HTMLWriter/text(_:)``, escaped as Leaf escapes. `#fragment` accepts nothing but
/// a fragment, so no string from data can reach the page unescaped through it.
struct HTMLFragment: Sendable, Equatable, Encodable {
    fileprivate(set) var html: String

    static let empty = HTMLFragment(html: "")

    private enum CodingKeys: String, CodingKey { case html = "fragmentHTML" }
}

extension HTMLFragment: LeafDataRepresentable {
    var leafData: LeafData { .dictionary([CodingKeys.html.rawValue: .string(html)]) }
}

/// Builds an ``HTMLFragment`` in one byte buffer.
struct HTMLWriter {
    private var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 1_024) { bytes.reserveCapacity(capacity) }

    /// Markup, from code only.
    mutating func raw(_ markup: StaticString) {
        markup.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A value, in text or in a quoted attribute: `& " ' < >` escaped as Leaf escapes them.
    mutating func text(_ value: String) {
        Self.appendEscaped(value, to: &bytes)
    }

    mutating func text(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A value between two pieces of markup: `element("<td>", name, "</td>")`.
    mutating func element(_ open: StaticString, _ value: String, _ close: StaticString) {
        raw(open)
        text(value)
        raw(close)
    }

    /// A table cell that names its column (`data-label`), so a `table-cards` table shows each row as a card of
    /// labelled values at phone width: `<td class="num" data-label="金额">`.
    mutating func openCell(label: String, _ attributes: StaticString = "") {
        raw("<td")
        raw(attributes)
        element(" data-label=\"", label, "\">")
    }

    /// Another fragment, already safe.
    mutating func fragment(_ fragment: HTMLFragment) {
        bytes.append(contentsOf: fragment.html.utf8)
    }

    var fragment: HTMLFragment { HTMLFragment(html: String(decoding: bytes, as: UTF8.self)) }

    static func appendEscaped(_ value: String, to bytes: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): bytes.append(contentsOf: "&#39;".utf8)
            case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
            default: bytes.append(byte)
            }
        }
    }
}

/// `#fragment(page.rows)` writes an ``HTMLFragment`` as it is, and refuses anything else.
struct FragmentTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard ctx.parameters.count == 1, let fields = ctx.parameters[0].dictionary, fields.count == 1,
            let html = fields["fragmentHTML"]?.string
        else {
            throw LeafError(.unknownError("#fragment() takes one HTMLFragment"))
        }
        return .string(html)
    }
}
