import KefuDomain
import LeafKit
import Vapor

/// `#options(list)` writes the `<option>`s of a select from ``ChoiceOption``s: the label localized from
/// `labelKey`, or `label` as it is, HTML-escaped; `selected` where `isSelected`. `#options(list, false)`
/// ignores the selection (a second select over the same list).
///
/// A tag rather than a `#for` loop because Leaf resolves every `#(o.value)` by splitting the key path
/// and walking dictionaries: a list page with two selects of 200 staff spent most of its time there.
struct OptionsTag: UnsafeUnescapedLeafTag {
    let localizer: Localizer

    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let options = ctx.parameters.first?.array else {
            throw LeafError(.unknownError("#options() needs a list of choices"))
        }
        let marksSelection = ctx.parameters.count < 2 || ctx.parameters[1].bool != false
        let language = ctx.data["lang"]?.string.flatMap(Language.init(rawValue:)) ?? ctx.request?.language ?? .zhHans
        var html = ""
        html.reserveCapacity(options.count * 48)
        for option in options {
            guard let fields = option.dictionary else { continue }
            let labelKey = fields["labelKey"]?.string ?? ""
            let label = labelKey.isEmpty ? fields["label"]?.string ?? "" : localizer.text(labelKey, language)
            html += "<option value=\"" + (fields["value"]?.string ?? "").escapedForHTML + "\""
            if marksSelection, fields["isSelected"]?.bool == true { html += " selected" }
            html += ">" + label.escapedForHTML + "</option>"
        }
        return .string(html)
    }
}
