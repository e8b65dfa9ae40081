import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor

@testable import KefuServer

/// The write path's cases for the parts of a record and the settings that claimed their versions by
/// hand before (issue 9 §2): a contract's checklist item and obligation, a procedure's step, a
/// complaint's forward, a complaint category, a severity's time limits and a department's inspection settings. A part's
/// timeline entry names the record it is part of, on that record's customer.
extension RecordWriteTests {
    static func column(_ t: TestApp, _ query: SQLQueryString) async throws -> Int {
        try #require(try await t.app.db.sql().raw(query).first()?.decode(column: "value", as: Int.self))
    }

    static let partCases: [Case] = [
        Case(
            recordType: ChecklistItemKind.recordType,
            make: { t in
                let contract = try await ContractTests.draft(t, token: try await t.token(.specialist))
                return (try #require(contract.checklist.first).id, contract.customerID)
            },
            change: { t, id, version in
                let contractID = try await column(
                    t, "SELECT contract_id AS value FROM contract_checklist_items WHERE id = \(bind: id)")
                return try await ContractTests.call(
                    t, .PATCH, "/api/v1/contracts/\(contractID)/checklist/\(id)", token: try await t.token(.specialist),
                    ["status": "rejected", "reason": "复印件不清晰", "version": number(version)])
            }, changed: ["status", "reason"], answersCurrent: false),
        Case(
            recordType: ObligationRecordKind.recordType,
            make: { t in
                let lina = try await t.token(.specialist)
                let contract = try await ObligationTests.signed(t, token: lina)
                let obligation = try await ObligationTests.addObligation(
                    t, contractID: contract.id, token: lina, title: "提交年度经营报告")
                return (obligation.id, contract.customerID)
            },
            change: { t, id, version in
                try await ContractTests.call(
                    t, .POST, "/api/v1/obligations/\(id)/fulfilment", token: try await t.token(.specialist),
                    ["version": number(version)])
            }, changed: ["done_at", "done_by_staff_id"], answersCurrent: false),
        Case(
            recordType: ProcedureStepKind.recordType,
            make: { t in
                let lina = try await t.token(.specialist)
                let customerID = try await customer(t, "吴磊", "13700005555")
                let procedure = try await ProcedureTests.start(t, customerID: customerID, token: lina)
                return (try #require(procedure.steps.first).id, customerID)
            },
            change: { t, id, version in
                let procedureID = try await column(
                    t, "SELECT procedure_id AS value FROM procedure_steps WHERE id = \(bind: id)")
                return try await ContractTests.call(
                    t, .PATCH, "/api/v1/procedures/\(procedureID)/steps/\(id)", token: try await t.token(.specialist),
                    ["status": "done", "note": "名称已通过", "version": number(version)])
            }, changed: ["status", "started_on", "done_on", "helper_staff_id", "note"], answersCurrent: false),
        Case(
            recordType: ComplaintForwardKind.recordType,
            make: { t in
                let lina = try await t.token(.specialist)
                let complaint = try await ComplaintTests.file(t, token: lina)
                let legal = try await ComplaintTests.legalDepartment(t)
                let (status, body) = try await ComplaintTests.call(
                    t, .POST, "/api/v1/complaints/\(complaint.id)/forwards", token: lina,
                    [
                        "departmentID": number(legal), "request": "请核实物业合同中清运条款", "dueAt": "2026-12-02T17:00",
                        "version": number(complaint.version),
                    ])
                #expect(status == .created, "\(body)")
                let forward = try #require(try ComplaintTests.decode(body).forwards?.first)
                return (forward.id, complaint.customerID)
            },
            change: { t, id, version in
                let complaintID = try await column(
                    t, "SELECT complaint_id AS value FROM complaint_forwards WHERE id = \(bind: id)")
                return try await ComplaintTests.call(
                    t, .POST, "/api/v1/complaints/\(complaintID)/forwards/\(id)/chase",
                    token: try await t.token(.specialist), ["version": number(version)])
            }, changed: ["chased_at"],
            // The department answers on the version read before the chase.
            later: { t, id, version in
                try await ComplaintTests.call(
                    t, .POST, "/api/v1/complaint-forwards/\(id)/answer", token: try await t.token(.liaison),
                    ["answer": "已责令物业三日内清理。", "version": number(version)])
            }, answersCurrent: false),
        Case(
            recordType: ComplaintCategoryKind.recordType,
            make: { t in
                let (status, body) = try await ComplaintTests.call(
                    t, .POST, "/api/v1/complaint-categories", token: try await t.token(.supervisor),
                    ["code": "parking", "name": "停车管理"])
                #expect(status == .created, "\(body)")
                return (
                    try await column(t, "SELECT id AS value FROM complaint_categories WHERE code = 'parking'"), nil
                )
            },
            change: { t, _, version in
                try await ComplaintTests.call(
                    t, .PUT, "/api/v1/complaint-categories/parking", token: try await t.token(.supervisor),
                    ["name": "停车与交通", "isActive": false, "version": number(version)])
            }, changed: ["name", "is_active"], answersCurrent: false),
        Case(
            recordType: InspectionSettingsKind.recordType,
            make: { t in
                let (status, body) = try await ContractTests.call(
                    t, .POST, "/api/v1/inspections/settings", token: try await t.token(.supervisor),
                    ["checklist": inspectionChecklist(polite: 60), "version": 0])
                #expect(status == .ok, "\(body)")
                return (try await column(t, "SELECT MAX(id) AS value FROM inspection_settings"), nil)
            },
            change: { t, _, version in
                try await ContractTests.call(
                    t, .POST, "/api/v1/inspections/settings", token: try await t.token(.supervisor),
                    ["checklist": inspectionChecklist(polite: 70), "phrases": ["不知道"], "version": number(version)])
            }, changed: ["checklist", "phrases"], answersCurrent: false),
        Case(
            recordType: ComplaintTimeLimitKind.recordType,
            make: { t in
                (try await column(t, "SELECT id AS value FROM complaint_time_limits WHERE severity = 'normal'"), nil)
            },
            change: { t, _, version in
                try await ComplaintTests.call(
                    t, .PUT, "/api/v1/complaint-time-limits/normal", token: try await t.token(.supervisor),
                    [
                        "firstResponseHours": 6, "updateHours": 16, "resolutionHours": 100,
                        "version": number(version),
                    ])
            }, changed: ["first_response_hours", "update_hours", "resolution_hours"], answersCurrent: false),
    ]

    static func inspectionChecklist(polite: Int) -> JSONValue {
        [
            ["code": "polite", "name": "礼貌用语", "weight": number(polite)],
            ["code": "accurate", "name": "答复准确", "weight": number(100 - polite)],
        ]
    }
}
