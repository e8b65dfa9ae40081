import SQLKit

/// The rows the demo loaders read back to act as the people and on the files the earlier loaders made.
enum DemoRows {
    /// A member of staff by username: who acts, and in which department.
    struct Person: Decodable { var id: Int; var departmentID: Int }
    /// A member of staff as the loaders sign their steps: id and username (and department, for liaisons).
    struct Account: Decodable { var id: Int; var username: String; var departmentID: Int? }
    /// A customer with their specialist (joined, so never nil) and the specialist's username; `name` and `stage`
    /// where the query reads them.
    struct Customer: Decodable {
        var id: Int; var responsibleStaffID: Int; var username: String; var name: String?; var stage: String?
    }
    struct Department: Decodable { var id: Int; var code: String }

    static func person(_ username: String, on sql: any SQLDatabase) async throws -> Person? {
        try await sql.raw("SELECT id, department_id FROM staff WHERE username = \(bind: username)").firstRow(
            Person.self)
    }

    /// Every liaison, who answers what is forwarded to their department.
    static func liaisons(on sql: any SQLDatabase) async throws -> [Account] {
        try await sql.raw("SELECT id, username, department_id FROM staff WHERE role = 'liaison'").allRows(Account.self)
    }
}
