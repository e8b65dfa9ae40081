import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The attendance section of a person's record (R5.3, R6.1): the latest marks the rules found,
/// newest first, each with its cause in words, what it deducted, whether the supervisor excused it
/// and its number — read on the marks' `(staff_id, day, kind)` unique index.
struct AttendanceRecordSection: PersonRecordSectionProvider {
    let key = "attendance"
    static let limit = 200

    func section(staffID: Int, words: DisplayWords, on database: any Database) async throws
        -> PersonRecordDocument.Section
    {
        let marks = try await database.sql().raw(
            """
            \(AttendanceStore.markSelect) WHERE m.staff_id = \(bind: staffID)
            ORDER BY m.day DESC, m.kind LIMIT \(bind: Self.limit)
            """
        ).all(decoding: AttendanceStore.MarkRow.self)
        let columns = [
            "attendance.field.day", "attendance.field.marks", "attendance.csv.deduction_days", "conduct.field.cause",
            "attendance.excused",
            "attendance.field.number",
        ]
        let rows = marks.map { mark -> [PersonRecordDocument.Cell] in
            let month = String(mark.day.prefix(7))
            return [
                .init(text: mark.day, link: SiteURL.attendancePerson(mark.staffID).path(rawQuery: "month=\(month)")),
                .init(text: words.t("attendance.mark.\(mark.kind)")),
                .init(text: mark.excusedReason == nil ? AttendanceRecordSection.days(mark.deductionDays) : "0"),
                .init(text: AttendanceAPIController.causeText(mark.cause, mark.arguments, words: words)),
                .init(text: words.orDash(mark.excusedReason)),
                // The number a penalty cites the mark by (R7.2).
                .init(text: mark.number, link: SiteURL.attendanceMark(mark.id).path),
            ]
        }
        return .init(
            key: key, title: words.t("person_record.section.attendance"), columns: columns.map { words.t($0) },
            rows: rows,
            note: rows.isEmpty ? words.t("person_record.empty") : nil)
    }

    static func days(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

}
