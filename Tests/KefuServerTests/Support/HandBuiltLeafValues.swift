import Foundation
import KefuDomain
import LeafKit

@testable import KefuServer

/// The one registry of values that give Leaf their `LeafData` by hand (`LeafDataRepresentable` in Sources), each
/// with samples. `HandBuiltLeafValueTests` compares every sample with its `Encodable` form and fails when a type in
/// Sources writes its `LeafData` by hand without being registered here, so a new one cannot be missed.
enum HandBuiltLeafValues {
    /// A sample value, its `LeafData` and its `Encodable` form.
    struct Sample {
        /// The type as Sources spells it, without module or generic arguments: `CustomerPrivacySection.Consent`.
        var typeName: String
        var leafData: LeafData
        var encoded: () throws -> Data

        init<T: Encodable & LeafDataRepresentable>(_ value: T) {
            typeName = Self.name(of: T.self)
            leafData = value.leafData
            encoded = { try JSONEncoder().encode(value) }
        }

        static func name(of type: Any.Type) -> String {
            let full = String(reflecting: type)
            let plain = full.prefix { $0 != "<" }
            return plain.hasPrefix("KefuServer.") ? String(plain.dropFirst("KefuServer.".count)) : String(plain)
        }
    }

    /// Words whose texts are their keys: the samples compare shapes, not translations.
    static let words = DisplayWords(localizer: Localizer(tables: [:]), language: .zhHans)
    static let staff = SignedInStaff(
        id: 7, username: "wangjing", displayName: "王静", departmentID: 1, role: .supervisor, language: .zhHans)
    static let viewer = Viewer(staff: staff, words: words)
    static let now = Date(timeIntervalSince1970: 1_796_000_400)

    static var samples: [Sample] {
        let listPage = customerListPage
        return [
            Sample(ChoiceOption(value: "7", labelKey: "role.specialist", label: "李娜", isSelected: true)),
            Sample(HTMLFragment.empty),
            Sample(fragment("李<娜>")),
            Sample(LayoutUser(displayName: "王静", username: "wangjing", roleKey: "role.supervisor", initial: "王")),
            Sample(FlashMessage(.success, "flash.customer_created")),
            Sample(Pager(request: Paging(number: 1, size: 20), total: 5, path: .customers, query: [:])),
            Sample(listPage.pager),
            Sample(listPage),
            Sample(pageContext(listPage)),
            Sample(customerListExtras),
            Sample(customerFilePage),
            Sample(privacySection),
            Sample(privacySection.consents[0]),
            Sample(privacySection.sharing[0]),
            Sample(
                CommunicationForm(
                    channel: "phone", direction: "inbound", durationMinutes: "5", summary: "回访", content: "内容",
                    nextStep: "下周再联系")),
            Sample(CommunicationForm()),
            Sample(glance),
            Sample(CustomerGlance(CustomerOverview(), words: words)),
            Sample(
                BoardPage(
                    columns: fragment("意向"), isTeam: true, specialists: .empty)),
            Sample(GlobalSearch.Page(q: "张伟", results: fragment("张伟 <b>"), hasQuery: true)),
        ]
    }

    /// A fragment as a Swift view writes one, holding `text` escaped.
    static func fragment(_ text: String) -> HTMLFragment {
        var html = HTMLWriter()
        html.element("<p>", text, "</p>")
        return html.fragment
    }

    static var customerListPage: CustomerListPage {
        let row = CustomerListRow(
            id: 42, code: "KH-2026-000042", kind: "company", name: "张伟", companyName: "苏州传媒有限公司",
            mobile: "13812345678", email: nil, province: "江苏", city: "苏州",
            stage: "intent", grade: "A", responsibleStaffID: 9, responsibleName: "李娜",
            updatedAt: Date(timeIntervalSince1970: 1_790_000_000)
        )
        var filter = CustomerFilter()
        filter.text = "张伟"
        filter.responsibleStaffID = 9
        return CustomerListPage(
            viewer: viewer, staff: staff, filter: filter, rows: [row], total: 1_200,
            paging: Paging(number: 2, size: 50),
            specialists: [
                StaffStore.Assignee(id: 9, displayName: "李娜"), StaffStore.Assignee(id: 10, displayName: "O'Brien <b>"),
            ]
        )
    }

