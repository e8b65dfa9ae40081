import Foundation

/// The steps whose times the department measures (R1.4 "流程环节用时"): each from one recorded moment to
/// the next. A step counts in the month it was completed, so a month's figure does not move once the month is over.
public enum ReportStep: String, CaseIterable, Sendable {
    /// Inquiry received → first answer.
    case inquiryToFirstAnswer = "inquiry-first-answer"
    /// The first answer that promised a reply → the reply.
    case promiseToReply = "promise-reply"
    /// The customer first marked as intent (意向) → contract signed.
    case intentToSigned = "intent-signed"
    /// Complaint received → first response.
    case complaintToFirstResponse = "complaint-first-response"
    /// Complaint received → resolved.
    case complaintToResolution = "complaint-resolution"
    /// Forwarded to a department → the department's answer.
    case forwardToAnswer = "forward-answer"
}

/// How long a step took: the number of times it was completed, the median and the 90th percentile, in hours.
public struct StepDuration: Equatable, Sendable {
    public var count: Int
    public var medianHours: Double?
    public var p90Hours: Double?

    public init(count: Int, medianHours: Double?, p90Hours: Double?) {
        self.count = count
        self.medianHours = medianHours
        self.p90Hours = p90Hours
    }
}

public enum StepTimeStatistics {
    /// The median of the values: the middle one, or the mean of the two middle ones; nil when there are none.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The nearest-rank percentile: the smallest value with at least `percent` % of the values at or below
    /// it — always a time that really occurred, which is what a supervisor can look up.
    public static func percentile(_ values: [Double], _ percent: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// Durations in seconds → the step's count, median and 90th percentile in hours (negative durations,
    /// from a clock set wrong when recording, count as zero).
    public static func summarize(seconds: [Double]) -> StepDuration {
        let sorted = seconds.map { max(0, $0) }.sorted()
        return summarize(count: sorted.count) { sorted[$0] }
    }

    /// The positions (from 0, in ascending order of the durations) the median and the 90th percentile of
    /// `count` durations are read from — all a summary that keeps counts per duration has to look up.
    public static func positions(count: Int) -> [Int] {
        guard count > 0 else { return [] }
        let middle = count / 2
        let rank = Int((90.0 / 100 * Double(count)).rounded(.up))
        return Array(Set((count % 2 == 1 ? [middle] : [middle - 1, middle]) + [min(max(rank, 1), count) - 1])).sorted()
    }

    /// The step's figures from `count` durations, given the (non-negative) seconds at the ``positions(count:)``
    /// of their ascending order: the same arithmetic as ``median(_:)`` and ``percentile(_:_:)`` on hours.
    public static func summarize(count: Int, secondsAt value: (Int) -> Double) -> StepDuration {
        guard count > 0 else { return StepDuration(count: 0, medianHours: nil, p90Hours: nil) }
        func hours(_ position: Int) -> Double { value(position) / 3_600 }
        let middle = count / 2
        let median = count % 2 == 1 ? hours(middle) : (hours(middle - 1) + hours(middle)) / 2
        let rank = Int((90.0 / 100 * Double(count)).rounded(.up))
        return StepDuration(count: count, medianHours: median, p90Hours: hours(min(max(rank, 1), count) - 1))
    }

    /// Each month of `months` with its summary; samples outside those months are left out.
    public static func monthly(_ samples: [(month: ReportMonth, seconds: Double)], months: [ReportMonth]) -> [(
        month: ReportMonth, duration: StepDuration
    )] {
        var byMonth: [ReportMonth: [Double]] = [:]
        for sample in samples { byMonth[sample.month, default: []].append(sample.seconds) }
        return months.map { ($0, summarize(seconds: byMonth[$0] ?? [])) }
    }
}

/// Weekdays and hours of the office's clock (issue 16 "咨询的星期/时段分布").
public enum LocalClock {
    /// Monday 0 … Sunday 6 of a day counted from 1970-01-01 (a Thursday).
    public static func weekday(daysSinceEpoch days: Int) -> Int {
        ((days + 3) % 7 + 7) % 7
    }
}
