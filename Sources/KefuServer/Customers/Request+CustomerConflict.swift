import Foundation
import KefuDomain
import Vapor

/// The customer file keeps its own change history (`customer_changes`, see docs/architecture.md), so
/// a save on a stale version shows what was changed since from there, in the one conflict view of
/// pages (`partials/conflict.leaf`) and with the file page's masking.
extension Request {
    /// The conflict view of a customer file: what was changed since the version the form was read at.
    /// The form itself is shown again as typed, on the current version.
    func customerConflictView(_ conflict: RecordConflict, customer: CustomerModel) async throws -> ConflictView {
        var view = try await conflict.pageView(for: self, keepsTyped: true)
        let masked = try contactVisibility(of: customer.recordFacts) == .masked
        let words = self.words
        view.changes = try await CustomerChangeModel.recent(
            customerID: conflict.recordID, after: conflict.readVersion, limit: 50, on: db
        ).map { change in
            let hide = masked && CustomerValues.contactFields.contains(change.field)
            func value(_ text: String) -> String {
                hide ? ContactMasking.maskMiddle(text) : words.customerValue(field: change.field, value: text)
            }
            return ConflictView.Change(
                changedAt: DisplayFormat.dateTime(change.changedAt), actorName: words.actor(change.actorName),
                field: t("customer.field.\(change.field)"), oldValue: value(change.oldValue),
                newValue: value(change.newValue))
        }
        return view
    }
}
