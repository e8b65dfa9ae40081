import Foundation
import KefuDomain
import Testing

/// R3.5 (issue 13): the complaint's state machine with its refusals, the time limits per severity on
/// the working calendar with the paused clock, and the escalation ladder with a fixed clock.
@Suite("Complaints: state machine, time limits, escalation ladder (R3.5)")
struct ComplaintRulesTests {
    static let calendar = WorkingCalendarTests.calendar
    static func at(_ text: String) -> Date { WorkingCalendarTests.at(text) }

    // MARK: State machine

    @Test("the happy path: received → in progress → waiting → in progress → resolved → closed")
    func happyPath() throws {
        var facts = ComplaintFacts(state: .received)
        facts.state = try ComplaintStateMachine.apply(.forward, to: facts).get()
        #expect(facts.state == .inProgress)
        facts.state = try ComplaintStateMachine.apply(.waitForCustomer, to: facts).get()
        #expect(facts.state == .waitingForCustomer)
        facts.state = try ComplaintStateMachine.apply(.resume, to: facts).get()
        facts.state = try ComplaintStateMachine.apply(.resolve, to: facts).get()
        #expect(facts.state == .resolved)
        facts.outcomeToldAt = Self.at("2026-12-01 10:00")
        facts.customerAccepts = true
        #expect(try ComplaintStateMachine.apply(.close, to: facts).get() == .closed)
    }

