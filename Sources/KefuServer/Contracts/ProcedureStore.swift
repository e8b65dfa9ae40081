import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Business registration, tax registration and the other procedures a partner goes through (R3.4):
/// step lists with the guidance given, the documents each step needs, status, dates and who helps.
struct CreateProcedures: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("procedures")
            .field("id", .int, .identifier(auto: true))
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("contract_id", .int, .references("contracts", "id"))
            .field("type", .string, .required)
            .field("staff_id", .int, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("procedure_steps")
            .field("id", .int, .identifier(auto: true))
            .field("procedure_id", .int, .required, .references("procedures", "id"))
            .field("position", .int, .required)
            .field("code", .string, .required)
            .field("status", .string, .required)
            .field("started_on", .string)
            .field("done_on", .string)
            .field("helper_staff_id", .int, .references("staff", "id"))
            .field("note", .string)
            .field("version", .int, .required)
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX procedures_customer ON procedures (customer_id, id)").run()
        try await sql.raw("CREATE INDEX procedure_steps_procedure ON procedure_steps (procedure_id, position)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("procedure_steps").delete()
        try await database.schema("procedures").delete()
    }
}

struct ProcedureStore {
    let database: any Database

    struct Step: Decodable, Sendable {
        var id: Int, procedureID: Int, position: Int, code: String, status: String, startedOn: String?, doneOn: String?
        var helperStaffID: Int?, helperName: String?, note: String?, version: Int
        /// The step's own texts when its type's step was written by the supervisor; nil for a built-in step.
        var name: String?, guidance: String?, documents: String?
        enum CodingKeys: String, CodingKey {
            case id, position, code, status, note, version, name, guidance, documents
            case procedureID = "procedure_id", startedOn = "started_on", doneOn = "done_on", helperStaffID =
                "helper_staff_id", helperName = "helper_name"
        }
        var stepStatus: ProcedureStepStatus { ProcedureStepStatus(rawValue: status) ?? .pending }
    }

    struct Procedure: Decodable, Sendable {
        var id: Int, customerID: Int, contractID: Int?, contractNumber: String?, type: String, staffID: Int?,
            createdAt: Date
        enum CodingKeys: String, CodingKey {
            case id, type
            case customerID = "customer_id", contractID = "contract_id", contractNumber = "contract_number", staffID =
                "staff_id", createdAt = "created_at"
        }
    }

    func procedures(customerID: Int) async throws -> [(Procedure, [Step])] {
        let sql = try database.sql()
        let procedures = try await sql.raw(
            """
            SELECT procedures.id, procedures.customer_id, procedures.contract_id, contracts.number AS contract_number, procedures.type,
                   procedures.staff_id, procedures.created_at
            FROM procedures LEFT JOIN contracts ON contracts.id = procedures.contract_id
            WHERE procedures.customer_id = \(bind: customerID) ORDER BY procedures.id
            """
        ).all(decoding: Procedure.self)
        guard !procedures.isEmpty else { return [] }
        let steps = try await sql.raw(
            """
            SELECT procedure_steps.id, procedure_steps.procedure_id, procedure_steps.position, procedure_steps.code, procedure_steps.status,
                   procedure_steps.started_on, procedure_steps.done_on, procedure_steps.helper_staff_id, staff.display_name AS helper_name,
                   procedure_steps.note, procedure_steps.version, procedure_steps.name, procedure_steps.guidance, procedure_steps.documents
            FROM procedure_steps LEFT JOIN staff ON staff.id = procedure_steps.helper_staff_id
            WHERE procedure_steps.procedure_id IN (\(binds: procedures.map(\.id))) ORDER BY procedure_steps.procedure_id, procedure_steps.position
            """
        ).all(decoding: Step.self)
        let byProcedure = Dictionary(grouping: steps, by: \.procedureID)
        return procedures.map { ($0, byProcedure[$0.id] ?? []) }
    }

    func find(_ id: Int) async throws -> Procedure? {
        try await database.sql().raw(
            """
            SELECT procedures.id, procedures.customer_id, procedures.contract_id, contracts.number AS contract_number, procedures.type,
                   procedures.staff_id, procedures.created_at
            FROM procedures LEFT JOIN contracts ON contracts.id = procedures.contract_id WHERE procedures.id = \(bind: id)
            """
        ).first(decoding: Procedure.self)
    }

    struct StartInput: Codable, Sendable { var type: String; var contractID: Int? }

