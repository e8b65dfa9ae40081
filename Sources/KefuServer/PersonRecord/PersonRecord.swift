import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// A person's record (R5.3, R6, R7): the basis for pay and promotion — attendance, violations, awards,
/// penalties, assessments and plans, each a section of rows in words. Visible to the person, their
/// supervisor and leadership only; the page, the JSON and the CSV are the same document.
struct PersonRecordDocument: Content {
    struct Cell: Content {
        var text: String
        var link: String?
    }

    struct Section: Content {
        /// `attendance`, `violations`, `awards`, `penalties`, `assessments`, `plans`.
        var key: String
        var title: String
        var columns: [String]
        var rows: [[Cell]]
        /// Why the section has no rows when its part records nothing yet (attendance before it lands).
        var note: String?
    }

    var staffID: Int
    var name: String
    var department: String
    var role: String
    var sections: [Section]
}

/// A section another part adds to the record (attendance; training when it lands): registered in
/// `app.personRecordSections` by its key; a key the record expects but nobody provides shows a note,
/// never made-up rows.
protocol PersonRecordSectionProvider: Sendable {
    var key: String { get }
    func section(staffID: Int, words: DisplayWords, on database: any Database) async throws
        -> PersonRecordDocument.Section
}

extension Application {
    private struct PersonRecordSectionsKey: StorageKey { typealias Value = [any PersonRecordSectionProvider] }

    /// The parts that add a section to a person's record. Issue 15's attendance part registers its
    /// provider with key `attendance` here.
    var personRecordSections: [any PersonRecordSectionProvider] {
        get { storage[PersonRecordSectionsKey.self] ?? [] }
        set { storage[PersonRecordSectionsKey.self] = newValue }
    }
}

/// Reads a person's record: one indexed query per section, on the `(staff_id, …)` index of each part.
struct PersonRecordReader {
    let database: any Database
    let words: DisplayWords
    let providers: [any PersonRecordSectionProvider]

    /// The sections in the order the regulation lists them; provided sections by key.
    static let order = ["attendance", "violations", "awards", "penalties", "assessments", "plans"]
    /// How many rows each section reads at most, newest first (the page says when a section reaches it).
    static let shownAtMost = [
        "attendance": AttendanceRecordSection.limit, "violations": 200, "awards": 200, "penalties": 200,
        "assessments": 100, "plans": 100,
    ]

    func read(_ person: ConductPerson) async throws -> PersonRecordDocument {
        var sections: [PersonRecordDocument.Section] = []
        for key in Self.order {
            if let provider = providers.first(where: { $0.key == key }) {
                sections.append(try await provider.section(staffID: person.id, words: words, on: database))
                continue
            }
            switch key {
            case "violations": sections.append(try await violations(person.id))
            case "awards": sections.append(try await awards(person.id))
            case "penalties": sections.append(try await penalties(person.id))
            case "assessments": sections.append(try await assessments(person.id))
            case "plans": sections.append(try await plans(person.id))
            default:
                sections.append(
                    .init(
                        key: key, title: words.t("person_record.section.\(key)"), columns: [], rows: [],
                        note: words.t("person_record.not_recorded.\(key)")))
            }
        }
        let department =
            try await database.sql().raw("SELECT name FROM departments WHERE id = \(bind: person.departmentID)")
            .first()?
            .decode(column: "name", as: String.self) ?? "—"
        return PersonRecordDocument(
            staffID: person.id, name: person.displayName, department: department,
            role: words.label("role", person.role),
            sections: sections)
    }

    private func cell(_ text: String?, _ link: String? = nil) -> PersonRecordDocument.Cell {
        .init(text: words.orDash(text), link: link)
    }

    private func section(_ key: String, _ columns: [String], _ rows: [[PersonRecordDocument.Cell]])
        -> PersonRecordDocument.Section
    {
        .init(
            key: key, title: words.t("person_record.section.\(key)"),
            columns: columns.map { words.t("conduct.field.\($0)") }, rows: rows,
            note: rows.isEmpty ? words.t("person_record.empty") : nil)
    }

    func violations(_ staffID: Int) async throws -> PersonRecordDocument.Section {
        let rows = try await ViolationStore(database: database).list(ConductFilter(departmentID: nil, staffID: staffID))
        return section(
            "violations", ["occurred_at", "type", "description", "response", "outcome"],
            rows.map {
                [
                    cell(DisplayFormat.dateTime($0.occurredAt), SiteURL.conductViolation($0.id).path),
                    cell(words.label("conduct.violation_type", $0.type)),
                    cell($0.description), cell($0.response), cell(words.label("conduct.outcome", $0.outcome)),
                ]
            })
    }

    func awards(_ staffID: Int) async throws -> PersonRecordDocument.Section {
        let rows = try await AwardStore(database: database).list(ConductFilter(departmentID: nil, staffID: staffID))
        return section(
            "awards", ["decided_at", "award_kind", "forms", "bonus", "citation", "status"],
            rows.map {
                [
                    cell(DisplayFormat.dateTime($0.decidedAt), SiteURL.conductAward($0.id).path),
                    cell(words.label("conduct.award_kind", $0.kind) + ($0.period.map { " \($0)" } ?? "")),
                    cell(words.list($0.formList.map { words.label("conduct.form", $0) })),
                    cell($0.bonus.map { "¥\($0)" }), cell($0.citation),
                    cell(words.label("conduct.award_status", $0.status)),
                ]
            })
    }

