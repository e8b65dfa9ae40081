import Foundation
import KefuDomain
import Vapor

/// Puts the training part's codes into words in the reader's language.
struct TrainingWords: Sendable {
    let words: DisplayWords

    func area(_ code: String) -> String { words.label("training.area", code) }
    func method(_ code: String) -> String { words.label("training.method", code) }
    func planState(_ code: String) -> String { words.label("training.plan_state", code) }
    func sessionState(_ code: String) -> String { words.label("training.session_state", code) }
    func figure(_ code: String) -> String { words.label("assessment.figure", code) }
}

extension Request {
    var trainingWords: TrainingWords { TrainingWords(words: words) }

    /// A session of the path's `id`, after asking the policy about it: the supervisor of its department
    /// and leadership reach any; a specialist only a session they are enrolled in (their enrolment
    /// makes it "their own"). 404 when there is none, 403 with an audit entry otherwise.
    func trainingSession(for action: Action) async throws -> TrainingStore.SessionRow {
        let store = TrainingStore(database: db)
        guard let id = parameters.get("id", as: Int.self), let row = try await store.session(id) else {
            throw KefuError.notFound
        }
        let staff = try requireStaff()
        let enrolled = try await store.enrolment(sessionID: id, staffID: staff.id) != nil
        try await authorize(
            action, on: RecordFacts(responsibleStaffID: enrolled ? staff.id : nil, departmentID: row.departmentID),
            recordType: TrainingSessionKind.recordType, recordID: String(id))
        return row
    }

    /// Whether the signed-in person sees only their own enrolments (a specialist) rather than everyone's.
    var seesOnlyOwnTraining: Bool {
        guard let staff = try? requireStaff() else { return true }
        return AccessPolicy.widestScope(of: staff.role, for: .viewTraining) == .own
    }
}

struct TrainingEnrolmentDTO: Content {
    var id: Int, staffID: Int, staffName: String, attended: Bool?, scoreBefore: Double?, scoreAfter: Double?,
        scoreGain: Double?
    var rating: Int?, ratingComment: String?, isOutstanding: Bool, version: Int

    init(_ row: TrainingStore.EnrolmentRow) {
        id = row.id
        staffID = row.staffID
        staffName = row.staffName
        attended = row.attended
        scoreBefore = row.scoreBefore
        scoreAfter = row.scoreAfter
        scoreGain = TrainingEffect.scoreGain(before: row.scoreBefore, after: row.scoreAfter)
        rating = row.rating
        ratingComment = row.ratingComment
        isOutstanding = row.isOutstanding
        version = row.version
    }
}

struct TrainingSessionDTO: Content {
    var id: Int, planID: Int, planTitle: String, planYear: Int, title: String, trainer: String, area: String,
        areaLabel: String
    var method: String, methodLabel: String, scheduledOn: String, hours: Double, costYuan: Int, location: String?
    var aimedFigures: [String], state: String, stateLabel: String, heldOn: String?, supervisorNote: String?
    var enrolments: [TrainingEnrolmentDTO], version: Int

    init(_ row: TrainingStore.SessionRow, enrolments: [TrainingStore.EnrolmentRow], words: TrainingWords) {
        id = row.id
        planID = row.planID
        planTitle = row.planTitle
        planYear = row.planYear
        title = row.title
        trainer = row.trainer
        area = row.contentArea
        areaLabel = words.area(row.contentArea)
        method = row.method
        methodLabel = words.method(row.method)
        scheduledOn = row.scheduledOn
        hours = row.hours
        costYuan = row.costYuan
        location = row.location
        aimedFigures = row.aimed.map(\.rawValue)
        state = row.state
        stateLabel = words.sessionState(row.state)
        heldOn = row.heldOn
        supervisorNote = row.supervisorNote
        self.enrolments = enrolments.map(TrainingEnrolmentDTO.init)
        version = row.version
    }
}

/// A session as its plan shows it: the session and its figures, counted by the database. Its
/// enrolments are on its own endpoint, paged.
struct TrainingPlanSessionDTO: Content {
    struct Figures: Content {
        var enrolled: Int, attended: Int, rated: Int, averageRating: Double?, scored: Int, averageScoreAfter: Double?
    }
    var id: Int, title: String, trainer: String, area: String, areaLabel: String, method: String, methodLabel: String
    var scheduledOn: String, hours: Double, costYuan: Int, location: String?, aimedFigures: [String], state: String,
        stateLabel: String
    var heldOn: String?, figures: Figures, version: Int

