import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

extension AuditStoredMessageTests {
    @Test(
        "the audit log names a record by its number on the page and the API, and its filter takes the number as printed",
        arguments: TestDatabase.available)
    func recordsByNumber(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let created = try await createCustomer(
                t, token: try await t.token(.specialist),
                ["name": "审计编号", "companyName": "审计编号科技有限公司", "mobile": "13700001234"])
            let id = String(created.id)
            let entries = try await Self.entries(t, query: "recordType=customer&recordID=\(id)", in: .en)
            #expect(entries[id]?.recordNumber == created.code)

            // Filtered by the number as a person reads it, lower case too: the same entry.
            let byNumber = try await Self.entries(
                t, query: "recordType=customer&recordID=\(created.code.lowercased())", in: .en)
            #expect(byNumber.keys.sorted() == [id])
            let nobody = try await Self.entries(t, query: "recordType=customer&recordID=KH-1999-000001", in: .en)
            #expect(nobody.isEmpty)

            // The page's record column reads "Customer KH-…", not the database id.
            let html = try await Self.page(t, query: "recordType=customer&recordID=\(created.code)", in: .en)
            #expect(html.contains("<td>Customer <span class=\"nowrap\">\(created.code)</span></td>"))
            // A person the log is about is named, not numbered.
            let lina = try await t.staff(.specialist)
            try await AuditLog.record(
                "staff.updated", recordType: "staff", recordID: String(try lina.requireID()), fields: ["role"],
                context: AuditContext(
                    actorStaffID: nil, actorName: "console", address: "", requestID: "r-staff", now: testStart),
                on: t.app.db)
            let people = try await Self.page(t, query: "recordType=staff", in: .en)
            #expect(people.contains("<td>Staff <span class=\"nowrap\">\(lina.displayName)</span></td>"))
            let chinese = try await Self.page(t, query: "recordType=customer", in: .zhHans)
            #expect(
                chinese.contains(
                    "<td>\(try Self.text("audit.record_type.customer", .zhHans)) <span class=\"nowrap\">\(created.code)</span></td>"
                ))
        }
    }
}
