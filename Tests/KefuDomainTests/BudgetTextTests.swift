import KefuDomain
import Testing

@Suite("A budget as written in a spreadsheet (issue 10, import)")
struct BudgetTextTests {
    @Test(
        "ranges, open ends, units and separators",
        arguments: [
            ("500-1500万", "500", "1500"), ("500～1500万元", "500", "1500"), ("500万-1500万", "500", "1500"),
            ("500至1500", "500", "1500"),
            ("1,000-2,000", "1000", "2000"), ("500万以上", "500", ""), ("1500万以下", "", "1500"), ("800万", "800", ""),
            (" 300 ", "300", ""),
            ("面议", "面议", ""),
        ])
    func split(text: String, minimum: String, maximum: String) {
        let result = BudgetText.split(text)
        #expect(result.minimum == minimum && result.maximum == maximum, "\(text)")
    }
}
