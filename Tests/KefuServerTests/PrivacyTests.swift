import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

@Suite("Merge, consent, sharing and the customer's rights (R4.3, R4.4, PIPL)")
struct PrivacyTests {
    func communicate(_ t: TestApp, _ token: String, _ id: Int, _ summary: String) async throws {
        try await t.app.testing().test(
            .POST, "/api/v1/customers/\(id)/communications",
            beforeRequest: { req in
                req.bearer(token);
                try req.content.encode(CommunicationRecordDTO(channel: "phone", direction: "inbound", summary: summary))
            }
        ) { res async throws in #expect(res.status == .created) }
    }

    func consent(_ t: TestApp, _ token: String, _ id: Int, _ purpose: ConsentPurpose, _ status: ConsentStatus)
        async throws
    {
        try await t.app.testing().test(
            .POST, "/api/v1/customers/\(id)/consents",
            beforeRequest: { req in
                req.bearer(token)
                try req.content.encode(
                    ConsentDTO(
                        purpose: purpose.rawValue, status: status.rawValue, channel: "written",
                        evidence: "签字同意书 2026-11-30", noticeVersion: "2026-01"))
            }
        ) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
    }

    @Test("a merge keeps every record of both files on the survivor and is audited and on the timeline")
    func merge() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let survivor = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let duplicate = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "上海浦江科技有限公司", "email": "zw@pujiang.cn"],
                duplicateReason: "电话里没问手机")
            try await communicate(t, lina, survivor.id, "第一次来电")
            try await communicate(t, lina, duplicate.id, "邮件询问园区")
            try await consent(t, lina, duplicate.id, .marketing, .granted)
            let before =
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM timeline_entries").first()?.decode(
                    column: "n", as: Int.self) ?? 0
            let specialistRefused = try await t.token(.specialist)
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(survivor.id)/merge",
                beforeRequest: { req in
                    req.bearer(specialistRefused)
                    try req.content.encode(
                        PrivacyAPIController.MergeRequest(
                            duplicateID: duplicate.id, version: survivor.version, duplicateVersion: duplicate.version,
                            reason: "同一客户"))
                }
            ) { res async throws in #expect(res.status == .forbidden) }
            let supervisor = try await t.token(.supervisor)
            let currentSurvivor = try #require(try await CustomerModel.find(survivor.id, on: t.app.db))
            let currentDuplicate = try #require(try await CustomerModel.find(duplicate.id, on: t.app.db))
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(survivor.id)/merge",
                beforeRequest: { req in
                    req.bearer(supervisor)
                    try req.content.encode(
                        PrivacyAPIController.MergeRequest(
                            duplicateID: duplicate.id, version: currentSurvivor.version,
                            duplicateVersion: currentDuplicate.version, reason: "同一客户的两份档案"))
                }
            ) { res async throws in
                #expect(res.status == .ok, "\(res.body.string)")
                let merged = try res.content.decode(CustomerDTO.self)
                #expect(merged.email == "zw@pujiang.cn", "the survivor takes the other file's missing fields")
                #expect(merged.mobile == "13812345678")
            }
            let sql = try t.app.db.sql()
            let communications = try await sql.raw("SELECT customer_id FROM communication_records").all().map {
                try $0.decode(column: "customer_id", as: Int.self)
            }
            #expect(communications == [survivor.id, survivor.id])
            #expect(
                try await sql.raw("SELECT COUNT(*) AS n FROM consents WHERE customer_id = \(bind: survivor.id)")
                    .first()?.decode(column: "n", as: Int.self) == 1)
            let after =
                try await sql.raw("SELECT COUNT(*) AS n FROM timeline_entries WHERE customer_id = \(bind: survivor.id)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            #expect(after == before + 1, "every earlier entry moved to the survivor, plus the merge itself")
            #expect(try await CustomerModel.find(duplicate.id, on: t.app.db)?.mergedIntoID == survivor.id)
            try await t.app.testing().test(
                .GET, "/api/v1/customers?q=%E5%BC%A0%E4%BC%9F", beforeRequest: { req in req.bearer(supervisor) }
            ) { res async throws in
                #expect(try res.content.decode(PageDTO<CustomerSummaryDTO>.self).items.map(\.id) == [survivor.id])
            }
            #expect(try await t.auditEntries("customer.merged").count == 2)
        }
    }

    @Test(
        "sharing needs consent for the purpose and the supervisor's approval; exactly the named fields are released; withdrawal blocks new sharing"
    )
    func sharing() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: lina,
                ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678", "email": "zw@pujiang.cn"])
            let request = SharingRequestDTO(
                recipient: "浦发银行张江科技支行", purpose: "share_financing", fields: ["name", "mobile"], note: "融资对接")
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/sharing-requests",
                beforeRequest: { req in
                    req.bearer(lina); try req.content.encode(request)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity, "no consent yet")
            }
            try await consent(t, lina, customer.id, .shareFinancing, .granted)
            var requestID = 0
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/sharing-requests",
                beforeRequest: { req in
                    req.bearer(lina); try req.content.encode(request)
                }
            ) { res async throws in
                #expect(res.status == .created)
                requestID = try res.content.decode(SharingRequestDTO.self).id ?? 0
            }
            try await t.app.testing().test(
                .GET, "/api/v1/sharing-requests/\(requestID)/release", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                #expect(res.status == .notFound, "nothing is released before approval")
            }
            try await t.app.testing().test(
                .POST, "/api/v1/sharing-requests/\(requestID)/approve",
                beforeRequest: { req in
                    req.bearer(lina); try req.content.encode(PrivacyAPIController.Decision(version: 1, note: "同意"))
                }
            ) { res async throws in #expect(res.status == .forbidden) }
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(
                .POST, "/api/v1/sharing-requests/\(requestID)/approve",
                beforeRequest: { req in
                    req.bearer(supervisor);
                    try req.content.encode(PrivacyAPIController.Decision(version: 1, note: "客户已书面同意"))
                }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(try res.content.decode(SharingRequestDTO.self).status == "approved")
            }
            try await t.app.testing().test(
                .GET, "/api/v1/sharing-requests/\(requestID)/release", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                #expect(res.status == .ok)
                let released = try JSONDecoder().decode([String: String].self, from: Data(res.body.readableBytesView))
                #expect(Set(released.keys) == ["code", "name", "mobile"])
                #expect(released["mobile"] == "13812345678")
                #expect(!res.body.string.contains("zw@pujiang.cn"))
            }
            let colleague = try await staffToken(t, "zhangwei")
            try await t.app.testing().test(
                .GET, "/api/v1/sharing-requests/\(requestID)/release", beforeRequest: { req in req.bearer(colleague) }
            ) { res async throws in
                #expect(res.status == .forbidden)
            }
            #expect(try await t.auditEntries("sharing.released").count == 1)
            #expect(try await t.auditEntries("sharing.downloaded").count == 1)
            try await consent(t, lina, customer.id, .shareFinancing, .withdrawn)
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/sharing-requests",
                beforeRequest: { req in
                    req.bearer(lina); try req.content.encode(request)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity, "withdrawn consent blocks new sharing")
            }
        }
    }

    @Test("a pending request whose consent was withdrawn cannot be approved")
    func withdrawnBeforeApproval() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            try await consent(t, lina, customer.id, .shareGovernment, .granted)
            let id = try await SharingStore(database: t.app.db).request(
                SharingRequestDTO(recipient: "浦东新区商务委", purpose: "share_government", fields: ["companyName"]),
                customerID: customer.id,
                context: .console(now: testStart))
            t.clock.advance(by: 60)
            try await consent(t, lina, customer.id, .shareGovernment, .withdrawn)
            try await t.app.testing().test(
                .POST, "/api/v1/sharing-requests/\(id)/approve",
                beforeRequest: { req in
                    req.bearer(try await t.token(.supervisor));
                    try req.content.encode(PrivacyAPIController.Decision(version: 1, note: "ok"))
                }
            ) { res async throws in #expect(res.status == .unprocessableEntity) }
        }
    }

    @Test("the supervisor produces a copy of all data about a customer, as JSON and CSV, audited")
    func dataCopy() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            try await communicate(t, lina, customer.id, "询问临港园区")
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/data-copy", beforeRequest: { req in req.bearer(supervisor) }
            ) { res async throws in
                let copy = try res.content.decode(DataSubjectRights.DataCopy.self)
                #expect(copy.customer.mobile == "13812345678")
                #expect(copy.communications.map(\.summary) == ["询问临港园区"])
            }
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/data-copy?format=csv",
                beforeRequest: { req in req.bearer(supervisor) }
            ) { res async throws in
                #expect(res.body.string.contains("询问临港园区"))
            }
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/data-copy", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                #expect(res.status == .forbidden)
            }
            #expect(try await t.auditEntries("customer.data_copied").count == 2)
        }
    }

    @Test("anonymization removes personal data everywhere, search included, and keeps the statistics")
    func anonymize() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678", "city": "上海"])
            try await communicate(t, lina, customer.id, "张伟说下周来看厂房")
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries",
                beforeRequest: { req in
                    req.bearer(lina)
                    try req.content.encode(
                        InquiryInput(
                            customerID: customer.id, channel: "phone", question: "张伟问 13812345678 能否回电", answer: "已回电"))
                }
            ) { res async throws in #expect(res.status == .created) }
            _ = try await FollowUpStore(database: t.app.db).plan(
                .init(dueAt: "2026-12-07T10:00", channel: "phone", purpose: "给张伟回电"),
                customerID: customer.id, context: .console(now: testStart), timeZone: DisplayFormat.timeZone)
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/anonymize",
                beforeRequest: { req in
                    req.bearer(supervisor); try req.content.encode(["reason": "客户 2026-11-30 书面申请删除个人信息"])
                }
            ) { res async throws in
                #expect(res.status == .ok)
                let dto = try res.content.decode(CustomerDTO.self)
                #expect(dto.name == "[已匿名化]" && dto.mobile == nil && dto.companyName == nil)
                #expect(dto.city == "上海" && dto.industries == ["technology"] && dto.stage == "lead")
            }
            let sql = try t.app.db.sql()
            let texts = try await sql.raw(
                """
                SELECT summary AS t FROM communication_records UNION ALL SELECT summary FROM timeline_entries
                UNION ALL SELECT old_value FROM customer_changes UNION ALL SELECT new_value FROM customer_changes UNION ALL SELECT search_text FROM customers
                UNION ALL SELECT question FROM inquiries UNION ALL SELECT COALESCE(answer, '') FROM inquiries UNION ALL SELECT purpose FROM follow_ups
                """
            ).all().map { try $0.decode(column: "t", as: String.self) }
            #expect(!texts.contains { $0.contains("张伟") || $0.contains("13812345678") })
            try await t.app.testing().test(
                .GET, "/api/v1/customers?q=%E5%BC%A0%E4%BC%9F", beforeRequest: { req in req.bearer(supervisor) }
            ) { res async throws in
                #expect(try res.content.decode(PageDTO<CustomerSummaryDTO>.self).items.isEmpty)
            }
            try await t.app.testing().test(
                .GET, "/api/v1/customers?q=5678", beforeRequest: { req in req.bearer(supervisor) }
            ) { res async throws in
                #expect(try res.content.decode(PageDTO<CustomerSummaryDTO>.self).items.isEmpty)
            }
            #expect(try await t.auditEntries("customer.anonymized").count == 1)
        }
    }
}
