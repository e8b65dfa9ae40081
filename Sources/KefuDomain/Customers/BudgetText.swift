/// A budget as people write it in a spreadsheet's one 投资预算 column (issue 10, import): "500-1500万",
/// "500～1500万元", "500至1500", "500万以上", "1500万以下", "800万" — split into the lower and upper amount
/// in 万元 as the customer fields take them. Text it does not recognise is left whole in `minimum`, so
/// the customer rules refuse it with their own message.
public enum BudgetText {
    public static func split(_ text: String) -> (minimum: String, maximum: String) {
        var value = text.trimmingCharacters(in: .whitespaces)
        for unit in ["万元", "万", "w", "W"] where value.hasSuffix(unit) { value.removeLast(unit.count) }
        func number(_ part: Substring) -> String {
            var part = String(part).trimmingCharacters(in: .whitespaces)
            for unit in ["万元", "万"] where part.hasSuffix(unit) { part.removeLast(unit.count) }
            return part.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "，", with: "")
        }
        for (suffix, isMinimum) in [("及以上", true), ("以上", true), ("及以下", false), ("以下", false), ("以内", false)]
        where value.hasSuffix(suffix) {
            let amount = number(value.dropLast(suffix.count))
            return isMinimum ? (amount, "") : ("", amount)
        }
        for separator in ["-", "－", "–", "—", "~", "～", "至", "到"] {
            let parts = value.split(separator: Character(separator), maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2, !parts[0].trimmingCharacters(in: .whitespaces).isEmpty {
                return (number(parts[0]), number(parts[1]))
            }
        }
        return (number(Substring(value)), "")
    }
}
