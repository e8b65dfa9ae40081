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
        let hours = seconds.map { max(0, $0) / 3_600 }
        return StepDuration(count: hours.count, medianHours: median(hours), p90Hours: percentile(hours, 90))
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
