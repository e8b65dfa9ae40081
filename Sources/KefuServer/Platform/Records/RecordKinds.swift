import Fluent
import Foundation
import SQLKit

/// The mechanisms every kind gets from its declaration: moving a customer's records in a merge,
/// clearing their personal data in an anonymization. The list of kinds is `RecordKinds.all`, kept
/// with the app's wiring (`App/RecordKindRegistry.swift`): Platform names no part.
enum RecordKinds {
    /// The kinds whose records belong to a customer through a column other than the file's own id.
    static func ownedByCustomers(in kinds: [any RecordKind.Type]) -> [(table: String, column: String)] {
        kinds.compactMap { kind in
            guard let column = kind.customerColumn, column != "id" else { return nil }
            return (kind.table, column)
        }
    }

    /// Moves every record of `from` to `to`, in every kind that belongs to customers.
    static func moveRecords(ofCustomer from: Int, to: Int, kinds: [any RecordKind.Type], on database: any Database)
        async throws
    {
        let sql = try database.sql()
        for (table, column) in ownedByCustomers(in: kinds) {
            try await sql.raw(
                "UPDATE \(unsafeRaw: table) SET \(unsafeRaw: column) = \(bind: to) WHERE \(unsafeRaw: column) = \(bind: from)"
            ).run()
        }
    }

    /// The ids of a customer's records of `kind`, directly or through the record it is part of;
    /// nil when the kind belongs to no customer.
    static func recordIDs(of kind: any RecordKind.Type, customer id: Int) -> SQLQueryString? {
        if let column = kind.customerColumn {
            return "SELECT id FROM \(unsafeRaw: kind.table) WHERE \(unsafeRaw: column) = \(bind: id)"
        }
        if let owner = kind.owner, let owners = recordIDs(of: owner.kind, customer: id) {
            return "SELECT id FROM \(unsafeRaw: kind.table) WHERE \(unsafeRaw: owner.column) IN (\(owners))"
        }
        return nil
    }

    /// Clears the personal columns of every record of the customer, in every kind that declares
    /// some — the customer's own file included. `marker` is what a cleared text reads as.
    static func clearPersonalData(
        ofCustomer id: Int, marker: String, kinds: [any RecordKind.Type], on database: any Database
    ) async throws {
        let sql = try database.sql()
        for kind in kinds {
            guard let column = kind.customerColumn, !kind.personal.isEmpty else { continue }
            let assignments = kind.personal.map { personal -> SQLQueryString in
                switch personal.clearing {
                case .null: return "\(unsafeRaw: personal.column) = NULL"
                case .empty: return "\(unsafeRaw: personal.column) = ''"
                case .stars: return "\(unsafeRaw: personal.column) = '***'"
                case .marker: return "\(unsafeRaw: personal.column) = \(bind: marker)"
                case .markerIfPresent:
                    return
                        "\(unsafeRaw: personal.column) = CASE WHEN \(unsafeRaw: personal.column) IS NULL THEN NULL ELSE \(bind: marker) END"
                }
            }
            try await sql.raw(
                "UPDATE \(unsafeRaw: kind.table) SET \(assignments.joined(separator: ", ")) WHERE \(unsafeRaw: column) = \(bind: id)"
            ).run()
        }
        // What the write path kept of those columns' changes.
        try await RecordChanges.clearPersonal(ofCustomer: id, marker: marker, kinds: kinds, on: database)
    }
}
