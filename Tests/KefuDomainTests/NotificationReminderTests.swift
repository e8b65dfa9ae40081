import Foundation
import KefuDomain
import Testing

/// Which reminders the scheduler sends, against fixed instants in Shanghai (S4, R3.1, R3.3).
@Suite("Reminders and delivery retries (S4, R3.1, R3.3)")
struct NotificationReminderTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    /// 2026-11-30T02:00:00Z, 10:00 in Shanghai: the promised reply's deadline and the web inquiry's arrival.
    static let deadline = Date(timeIntervalSince1970: 1_796_004_000)
    /// 2026-12-02 14:00 in Shanghai (06:00Z): a follow-up's planned time.
    static let followUpAt = Date(timeIntervalSince1970: 1_796_191_200)
    /// 2026-12-02 09:00 in Shanghai (01:00Z).
    static let nineOClock = Date(timeIntervalSince1970: 1_796_173_200)
    /// 2026-12-02 08:00 in Shanghai (00:00Z).
    static let eightOClock = Date(timeIntervalSince1970: 1_796_169_600)

    static func promise(repliedAt: Date? = nil) -> ReminderCandidate {
        ReminderCandidate(recordType: "promised_reply", recordID: 42, staffID: 7, dueAt: deadline, doneAt: repliedAt)
    }

    static func events(_ reminders: [Reminder]) -> [ReminderEvent] { reminders.map(\.event) }

    // MARK: Promised replies (R3.1)

    @Test(
        "a promised reply is due soon from exactly two hours before its deadline up to the deadline",
        arguments: [
            (-7201, nil), (-7200, .promisedReplyDueSoon), (-3600, .promisedReplyDueSoon), (0, .promisedReplyDueSoon),
            (1, .promisedReplyOverdue), (86_400, .promisedReplyOverdue),
        ] as [(TimeInterval, ReminderEvent?)])
    func promisedReplyBoundaries(offset: TimeInterval, expected: ReminderEvent?) {
        let reminders = ReminderRules.promisedReplies([Self.promise()], now: Self.deadline.addingTimeInterval(offset))
        #expect(Self.events(reminders) == (expected.map { [$0] } ?? []))
    }

    @Test("a promised reply reminds the specialist who promised it, with a key for its event and deadline")
    func promisedReplyReminder() {
        let reminders = ReminderRules.promisedReplies([Self.promise()], now: Self.deadline.addingTimeInterval(1))
        #expect(
            reminders == [
                Reminder(
                    event: .promisedReplyOverdue, recordType: "promised_reply", recordID: 42, staffID: 7,
                    dueAt: Self.deadline,
                    dedupeKey: "promised_reply.overdue:promised_reply:42:1796004000"
                )
            ])
    }

    @Test("nothing is sent once the reply was given, on time or late")
    func nothingAfterReply() {
        for repliedAt in [Self.deadline.addingTimeInterval(-3 * 3600), Self.deadline.addingTimeInterval(600)] {
            for offset: TimeInterval in [-3600, 0, 1, 86_400] {
                #expect(
                    ReminderRules.promisedReplies(
                        [Self.promise(repliedAt: repliedAt)], now: Self.deadline.addingTimeInterval(offset)
                    ).isEmpty)
            }
        }
    }

    // MARK: Follow-ups (R3.3)

    @Test(
        "a follow-up at 14:00 is reminded from 09:00 China time of its day, overdue after 14:00",
        arguments: [
            (1_796_173_199, nil), (1_796_173_200, .followUpDue), (1_796_191_200, .followUpDue),
            (1_796_191_201, .followUpOverdue),
            (1_796_086_800, nil),
        ] as [(TimeInterval, ReminderEvent?)])
    func followUpBoundaries(now: TimeInterval, expected: ReminderEvent?) {
        let candidate = ReminderCandidate(recordType: "follow_up", recordID: 9, staffID: 3, dueAt: Self.followUpAt)
        let reminders = ReminderRules.followUps(
            [candidate], now: Date(timeIntervalSince1970: now), timeZone: Self.shanghai)
        #expect(Self.events(reminders) == (expected.map { [$0] } ?? []))
    }

    @Test("a follow-up planned for 08:00 is reminded from 08:00, not only after it is missed")
    func earlyFollowUp() {
        let candidate = ReminderCandidate(recordType: "follow_up", recordID: 10, staffID: 3, dueAt: Self.eightOClock)
        #expect(
            ReminderRules.followUpReminderMoment(dueAt: Self.eightOClock, timeZone: Self.shanghai) == Self.eightOClock)
        #expect(
            ReminderRules.followUpReminderMoment(dueAt: Self.followUpAt, timeZone: Self.shanghai) == Self.nineOClock)
        #expect(
            ReminderRules.followUps([candidate], now: Self.eightOClock.addingTimeInterval(-1), timeZone: Self.shanghai)
                .isEmpty)
        #expect(
            Self.events(ReminderRules.followUps([candidate], now: Self.eightOClock, timeZone: Self.shanghai)) == [
                .followUpDue
            ])
        #expect(
            Self.events(
                ReminderRules.followUps(
                    [candidate], now: Self.eightOClock.addingTimeInterval(1), timeZone: Self.shanghai))
                == [.followUpOverdue])
    }

    @Test("09:00 is the office's 09:00: the same follow-up reminds eight hours later when the office is in UTC")
    func reminderMomentFollowsTimeZone() {
        let evening = Date(timeIntervalSince1970: 1_796_212_800)  // 2026-12-02T12:00:00Z, 20:00 in Shanghai.
        #expect(ReminderRules.followUpReminderMoment(dueAt: evening, timeZone: Self.shanghai) == Self.nineOClock)
        #expect(
            ReminderRules.followUpReminderMoment(dueAt: evening, timeZone: TimeZone(identifier: "UTC")!)
                == Self.nineOClock.addingTimeInterval(8 * 3600))
    }

    @Test(
        "the scan's horizon for due reminders: every planned time up to it has begun its reminder, none after it",
        arguments: [
            1_796_169_599, 1_796_169_600, 1_796_173_199, 1_796_173_200, 1_796_191_200, 1_796_230_799,
        ] as [TimeInterval])
    func followUpDueHorizon(now: TimeInterval) {
        let now = Date(timeIntervalSince1970: now)
        let horizon = ReminderRules.followUpDueHorizon(now: now, timeZone: Self.shanghai)
        // Planned times from now to two days ahead, every quarter of an hour and at the edges.
        let planned =
            stride(from: 0.0, through: 2 * 86_400, by: 900).map { now.addingTimeInterval($0) } + [
                horizon, horizon.addingTimeInterval(1),
            ]
        for dueAt in planned {
            let begun = ReminderRules.followUpReminderMoment(dueAt: dueAt, timeZone: Self.shanghai) <= now
            let midnight = dueAt == horizon && dueAt > now
            #expect(begun == (dueAt <= horizon && !midnight), "planned \(dueAt), now \(now), horizon \(horizon)")
        }
        // From 09:00 the horizon is the day's end (midnight after 2026-12-02 in Shanghai); before, now itself.
        #expect(
            ReminderRules.followUpDueHorizon(now: Self.nineOClock, timeZone: Self.shanghai)
                == Date(timeIntervalSince1970: 1_796_227_200))
        #expect(ReminderRules.followUpDueHorizon(now: Self.eightOClock, timeZone: Self.shanghai) == Self.eightOClock)
    }

    @Test("a completed follow-up reminds no more, and each open one gets its own reminder")
    func completedFollowUps() {
        let done = ReminderCandidate(
            recordType: "follow_up", recordID: 11, staffID: 3, dueAt: Self.followUpAt, doneAt: Self.nineOClock)
        let open = ReminderCandidate(recordType: "follow_up", recordID: 12, staffID: 4, dueAt: Self.eightOClock)
        let reminders = ReminderRules.followUps([done, open], now: Self.followUpAt, timeZone: Self.shanghai)
        #expect(reminders.map(\.recordID) == [12])
        #expect(reminders.map(\.dedupeKey) == ["follow_up.overdue:follow_up:12:1796169600"])
    }

    // MARK: Web inquiries (R3.1)

    @Test("a web inquiry waiting unassigned reminds at 30 minutes, not before, not once assigned")
    func webInquiryWaiting() {
        let waiting = ReminderCandidate(recordType: "inquiry", recordID: 5, dueAt: Self.deadline)
        #expect(ReminderRules.webInquiries([waiting], now: Self.deadline.addingTimeInterval(1799)).isEmpty)
        #expect(
            ReminderRules.webInquiries([waiting], now: Self.deadline.addingTimeInterval(1800)) == [
                Reminder(
                    event: .webInquiryWaiting, recordType: "inquiry", recordID: 5, staffID: nil, dueAt: Self.deadline,
                    dedupeKey: "web_inquiry.waiting:inquiry:5:1796004000"
                )
            ])
        let assigned = ReminderCandidate(
            recordType: "inquiry", recordID: 5, dueAt: Self.deadline, doneAt: Self.deadline.addingTimeInterval(600))
        #expect(ReminderRules.webInquiries([assigned], now: Self.deadline.addingTimeInterval(3600)).isEmpty)
    }

    // MARK: Deduplication (S4)

    @Test("the dedupe key is stable minute after minute and changes when the deadline moves")
    func dedupeKeys() {
        let key = ReminderRules.dedupeKey(
            event: .promisedReplyOverdue, recordType: "promised_reply", recordID: 42, dueAt: Self.deadline)
        #expect(key == "promised_reply.overdue:promised_reply:42:1796004000")
        let minuteAfterMinute = [60.0, 120, 3600].flatMap {
            ReminderRules.promisedReplies([Self.promise()], now: Self.deadline.addingTimeInterval($0)).map(\.dedupeKey)
        }
        #expect(minuteAfterMinute == [key, key, key])
        let moved = ReminderRules.dedupeKey(
            event: .promisedReplyOverdue, recordType: "promised_reply", recordID: 42,
            dueAt: Self.deadline.addingTimeInterval(86_400)
        )
        #expect(moved == "promised_reply.overdue:promised_reply:42:1796090400")
        #expect(
            ReminderRules.dedupeKey(
                event: .promisedReplyDueSoon, recordType: "promised_reply", recordID: 42, dueAt: Self.deadline)
                == "promised_reply.due_soon:promised_reply:42:1796004000")
        #expect(
            ReminderRules.dedupeKey(
                event: .promisedReplyOverdue, recordType: "promised_reply", recordID: 43, dueAt: Self.deadline) != key)
    }

    @Test("the server looks two hours and a day ahead, which covers every reminder rule")
    func lookAhead() {
        #expect(ReminderRules.lookAhead == 93_600)
        let latestOfDay = Date(timeIntervalSince1970: 1_796_227_199)
        let moment = ReminderRules.followUpReminderMoment(dueAt: latestOfDay, timeZone: Self.shanghai)
        #expect(moment == Self.nineOClock)
        #expect(latestOfDay.timeIntervalSince(moment) <= ReminderRules.lookAhead)
    }

    // MARK: Webhook delivery retries (S4)

    @Test("failed deliveries wait 30 s, 2 min, 10 min, 30 min, 2 h, then give up after the sixth attempt")
    func retryDelays() {
        #expect(DeliveryRetry.maximumAttempts == 6)
        #expect((1...7).map { DeliveryRetry.delay(afterFailedAttempts: $0) } == [30, 120, 600, 1800, 7200, nil, nil])
        #expect(DeliveryRetry.delay(afterFailedAttempts: 0) == 0)
    }

    @Test(
        "throttling, server errors and transport errors are retried; success and other client errors are not",
        arguments: [
            (200, false), (204, false), (301, false), (400, false), (404, false), (408, false), (429, true),
            (500, true),
            (503, true), (599, true), (nil, true),
        ] as [(Int?, Bool)])
    func retryStatuses(status: Int?, retried: Bool) {
        #expect(DeliveryRetry.shouldRetry(status: status) == retried)
    }
}