    func penalties(_ staffID: Int) async throws -> PersonRecordDocument.Section {
        let rows = try await PenaltyStore(database: database).list(ConductFilter(departmentID: nil, staffID: staffID))
        let conduct = ConductWords(
            words: words, numbers: try await RecordReferences.numbers(of: rows.map(\.cause), on: database))
        return section(
            "penalties", ["imposed_at", "penalty_kind", "amount", "cause", "reason", "status"],
            rows.map {
                [
                    cell(DisplayFormat.dateTime($0.imposedAt), SiteURL.conductPenalty($0.id).path),
                    cell(words.label("conduct.penalty_kind", $0.kind)),
                    cell($0.amount.map { "¥\($0)" }), cell(conduct.cause($0.cause), conduct.link($0.cause)),
                    cell($0.reason),
                    cell(words.label("conduct.penalty_status", $0.status)),
                ]
            })
    }

    func assessments(_ staffID: Int) async throws -> PersonRecordDocument.Section {
        struct Row: Decodable {
            var id: Int; var name: String; var periodStart: String; var periodEnd: String; var total: Double?
            var grade: String?; var state: String
        }
        let rows = try await database.sql().raw(
            """
            SELECT a.id, c.name, c.period_start, c.period_end, a.total, a.grade, a.state FROM assessments a JOIN assessment_cycles c ON c.id = a.cycle_id
            WHERE a.staff_id = \(bind: staffID) ORDER BY c.period_start DESC, a.id DESC LIMIT 100
            """
        ).allRows(Row.self)
        return section(
            "assessments", ["cycle", "period", "total", "grade", "state"],
            rows.map { row in
                [
                    cell(row.name, SiteURL.assessment(row.id).path),
                    cell("\(row.periodStart) – \(row.periodEnd)"),
                    cell(row.total.map(AssessmentCalculation.text)),
                    cell(row.grade.map { words.label("assessment.grade", $0) }),
                    cell(words.label("assessment.state", row.state)),
                ]
            })
    }

    func plans(_ staffID: Int) async throws -> PersonRecordDocument.Section {
        struct Row: Decodable {
            var id: Int; var title: String; var periodStart: String; var periodEnd: String
            var resultNote: String?
        }
        let rows = try await database.sql().raw(
            """
            SELECT id, title, period_start, period_end, result_note FROM work_plans WHERE staff_id = \(bind: staffID)
            ORDER BY period_start DESC, id DESC LIMIT 100
            """
        ).allRows(Row.self)
        return section(
            "plans", ["plan", "period", "result"],
            rows.map { row in
                [
                    cell(row.title, SiteURL.workPlan(row.id).path),
                    cell("\(row.periodStart) – \(row.periodEnd)"),
                    cell(row.resultNote),
                ]
            })
    }

    /// The record as CSV: one line per row, the section's title first.
    static func csv(_ document: PersonRecordDocument, words: DisplayWords) -> String {
        var rows: [[String]] = []
        for section in document.sections {
            rows.append([section.title] + section.columns)
            if section.rows.isEmpty { rows.append([section.title, section.note ?? ""]) }
            for row in section.rows { rows.append([section.title] + row.map(\.text)) }
        }
        return CSVTable.write(
            header: [words.t("person_record.csv.name"), document.name, document.department, document.role], rows: rows)
    }
}

/// Conduct's codes in words: types, kinds, statuses, and a cited record by its number ("投诉 TS-2026-000012").
struct ConductWords {
    let words: DisplayWords
    /// The numbers of the records cited (``RecordReferences/numbers(of:on:)``): a cited complaint reads
    /// as 投诉 TS-2026-000002; a record without a number by its id.
    var numbers: [RecordReference: String] = [:]

    func cause(_ reference: RecordReference?) -> String {
        guard let reference else { return "—" }
        let kind = words.label("audit.record_type", reference.type)
        if isWithdrawn(reference) { return words.t("conduct.cause_withdrawn", ["cause": "\(kind) #\(reference.id)"]) }
        return "\(kind) " + (numbers[reference] ?? "#\(reference.id)")
    }

    /// A cited record of a numbered kind that no longer has a number no longer exists: an attendance mark the
    /// rules withdrew when a correction or leave was approved. Its penalty keeps the citation, said so, unlinked.
    func isWithdrawn(_ reference: RecordReference) -> Bool {
        RecordReferences.kind(named: reference.type)?.numbering != nil && numbers[reference] == nil
    }

    /// Where a cited record is read, for the kinds that have a page and records that still exist.
    func link(_ reference: RecordReference?) -> String? {
        guard let reference, !isWithdrawn(reference) else { return nil }
        return Self.path(reference)
    }

    private static func path(_ reference: RecordReference) -> String? {
        switch reference.type {
        case ViolationRecordKind.recordType: return SiteURL.conductViolation(reference.id).path
        case "complaint": return SiteURL.complaint(reference.id).path
        case "contract": return SiteURL.contract(reference.id).path
        case "assessment": return SiteURL.assessment(reference.id).path
        case "inquiry": return SiteURL.inquiry(reference.id).path
        case AttendanceMarkRecordKind.recordType: return SiteURL.attendanceMark(reference.id).path
        default: return nil
        }
    }
}
