import Fluent
import KefuDomain
import KefuTesting
import Testing

@testable import KefuServer

extension TestApp {
    func staff(_ username: String) async throws -> StaffModel {
        try #require(try await StaffModel.query(on: app.db).filter(\.$username == username).first())
    }

    func staff(_ role: Role) async throws -> StaffModel {
        try await staff(Self.usernames[role]!)
    }

    func auditEntries(_ action: String) async throws -> [AuditEntryModel] {
        try await AuditEntryModel.query(on: app.db).filter(\.$action == action).sort(\.$id).all()
    }
}
