import Foundation
import KefuTesting
import SQLKit
import Testing

@testable import KefuServer

/// Row types name their properties in camelCase and are read from snake_case columns (issue 9 §10).
@Suite("Rows read through Decodable")
struct SQLRowDecodingTests {
    @Test("a property's column: trailing acronyms, digits and words after an acronym")
    func columnNames() {
        let cases = [
            "id": "id", "n": "n", "dueAt": "due_at", "staffID": "staff_id",
            "responsibleStaffID": "responsible_staff_id",
            "mobileLast4": "mobile_last4", "isActive": "is_active", "firstResponseHours": "first_response_hours",
            "URLPath": "url_path",
        ]
        for (property, column) in cases {
            #expect(SQLRowDecoder.column(for: property) == column, "\(property)")
        }
    }

    @Test("a row type reads its columns, nil for NULL, on the database")
    func decodesRows() async throws {
        try await withApp { t in
            struct Row: Decodable, Equatable { var staffID: Int; var dueAt: String; var resultNote: String? }
            let rows = try await t.app.db.sql().raw(
                "SELECT 7 AS staff_id, '2026-12-04' AS due_at, NULL AS result_note"
            ).allRows(Row.self)
            #expect(rows == [Row(staffID: 7, dueAt: "2026-12-04", resultNote: nil)])
        }
    }
}
