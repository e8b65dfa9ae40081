import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The write path's cases for the front line's kinds (issue 9 §2): the customer file, inquiries and
/// promised replies, follow-ups, sharing requests, return visits and their settings, and the
/// contract and procedure types the supervisor keeps.
extension RecordWriteTests {
    static func id(_ body: String) throws -> Int {
        try #require((try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["id"] as? Int)
    }

    static func customer(_ t: TestApp, _ name: String, _ mobile: String) async throws -> Int {
        try await createCustomer(
            t, token: try await t.token(.specialist), ["name": name, "companyName": "\(name)的贸易有限公司", "mobile": mobile]
        ).id
    }

    static let frontLineCases: [Case] = [
        Case(
            recordType: CustomerFileKind.recordType,
            make: { t in
                let id = try await customer(t, "赵敏", "13700001111")
                return (id, id)
            },
            change: { t, id, version in
                try await ContractTests.call(
                    t, .PATCH, "/api/v1/customers/\(id)", token: try await t.token(.specialist),
                    ["city": "苏州", "version": number(version)])
            },
            // The file keeps its own history (`customer_changes`), not change rows.
            changed: []),
        Case(
            recordType: InquiryKind.recordType,
            make: { t in
                let inquiry = try #require(
                    try await InquiryTests().post(
                        t, try await t.token(.specialist),
                        InquiryInput(
                            customer: .init(name: "钱进", mobile: "13700002222", companyName: "钱氏电子有限公司"),
                            channel: "phone", question: "园区有没有人才公寓？", answeredOnTheSpot: false,
                            promisedBy: "2026-12-08 10:00"), expect: .created))
                return (inquiry.id, inquiry.customerID)
            },
            change: { t, id, version in
                try await ContractTests.call(
                    t, .POST, "/api/v1/inquiries/\(id)/reply", token: try await t.token(.specialist),
                    ["reply": "有，首年租金减半", "version": number(version)])
            }, changed: ["status", "reply"]),
        Case(
            recordType: FollowUpKind.recordType,
            make: { t in
                let customerID = try await customer(t, "孙立", "13700003333")
                let (status, body) = try await ContractTests.call(
                    t, .POST, "/api/v1/customers/\(customerID)/follow-ups", token: try await t.token(.specialist),
                    ["dueAt": "2026-12-08T10:00", "channel": "phone", "purpose": "确认选址意向"])
                #expect(status == .created, "\(body)")
                return (try id(body), customerID)
            },
            change: { t, id, version in
                try await ContractTests.call(
                    t, .POST, "/api/v1/follow-ups/\(id)/reschedule", token: try await t.token(.specialist),
                    ["dueAt": "2026-12-09T15:00", "reason": "客户出差", "version": number(version)])
            }, changed: ["due_at"]),
        Case(
            recordType: SharingRequestKind.recordType,
            make: { t in
                let lina = try await t.token(.specialist)
                let customerID = try await customer(t, "周明", "13700004444")
                try await PrivacyTests().consent(t, lina, customerID, .shareFinancing, .granted)
                let (status, body) = try await ContractTests.call(
                    t, .POST, "/api/v1/customers/\(customerID)/sharing-requests", token: lina,
                    [
                        "recipient": "浦发银行张江科技支行", "purpose": "share_financing", "fields": ["name", "mobile"],
                        "note": "融资对接",
                    ])
                #expect(status == .created, "\(body)")
                return (try id(body), customerID)
            },
            change: { t, id, version in
                try await ContractTests.call(
                    t, .POST, "/api/v1/sharing-requests/\(id)/approve", token: try await t.token(.supervisor),
                    ["note": "同意", "version": number(version)])
            }, changed: ["status", "decision_note"]),
        Case(
            recordType: ReturnVisitKind.recordType,
            make: { t in
                let customerID = try await ReturnVisitTests.customer(
                    t, token: try await t.token(.specialist), name: "吴芳", mobile: "13700005555", stage: "partner",
                    grade: "A", daysAgo: 200)
                try await ReturnVisitStore(database: t.app.db).scheduleDue(now: t.clock.clock.now)
                return (try await ReturnVisitTests.visit(t, customerID: customerID).id, customerID)
            },
            change: { t, id, version in
                try await ContractTests.call(
                    t, .POST, "/api/v1/return-visits/\(id)/result", token: try await t.token(.specialist),
                    [
                        "channel": "phone", "satisfaction": 5, "cooperation": "good", "notes": "厂房运转正常",
                        "version": number(version),
                    ])
            }, changed: ["state", "channel", "satisfaction", "cooperation", "notes"]),
        Case(
            recordType: ReturnVisitSettingsKind.recordType,
            make: { t in
                let (status, body) = try await settings(t, aDays: 30, version: 0)
                #expect(status == .ok, "\(body)")
                return (1, nil)
            },
            change: { t, _, version in try await settings(t, aDays: 45, version: version) },
            changed: ["days_a"], answersCurrent: false),
        Case(
            recordType: ContractTemplateKind.recordType,
            make: { t in
                let (status, body) = try await ContractTests.call(
                    t, .POST, "/api/v1/contract-templates", token: try await t.token(.supervisor),
                    contractType("代建协议", version: nil))
                #expect(status == .created, "\(body)")
                return (try await templateID(t, "contract_templates", code: body), nil)
            },
            change: { t, id, version in
                let code = try await templateCode(t, "contract_templates", id)
                var body = try await stored(
                    t, "/api/v1/contract-templates", code: code, keeping: ["documents", "clauses"])
                body["name"] = "代建管理协议"
                body["version"] = number(version)
                return try await ContractTests.call(
                    t, .PUT, "/api/v1/contract-templates/\(code)", token: try await t.token(.supervisor), body)
            }, changed: ["name"], answersCurrent: false),
        Case(
            recordType: ProcedureTemplateKind.recordType,
            make: { t in
                let (status, body) = try await ContractTests.call(
                    t, .POST, "/api/v1/procedure-templates", token: try await t.token(.supervisor),
                    ProcedureTemplateTests.energyReview)
                #expect(status == .created, "\(body)")
                return (try await templateID(t, "procedure_templates", code: body), nil)
            },
            change: { t, id, version in
                let code = try await templateCode(t, "procedure_templates", id)
                var changed = try await stored(t, "/api/v1/procedure-templates", code: code, keeping: ["steps"])
                changed["name"] = "节能审查（新）"
                changed["version"] = number(version)
                return try await ContractTests.call(
                    t, .PUT, "/api/v1/procedure-templates/\(code)", token: try await t.token(.supervisor), changed)
            }, changed: ["name"], answersCurrent: false),
    ]

    static func settings(_ t: TestApp, aDays: Int, version: Int) async throws -> (HTTPStatus, String) {
        try await ContractTests.call(
            t, .PUT, "/api/v1/return-visit-settings", token: try await t.token(.supervisor),
            [
                "daysByGrade": ["A": number(aDays), "B": 60, "C": 90, "D": 180], "ungradedDays": 90, "lowScore": 2,
                "version": number(version),
            ])
    }

    static func contractType(_ name: String, version: Int?) -> [String: JSONValue] {
        var body: [String: JSONValue] = [
            "name": .string(name), "documents": [["name": "营业执照"], ["name": "建设用地规划许可证"]],
            "clauses": [["name": "代建范围"], ["name": "工期与质量"]],
        ]
        if let version { body["version"] = number(version) }
        return body
    }

    /// The row of a type added through the API, from the code its answer names.
    static func templateID(_ t: TestApp, _ table: String, code body: String) async throws -> Int {
        let code = try #require(
            (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["code"] as? String)
        return try #require(
            try await t.app.db.sql().raw("SELECT id FROM \(unsafeRaw: table) WHERE code = \(bind: code)").first()?
                .decode(column: "id", as: Int.self))
    }

    /// The lists of a type as the API shows them, to send back unchanged with their codes.
    static func stored(_ t: TestApp, _ path: String, code: String, keeping keys: [String]) async throws
        -> [String: JSONValue]
    {
        let (_, body) = try await ContractTests.call(t, .GET, path, token: try await t.token(.supervisor))
        let all = try JSONDecoder().decode([[String: JSONValue]].self, from: Data(body.utf8))
        let type = try #require(all.first { $0["code"] == .string(code) })
        return type.filter { keys.contains($0.key) }
    }

    static func templateCode(_ t: TestApp, _ table: String, _ id: Int) async throws -> String {
        try #require(
            try await t.app.db.sql().raw("SELECT code FROM \(unsafeRaw: table) WHERE id = \(bind: id)").first()?
                .decode(column: "code", as: String.self))
    }
}
