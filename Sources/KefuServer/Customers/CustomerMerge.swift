import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Merges two files of one customer (R4.3): every record of both ends on the survivor, the
/// survivor's empty fields take the other file's values, the other file remains only as a pointer to
/// the survivor — nothing is lost, and the merge is audited and on the timeline.
struct CustomerMerge {
    let database: any Database

    struct Refusal: Error { var messageKey: String }

    @discardableResult
    func merge(
        _ duplicate: CustomerModel, into survivor: CustomerModel, duplicateVersion: Int, survivorVersion: Int,
        reason: String,
        context: AuditContext
    ) async throws -> [FieldChange] {
        let survivorID = try survivor.requireID(), duplicateID = try duplicate.requireID()
        guard survivorID != duplicateID else { throw Refusal(messageKey: "validation.customer.merge_self") }
        guard survivor.mergedIntoID == nil, duplicate.mergedIntoID == nil else {
            throw Refusal(messageKey: "validation.customer.merge_merged")
        }
        let reason = reason.trimmed
        guard reason.count >= 2 else { throw FieldErrors(["reason": "validation.customer.merge_reason"]) }
        guard survivor.version == survivorVersion else { throw CustomerConflict(current: survivor) }
        guard duplicate.version == duplicateVersion else { throw CustomerConflict(current: duplicate) }

        // The survivor keeps its own values and takes the other file's where it has none.
        let mine = survivor.values.historyFields, theirs = duplicate.values.historyFields
        var draft = survivor.draft
        let other = duplicate.draft
        for (field, value) in theirs where !value.isEmpty && (mine[field] ?? "").isEmpty {
            switch field {
            case "companyName": draft.companyName = other.companyName
            case "creditCode": draft.creditCode = other.creditCode
            case "mobile": draft.mobile = other.mobile
            case "landline": draft.landline = other.landline
            case "email": draft.email = other.email
            case "wechatID": draft.wechatID = other.wechatID
            case "province": draft.province = other.province
            case "city": draft.city = other.city
            case "address": draft.address = other.address
            case "businessScope": draft.businessScope = other.businessScope
            case "industries": draft.industries = other.industries
            case "budgetMinWan": draft.budgetMinWan = other.budgetMinWan
            case "budgetMaxWan": draft.budgetMaxWan = other.budgetMaxWan
            case "preferredRegions": draft.preferredRegions = other.preferredRegions
            case "category": draft.category = other.category
            case "grade": draft.grade = other.grade
            case "tags": draft.tags = other.tags
            case "remarks": draft.remarks = other.remarks
            case "consentChannel": draft.consentChannel = other.consentChannel
            case "consentNoticeVersion": draft.consentNoticeVersion = other.consentNoticeVersion
            default: break
            }
        }
        let values = try CustomerValidation.validate(draft, currentStage: CustomerStage(rawValue: survivor.stage)).get()
        let changes = FieldChange.between(mine, values.historyFields)

        try await database.transaction { tx in
            let sql = try tx.sql()
            for (id, version) in [(survivorID, survivorVersion), (duplicateID, duplicateVersion)] {
                let claimed = try await sql.raw(
                    "UPDATE customers SET version = version + 1 WHERE id = \(bind: id) AND version = \(bind: version) RETURNING id"
                ).all()
                guard !claimed.isEmpty else {
                    throw CustomerConflict(current: try await CustomerModel.find(id, on: tx) ?? survivor)
                }
            }
            survivor.apply(values)
            survivor.version = survivorVersion + 1
            survivor.updatedAt = context.now
            if survivor.consentAt == nil { survivor.consentAt = duplicate.consentAt }
            try await survivor.update(on: tx)
            try await ReturnVisitStore.foldDueVisits(from: duplicateID, into: survivorID, on: tx)
            // Every kind that belongs to a customer, from the declarations: a part cannot be forgotten.
            try await RecordKinds.moveRecords(
                ofCustomer: duplicateID, to: survivorID, kinds: RecordKinds.ownedByCustomers, on: tx)
            try await sql.raw(
                """
                UPDATE customers SET merged_into_id = \(bind: survivorID), updated_at = \(bind: context.now) WHERE id = \(bind: duplicateID)
                """
            ).run()
            for change in changes {
                try await CustomerChangeModel(customerID: survivorID, change: change, context: context).create(on: tx)
            }
            try await CustomerChangeModel(
                customerID: survivorID,
                change: FieldChange(field: "mergedFrom", oldValue: "", newValue: duplicate.code), context: context
            ).create(on: tx)
            try await CustomerSearchIndex.remove(customerID: duplicateID, on: tx)
            try await CustomerSearchIndex.update(customerID: survivorID, text: survivor.searchText, on: tx)
            try await Timeline.record(
                .merged, customerID: survivorID, recordType: "customer", recordID: duplicateID,
                message: StoredMessage(
                    "timeline.message.merged", ["from": "\(duplicate.code)", "to": "\(survivor.code)"]),
                quoting: reason, context: context, on: tx)
            for id in [survivorID, duplicateID] {
                try await AuditLog.record(
                    "customer.merged", recordType: "customer", recordID: String(id), fields: changes.map(\.field),
                    detail: "\(duplicate.code) into \(survivor.code): \(reason)", context: context, on: tx)
            }
        }
        duplicate.mergedIntoID = survivorID
        return changes
    }
}
