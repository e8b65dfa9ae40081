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
        guard survivor.version == survivorVersion else {
            throw RecordConflict(CustomerFileKind.self, id: survivorID, readVersion: survivorVersion)
        }
        guard duplicate.version == duplicateVersion else {
            throw RecordConflict(CustomerFileKind.self, id: duplicateID, readVersion: duplicateVersion)
        }

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

        let audit = RecordWrite.AuditNote(
            action: "customer.merged", fields: changes.map(\.field),
            message: AuditMessage.merged(duplicate.code, into: survivor.code), quoting: reason)
        survivor.apply(values)
        if survivor.consentAt == nil { survivor.consentAt = duplicate.consentAt }
        let survivorWritten = try await database.writeTransaction { tx in
            // Both files are claimed before anything moves: a save of either since it was read
            // leaves both as they are.
            let written = try await RecordWrites.change(
                CustomerFileKind.self, id: survivorID, version: survivorVersion,
                RecordWrite(
                    set: "\(survivor.valueAssignments), consent_at = \(bind: survivor.consentAt)", audit: audit),
                context: context, on: tx)
            try await RecordWrites.change(
                CustomerFileKind.self, id: duplicateID, version: duplicateVersion,
                RecordWrite(set: "merged_into_id = \(bind: survivorID)", audit: audit), context: context, on: tx)
            try await ReturnVisitStore.foldDueVisits(from: duplicateID, into: survivorID, on: tx)
            // Every kind that belongs to a customer, from the declarations: a part cannot be forgotten.
            try await RecordKinds.moveRecords(
                ofCustomer: duplicateID, to: survivorID, kinds: RecordKinds.ownedByCustomers, on: tx)
            for change in changes {
                try await CustomerChangeModel(
                    customerID: survivorID, change: change, version: written.version, context: context
                ).create(on: tx)
            }
            try await CustomerChangeModel(
                customerID: survivorID,
                change: FieldChange(field: "mergedFrom", oldValue: "", newValue: duplicate.code),
                version: written.version, context: context
            ).create(on: tx)
            try await CustomerSearchIndex.remove(customerID: duplicateID, on: tx)
            try await CustomerSearchIndex.update(customerID: survivorID, text: survivor.searchText, on: tx)
            // On the survivor's timeline, naming the file merged into it.
            try await Timeline.record(
                .merged, customerID: survivorID, recordType: "customer", recordID: duplicateID,
                message: StoredMessage(
                    "timeline.message.merged", ["from": "\(duplicate.code)", "to": "\(survivor.code)"]),
                quoting: reason, context: context, on: tx)
            return written
        }
        survivor.version = survivorWritten.version
        survivor.updatedAt = context.now
        duplicate.mergedIntoID = survivorID
        return changes
    }
}
