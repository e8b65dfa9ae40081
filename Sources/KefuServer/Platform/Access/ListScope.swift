import KefuDomain
import Vapor

/// Whose records a list shows: the caller's own, the whole team, or one person of the team
/// (`scope=mine`, default team for those who may see it; `staff=<id>` opens one person's list).
struct ListScope {
    /// The caller may see everyone's records for the action.
    var canSeeTeam: Bool
    /// The list shows more than the caller's own.
    var isTeam: Bool
    /// The person whose records to show; nil for the whole team.
    var staffID: Int?
}

extension Request {
    func listScope(for action: Action) throws -> ListScope {
        let staff = try requireStaff()
        let canSeeTeam = AccessPolicy.widestScope(of: staff.role, for: action) == .any
        let isTeam = canSeeTeam && query[String.self, at: "scope"] != "mine"
        return ListScope(
            canSeeTeam: canSeeTeam, isTeam: isTeam, staffID: isTeam ? query[Int.self, at: "staff"] : staff.id)
    }
}