    static func pageContext<Body: Encodable>(_ body: Body) -> PageContext<Body> {
        PageContext(
            lang: "zh-Hans", titleKey: "customers.title",
            user: LayoutUser(displayName: "王静", username: "wangjing", roleKey: "role.supervisor", initial: "王"),
            nav: fragment("客户"), settingsNav: .empty, hasSettingsNav: false,
            flash: FlashMessage(.success, "flash.customer_created"), csrf: "token", path: "/customers",
            refreshSeconds: 5, unread: 3, hasUnread: true, page: body)
    }

    static var customerListExtras: CustomerListExtras {
        var filter = CustomerFilter()
        filter.stage = .intent
        return CustomerListExtras(
            viewer: viewer, filter: filter, total: 12, canReassign: true,
            savedFilters: [SavedFilterStore.Row(id: 1, name: "我的意向", query: "stage=intent")], csrf: "token",
            errors: ["reason": "请填写原因"], reason: "离职", saveName: "意向")
    }

    static var customer: CustomerModel {
        let customer = CustomerModel()
        customer.id = 42
        customer.code = "KH-2026-000042"; customer.kind = "company"; customer.name = "张伟"
        customer.companyName = "苏州传媒有限公司"; customer.mobile = "13812345678"; customer.city = "苏州"
        customer.industries = "technology"; customer.timing = "within_6_months"; customer.source = "phone"
        customer.stage = "intent"; customer.tags = "重点"; customer.responsibleStaffID = 9
        customer.budgetMinYuan = 5_000_000
        customer.createdAt = now; customer.updatedAt = now; customer.version = 3
        return customer
    }

    static var customerFilePage: CustomerFilePage {
        var page = CustomerFilePage(
            viewer: viewer, customer: customer, visibility: .full, responsibleName: "李娜",
            timeline: [
                Timeline.Entry(
                    id: 1, occurredAt: now, kind: "communication", recordType: "communication", recordID: 3,
                    actorName: "李娜", summary: "电话 <回访>", messageKey: "timeline.message.text", messageArgs: "{}")
            ], timelineTotal: 1,
            paging: Paging(number: 1, size: 20), changes: [], group: .communication, canEdit: true,
            canReveal: false, canRecord: true, errors: ["summary": "请填写摘要"],
            communication: CommunicationForm(channel: "phone", summary: "回访")
        )
        page.privacy = privacySection
        page.glance = glance
        page.privacyHasPending = true
        return page
    }

    static var privacySection: CustomerPrivacySection {
        CustomerPrivacySection(
            words: words,
            consents: [
                ConsentStore.Row(
                    id: 1, purpose: "collection", status: "granted", effectiveAt: now, channel: "written",
                    evidence: "签字", noticeVersion: "2026-01", recordedAt: now, actorName: "李娜")
            ],
            sharing: [
                SharingStore.Row(
                    id: 2, customerID: 42, recipient: "律所", purpose: "sharing_legal", fields: "name,mobile",
                    note: "", status: "approved", requestedByStaffID: 7, requestedAt: now, decidedAt: nil,
                    decisionNote: nil, releaseData: nil, version: 1)
            ],
            canRecordConsent: true, canRequestSharing: true, canApprove: true, canMerge: true,
            canHandleRights: true, isAnonymized: false, staffID: 7
        )
    }

    static var glance: CustomerGlance {
        CustomerGlance(
            CustomerOverview(
                openFollowUps: [
                    .init(
                        id: 1, dueAt: now, channel: "phone", purpose: "回访", staffName: "李娜", isOverdue: true)
                ],
                openFollowUpCount: 6,
                promisedReplies: [],
                recommendations: nil),
            words: words)
    }
}
