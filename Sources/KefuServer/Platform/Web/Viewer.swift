import KefuDomain
import Vapor

/// What the signed-in person may do, as a value a view model can ask without the request: the role's
/// grants and, given a record's facts, the grant on that record (R2.1, R4.4). Nobody signed in may do nothing.
struct Permissions: Sendable {
    var actor: Actor?

    /// Whether the role may do `action` at all.
    func allows(_ action: Action) -> Bool {
        actor.map { AccessPolicy.allows($0.role, action) } ?? false
    }

    /// Whether the person may do `action` to the record these facts describe.
    func permits(_ action: Action, on facts: RecordFacts) -> Bool {
        actor.map { AccessPolicy.permits($0, action, on: facts) } ?? false
    }
}

/// Who is looking at a page: the signed-in person, what they may do and the words of their language.
/// A view model takes this and the rows a controller read, never the `Request` (STYLE.md, issue 9 §10),
/// so it can be built and tested from values and cannot start I/O of its own.
struct Viewer: Sendable {
    var staff: SignedInStaff?
    var permissions: Permissions
    var words: DisplayWords

    init(staff: SignedInStaff?, words: DisplayWords) {
        self.staff = staff
        self.permissions = Permissions(actor: staff?.actor)
        self.words = words
    }

    /// The text of a key in the viewer's language.
    func t(_ key: String, _ arguments: [String: String] = [:]) -> String { words.t(key, arguments) }
}

extension Request {
    /// The person asking, their permissions and their language's words, for building view models.
    var viewer: Viewer { Viewer(staff: staff, words: words) }
}