    @Test("closing is refused until the customer was told the outcome and accepts it")
    func closeRefused() {
        #expect(
            ComplaintStateMachine.apply(.close, to: ComplaintFacts(state: .inProgress))
                == .failure(.init("state", "complaint.refused.outcome_not_told")))
        #expect(
            ComplaintStateMachine.apply(.close, to: ComplaintFacts(state: .resolved))
                == .failure(.init("state", "complaint.refused.outcome_not_told")))
        let told = ComplaintFacts(state: .resolved, outcomeToldAt: Self.at("2026-12-01 10:00"))
        #expect(
            ComplaintStateMachine.apply(.close, to: told)
                == .failure(.init("acceptance", "complaint.refused.not_accepted")))
        var refused = told
        refused.customerAccepts = false
        #expect(
            ComplaintStateMachine.apply(.close, to: refused)
                == .failure(.init("acceptance", "complaint.refused.not_accepted")))
        // The customer does not accept: reopened, handled again.
        #expect(ComplaintStateMachine.apply(.reopen, to: refused) == .success(.inProgress))
    }

    @Test(
        "other refusals: a closed complaint takes no step; resolving with open forwards; resuming what is not waiting")
    func otherRefusals() {
        for step in ComplaintStep.allCases {
            #expect(
                ComplaintStateMachine.apply(step, to: ComplaintFacts(state: .closed))
                    == .failure(.init("state", "complaint.refused.closed")))
        }
        #expect(
            ComplaintStateMachine.apply(.resolve, to: ComplaintFacts(state: .inProgress, openForwards: 1))
                == .failure(.init("state", "complaint.refused.open_forwards")))
        #expect(
            ComplaintStateMachine.apply(.resume, to: ComplaintFacts(state: .inProgress))
                == .failure(.init("state", "complaint.refused.not_waiting")))
        #expect(
            ComplaintStateMachine.apply(.reopen, to: ComplaintFacts(state: .inProgress))
                == .failure(.init("state", "complaint.refused.not_resolved")))
        #expect(
            ComplaintStateMachine.apply(.start, to: ComplaintFacts(state: .inProgress))
                == .failure(.init("state", "complaint.refused.already_started")))
        #expect(
            ComplaintStateMachine.apply(.forward, to: ComplaintFacts(state: .waitingForCustomer))
                == .success(.waitingForCustomer))
    }

    // MARK: Time limits

    @Test("defaults per severity: urgent 2/4/24, major 4/8/72, normal 8/24/120")
    func defaults() {
        #expect(
            ComplaintTimeLimits.defaults(.urgent)
                == ComplaintTimeLimits(firstResponseHours: 2, updateHours: 4, resolutionHours: 24))
        #expect(
            ComplaintTimeLimits.defaults(.major)
                == ComplaintTimeLimits(firstResponseHours: 4, updateHours: 8, resolutionHours: 72))
        #expect(
            ComplaintTimeLimits.defaults(.normal)
                == ComplaintTimeLimits(firstResponseHours: 8, updateHours: 24, resolutionHours: 120))
        #expect(
            ComplaintTimeLimits(firstResponseHours: 0, updateHours: 4, resolutionHours: 24).problems.messages.keys
                .contains("first_response_hours"))
    }

    @Test("deadlines count working hours from receipt; the update clock restarts when the customer is told")
    func deadlines() throws {
        let received = Self.at("2026-11-27 17:00")  // Friday
        let facts = ComplaintClockFacts(receivedAt: received, severity: .urgent, state: .received)
        let open = ComplaintClock.openDeadlines(
            facts, limits: .defaults(.urgent), calendar: Self.calendar, now: Self.at("2026-11-30 09:30"))
        #expect(open.map(\.target) == [.firstResponse, .update, .resolution])
        #expect(open[0].dueAt == Self.at("2026-11-30 10:00"))
        #expect(open[0].usedSeconds == 1.5 * 3600)
        #expect(open[0].share == 0.75)
        var told = facts
        told.state = .inProgress
        told.firstRespondedAt = Self.at("2026-11-30 09:10")
        told.lastToldAt = Self.at("2026-11-30 11:00")
        let later = ComplaintClock.openDeadlines(
            told, limits: .defaults(.urgent), calendar: Self.calendar, now: Self.at("2026-11-30 14:00"))
        #expect(later.map(\.target) == [.update, .resolution])
        #expect(later[0].dueAt == Self.at("2026-11-30 16:30"))
        #expect(ComplaintClock.nearest(later)?.target == .update)
    }

    @Test("the clock pauses while waiting for the customer, and the pause survives a change of severity")
    func pausedClock() throws {
        let received = Self.at("2026-11-30 09:00")
        var facts = ComplaintClockFacts(
            receivedAt: received, severity: .normal, state: .waitingForCustomer, firstRespondedAt: received,
            lastToldAt: received, pauses: [TimeSpan(start: Self.at("2026-11-30 10:00"), end: nil)])
        let waiting = ComplaintClock.openDeadlines(
            facts, limits: .defaults(.normal), calendar: Self.calendar, now: Self.at("2026-12-04 10:00"))
        #expect(waiting.allSatisfy { $0.dueAt == nil })
        #expect(waiting.allSatisfy { $0.usedSeconds == 3600 })
        // Resumed on Tuesday 10:00: 7.5 working hours were paused.
        facts.state = .inProgress
        facts.pauses = [TimeSpan(start: Self.at("2026-11-30 10:00"), end: Self.at("2026-12-01 10:00"))]
        let normal = ComplaintClock.openDeadlines(
            facts, limits: .defaults(.normal), calendar: Self.calendar, now: Self.at("2026-12-01 11:00"))
        #expect(abs((normal.first { $0.target == .resolution }?.usedSeconds ?? 0) - 2 * 3600) < 0.001)
        facts.severity = .major
        let major = ComplaintClock.openDeadlines(
            facts, limits: .defaults(.major), calendar: Self.calendar, now: Self.at("2026-12-01 11:00"))
        #expect(abs((major.first { $0.target == .resolution }?.usedSeconds ?? 0) - 2 * 3600) < 0.001)
        // Major: 8 working hours to tell the customer, from Monday 09:00 with the pause → Wednesday 09:30.
        #expect(major.first { $0.target == .update }?.dueAt == Self.at("2026-12-02 09:30"))
    }

    // MARK: Escalation

    @Test("the ladder with a fixed clock: warning at 75 %, supervisor at the breach, leadership at 150 %, each once")
    func ladder() throws {
        let received = Self.at("2026-11-30 09:00")
        let facts = ComplaintClockFacts(
            receivedAt: received, severity: .normal, state: .inProgress, firstRespondedAt: received,
            lastToldAt: received)
        let limits = ComplaintTimeLimits(firstResponseHours: 8, updateHours: 4, resolutionHours: 120)
        var sent: Set<String> = []
        var log: [(String, EscalationRole)] = []
        // Every ten minutes from Monday 09:00 to Tuesday 12:00, as the scheduler would run.
        var now = received
        while now <= Self.at("2026-12-01 12:00") {
            let deadlines = ComplaintClock.openDeadlines(facts, limits: limits, calendar: Self.calendar, now: now)
            for notice in EscalationLadder.notices(
                complaintID: 7, severity: .normal, deadlines: deadlines, ladder: EscalationLevel.defaults,
                calendar: Self.calendar, now: now) where sent.insert(notice.dedupeKey).inserted
            {
                log.append((DisplayTime.text(now), notice.role))
            }
            now = now.addingTimeInterval(600)
        }
        // Update limit 4 h from 09:00: 75 % at 3 h (13:30 — lunch is not working time), breach at 14:30, 150 % at 6 h → 16:30.
        #expect(log.map(\.0) == ["2026-11-30 13:30", "2026-11-30 14:30", "2026-11-30 16:30"])
        #expect(log.map(\.1) == [.specialist, .supervisor, .leadership])
    }

    @Test("urgent and major reach the supervisor at once; nothing is sent outside working time")
    func atOnceAndWorkingTime() {
        let received = Self.at("2026-11-30 09:00")
        for severity in ComplaintSeverity.allCases {
            let notices = EscalationLadder.notices(
                complaintID: 1, severity: severity, deadlines: [], ladder: EscalationLevel.defaults,
                calendar: Self.calendar, now: received)
            #expect(notices.contains { $0.role == .supervisor } == (severity != .normal))
        }
        let night = EscalationLadder.notices(
            complaintID: 1, severity: .urgent, deadlines: [], ladder: EscalationLevel.defaults,
            calendar: Self.calendar, now: Self.at("2026-11-30 21:00"))
        #expect(night.isEmpty)
        // The notice held over the night goes out at the next working period, with the same key.
        let morning = EscalationLadder.notices(
            complaintID: 1, severity: .urgent, deadlines: [], ladder: EscalationLevel.defaults,
            calendar: Self.calendar, now: Self.at("2026-12-01 09:00"))
        #expect(morning.map(\.dedupeKey) == ["complaint:1:intake:urgent"])
    }
}

/// Wall-clock text in China time for readable expectations.
enum DisplayTime {
    static func text(_ date: Date) -> String {
        let local = Int(date.timeIntervalSince1970) + 8 * 3600
        let day = CalendarDay(date, timeZone: TimeZone(secondsFromGMT: 8 * 3600)!)
        let minutes = (local % 86_400) / 60
        return "\(day) " + String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }
}
