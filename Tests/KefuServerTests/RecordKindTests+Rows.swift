import Fluent
import Foundation
import KefuTesting
import SQLKit
import Testing

@testable import KefuServer

extension RecordKindTests {
    @Test(
        "every kind read as a row type reads only its table's columns and the joins it names, and every kind a route loads declares its row",
        arguments: TestDatabase.available)
    func rowKeysAreColumns(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            for kind in RecordKinds.all + RecordKinds.mechanisms {
                if kind is any LoadableRecordKind.Type {
                    #expect(kind.row != nil, "\(kind.recordType) is loaded by routes: declare the row it is read as")
                }
                guard let row = kind.row else { continue }
                let columns = try await t.columns(of: kind.table)
                switch row {
                case .model(let model):
                    let keys = Set(model.keys.map(\.description))
                    #expect(
                        keys.subtracting(columns).isEmpty,
                        "\(kind.table) lacks the model's fields \(keys.subtracting(columns).sorted())")
                case .decoded(let type, let fromElsewhere):
                    let keys = try Self.columnsRead(by: type)
                    let stray = keys.subtracting(columns).subtracting(fromElsewhere)
                    #expect(stray.isEmpty, "\(kind.recordType) reads \(stray.sorted()), which \(kind.table) lacks")
                    #expect(
                        fromElsewhere.isSubset(of: keys),
                        "\(kind.recordType) names keys from elsewhere it never reads: \(fromElsewhere.subtracting(keys).sorted())"
                    )
                    #expect(
                        fromElsewhere.isDisjoint(with: columns),
                        "\(kind.recordType) names its own columns as from elsewhere: \(fromElsewhere.intersection(columns).sorted())"
                    )
                }
            }
        }
    }

    @Test("the row check finds every key a row type reads, optional or not, under its own coding keys")
    func columnsReadByARow() throws {
        struct Sample: Decodable {
            var id: Int, staffID: Int?, dueAt: Date, mobileLast4: String?, done: Bool
        }
        struct Keyed: Decodable {
            var n: Int, label: String?
            enum CodingKeys: String, CodingKey { case n = "figure_n", label = "label_text" }
        }
        #expect(try Self.columnsRead(by: Sample.self) == ["id", "staff_id", "due_at", "mobile_last4", "done"])
        #expect(try Self.columnsRead(by: Keyed.self) == ["figure_n", "label_text"])
    }

    /// The columns a row type asks for when it is decoded the way stores decode it (snake_case columns).
    static func columnsRead<Row: Decodable>(by type: Row.Type) throws -> Set<String> {
        let asked = AskedColumns()
        _ = try SQLRowDecoder.snakeCaseColumns.decode(Row.self, from: KeyCollectingRow(asked: asked))
        return asked.columns
    }
}

/// The names a decoder asked for.
private final class AskedColumns: @unchecked Sendable {
    var columns: Set<String> = []
}

/// A row with every column: it answers each with a plain value (nil for optionals) and notes the name.
private struct KeyCollectingRow: SQLRow {
    let asked: AskedColumns
    var allColumns: [String] { [] }

    func contains(column: String) -> Bool {
        asked.columns.insert(column)
        return true
    }

    func decodeNil(column: String) throws -> Bool {
        asked.columns.insert(column)
        return true
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        asked.columns.insert(column)
        let plain: Any? =
            switch type {
            case is Int.Type: 0
            case is Int64.Type: Int64(0)
            case is Double.Type: 0.0
            case is String.Type: ""
            case is Bool.Type: false
            case is Date.Type: Date(timeIntervalSince1970: 0)
            case is Data.Type: Data()
            case is UUID.Type: UUID()
            default: nil
            }
        guard let value = plain as? D else {
            throw DecodingError.typeMismatch(
                type, .init(codingPath: [], debugDescription: "no plain value of \(type) for \(column)"))
        }
        return value
    }
}