    /// Starts a procedure for the customer with its type's steps (a type in use: built-in or added by
    /// the supervisor), all pending; one of each type per customer. The steps keep the texts they
    /// start with.
    func start(customerID: Int, _ input: StartInput, labels: ContractLabels, context: AuditContext) async throws -> Int
    {
        guard let type = try await ProcedureTemplateStore(database: database).entry(input.type)?.template, type.isActive
        else {
            throw FieldErrors(["type": "validation.choose_from_list"])
        }
        return try await database.writeTransaction { tx in
            let sql = try tx.sql()
            if try await sql.raw(
                "SELECT id FROM procedures WHERE customer_id = \(bind: customerID) AND type = \(bind: type.code)"
            ).first() != nil {
                throw FieldErrors(["type": "validation.procedure.exists"])
            }
            if let contractID = input.contractID,
                try await sql.raw(
                    "SELECT id FROM contracts WHERE id = \(bind: contractID) AND customer_id = \(bind: customerID)"
                ).first() == nil
            {
                throw FieldErrors(["contractID": "validation.choose_from_list"])
            }
            let id = try await sql.raw(
                """
                INSERT INTO procedures (customer_id, contract_id, type, staff_id, created_at, updated_at)
                SELECT id, \(bind: input.contractID), \(bind: type.code), COALESCE(responsible_staff_id, \(bind: context.actorStaffID)),
                       \(bind: context.now), \(bind: context.now)
                FROM customers WHERE id = \(bind: customerID) RETURNING id
                """
            ).first()?.decode(column: "id", as: Int.self)
            guard let id else { throw KefuError.notFound }
            for (position, step) in type.steps.enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO procedure_steps (procedure_id, position, code, status, version, name, guidance, documents, created_at, updated_at)
                    VALUES (\(bind: id), \(bind: position + 1), \(bind: step.code), 'pending', 1, \(bind: step.name), \(bind: step.guidance), \(bind: step.documents),
                            \(bind: context.now), \(bind: context.now))
                    """
                ).run()
            }
            try await Timeline.record(
                .procedure, customerID: customerID, recordType: ProcedureRecordKind.recordType, recordID: id,
                message: StoredMessage(
                    "timeline.message.procedure_started",
                    ["type": .name(type.name, orTerm: "procedure.type.\(type.code)")]),
                context: context, on: tx)
            try await AuditLog.record(
                "procedure.started", recordType: ProcedureRecordKind.recordType, recordID: String(id), fields: ["type"],
                message: AuditMessage.procedureStarted(
                    customer: "\(customerID)", type: .name(type.name, orTerm: "procedure.type.\(type.code)")),
                context: context, on: tx)
            return id
        }
    }

    struct StepInput: Codable, Sendable {
        var status: String; var note: String?; var helperStaffID: Int?; var version: Int?
    }

    /// Moves a step on (pending → in progress → done, in order), with the date of each and who helps.
    func update(
        _ procedure: Procedure, stepID: Int, _ input: StepInput, today: CalendarDay, labels: ContractLabels,
        context: AuditContext
    ) async throws {
        guard let status = ProcedureStepStatus(rawValue: input.status) else {
            throw FieldErrors(["status": "validation.choose_from_list"])
        }
        guard let version = input.version else { throw FieldErrors(["version": "validation.required"]) }
        let note = (input.note ?? "").trimmed
        if note.count > 1000 { throw FieldErrors(["note": "validation.too_long"]) }
        try await database.writeTransaction { tx in
            if let helper = input.helperStaffID,
                try await tx.sql().raw("SELECT id FROM staff WHERE id = \(bind: helper) AND is_active = \(bind: true)")
                    .first() == nil
            {
                throw FieldErrors(["helperStaffID": "validation.choose_from_list"])
            }
            let steps =
                try await ProcedureStore(database: tx).procedures(customerID: procedure.customerID).first {
                    $0.0.id == procedure.id
                }?.1 ?? []
            guard let index = steps.firstIndex(where: { $0.id == stepID }) else { throw KefuError.notFound }
            if let problem = ProcedureRules.stepProblem(steps.map(\.stepStatus), index: index, to: status) {
                throw FieldErrors(["status": problem])
            }
            let step = steps[index]
            let startedOn = step.startedOn ?? (status == .pending ? nil : today.description)
            let doneOn = status == .done ? (step.doneOn ?? today.description) : nil
            let typeName = try await ProcedureTemplateStore(database: tx).entry(procedure.type)?.template.name
            let stepName = StoredArgument.name(step.name, orTerm: "procedure.step.\(step.code)")
            try await RecordWrites.change(
                ProcedureStepKind.self, id: stepID, version: version,
                RecordWrite(
                    set: """
                        status = \(bind: status.rawValue), started_on = \(bind: startedOn), done_on = \(bind: doneOn),
                        helper_staff_id = COALESCE(\(bind: input.helperStaffID), helper_staff_id, \(bind: context.actorStaffID)),
                        note = \(bind: note.isEmpty ? step.note : note)
                        """,
                    timeline: .init(
                        kind: .procedure,
                        message: StoredMessage(
                            "timeline.message.procedure_step",
                            [
                                "type": .name(typeName, orTerm: "procedure.type.\(procedure.type)"), "step": stepName,
                                "status": .term("procedure.status.\(status.rawValue)"),
                            ]),
                        about: .init(
                            recordType: ProcedureRecordKind.recordType, recordID: procedure.id,
                            customerID: procedure.customerID)),
                    audit: .init(
                        action: "procedure.step_updated", fields: ["status", "note", "helperStaffID"],
                        message: AuditMessage.procedureStep(stepName, status: status.rawValue))),
                context: context, on: tx)
        }
    }
}
