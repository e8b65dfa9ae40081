import Foundation
import Testing

@testable import KefuServer

/// The list pages whose rows Swift writes (contracts, obligations and payments, complaints): what Leaf wrote
/// before — links, tags, labels for a phone, the receipt form — with every value escaped.
@Suite("List rows written by Swift")
struct ListViewTests {
    let words: (String, [String: String]) -> String = { key, arguments in
        arguments.isEmpty
            ? "«\(key)»"
            : "«\(key) " + arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                + "»"
    }

    @Test("contract rows: number linked, values escaped, state tag, legal review and overdue only when they apply")
    func contractRows() {
        let row = ContractsController.ListPage.Row(
            id: 7, number: "HT-2026-000007", customerName: "张<伟>", projectName: "—", typeLabel: "租赁", title: "厂房 & 仓库",
            amountWan: "360", staffName: "李娜", state: "signed", stateKey: "contract.state.signed", overdue: 2,
            reviewKey: "contract.review.forwarded", isForwarded: true, updatedAt: "2026-12-01 10:00"
        )
        var quiet = row
        quiet.id = 8; quiet.overdue = 0; quiet.isForwarded = false
        let html = ContractListView.rows([row, quiet], t: words).html
        #expect(
            html.contains(
                "<td class=\"nowrap\" data-label=\"«contract.field.number»\"><a href=\"/contracts/7\"><code>HT-2026-000007</code></a>"
            ))
        #expect(
            html.contains("<td data-label=\"«contract.field.customer»\">张&lt;伟&gt;</td>")
                && html.contains("厂房 &amp; 仓库"))
        #expect(html.components(separatedBy: "data-label=").count == 1 + 2 * 8, "every cell labelled for a phone")
        #expect(html.contains("<span class=\"tag contract-signed\">«contract.state.signed»</span>"))
        #expect(html.components(separatedBy: "«contract.review.forwarded»").count == 2)
        #expect(html.components(separatedBy: "«contracts.overdue_count count=2»").count == 2)
        #expect(html.components(separatedBy: "<tr>").count == 3)
    }

    @Test(
        "obligation rows: overdue marked; on the payments list the receipt form with the CSRF token and version, or the received tag"
    )
    func obligationRows() {
        let due = ObligationsController.ListPage.Row(
            id: 3, contractID: 9, contractNumber: "HT-2026-000009", customerName: "王<芳>",
            kindKey: "obligation.kind.payment", title: "首期款",
            dueOn: "2026-11-30", amountWan: "60", staffName: "李娜", isOverdue: true, isDone: false, version: 4
        )
        var done = due
        done.id = 4; done.isOverdue = false; done.isDone = true
        let duties = ObligationListView.rows([due, done], isPayments: false, canReceive: false, csrf: "tok", t: words)
            .html
        #expect(
            duties.contains(
                "<td class=\"nowrap overdue\" data-label=\"«obligation.field.dueOn»\">2026-11-30 · «obligations.overdue»</td>"
            ))
        #expect(duties.components(separatedBy: "data-label=").count == 1 + 2 * 6)
        #expect(
            duties.contains("<a href=\"/contracts/9\"><code>HT-2026-000009</code></a>") && duties.contains("王&lt;芳&gt;")
        )
        #expect(!duties.contains("receipt"))
        let payments = ObligationListView.rows(
            [due, done], isPayments: true, canReceive: true, csrf: "t\"ok", t: words
        ).html
        #expect(
            payments.contains("action=\"/payments/3/receipt\"") && payments.contains("value=\"t&quot;ok\"")
                && payments.contains("name=\"version\" value=\"4\""))
        #expect(
            payments.contains("<span class=\"tag tag-green\">«payments.received»</span>")
                && !payments.contains("/payments/4/receipt"))
        #expect(!payments.contains("href=\"/contracts/9\""))
    }

    @Test(
        "complaint rows: every cell labelled for a phone, severity coloured, late time in red, level and silence tags only when they apply"
    )
    func complaintRows() {
        let urgent = ComplaintsController.ListPage.Item(
            id: 5, number: "TS-2026-000005", customerName: "赵<六>", categoryName: "服务", severity: "urgent",
            severityKey: "complaint.severity.urgent",
            state: "in_progress", stateKey: "complaint.state.in_progress", staffName: "李娜",
            receivedAt: "2026-12-01 09:00",
            timeLeft: "超时 1 小时", isLate: true, level: 2, hasLevel: true, isSilent: true
        )
        var normal = urgent
        normal.id = 6; normal.severity = "normal"; normal.isLate = false; normal.hasLevel = false;
        normal.isSilent = false
        let html = ComplaintListView.rows([urgent, normal], t: words).html
        #expect(
            html.contains(
                "<td class=\"nowrap\" data-label=\"«complaint.field.number»\"><a href=\"/complaints/5\"><code>TS-2026-000005</code></a></td>"
            ))
        #expect(html.contains("赵&lt;六&gt;"))
        #expect(
            html.contains("<span class=\"tag tag-red\">«complaint.severity.urgent»</span>") && html.contains("tag-grey")
        )
        #expect(html.components(separatedBy: "text-danger").count == 2)
        #expect(html.components(separatedBy: "«complaint.level level=2»").count == 2)
        #expect(html.components(separatedBy: "«complaint.silent»").count == 2)
        #expect(html.components(separatedBy: "data-label=").count == 1 + 2 * 8)
    }
}