    init(_ row: TrainingStore.SessionRow, facts: SessionFacts, words: TrainingWords) {
        id = row.id
        title = row.title
        trainer = row.trainer
        area = row.contentArea
        areaLabel = words.area(row.contentArea)
        method = row.method
        methodLabel = words.method(row.method)
        scheduledOn = row.scheduledOn
        hours = row.hours
        costYuan = row.costYuan
        location = row.location
        aimedFigures = row.aimed.map(\.rawValue)
        state = row.state
        stateLabel = words.sessionState(row.state)
        heldOn = row.heldOn
        figures = Figures(
            enrolled: facts.enrolled, attended: facts.attended, rated: facts.ratingCount,
            averageRating: facts.averageRating, scored: facts.scoreAfterCount,
            averageScoreAfter: facts.averageScoreAfter)
        version = row.version
    }
}

struct TrainingPlanDTO: Content {
    struct Totals: Content { var sessions: Int; var hours: Double; var costYuan: Int }
    struct Progress: Content {
        var due: Int, held: Int, heldOnTime: Int, cancelled: Int, quantityPercent: Double?, onTimePercent: Double?,
            hoursDone: Double, costDone: Int
        var attendancePercent: Double?, averageRating: Double?, averageScoreAfter: Double?
    }
    var id: Int, year: Int, title: String, goals: String, areas: [String], areaLabels: [String], methods: [String],
        methodLabels: [String]
    var hours: Double, budgetYuan: Int, state: String, stateLabel: String, submittedAt: Date?, decidedAt: Date?,
        decidedBy: String?
    var decisionNote: String?, createdBy: String?, totals: Totals, progress: Progress,
        sessions: [TrainingPlanSessionDTO], version: Int

    init(
        _ row: TrainingStore.PlanRow, sessions: [TrainingStore.SessionRow],
        figures: [Int: TrainingStore.SessionFigures], today: CalendarDay, words: TrainingWords
    ) {
        let facts = TrainingStore.sessionFacts(sessions, figures: figures)
        let totals = PlanTotals(facts.filter { $0.state != .cancelled })
        let progress = PlanProgress(facts, today: today)
        id = row.id
        year = row.year
        title = row.title
        goals = row.goals
        areas = row.areaList.map(\.rawValue)
        areaLabels = areas.map(words.area)
        methods = row.methodList.map(\.rawValue)
        methodLabels = methods.map(words.method)
        hours = row.hours
        budgetYuan = row.budgetYuan
        state = row.state
        stateLabel = words.planState(row.state)
        submittedAt = row.submittedAt
        decidedAt = row.decidedAt
        decidedBy = row.decidedByName
        decisionNote = row.decisionNote
        createdBy = row.createdByName
        self.totals = Totals(sessions: totals.sessions, hours: totals.hours, costYuan: totals.costYuan)
        self.progress = Progress(
            due: progress.due, held: progress.held, heldOnTime: progress.heldOnTime, cancelled: progress.cancelled,
            quantityPercent: progress.quantityPercent, onTimePercent: progress.onTimePercent,
            hoursDone: progress.hoursDone,
            costDone: progress.costDone, attendancePercent: progress.attendancePercent,
            averageRating: progress.averageRating,
            averageScoreAfter: progress.averageScoreAfter)
        self.sessions = zip(sessions, facts).map { TrainingPlanSessionDTO($0, facts: $1, words: words) }
        version = row.version
    }
}

struct TrainingEffectDTO: Content {
    struct Change: Content {
        var figure: String; var label: String; var before: Double?; var after: Double?; var delta: Double?
    }
    struct Span: Content {
        var days: Int, beforeStart: String, beforeEnd: String, afterStart: String, afterEnd: String, isComplete: Bool,
            changes: [Change]
    }
    struct Trainee: Content {
        var staffID: Int, staffName: String, scoreBefore: Double?, scoreAfter: Double?, scoreGain: Double?,
            rating: Int?, isOutstanding: Bool
        var spans: [Span]
    }
    var sessionID: Int, title: String, heldOn: String?, trainees: [Trainee]

    init(_ session: TrainingStore.SessionRow, trainees: [TrainingEffectReader.Trainee], words: TrainingWords) {
        sessionID = session.id
        title = session.title
        heldOn = session.heldOn
        self.trainees = trainees.map { trainee in
            Trainee(
                staffID: trainee.enrolment.staffID, staffName: trainee.enrolment.staffName,
                scoreBefore: trainee.enrolment.scoreBefore,
                scoreAfter: trainee.enrolment.scoreAfter, scoreGain: trainee.scoreGain,
                rating: trainee.enrolment.rating,
                isOutstanding: trainee.enrolment.isOutstanding,
                spans: trainee.spans.map { span in
                    Span(
                        days: span.days, beforeStart: span.before.start.description,
                        beforeEnd: span.before.end.description,
                        afterStart: span.after.start.description, afterEnd: span.after.end.description,
                        isComplete: span.isComplete,
                        changes: span.changes.map {
                            Change(
                                figure: $0.figure.rawValue, label: words.figure($0.figure.rawValue), before: $0.before,
                                after: $0.after, delta: $0.delta)
                        })
                })
        }
    }
}
